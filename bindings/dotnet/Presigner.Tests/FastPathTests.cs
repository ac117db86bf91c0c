using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text;
using System.Threading;

namespace Presigning.Tests
{
    /// <summary>
    /// The per-call paths (PresignGetUrl, Presign): arguments encoded into per-thread buffers by
    /// the package's own UTF-8 encoder, URLs and results written by the library into per-thread
    /// buffers that grow on BUFFER_TOO_SMALL, and every field but the URL decoded on first use.
    /// </summary>
    public static class FastPathTests
    {
        private static readonly DateTimeOffset Now = Fixtures.DocNow;

        // S3 key encoding as the core does it: unreserved bytes and '/' as is, the rest %XX.
        private static string S3Path(string key)
        {
            var sb = new StringBuilder();
            foreach (byte b in new UTF8Encoding(false, true).GetBytes(key))
            {
                char c = (char)b;
                if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~' || c == '/')
                    sb.Append(c);
                else
                    sb.Append('%').Append(((int)b).ToString("X2"));
            }
            return sb.ToString();
        }

        private static string PathOf(string url)
        {
            int start = url.IndexOf('/', "https://".Length);
            return url.Substring(start, url.IndexOf('?') - start);
        }

        // Keys whose UTF-8 needs more than the first guesses of the per-thread buffers (512
        // argument bytes, 1 KiB URL, 2 KiB serialized result) up to the core's 1024-byte limit.
        private static string[] Keys()
        {
            return new[]
            {
                "k",
                "reports/2024 Q1.pdf",
                "données/été/résumé final.txt",
                "日本語/ファイル 名.png",
                "emoji/😀 smile 🎉.gif",
                "a+b=c&d/e f!*'().bin",
                new string('a', 1024),                                        // 1024 bytes, URL > 1 KiB
                string.Concat(Enumerable.Repeat("日本", 170)),                 // 1020 bytes, URL ~3 KiB
                string.Concat(Enumerable.Repeat("😀", 256)),                   // 1024 bytes (surrogate pairs)
                "x/" + string.Concat(Enumerable.Repeat("é/", 300)),          // mixed 2-byte runs
            };
        }

        [Case]
        public static void EncoderMatchesStrictUtf8()
        {
            using (var s3 = Fixtures.DocS3())
            {
                var o = new PresignOptions { Now = Now };
                var rnd = new Random(7);
                var keys = new List<string>(Keys());
                for (int n = 0; n < 300; n++)
                {
                    // random valid UTF-16: ASCII, 2- and 3-byte BMP, surrogate pairs, in runs of every length mod 4
                    var sb = new StringBuilder();
                    int len = 1 + rnd.Next(60);
                    while (sb.Length < len)
                    {
                        switch (rnd.Next(5))
                        {
                            case 0: case 1: sb.Append((char)rnd.Next(0x20, 0x7F)); break;
                            case 2: sb.Append((char)rnd.Next(0x80, 0x800)); break;
                            case 3: sb.Append((char)rnd.Next(0xE000, 0x10000)); break;
                            default: sb.Append(char.ConvertFromUtf32(rnd.Next(0x10000, 0x110000))); break;
                        }
                    }
                    keys.Add(sb.ToString());
                }
                foreach (string key in keys)
                {
                    string url = s3.PresignGetUrl("examplebucket", key, o);
                    Check.Equal(S3Path("/" + key), PathOf(url), "path of " + key.Length + "-char key");
                    Check.Equal(url, s3.PresignGet("examplebucket", key, o).UrlString, "PresignGet of the same key");
                }
            }
        }

