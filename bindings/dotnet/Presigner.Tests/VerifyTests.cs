using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text;
using System.Threading;

namespace Presigning.Tests
{
    /// <summary>Server-side verification: the AWS suite's signed requests, URLs presigned here and
    /// their forgeries, every verification code, lookups, HttpRequestMessage, threads.</summary>
    public static class VerifyTests
    {
        private static Keyring DocKeys() { return new Keyring().Add(Fixtures.DocAccessKey, Fixtures.DocSecret); }

        private static VerifyOptions At(DateTimeOffset now) { return new VerifyOptions { Now = now }; }

        private static string Hex(byte[] b)
        {
            var sb = new StringBuilder();
            foreach (byte x in b) sb.Append(x.ToString("x2"));
            return sb.ToString();
        }

        private static string Sha256Hex(byte[] b)
        {
            using (var sha = SHA256.Create()) return Hex(sha.ComputeHash(b));
        }

        /// <summary>A raw signed request of the suite: method, https URL (Host + raw target), headers (folded lines joined).</summary>
        private static void ParseRaw(string raw, out string method, out string url, out List<KeyValuePair<string, string>> headers)
        {
            string head = raw.Split(new[] { "\n\n" }, StringSplitOptions.None)[0];
            string[] lines = head.Split('\n');
            string first = lines[0];
            method = first.Substring(0, first.IndexOf(' '));
            string target = first.Substring(first.IndexOf(' ') + 1, first.LastIndexOf(' ') - first.IndexOf(' ') - 1);
            headers = new List<KeyValuePair<string, string>>();
            for (int i = 1; i < lines.Length; i++)
            {
                string line = lines[i];
                if (line.Length == 0) continue;
                if (line[0] == ' ' || line[0] == '\t')
                {
                    var last = headers[headers.Count - 1];
                    headers[headers.Count - 1] = new KeyValuePair<string, string>(last.Key, last.Value + " " + line.Trim());
                }
                else
                {
                    int c = line.IndexOf(':');
                    headers.Add(new KeyValuePair<string, string>(line.Substring(0, c), line.Substring(c + 1)));
                }
            }
            string host = headers.First(h => h.Key.Equals("host", StringComparison.OrdinalIgnoreCase)).Value.Trim();
            url = "https://" + host + target;
        }

        [Case]
        public static void SuiteCasesVerifyWithTheRightSecretOnly()
        {
            object doc = MiniJson.Parse(File.ReadAllText(Path.Combine(Fixtures.RepoRoot(), "tests", "vectors", "sigv4.json"), Encoding.UTF8));
            int checkedCases = 0;
            foreach (object c in J.A(doc, "signing_suite"))
            {
                string name = J.S(c, "name");
                object st = J.O(c, "settings");
                object cr = J.O(c, "credentials");
                string akid = J.S(cr, "access_key_id");
                byte[] body = Convert.FromBase64String(J.S(c, "body_base64"));
                long t = J.L(c, "unix_time").Value;
                Func<string, VerifyOptions> opts = hash => new VerifyOptions
                {
                    Now = DateTimeOffset.FromUnixTimeSeconds(t + 1),
                    Settings = new SigningSettings
                    {
                        NormalizePath = J.B(st, "normalize_path"), DoubleEncode = J.B(st, "double_encode"),
                        OmitSessionToken = J.B(st, "omit_session_token"), PayloadHash = hash,
                    },
                };
                using (var right = new Keyring().Add(akid, J.S(cr, "secret_access_key")))
                using (var wrong = new Keyring().Add(akid, "not-the-secret"))
                {
                    // query mode
                    string method, url;
                    List<KeyValuePair<string, string>> headers;
                    ParseRaw(J.S(J.O(J.O(c, "expected"), "query"), "signed_request"), out method, out url, out headers);
                    VerifyOptions q = opts(J.B(st, "sign_body") ? Sha256Hex(body) : null);
                    Verified v = Verifier.VerifyPresigned(method, url, headers, right, q);
                    Check.Equal(akid, v.AccessKeyId, name + ": access key id");
                    Check.Equal(J.S(c, "region"), v.Region, name + ": region");
                    Check.Equal(J.S(c, "service"), v.Service, name + ": service");
                    Check.Equal(t, v.SignedAt.ToUnixTimeSeconds(), name + ": signed at");
                    Check.Equal(J.L(c, "expires_in").Value, (long)(v.ExpiresAt - v.SignedAt).TotalSeconds, name + ": expires at");
                    Check.True(v.SignedHeaders.Contains("host"), name + ": host signed");
                    Check.Code(PresignerErrorCode.SignatureMismatch, () => Verifier.VerifyPresigned(method, url, headers, wrong, q), name + ": wrong secret (query)");
                    // header mode
                    ParseRaw(J.S(J.O(J.O(c, "expected"), "header"), "signed_request"), out method, out url, out headers);
                    VerifyOptions h = opts(null);
                    v = Verifier.VerifyRequest(method, url, headers, Sha256Hex(body), right, h);
                    Check.Equal(akid, v.AccessKeyId, name + ": access key id (header)");
                    Check.Code(PresignerErrorCode.SignatureMismatch, () => Verifier.VerifyRequest(method, url, headers, Sha256Hex(body), wrong, h), name + ": wrong secret (header)");
                }
                checkedCases++;
            }
            Check.Equal(38, checkedCases, "suite cases");
        }

