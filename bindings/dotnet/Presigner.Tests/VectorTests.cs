using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text;

namespace Presigning.Tests
{
    /// <summary>Every case of tests/vectors/sigv4.json through the C# API: exact canonical request,
    /// string-to-sign and signature (and URL where the case has one).</summary>
    public static class VectorTests
    {
        private const string EmptySha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

        /// <summary>The runner sees every case of the file (38 x 2 + 34 + 7 documented).</summary>
        [Case]
        public static void VectorCount()
        {
            Check.Equal(117, System.Linq.Enumerable.Count(Cases()), "vector cases");
        }

        /// <summary>One named case per vector and mode; the runner counts each.</summary>
        public static IEnumerable<KeyValuePair<string, Action>> Cases()
        {
            object doc = MiniJson.Parse(File.ReadAllText(Path.Combine(Fixtures.RepoRoot(), "tests", "vectors", "sigv4.json"), Encoding.UTF8));
            foreach (object c in J.A(doc, "signing_suite"))
            {
                object cc = c;
                yield return Named(cc, "query", () => Suite(cc, "query"));
                yield return Named(cc, "header", () => Suite(cc, "header"));
            }
            foreach (object c in J.A(doc, "legacy_suite"))
            {
                object cc = c;
                yield return Named(cc, "header", () => Suite(cc, "header"));
            }
            foreach (object c in J.A(doc, "documented"))
            {
                object cc = c;
                string kind = J.S(cc, "kind");
                if (kind == "s3-post-policy" || kind == "signing-key") continue; // not part of this API
                yield return new KeyValuePair<string, Action>("vector " + J.S(cc, "name"), () => Documented(cc));
            }
        }

        private static KeyValuePair<string, Action> Named(object c, string mode, Action a)
        {
            return new KeyValuePair<string, Action>("vector " + J.S(c, "name") + " [" + mode + "]", a);
        }

        private static void Expect(string name, string cr, string sts, string sig, object e)
        {
            Check.Equal(J.S(e, "canonical_request"), cr, name + ": canonical request");
            Check.Equal(J.S(e, "string_to_sign"), sts, name + ": string to sign");
            Check.Equal(J.S(e, "signature"), sig, name + ": signature");
        }

        private static string Hex(byte[] b)
        {
            var sb = new StringBuilder();
            foreach (byte x in b) sb.Append(x.ToString("x2"));
            return sb.ToString();
        }

        private static void Suite(object c, string mode)
        {
            object cr = J.O(c, "credentials");
            object st = J.O(c, "settings");
            using (var creds = new Credentials(J.S(cr, "access_key_id"), J.S(cr, "secret_access_key"), J.S(cr, "session_token")))
            {
                byte[] body = Convert.FromBase64String(J.S(c, "body_base64"));
                var settings = new SigningSettings
                {
                    NormalizePath = J.B(st, "normalize_path"),
                    DoubleEncode = J.B(st, "double_encode"),
                    ContentSha256Header = J.B(st, "content_sha256_header"),
                    OmitSessionToken = J.B(st, "omit_session_token"),
                };
                var headers = new NameValueList();
                foreach (object h in J.A(c, "headers"))
                {
                    var pair = (List<object>)h;
                    headers.Add((string)pair[0], (string)pair[1]);
                }
                DateTimeOffset now = DateTimeOffset.FromUnixTimeSeconds(J.L(c, "unix_time").Value);
                object e = J.O(J.O(c, "expected"), mode);
                string name = J.S(c, "name") + " [" + mode + "]";
                if (mode == "query")
                {
                    if (J.B(st, "sign_body"))
                        using (var sha = SHA256.Create()) settings.PayloadHash = Hex(sha.ComputeHash(body));
                    var o = new PresignUrlOptions
                    {
                        Region = J.S(c, "region"), Service = J.S(c, "service"), Now = now, Settings = settings,
                        ExpiresIn = TimeSpan.FromSeconds(J.L(c, "expires_in").Value),
                    };
                    o.Headers.AddRange(headers);
                    PresignedRequest r = Presigner.PresignUrl(J.S(c, "method"), J.S(c, "url"), creds, o);
                    Expect(name, r.CanonicalRequest, r.StringToSign, r.Signature, e);
                    Check.True(r.UrlString.EndsWith("X-Amz-Signature=" + r.Signature) || r.UrlString.Contains("X-Amz-Signature=" + r.Signature + "&"), name + ": signature in URL");
                    return;
                }
                if (!J.B(st, "sign_body")) settings.PayloadHash = EmptySha;
                // The suite's URLs are raw (spaces, UTF-8, dot segments): the string overload signs
                // them byte for byte, which HttpRequestMessage (System.Uri) could not.
                SignedRequest s = Presigner.SignRequest(J.S(c, "method"), J.S(c, "url"), headers, body, creds,
                    new SigningOptions { Region = J.S(c, "region"), Service = J.S(c, "service"), Now = now, Settings = settings });
                Expect(name, s.CanonicalRequest, s.StringToSign, s.Signature, e);
                if (J.Has(e, "authorization")) Check.Equal(J.S(e, "authorization"), s.Authorization, name + ": authorization");
            }
        }

