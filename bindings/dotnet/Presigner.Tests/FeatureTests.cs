using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;

namespace Presigning.Tests
{
    /// <summary>The API surface: results, options, PresignMany, SignRequest, Uri caveat, threads.</summary>
    public static class FeatureTests
    {
        [Case]
        public static void DocumentationExample()
        {
            using (var s3 = Fixtures.DocS3())
            {
                PresignedRequest r = s3.PresignGet("examplebucket", "test.txt", new PresignOptions { ExpiresIn = TimeSpan.FromDays(1), Now = Fixtures.DocNow });
                Check.Equal(Fixtures.DocUrl, r.UrlString, "url");
                Check.Equal(Fixtures.DocUrl, r.Url.AbsoluteUri, "Uri of a plain key is unchanged");
                Check.Equal("GET", r.Method, "method");
                Check.Equal(Fixtures.DocNow, r.SignedAt, "signed at");
                Check.Equal(Fixtures.DocNow.AddDays(1), r.ExpiresAt, "expires at");
                Check.Equal("host", string.Join(";", r.SignedHeaders), "signed headers");
                Check.Equal(0, r.Headers.Count, "no headers to send");
                Check.Equal("aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404", r.Signature, "signature");
                Check.Equal(Fixtures.DocUrl, s3.PresignGetUrl("examplebucket", "test.txt", new PresignOptions { ExpiresInSeconds = 86400, Now = Fixtures.DocNow }), "PresignGetUrl");
                Check.True(Presigner.Version.Length > 0, "version");
            }
        }

        [Case]
        public static void ReusedOptionsFollowEveryChange()
        {
            // The native options handle is cached per PresignOptions; every change must still count.
            using (var s3 = Fixtures.DocS3())
            {
                var o = new PresignOptions { Now = Fixtures.DocNow };
                Func<PresignOptions> fresh = () =>
                {
                    var f = new PresignOptions { Now = o.Now, ExpiresIn = o.ExpiresIn, VersionId = o.VersionId, ResponseContentType = o.ResponseContentType };
                    f.Headers.AddRange(o.Headers);
                    f.Query.AddRange(o.Query);
                    return f;
                };
                var seen = new HashSet<string>();
                Action<string> same = what =>
                {
                    string a = s3.PresignGetUrl("examplebucket", "k", o), b = s3.PresignGetUrl("examplebucket", "k", fresh());
                    Check.Equal(b, a, what);
                    Check.Equal(b, s3.Presign("GET", "examplebucket", "k", o).UrlString, what + " (Presign)");
                    Check.Equal(b, s3.PresignMany(HttpMethod.Get, "examplebucket", new[] { "k" }, o)[0], what + " (PresignMany)");
                    Check.True(seen.Add(a), what + ": the URL changed");
                };
                same("initial");
                o.Now = Fixtures.DocNow.AddSeconds(1);
                same("Now");
                o.ExpiresIn = TimeSpan.FromMinutes(5);
                same("ExpiresIn");
                o.Headers.Add("x-amz-meta-a", "b");
                same("header added");
                o.Headers[0] = new KeyValuePair<string, string>("x-amz-meta-a", "c");
                same("header value replaced");
                o.Query.Add("partNumber", "1");
                same("query added");
                o.VersionId = "v1";
                same("VersionId");
                o.ResponseContentType = "text/plain";
                same("ResponseContentType");
                o.Headers.Clear();
                same("headers cleared");
                o.Now = null;
                Check.True(s3.PresignGetUrl("examplebucket", "k", o).Contains("X-Amz-Date="), "system clock");
            }
        }