        [Case]
        public static void PresignedHereVerifiesAndEachForgeryIsRejected()
        {
            var now = Fixtures.DocNow;
            using (var s3 = Fixtures.DocS3())
            using (var keys = DocKeys())
            {
                var po = new PresignOptions { Now = now, ExpiresIn = TimeSpan.FromHours(1) };
                po.Headers.Add("x-amz-meta-owner", "alice");
                PresignedRequest r = s3.Presign(HttpMethod.Put, "examplebucket", "dir/a b+é.txt", po);
                var headers = new List<KeyValuePair<string, string>> { new KeyValuePair<string, string>("X-Amz-Meta-Owner", "alice") };
                var at = At(now.AddMinutes(30));
                at.Region = "us-east-1";
                at.Service = "s3";
                Verified v = Verifier.VerifyPresigned("PUT", r.UrlString, headers, keys, at);
                Check.Equal(Fixtures.DocAccessKey, v.AccessKeyId, "access key id");
                Check.Equal("host;x-amz-meta-owner", string.Join(";", v.SignedHeaders), "signed headers");
                Check.Equal(r.SignedAt, v.SignedAt, "signed at");
                Check.Equal(r.ExpiresAt, v.ExpiresAt, "expires at");
                string url = r.UrlString;
                string sig = r.Signature;
                string forgedSig = sig.Substring(0, 63) + (sig[63] == '0' ? '1' : '0');
                Check.Code(PresignerErrorCode.SignatureMismatch, () => Verifier.VerifyPresigned("PUT", url.Replace(sig, forgedSig), headers, keys, at), "signature");
                Check.Code(PresignerErrorCode.SignatureMismatch, () => Verifier.VerifyPresigned("PUT", url.Replace("/dir/", "/dix/"), headers, keys, at), "path");
                Check.Code(PresignerErrorCode.SignatureMismatch, () => Verifier.VerifyPresigned("PUT", url.Replace("X-Amz-Expires=3600", "X-Amz-Expires=7200"), headers, keys, at), "expiry");
                Check.Code(PresignerErrorCode.SignatureMismatch, () => Verifier.VerifyPresigned("GET", url, headers, keys, at), "method");
                Check.Code(PresignerErrorCode.SignatureMismatch, () => Verifier.VerifyPresigned("PUT", url, new[] { new KeyValuePair<string, string>("x-amz-meta-owner", "mallory") }, keys, at), "signed header value");
                // time boundaries
                Check.Equal("PUT", Verifier.VerifyPresigned("PUT", url, headers, keys, At(now.AddSeconds(3599))).AccessKeyId == Fixtures.DocAccessKey ? "PUT" : "?", "valid one second before expiry");
                Check.Code(PresignerErrorCode.RequestExpired, () => Verifier.VerifyPresigned("PUT", url, headers, keys, At(now.AddSeconds(3600))), "at expiry");
                Verifier.VerifyPresigned("PUT", url, headers, keys, At(now.AddSeconds(-900)));
                Check.Code(PresignerErrorCode.RequestNotYetValid, () => Verifier.VerifyPresigned("PUT", url, headers, keys, At(now.AddSeconds(-901))), "beyond the skew");
                Verifier.VerifyPresigned("PUT", url, headers, keys, new VerifyOptions { Now = now.AddSeconds(-60), MaxSkew = TimeSpan.FromSeconds(60) });
                Check.Code(PresignerErrorCode.RequestNotYetValid, () => Verifier.VerifyPresigned("PUT", url, headers, keys, new VerifyOptions { Now = now.AddSeconds(-61), MaxSkew = TimeSpan.FromSeconds(60) }), "beyond a 60 s skew");
            }
        }