        [Case]
        public static void LoneSurrogatesAreArgumentExceptions()
        {
            using (var s3 = Fixtures.DocS3())
            {
                var o = new PresignOptions { Now = Now };
                foreach (string bad in new[] { "\uD800", "a\uD83D", "\uDE00b", "a\uD83D\uD83Db", "\uDE00\uD83D", new string('x', 700) + "\uDBFF" })
                {
                    Check.Equal("key", Check.Throws<ArgumentException>(() => s3.PresignGetUrl("examplebucket", bad, o), "PresignGetUrl key").ParamName, "param");
                    Check.Equal("bucket", Check.Throws<ArgumentException>(() => s3.PresignGetUrl(bad, "k", o), "PresignGetUrl bucket").ParamName, "param");
                    Check.Equal("key", Check.Throws<ArgumentException>(() => s3.Presign("PUT", "examplebucket", bad, o), "Presign key").ParamName, "param");
                    Check.Equal("method", Check.Throws<ArgumentException>(() => s3.Presign(bad, "examplebucket", "k", o), "Presign method").ParamName, "param");
                }
                // after a failure in the middle of encoding, the thread's buffers still work
                Check.Equal(s3.PresignGet("examplebucket", "k", o).UrlString, s3.PresignGetUrl("examplebucket", "k", o), "after errors");
            }
        }

        [Case]
        public static void LongKeysAndTokensGrowTheBuffers()
        {
            var o = new PresignOptions { Now = Now, ExpiresIn = TimeSpan.FromMinutes(10) };
            var put = new PresignOptions { Now = Now, Headers = { { "Content-Type", "image/png" }, { "x-amz-meta-note", new string('n', 3000) } } };
            // tokens: under every first guess, over them, and over the size a thread keeps (32 KiB)
            foreach (int tokenLength in new[] { 0, 100, 3000, 40000 })
            {
                string token = tokenLength == 0 ? null : new string('T', tokenLength - 1) + "=";
                using (var c = new Credentials(Fixtures.DocAccessKey, Fixtures.DocSecret, token))
                using (var s3 = new S3Presigner(new S3PresignerOptions { Region = "us-east-1", Credentials = c }))
                {
                    foreach (string key in Keys())
                    {
                        string what = "token " + tokenLength + ", key of " + key.Length + " chars";
                        string url = s3.PresignGetUrl("examplebucket", key, o);
                        PresignedRequest full = s3.PresignGet("examplebucket", key, o);
                        Check.Equal(full.UrlString, url, what + ": PresignGetUrl = PresignGet");
                        Check.Equal(url, s3.PresignMany(HttpMethod.Get, "examplebucket", new[] { key }, o)[0], what + ": = PresignMany");
                        Check.True(tokenLength == 0 || url.Contains("X-Amz-Security-Token=" + new string('T', tokenLength - 1) + "%3D"), what + ": token in the URL");
                        Check.Equal(S3Path("/" + key), PathOf(url), what + ": path");
                        CheckConsistent(full, "GET", what);
                        PresignedRequest p = s3.Presign("PUT", "examplebucket", key, put);
                        CheckConsistent(p, "PUT", what + " PUT");
                        Check.Equal(new string('n', 3000), p.Headers["X-Amz-Meta-Note"], what + ": long header value");
                        // the same request again, through the buffers grown by the first one
                        Check.Equal(p.UrlString, s3.Presign("PUT", "examplebucket", key, put).UrlString, what + ": PUT again");
                    }
                }
            }
        }