        [Case]
        public static void OptionsPutAndPresignMany()
        {
            using (var creds = Fixtures.DocCredentials())
            using (var s3 = new S3Presigner(new S3PresignerOptions { Region = "eu-west-1", Credentials = creds, EndpointUrl = "http://127.0.0.1:9000", AddressingStyle = AddressingStyle.Path }))
            {
                var o = new PresignOptions
                {
                    Now = Fixtures.DocNow, ExpiresIn = TimeSpan.FromMinutes(15), VersionId = "v1", ResponseCacheControl = "no-cache",
                    Headers = { { "X-Amz-Meta-A", "b" } }, Query = { { "partNumber", "2" } },
                };
                PresignedRequest r = s3.PresignPut("my-bucket", "a b+c.txt", "text/plain", o);
                Check.True(r.UrlString.StartsWith("http://127.0.0.1:9000/my-bucket/a%20b%2Bc.txt?"), "path style, encoded key: " + r.UrlString);
                foreach (string part in new[] { "X-Amz-Expires=900", "versionId=v1", "response-cache-control=no-cache", "partNumber=2" })
                    Check.True(r.UrlString.Contains(part), part + " in " + r.UrlString);
                Check.Equal("text/plain", r.Headers["content-type"], "Content-Type to send (case-insensitive lookup)");
                Check.Equal("b", r.Headers["X-Amz-Meta-A"], "meta header to send");
                Check.Equal("content-type;host;x-amz-meta-a", string.Join(";", r.SignedHeaders), "signed headers");
                Check.Equal("PUT", r.Method, "method");
                Check.Equal(1, o.Headers.Count, "PresignPut leaves the caller's options alone");

                IReadOnlyList<string> urls = s3.PresignMany(HttpMethod.Get, "my-bucket", new[] { "a", "b", "c/d" }, new PresignOptions { Now = Fixtures.DocNow });
                Check.Equal(3, urls.Count, "three URLs");
                Check.True(urls[2].Contains("/my-bucket/c/d?"), urls[2]);
                Check.Equal(s3.PresignGet("my-bucket", "b", new PresignOptions { Now = Fixtures.DocNow }).UrlString, urls[1], "same as one by one");
                Check.Equal(0, s3.PresignMany(HttpMethod.Get, "my-bucket", new string[0], new PresignOptions { Now = Fixtures.DocNow }).Count, "no keys");
                Check.Code(PresignerErrorCode.InvalidKey, () => s3.PresignMany(HttpMethod.Get, "my-bucket", new[] { "a", "" }, new PresignOptions { Now = Fixtures.DocNow }), "stops at an invalid key");
            }
            using (var shortCreds = new Credentials(Fixtures.DocAccessKey, Fixtures.DocSecret, "T", Fixtures.DocNow.AddMinutes(10)))
            using (var cl = new S3Presigner(new S3PresignerOptions { Region = "us-west-2", Credentials = shortCreds, ExpiryPolicy = ExpiryPolicy.Clamp, Dualstack = true, AddressingStyle = AddressingStyle.Virtual }))
            {
                PresignedRequest r = cl.PresignGet("bkt", "k", new PresignOptions { Now = Fixtures.DocNow });
                Check.Equal(Fixtures.DocNow.AddMinutes(10), r.ExpiresAt, "clamped");
                Check.True(r.UrlString.Contains("bkt.s3.dualstack.us-west-2.amazonaws.com"), r.UrlString);
                Check.True(r.UrlString.Contains("X-Amz-Security-Token=T"), "token in URL");
                Check.True(!shortCreds.ToString().Contains(Fixtures.DocSecret) && shortCreds.ToString().Contains("***"), "ToString hides the secret: " + shortCreds);
            }
        }

        [Case]
        public static void PresignUrlAndSignRequest()
        {
            using (var creds = new Credentials(Fixtures.DocAccessKey, Fixtures.DocSecret, "TOKEN"))
            {
                var o = new PresignUrlOptions { Region = "us-east-1", Service = "sts", Now = Fixtures.DocNow, ExpiresIn = TimeSpan.FromSeconds(60) };
                PresignedRequest r = Presigner.PresignUrl("GET", "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15", creds, o);
                Check.True(r.UrlString.StartsWith("https://sts.amazonaws.com/?Action=GetCallerIdentity&"), r.UrlString);
                Check.True(r.UrlString.Contains("X-Amz-Expires=60"), r.UrlString);
                o.Settings = new SigningSettings { OmitSessionToken = true };
                PresignedRequest omitted = Presigner.PresignUrl("GET", "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15", creds, o);
                Check.True(!omitted.CanonicalRequest.Contains("X-Amz-Security-Token") && omitted.UrlString.Contains("X-Amz-Security-Token=TOKEN"), "token added after signing");

                var req = new HttpRequestMessage(HttpMethod.Get, "https://examplebucket.s3.amazonaws.com/test.txt");
                req.Headers.TryAddWithoutValidation("Range", "bytes=0-9");
                SignedRequest s = Presigner.SignRequest(req, creds, new SigningOptions { Region = "us-east-1", Service = "s3", Now = Fixtures.DocNow });
                Check.Equal(s.Authorization, req.Headers.GetValues("Authorization").Single(), "Authorization added");
                Check.Equal("TOKEN", req.Headers.GetValues("X-Amz-Security-Token").Single(), "token added");
                string sent = req.Headers.GetValues("x-amz-content-sha256").Single();
                Check.True(s.CanonicalRequest.EndsWith("\n" + sent), "x-amz-content-sha256 added, equal to the signed payload hash: " + sent);
                Check.Equal("20130524T000000Z", req.Headers.GetValues("X-Amz-Date").Single(), "date added");
                Check.True(s.SignedHeaders.Contains("range"), "Range signed");
                // signing again replaces the headers instead of adding a second value
                Presigner.SignRequest(req, creds, new SigningOptions { Region = "us-east-1", Service = "s3", Now = Fixtures.DocNow, Settings = SigningSettings.S3() });
                Check.Equal("UNSIGNED-PAYLOAD", req.Headers.GetValues("x-amz-content-sha256").Single(), "the S3 settings sign UNSIGNED-PAYLOAD");
                Check.Equal(1, req.Headers.GetValues("Authorization").Count(), "one Authorization after re-signing");

                var post = new HttpRequestMessage(HttpMethod.Post, "https://sts.amazonaws.com/");
                byte[] body = System.Text.Encoding.UTF8.GetBytes("Action=GetCallerIdentity&Version=2011-06-15");
                post.Content = new ByteArrayContent(body);
                post.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-www-form-urlencoded");
                SignedRequest ps = Presigner.SignRequest(post, creds, new SigningOptions { Region = "us-east-1", Service = "sts", Now = Fixtures.DocNow }, body);
                Check.True(ps.SignedHeaders.Contains("content-type"), "content headers are signed: " + string.Join(";", ps.SignedHeaders));
                string bodyHash;
                using (var sha = System.Security.Cryptography.SHA256.Create())
                    bodyHash = string.Concat(sha.ComputeHash(body).Select(b => b.ToString("x2")));
                Check.True(ps.CanonicalRequest.EndsWith("\n" + bodyHash), "the body's SHA-256 is the payload hash: " + ps.CanonicalRequest);
            }
        }