        [Case]
        public static void EveryVerificationCode()
        {
            string url = Fixtures.DocUrl;
            var now = Fixtures.DocNow;
            using (var keys = DocKeys())
            using (var empty = new Keyring())
            using (var tokenKeys = new Keyring().Add(Fixtures.DocAccessKey, Fixtures.DocSecret, "TOKEN"))
            using (var wrong = new Keyring().Add(Fixtures.DocAccessKey, "wrong"))
            {
                Check.Equal(Fixtures.DocAccessKey, Verifier.VerifyPresigned("GET", url, null, keys, At(now)).AccessKeyId, "the documented URL verifies");
                var cases = new List<Tuple<PresignerErrorCode, Action, string>>
                {
                    Tuple.Create<PresignerErrorCode, Action, string>(PresignerErrorCode.UnsupportedAlgorithm,
                        () => Verifier.VerifyPresigned("GET", url.Replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA1"), null, keys, At(now)), "algorithm"),
                    Tuple.Create<PresignerErrorCode, Action, string>(PresignerErrorCode.MalformedRequest,
                        () => Verifier.VerifyPresigned("GET", url.Substring(0, url.IndexOf("&X-Amz-Signature=")), null, keys, At(now)), "no signature"),
                    Tuple.Create<PresignerErrorCode, Action, string>(PresignerErrorCode.MalformedRequest,
                        () => Verifier.VerifyPresigned("GET", "https://examplebucket.s3.amazonaws.com/test.txt", null, keys, At(now)), "no auth parameters"),
                    Tuple.Create<PresignerErrorCode, Action, string>(PresignerErrorCode.InvalidCredentialScope,
                        () => Verifier.VerifyPresigned("GET", url.Replace("%2F20130524%2F", "%2F20130525%2F"), null, keys, At(now)), "scope date"),
                    Tuple.Create<PresignerErrorCode, Action, string>(PresignerErrorCode.ScopeMismatch,
                        () => Verifier.VerifyPresigned("GET", url, null, keys, new VerifyOptions { Now = now, Region = "eu-west-1" }), "region"),
                    Tuple.Create<PresignerErrorCode, Action, string>(PresignerErrorCode.ScopeMismatch,
                        () => Verifier.VerifyPresigned("GET", url, null, keys, new VerifyOptions { Now = now, Service = "sts" }), "service"),
                    Tuple.Create<PresignerErrorCode, Action, string>(PresignerErrorCode.DuplicateParameter,
                        () => Verifier.VerifyPresigned("GET", url + "&X-Amz-Date=20130524T000000Z", null, keys, At(now)), "duplicate X-Amz-Date"),
                    Tuple.Create<PresignerErrorCode, Action, string>(PresignerErrorCode.MissingSignedHeader,
                        () => Verifier.VerifyPresigned("GET", url.Replace("X-Amz-SignedHeaders=host", "X-Amz-SignedHeaders=x-amz-meta-a"), null, keys, At(now)), "host not signed"),
                    Tuple.Create<PresignerErrorCode, Action, string>(PresignerErrorCode.MissingSignedHeader,
                        () => Verifier.VerifyPresigned("GET", url.Replace("X-Amz-SignedHeaders=host", "X-Amz-SignedHeaders=host%3Bx-amz-meta-a"), null, keys, At(now)), "signed header absent"),
                    Tuple.Create<PresignerErrorCode, Action, string>(PresignerErrorCode.UnknownAccessKey,
                        () => Verifier.VerifyPresigned("GET", url, null, empty, At(now)), "unknown key"),
                    Tuple.Create<PresignerErrorCode, Action, string>(PresignerErrorCode.InvalidSessionToken,
                        () => Verifier.VerifyPresigned("GET", url, null, tokenKeys, At(now)), "token required"),
                    Tuple.Create<PresignerErrorCode, Action, string>(PresignerErrorCode.RequestExpired,
                        () => Verifier.VerifyPresigned("GET", url, null, keys, At(now.AddDays(1))), "expired"),
                    Tuple.Create<PresignerErrorCode, Action, string>(PresignerErrorCode.RequestNotYetValid,
                        () => Verifier.VerifyPresigned("GET", url, null, keys, At(now.AddHours(-1))), "not yet valid"),
                    Tuple.Create<PresignerErrorCode, Action, string>(PresignerErrorCode.SignatureMismatch,
                        () => Verifier.VerifyPresigned("GET", url, null, wrong, At(now)), "wrong secret"),
                };
                var seen = new HashSet<PresignerErrorCode>();
                foreach (var c in cases)
                {
                    PresignerException e = Check.Code(c.Item1, c.Item2, c.Item3);
                    Check.True(e.IsVerificationFailure, c.Item3 + ": IsVerificationFailure");
                    seen.Add(c.Item1);
                }
                Check.Equal(11, seen.Count, "every verification code provoked");
                for (int code = 18; code <= 28; code++) Check.True(seen.Contains((PresignerErrorCode)code), "code " + code + " provoked");
                // header auth: a missing Authorization header is malformed, a session token not the keyring's is rejected
                Check.Code(PresignerErrorCode.MalformedRequest, () => Verifier.VerifyRequest("GET", "https://example.amazonaws.com/", null, null, keys, At(now)), "no Authorization");
                // not verification failures
                var opt = Check.Code(PresignerErrorCode.InvalidOption, () => Verifier.VerifyPresigned("GET", url, null, keys, new VerifyOptions { Now = now, MaxSkew = TimeSpan.FromDays(8) }), "skew of 8 days");
                Check.True(!opt.IsVerificationFailure, "InvalidOption is not a verification failure");
                Check.Code(PresignerErrorCode.InvalidCredentials, () => new Keyring().Add("", "secret"), "empty access key id");
            }
        }

        [Case]
        public static void SessionTokensAndCredentials()
        {
            var now = Fixtures.DocNow;
            using (var creds = new Credentials(Fixtures.DocAccessKey, Fixtures.DocSecret, "TOKEN"))
            using (var s3 = new S3Presigner(new S3PresignerOptions { Region = "us-east-1", Credentials = creds }))
            using (var keys = new Keyring().Add(creds))
            using (var other = new Keyring().Add(Fixtures.DocAccessKey, Fixtures.DocSecret, "OTHER"))
            using (var any = DocKeys())
            {
                Check.Equal(1, keys.Count, "count");
                string url = s3.PresignGet("examplebucket", "k", new PresignOptions { Now = now }).UrlString;
                Check.Equal(Fixtures.DocAccessKey, Verifier.VerifyPresigned("GET", url, null, keys, At(now)).AccessKeyId, "token matches");
                Check.Code(PresignerErrorCode.InvalidSessionToken, () => Verifier.VerifyPresigned("GET", url, null, other, At(now)), "another token");
                Verifier.VerifyPresigned("GET", url, null, any, At(now)); // no token required by the keyring
                keys.Add(Fixtures.DocAccessKey, "replaced");
                Check.Equal(1, keys.Count, "replaced, not added");
                Check.Code(PresignerErrorCode.SignatureMismatch, () => Verifier.VerifyPresigned("GET", url, null, keys, At(now)), "replaced secret");
            }
        }

        [Case]
        public static void LookupFunction()
        {
            var now = Fixtures.DocNow;
            int calls = 0;
            KeyLookup lookup = (string id, out string secret, out string token) =>
            {
                Interlocked.Increment(ref calls);
                token = null;
                secret = id == Fixtures.DocAccessKey ? Fixtures.DocSecret : null;
                if (id == "AKIDTHROWS") throw new InvalidOperationException("database down");
                return secret != null;
            };
            using (var keys = new Keyring(lookup))
            {
                Check.Equal(0, keys.Count, "a lookup holds no ids");
                Check.Equal(Fixtures.DocAccessKey, Verifier.VerifyPresigned("GET", Fixtures.DocUrl, null, keys, At(now)).AccessKeyId, "found by the lookup");
                Check.True(calls >= 1, "lookup called");
                Check.Code(PresignerErrorCode.UnknownAccessKey, () => Verifier.VerifyPresigned("GET", Fixtures.DocUrl.Replace(Fixtures.DocAccessKey, "AKIDUNKNOWN"), null, keys, At(now)), "a miss");
                var e = Check.Throws<InvalidOperationException>(() => Verifier.VerifyPresigned("GET", Fixtures.DocUrl.Replace(Fixtures.DocAccessKey, "AKIDTHROWS"), null, keys, At(now)), "the lookup's exception propagates");
                Check.Equal("database down", e.Message, "its message");
                // the next call on this thread is not affected
                Check.Equal(Fixtures.DocAccessKey, Verifier.VerifyPresigned("GET", Fixtures.DocUrl, null, keys, At(now)).AccessKeyId, "after an exception");
                keys.Add("AKIDHELD", "s");
                Check.Equal(1, keys.Count, "held ids besides the lookup");
            }
            Check.Throws<ArgumentNullException>(() => new Keyring(null), "null lookup");
        }

        [Case]
        public static void HttpRequestMessageOverloads()
        {
            var now = Fixtures.DocNow;
            using (var s3 = Fixtures.DocS3())
            using (var keys = DocKeys())
            using (var creds = Fixtures.DocCredentials())
            {
                Verified v = Verifier.VerifyPresigned(new HttpRequestMessage(HttpMethod.Get, Fixtures.DocUrl), keys, At(now));
                Check.Equal("us-east-1", v.Region, "documented URL as a message");
                // A key whose escapes System.Uri would rewrite: OriginalString keeps them as sent.
                string url = s3.PresignGet("examplebucket", "a%2Fb/[c] é", new PresignOptions { Now = now }).UrlString;
                Verifier.VerifyPresigned(new HttpRequestMessage(HttpMethod.Get, url), keys, At(now));
                Check.Code(PresignerErrorCode.SignatureMismatch,
                    () => Verifier.VerifyPresigned(new HttpRequestMessage(HttpMethod.Put, url), keys, At(now)), "another method");
                // header auth round trip through SignRequest(HttpRequestMessage)
                var req = new HttpRequestMessage(HttpMethod.Get, "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15");
                req.Headers.TryAddWithoutValidation("X-Custom", "1");
                Presigner.SignRequest(req, creds, new SigningOptions { Region = "us-east-1", Service = "sts", Now = now });
                string emptySha = Sha256Hex(new byte[0]);
                v = Verifier.VerifyRequest(req, emptySha, keys, new VerifyOptions { Now = now, Service = "sts" });
                Check.Equal("sts", v.Service, "header auth service");
                Check.Equal(now.AddMinutes(15), v.ExpiresAt, "header auth: valid until X-Amz-Date + skew");
                Check.Code(PresignerErrorCode.SignatureMismatch, () => Verifier.VerifyRequest(req, Sha256Hex(new byte[] { 1 }), keys, At(now)), "another body");
                Check.Code(PresignerErrorCode.RequestExpired, () => Verifier.VerifyRequest(req, emptySha, keys, At(now.AddMinutes(16))), "header auth too old");
            }
        }

        [Case]
        public static void ArgumentsAreCheckedInManagedCode()
        {
            var now = Fixtures.DocNow;
            Keyring keys = DocKeys();
            string url = Fixtures.DocUrl;
            Check.Throws<ArgumentNullException>(() => Verifier.VerifyPresigned(null, url, null, keys, At(now)), "null method");
            Check.Throws<ArgumentNullException>(() => Verifier.VerifyPresigned("GET", null, null, keys, At(now)), "null url");
            Check.Throws<ArgumentNullException>(() => Verifier.VerifyPresigned("GET", url, null, null, At(now)), "null keyring");
            Check.Throws<ArgumentNullException>(() => Verifier.VerifyPresigned("GET", url, new[] { new KeyValuePair<string, string>("a", null) }, keys, At(now)), "null header value");
            Check.Throws<ArgumentNullException>(() => Verifier.VerifyPresigned((HttpRequestMessage)null, keys), "null message");
            Check.Throws<ArgumentException>(() => Verifier.VerifyPresigned(new HttpRequestMessage(HttpMethod.Get, new Uri("a/relative", UriKind.Relative)), keys), "relative URI");
            Check.Throws<ArgumentException>(() => Verifier.VerifyPresigned("GET", url + "\ud800", null, keys, At(now)), "lone surrogate");
            Check.Throws<ArgumentOutOfRangeException>(() => Verifier.VerifyPresigned("GET", url, null, keys, new VerifyOptions { MaxSkew = TimeSpan.FromMilliseconds(1500) }), "fractional skew");
            Check.Throws<ArgumentNullException>(() => keys.Add((string)null, "s"), "null access key id");
            Check.Throws<ArgumentNullException>(() => keys.Add((Credentials)null), "null credentials");
            // null options: the clock (the documented URL of 2013 has long expired)
            Check.Code(PresignerErrorCode.RequestExpired, () => Verifier.VerifyPresigned("GET", url, null, keys), "the system clock by default");
            keys.Dispose();
            keys.Dispose();
            Check.Throws<ObjectDisposedException>(() => Verifier.VerifyPresigned("GET", url, null, keys, At(now)), "disposed keyring");
            Check.Throws<ObjectDisposedException>(() => keys.Add("a", "b"), "add after dispose");
        }

        [Case]
        public static void SixteenThreadsShareOneKeyring()
        {
            var now = Fixtures.DocNow;
            using (var s3 = Fixtures.DocS3())
            using (var keys = DocKeys())
            {
                var urls = Enumerable.Range(0, 64).Select(i => s3.PresignGet("examplebucket", "key-" + i, new PresignOptions { Now = now }).UrlString).ToArray();
                var failures = new List<string>();
                var opts = At(now);
                var threads = Enumerable.Range(0, 16).Select(t => new Thread(() =>
                {
                    try
                    {
                        for (int round = 0; round < 20; round++)
                        {
                            foreach (string u in urls)
                            {
                                Verified v = Verifier.VerifyPresigned("GET", u, null, keys, opts);
                                if (v.AccessKeyId != Fixtures.DocAccessKey) throw new Exception("wrong id " + v.AccessKeyId);
                                string forged = u.Replace("key-", "kex-");
                                try
                                {
                                    Verifier.VerifyPresigned("GET", forged, null, keys, opts);
                                    throw new Exception("forgery accepted: " + forged);
                                }
                                catch (PresignerException e)
                                {
                                    if (e.Code != PresignerErrorCode.SignatureMismatch || string.IsNullOrEmpty(e.Message))
                                        throw new Exception("thread " + t + ": " + e.Code + " " + e.Message);
                                }
                            }
                        }
                    }
                    catch (Exception e)
                    {
                        lock (failures) failures.Add(e.Message);
                    }
                })).ToList();
                threads.ForEach(th => th.Start());
                threads.ForEach(th => th.Join());
                Check.Equal(0, failures.Count, "thread failures: " + string.Join("; ", failures.Take(3)));
            }
        }
    }
}