        /// <summary>Every lazily decoded field agrees with the URL and with the others.</summary>
        private static void CheckConsistent(PresignedRequest r, string method, string what)
        {
            string url = r.UrlString;
            Check.Equal(method, r.Method, what + ": Method");
            Check.True(url.EndsWith("X-Amz-Signature=" + r.Signature, StringComparison.Ordinal) || url.Contains("X-Amz-Signature=" + r.Signature + "&"), what + ": Signature in the URL");
            Check.Equal(64, r.Signature.Length, what + ": hex signature");
            string[] cr = r.CanonicalRequest.Split('\n');
            Check.Equal(method, cr[0], what + ": canonical request method");
            Check.Equal(PathOf(url), cr[1], what + ": canonical path");
            Check.Equal(string.Join(";", r.SignedHeaders), cr[cr.Length - 2], what + ": SignedHeaders = the canonical request's");
            foreach (var h in r.Headers)
                Check.True(Array.IndexOf(cr, h.Key.ToLowerInvariant() + ":" + h.Value.Trim()) >= 0, what + ": header " + h.Key + " in the canonical request");
            Check.Equal(r.SignedHeaders.Count, r.Headers.Count + 1, what + ": headers + host");
            string[] sts = r.StringToSign.Split('\n');
            Check.Equal("AWS4-HMAC-SHA256", sts[0], what + ": algorithm");
            Check.Equal(r.SignedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'"), sts[1], what + ": SignedAt");
            using (var sha = SHA256.Create())
            {
                string hex = string.Concat(sha.ComputeHash(Encoding.UTF8.GetBytes(r.CanonicalRequest)).Select(b => b.ToString("x2")));
                Check.Equal(hex, sts[3], what + ": hash of the canonical request");
            }
            Check.True(r.ExpiresAt > r.SignedAt, what + ": ExpiresAt");
            Check.True(url.Contains("X-Amz-Expires=" + (long)(r.ExpiresAt - r.SignedAt).TotalSeconds + "&"), what + ": X-Amz-Expires");
        }

        private static string[] Snapshot(PresignedRequest r, bool reverse)
        {
            var fields = new Func<string>[]
            {
                () => r.UrlString, () => r.Method, () => r.Signature, () => r.CanonicalRequest, () => r.StringToSign,
                () => string.Join(",", r.Headers.Select(h => h.Key + "=" + h.Value)), () => string.Join(";", r.SignedHeaders),
                () => r.SignedAt.ToUnixTimeSeconds().ToString(), () => r.ExpiresAt.ToUnixTimeSeconds().ToString(),
                () => r.Url.AbsoluteUri, () => r.Headers.Count + "," + r.Headers.ContainsKey("content-type") + "," + r.Headers.Keys.Count(),
            };
            var values = new string[fields.Length];
            for (int j = 0; j < fields.Length; j++)
            {
                int i = reverse ? fields.Length - 1 - j : j;
                values[i] = fields[i]();
            }
            return values;
        }

        [Case]
        public static void LazyFieldsAreTheSameInAnyOrderAndOnAnyThread()
        {
            using (var s3 = Fixtures.DocS3())
            {
                var put = new PresignOptions { Now = Now, Headers = { { "Content-Type", "text/plain" }, { "x-amz-meta-a", " b  c " } }, Query = { { "partNumber", "3" } } };
                foreach (string key in Keys())
                {
                    string[] forward = Snapshot(s3.Presign("PUT", "examplebucket", key, put), false);
                    string[] backward = Snapshot(s3.Presign("PUT", "examplebucket", key, put), true);
                    for (int i = 0; i < forward.Length; i++) Check.Equal(forward[i], backward[i], "field " + i + " read first vs last");
                    // many threads reading one fresh request at the same time, each in its own order
                    PresignedRequest shared = s3.Presign("PUT", "examplebucket", key, put);
                    var results = new string[8][];
                    var start = new ManualResetEvent(false);
                    var threads = Enumerable.Range(0, results.Length).Select(t => new Thread(() =>
                    {
                        start.WaitOne();
                        results[t] = Snapshot(shared, t % 2 == 1);
                    })).ToList();
                    threads.ForEach(t => t.Start());
                    start.Set();
                    threads.ForEach(t => t.Join());
                    foreach (var got in results)
                        for (int i = 0; i < forward.Length; i++) Check.Equal(forward[i], got[i], "field " + i + " read concurrently");
                    Check.True(ReferenceEquals(shared.CanonicalRequest, shared.CanonicalRequest), "decoded once, then kept");
                }
            }
        }

        [Case]
        public static void PerThreadBuffersUnderSixteenThreads()
        {
            // Every thread mixes short keys, keys that grow its buffers and huge tokens (buffers
            // not kept), through PresignGetUrl, Presign and PresignMany; each result must equal
            // the single-threaded one.
            const int threads = 16, rounds = 60;
            using (var c = new Credentials(Fixtures.DocAccessKey, Fixtures.DocSecret, new string('Z', 40000)))
            using (var big = new S3Presigner(new S3PresignerOptions { Region = "us-east-1", Credentials = c }))
            using (var s3 = Fixtures.DocS3())
            {
                string[] keys = Keys().Concat(Enumerable.Range(0, 20).Select(i => "dir " + i + "/f-" + new string('q', i * 50) + "-ü")).ToArray();
                var o = new PresignOptions { Now = Now, ExpiresIn = TimeSpan.FromMinutes(5) };
                var put = new PresignOptions { Now = Now, Headers = { { "Content-Type", "image/jpeg" }, { "x-amz-meta-owner", "alice" } } };
                var expGet = keys.Select(k => s3.PresignGetUrl("examplebucket", k, o)).ToArray();
                var expBig = keys.Select(k => big.PresignGetUrl("examplebucket", k, o)).ToArray();
                var expPut = keys.Select(k => Snapshot(s3.Presign("PUT", "examplebucket", k, put), false)).ToArray();
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
                            for (int i = 0; i < rounds; i++)
                            {
                                int k = (i * 7 + id * 13) % keys.Length;
                                string what = "thread " + id + " round " + i + " key " + k;
                                switch ((i + id) % 4)
                                {
                                    case 0:
                                        if (s3.PresignGetUrl("examplebucket", keys[k], o) != expGet[k]) lock (failures) failures.Add(what + ": GET");
                                        break;
                                    case 1:
                                        if (big.PresignGetUrl("examplebucket", keys[k], o) != expBig[k]) lock (failures) failures.Add(what + ": GET with a 40 kB token");
                                        break;
                                    case 2:
                                        string[] got = Snapshot(s3.Presign("PUT", "examplebucket", keys[k], put), id % 2 == 0);
                                        if (!got.SequenceEqual(expPut[k])) lock (failures) failures.Add(what + ": PUT fields");
                                        break;
                                    default:
                                        if (s3.PresignMany(HttpMethod.Get, "examplebucket", new[] { keys[k] }, o)[0] != expGet[k]) lock (failures) failures.Add(what + ": PresignMany");
                                        break;
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

        [Case]
        public static void GetUrlOptionsAndErrors()
        {
            using (var s3 = Fixtures.DocS3())
            {
                // scalars only (no options handle) and every kind of request setting (with one)
                var plain = new PresignOptions { Now = Now, ExpiresIn = TimeSpan.FromSeconds(604800) };
                var rich = new PresignOptions
                {
                    Now = Now, ExpiresIn = TimeSpan.FromSeconds(60), VersionId = "v 1", ResponseContentType = "text/plain",
                    ResponseContentDisposition = "attachment; filename=\"a b.txt\"", ResponseCacheControl = "no-cache",
                    Headers = { { "x-amz-meta-a", "1" } }, Query = { { "partNumber", "2" }, { "uploadId", "u/1" } },
                };
                foreach (var o in new[] { plain, rich })
                    Check.Equal(s3.PresignGet("examplebucket", "a b", o).UrlString, s3.PresignGetUrl("examplebucket", "a b", o), "PresignGetUrl = PresignGet");
                // one options object changed property by property: the cached handle must follow each change
                var changing = new PresignOptions { Now = Now };
                var setters = new Action<PresignOptions>[]
                {
                    x => x.VersionId = "v2", x => x.ResponseContentType = "a/b", x => x.ResponseContentDisposition = "inline",
                    x => x.ResponseContentLanguage = "fr", x => x.ResponseContentEncoding = "gzip", x => x.ResponseCacheControl = "max-age=1",
                    x => x.ResponseExpires = "0", x => x.ExpiresInSeconds = 77, x => x.Now = Now.AddSeconds(5), x => x.Headers.Add("x-amz-meta-z", "1"),
                    x => x.Query.Add("q", "1"), x => x.VersionId = null, x => x.ResponseExpires = null,
                };
                var fresh = new PresignOptions { Now = Now };
                var urls = new HashSet<string> { s3.Presign("PUT", "examplebucket", "k", changing).UrlString };
                foreach (var set in setters)
                {
                    set(changing);
                    set(fresh);
                    var copy = new PresignOptions
                    {
                        Now = fresh.Now, ExpiresIn = fresh.ExpiresIn, VersionId = fresh.VersionId, ResponseContentType = fresh.ResponseContentType,
                        ResponseContentDisposition = fresh.ResponseContentDisposition, ResponseContentLanguage = fresh.ResponseContentLanguage,
                        ResponseContentEncoding = fresh.ResponseContentEncoding, ResponseCacheControl = fresh.ResponseCacheControl, ResponseExpires = fresh.ResponseExpires,
                    };
                    copy.Headers.AddRange(fresh.Headers);
                    copy.Query.AddRange(fresh.Query);
                    string expected = s3.Presign("PUT", "examplebucket", "k", copy).UrlString;
                    Check.Equal(expected, s3.Presign("PUT", "examplebucket", "k", changing).UrlString, "after set " + urls.Count + " (Presign)");
                    Check.Equal(s3.PresignGetUrl("examplebucket", "k", copy), s3.PresignGetUrl("examplebucket", "k", changing), "after set " + urls.Count + " (PresignGetUrl)");
                    Check.True(urls.Add(expected), "set " + urls.Count + " changed the URL");
                }
                Check.True(s3.PresignGetUrl("examplebucket", "k").Contains("X-Amz-Expires=3600&"), "no options: one hour");
                Check.True(s3.PresignGetUrl("examplebucket", "k", new PresignOptions()).Contains("X-Amz-Expires=3600&"), "empty options: one hour");
                Check.Code(PresignerErrorCode.InvalidExpiry, () => s3.PresignGetUrl("examplebucket", "k", new PresignOptions { ExpiresIn = TimeSpan.FromSeconds(604801) }), "expiry");
                Check.Throws<ArgumentOutOfRangeException>(() => s3.PresignGetUrl("examplebucket", "k", new PresignOptions { ExpiresIn = TimeSpan.FromMilliseconds(1500) }), "fractional");
                Check.Code(PresignerErrorCode.InvalidBucket, () => s3.PresignGetUrl("Bad_Bucket", "k", plain), "bucket");
                Check.Code(PresignerErrorCode.InvalidKey, () => s3.PresignGetUrl("examplebucket", new string('k', 1025), plain), "key over 1024 bytes");
                Check.Code(PresignerErrorCode.InvalidKey, () => s3.Presign("PUT", "examplebucket", "", plain), "empty key");
                Check.Code(PresignerErrorCode.InvalidMethod, () => s3.Presign("GE T", "examplebucket", "k", plain), "method");
                Check.Code(PresignerErrorCode.InvalidTime, () => s3.PresignGetUrl("examplebucket", "k", new PresignOptions { Now = new DateTimeOffset(1969, 12, 31, 0, 0, 0, TimeSpan.Zero) }), "time");
                Check.Throws<ArgumentNullException>(() => s3.PresignGetUrl(null, "k"), "null bucket");
                Check.Throws<ArgumentNullException>(() => s3.Presign((string)null, "b", "k"), "null method");
                s3.Dispose();
                Check.Throws<ObjectDisposedException>(() => s3.PresignGetUrl("examplebucket", "k", plain), "disposed");
                Check.Throws<ObjectDisposedException>(() => s3.Presign("PUT", "examplebucket", "k", plain), "disposed");
            }
        }
    }
}