        [Case]
        public static void UriRewritesSomeKeysUrlStringDoesNot()
        {
            // System.Uri removes dot segments of http(s) paths and its ToString() unescapes: the
            // rewritten URL no longer matches the signature. UrlString is always what was signed.
            using (var s3 = Fixtures.DocS3())
            {
                var o = new PresignOptions { Now = Fixtures.DocNow };
                PresignedRequest dots = s3.PresignGet("examplebucket", "a/../b", o);
                Check.True(dots.UrlString.StartsWith("https://examplebucket.s3.amazonaws.com/a/../b?"), "signed as given: " + dots.UrlString);
                Check.Equal("/b", dots.Url.AbsolutePath, "Uri removes the dot segment");
                Check.True(dots.Url.AbsoluteUri != dots.UrlString, "so Url differs from UrlString");

                PresignedRequest dot = s3.PresignGet("examplebucket", "a/./b", o);
                Check.Equal("/a/b", dot.Url.AbsolutePath, "Uri removes '.'");

                PresignedRequest slashes = s3.PresignGet("examplebucket", "a//b", o);
                Check.True(slashes.UrlString.Contains("/a//b?"), "signed with //");
                Check.Equal("/a//b", slashes.Url.AbsolutePath, "Uri keeps '//'");
                Check.Equal(slashes.UrlString, slashes.Url.AbsoluteUri, "AbsoluteUri unchanged for //");

                PresignedRequest space = s3.PresignGet("examplebucket", "a b", o);
                Check.Equal(space.UrlString, space.Url.AbsoluteUri, "AbsoluteUri keeps %20");
                Check.True(space.Url.ToString().Contains("/a b?"), "Uri.ToString() unescapes %20: " + space.Url);

                PresignedRequest pct = s3.PresignGet("examplebucket", "100%/x", o);
                Check.True(pct.UrlString.Contains("/100%25/x?"), "percent sign encoded: " + pct.UrlString);
                Check.Equal(pct.UrlString, pct.Url.AbsoluteUri, "AbsoluteUri keeps %25");
            }
        }

        [Case]
        public static void SixteenThreadsMatchSingleThreaded()
        {
            const int threads = 16, perThread = 200;
            using (var s3 = Fixtures.DocS3())
            {
                var keys = Enumerable.Range(0, perThread).Select(i => "dir " + i + "/file-" + i + "-ü.txt").ToArray();
                var o = new PresignOptions { Now = Fixtures.DocNow, ExpiresIn = TimeSpan.FromMinutes(5), Headers = { { "x-amz-meta-n", "1" } } };
                var expected = keys.Select(k => s3.PresignGet("examplebucket", k, o).UrlString).ToArray();
                var failures = new List<string>();
                var start = new ManualResetEvent(false);
                var workers = new Thread[threads];
                for (int t = 0; t < threads; t++)
                {
                    int id = t;
                    workers[t] = new Thread(() =>
                    {
                        start.WaitOne();
                        try
                        {
                            for (int i = 0; i < perThread; i++)
                            {
                                int k = (i + id * 13) % perThread;
                                string got = (i % 2 == 0)
                                    ? s3.PresignGet("examplebucket", keys[k], o).UrlString
                                    : s3.PresignMany(HttpMethod.Get, "examplebucket", new[] { keys[k] }, o)[0];
                                if (got != expected[k]) lock (failures) failures.Add("thread " + id + " key " + k + ": " + got);
                                if (i % 25 == 0)
                                {
                                    // the thread-local message belongs to this thread's own failure
                                    string bucket = "Bad_" + id + "_" + i;
                                    try { s3.PresignGet(bucket, "k", o); lock (failures) failures.Add("no error"); }
                                    catch (PresignerException e)
                                    {
                                        if (e.Code != PresignerErrorCode.InvalidBucket || !e.Message.Contains("\"" + bucket + "\""))
                                            lock (failures) failures.Add("thread " + id + ": foreign message " + e.Message);
                                    }
                                }
                            }
                        }
                        catch (Exception e)
                        {
                            lock (failures) failures.Add("thread " + id + ": " + e);
                        }
                    });
                    workers[t].Start();
                }
                start.Set();
                foreach (var w in workers) w.Join();
                Check.True(failures.Count == 0, failures.Count + " mismatches, first: " + failures.FirstOrDefault());
            }
        }
    }
}