        private static void Documented(object c)
        {
            object i = J.O(c, "inputs");
            object e = J.O(c, "expected");
            string name = J.S(c, "name");
            string kind = J.S(c, "kind");
            using (var creds = new Credentials(J.S(i, "access_key"), J.S(i, "secret_key"), J.S(i, "session_token")))
            {
                if (kind == "s3-presign")
                {
                    var so = new S3PresignerOptions { Region = J.S(i, "region"), Credentials = creds, EndpointUrl = J.S(i, "endpoint") };
                    string style = J.S(i, "addressing_style");
                    if (style != null) so.AddressingStyle = (AddressingStyle)Enum.Parse(typeof(AddressingStyle), style, true);
                    var po = new PresignOptions { ExpiresInSeconds = (int)J.L(i, "expires").Value, Now = DateTimeOffset.Parse(J.S(i, "now")) };
                    foreach (var kv in J.O(i, "headers")) po.Headers.Add(kv.Key, (string)kv.Value);
                    foreach (var kv in J.O(i, "query")) po.Query.Add(kv.Key, (string)kv.Value);
                    using (var s3 = new S3Presigner(so))
                    {
                        PresignedRequest r = s3.Presign(new HttpMethod(J.S(i, "method")), J.S(i, "bucket"), J.S(i, "key"), po);
                        Expect(name, r.CanonicalRequest, r.StringToSign, r.Signature, e);
                        Check.Equal(J.S(e, "url"), r.UrlString, name + ": url");
                        Check.Equal(string.Join(";", J.A(e, "signed_headers")), string.Join(";", r.SignedHeaders), name + ": signed headers");
                    }
                }
                else if (kind == "sigv4-presign")
                {
                    var o = new PresignUrlOptions
                    {
                        Region = J.S(i, "region"), Service = J.S(i, "service"),
                        ExpiresIn = TimeSpan.FromSeconds(J.L(i, "expires").Value), Now = DateTimeOffset.Parse(J.S(i, "now")),
                    };
                    foreach (object q in J.A(i, "query")) o.Query.Add((string)((List<object>)q)[0], (string)((List<object>)q)[1]);
                    foreach (var kv in J.O(i, "headers")) o.Headers.Add(kv.Key, (string)kv.Value);
                    PresignedRequest r = Presigner.PresignUrl(J.S(i, "method"), J.S(i, "endpoint") + J.S(i, "path"), creds, o);
                    Expect(name, r.CanonicalRequest, r.StringToSign, r.Signature, e);
                    Check.Equal(J.S(e, "url"), r.UrlString, name + ": url");
                }
                else if (kind == "s3-header-auth" || kind == "sigv4-header-auth")
                {
                    var hs = J.O(i, "headers");
                    string url = "https://" + (string)hs["host"] + J.S(i, "canonical_uri");
                    if (!string.IsNullOrEmpty(J.S(i, "canonical_query"))) url += "?" + J.S(i, "canonical_query");
                    var st = kind == "s3-header-auth" ? SigningSettings.S3() : SigningSettings.Generic();
                    st.PayloadHash = J.S(i, "payload_hash");
                    var now = DateTimeOffset.ParseExact(J.S(i, "amz_date"), "yyyyMMdd'T'HHmmss'Z'", null,
                        System.Globalization.DateTimeStyles.AssumeUniversal);
                    var so = new SigningOptions { Region = J.S(i, "region"), Service = J.S(i, "service"), Now = now, Settings = st };
                    var headers = new NameValueList();
                    foreach (var kv in hs)
                        if (kv.Key != "host" && kv.Key != "x-amz-date" && kv.Key != "x-amz-content-sha256")
                            headers.Add(kv.Key, (string)kv.Value);
                    SignedRequest s = Presigner.SignRequest(J.S(i, "method"), url, headers, null, creds, so);
                    Expect(name, s.CanonicalRequest, s.StringToSign, s.Signature, e);
                    // The same through HttpRequestMessage, signed in place (when the headers are
                    // request headers; Content-Type would need a body).
                    var req = new HttpRequestMessage(new HttpMethod(J.S(i, "method")), url);
                    bool all = true;
                    foreach (var kv in headers) all &= req.Headers.TryAddWithoutValidation(kv.Key, kv.Value);
                    if (all)
                    {
                        SignedRequest m = Presigner.SignRequest(req, creds, so);
                        Check.Equal(s.Signature, m.Signature, name + ": HttpRequestMessage signature");
                        Check.Equal(s.Authorization, string.Join(",", req.Headers.GetValues("Authorization")), name + ": Authorization header added");
                    }
                }
                else
                {
                    throw new CheckFailed(name + ": unknown kind " + kind);
                }
            }
        }
    }
}
