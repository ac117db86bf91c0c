// End-to-end: URLs from the .NET binding, sent with HttpClient to a real verifying S3 server
// (s3s-fs). Started by tests/e2e/dotnet.sh from tests/e2e/run.sh, which exports PRESIGNER_E2E_*.
// The same checks as tests/e2e/cli.sh. Prints "N passed, N failed"; exit status 1 on any failure.
using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.RegularExpressions;
using Presigning;

public static class E2E
{
    private static int passed, failed;
    private static HttpClient http;
    private static string endpoint, bucket, region, accessKey, secretKey;
    private static int port;

    private static void Check(string name, string expected, string actual)
    {
        if (expected == actual) { passed++; Console.WriteLine("ok   " + name); }
        else { failed++; Console.WriteLine("FAIL " + name + ": expected " + expected + ", got " + actual); }
    }

    private static string Ok2xx(HttpResponseMessage r)
    {
        int c = (int)r.StatusCode;
        return c >= 200 && c < 300 ? "2xx" : c.ToString();
    }

    private static string Code(HttpResponseMessage r) { return ((int)r.StatusCode).ToString(); }

    /// <summary>Sends a presigned URL exactly as signed (the string, never a rewritten Uri).</summary>
    private static HttpResponseMessage Send(string method, string url, byte[] body = null, string contentType = null,
        string[][] headers = null, string host = null)
    {
        var req = new HttpRequestMessage(new HttpMethod(method), url);
        if (body != null)
        {
            req.Content = new ByteArrayContent(body);
            if (contentType != null) req.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        if (headers != null)
            foreach (var h in headers) req.Headers.TryAddWithoutValidation(h[0], h[1]);
        if (host != null) req.Headers.Host = host;
        var resp = http.SendAsync(req).GetAwaiter().GetResult();
        resp.Content.LoadIntoBufferAsync().GetAwaiter().GetResult();
        return resp;
    }

    private static byte[] Body(HttpResponseMessage r) { return r.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult(); }

    private static byte[] Random(int n)
    {
        var b = new byte[n];
        new Random(n).NextBytes(b);
        return b;
    }

    private static string Same(byte[] a, byte[] b) { return a.SequenceEqual(b) ? "same" : "different (" + b.Length + " bytes)"; }

    private static string VerifyCode(string url, Keyring keys, VerifyOptions options)
    {
        try
        {
            Verifier.VerifyPresigned("GET", url, null, keys, options);
            return "accepted";
        }
        catch (PresignerException e)
        {
            return e.Code.ToString();
        }
    }

    public static int Main()
    {
        endpoint = Environment.GetEnvironmentVariable("PRESIGNER_E2E_ENDPOINT");
        port = int.Parse(Environment.GetEnvironmentVariable("PRESIGNER_E2E_PORT"));
        bucket = Environment.GetEnvironmentVariable("PRESIGNER_E2E_BUCKET");
        region = Environment.GetEnvironmentVariable("PRESIGNER_E2E_REGION");
        accessKey = Environment.GetEnvironmentVariable("PRESIGNER_E2E_ACCESS_KEY");
        secretKey = Environment.GetEnvironmentVariable("PRESIGNER_E2E_SECRET_KEY");
        ServicePointManager.Expect100Continue = false;
        http = new HttpClient(new HttpClientHandler { UseProxy = false, AllowAutoRedirect = false });

        using (var creds = new Credentials(accessKey, secretKey))
        using (var wrongCreds = new Credentials(accessKey, "not-the-secret"))
        using (var s3 = new S3Presigner(new S3PresignerOptions { Region = region, Credentials = creds, EndpointUrl = endpoint }))
        using (var wrong = new S3Presigner(new S3PresignerOptions { Region = region, Credentials = wrongCreds, EndpointUrl = endpoint }))
        using (var virt = new S3Presigner(new S3PresignerOptions { Region = region, Credentials = creds, EndpointUrl = "http://localhost:" + port, AddressingStyle = AddressingStyle.Virtual }))
        using (var path = new S3Presigner(new S3PresignerOptions { Region = region, Credentials = creds, EndpointUrl = endpoint, AddressingStyle = AddressingStyle.Path }))
        {
            string key = "e2e dotnet/sp ace+plus=eq&amp~tilde!bang(paren)/ünï©ode/x.bin";
            byte[] payload = Random(4096);

            // 1. PUT, GET, HEAD
            Check("put with special characters", "2xx", Ok2xx(Send("PUT", s3.Presign(HttpMethod.Put, bucket, key).UrlString, payload)));
            var get = Send("GET", s3.PresignGet(bucket, key).UrlString);
            Check("get returns 2xx", "2xx", Ok2xx(get));
            Check("get returns the same bytes", "same", Same(payload, Body(get)));
            Check("head", "2xx", Ok2xx(Send("HEAD", s3.Presign(HttpMethod.Head, bucket, key).UrlString)));

            // 2. signed Content-Type and metadata
            var put = s3.PresignPut(bucket, "photo.png", "image/png", new PresignOptions { Headers = { { "x-amz-meta-owner", "alice" } } });
            Check("headers to send", "image/png alice", put.Headers["Content-Type"] + " " + put.Headers["x-amz-meta-owner"]);
            string[][] meta = { new[] { "x-amz-meta-owner", "alice" } };
            Check("put with another content type", "403", Code(Send("PUT", put.UrlString, payload, "image/jpeg", meta)));
            Check("put with the signed content type", "2xx", Ok2xx(Send("PUT", put.UrlString, payload, "image/png", meta)));
            var head = Send("HEAD", s3.Presign(HttpMethod.Head, bucket, "photo.png").UrlString);
            var owner = head.Headers.Where(h => h.Key.Equals("x-amz-meta-owner", StringComparison.OrdinalIgnoreCase)).SelectMany(h => h.Value).FirstOrDefault();
            Check("metadata round-trips", "alice", owner);

            // 3. forgeries
            string url = s3.PresignGet(bucket, key).UrlString;
            char last = url[url.Length - 1];
            Check("tampered signature", "403", Code(Send("GET", url.Substring(0, url.Length - 1) + (last == '0' ? '1' : '0'))));
            Check("changed path", "403", Code(Send("GET", url.Replace("x.bin", "y.bin"))));
            Check("changed X-Amz-Expires", "403", Code(Send("GET", url.Replace("X-Amz-Expires=3600", "X-Amz-Expires=7200"))));
            Check("GET URL used for PUT", "403", Code(Send("PUT", url, payload)));
            Check("wrong secret", "403", Code(Send("GET", wrong.PresignGet(bucket, key).UrlString)));
            var past = new PresignOptions { Now = DateTimeOffset.UtcNow.AddHours(-2), ExpiresInSeconds = 60 };
            Check("expired URL", "403", Code(Send("GET", s3.PresignGet(bucket, key, past).UrlString)));
            var future = new PresignOptions { Now = DateTimeOffset.UtcNow.AddHours(2) };
            Check("URL dated 2 h in the future", "403", Code(Send("GET", s3.PresignGet(bucket, key, future).UrlString)));

            // 4. virtual-hosted style (connect to 127.0.0.1, Host header names the bucket) and path style
            string vurl = virt.PresignGet(bucket, key).UrlString;
            string vprefix = "http://" + bucket + ".localhost:" + port + "/";
            Check("virtual-hosted URL names the bucket in the host", "yes", vurl.StartsWith(vprefix) ? "yes" : vurl);
            string direct = "http://127.0.0.1:" + port + "/" + vurl.Substring(vprefix.Length);
            Check("virtual-hosted GET", "2xx", Ok2xx(Send("GET", direct, host: bucket + ".localhost:" + port)));
            Check("path-style GET", "2xx", Ok2xx(Send("GET", path.PresignGet(bucket, key).UrlString)));

            // 5. multipart upload through presigned URLs
            string mkey = "e2e dotnet/multi part.bin";
            byte[] part1 = Random(5 * 1024 * 1024), part2 = Random(1000);
            var create = Send("POST", s3.Presign(HttpMethod.Post, bucket, mkey, new PresignOptions { Query = { { "uploads", "" } } }).UrlString);
            Check("create multipart upload", "2xx", Ok2xx(create));
            string uploadId = Regex.Match(Encoding.UTF8.GetString(Body(create)), "<UploadId>(.*?)</UploadId>").Groups[1].Value;
            var etags = new string[2];
            byte[][] parts = { part1, part2 };
            for (int n = 1; n <= 2; n++)
            {
                var o = new PresignOptions { Query = { { "partNumber", n.ToString() }, { "uploadId", uploadId } } };
                var r = Send("PUT", s3.Presign(HttpMethod.Put, bucket, mkey, o).UrlString, parts[n - 1]);
                Check("upload part " + n, "2xx", Ok2xx(r));
                etags[n - 1] = r.Headers.ETag == null ? "" : r.Headers.ETag.Tag;
            }
            var xml = new StringBuilder("<CompleteMultipartUpload>");
            for (int n = 1; n <= 2; n++) xml.Append("<Part><PartNumber>" + n + "</PartNumber><ETag>" + etags[n - 1] + "</ETag></Part>");
            xml.Append("</CompleteMultipartUpload>");
            var complete = s3.Presign(HttpMethod.Post, bucket, mkey, new PresignOptions { Query = { { "uploadId", uploadId } } });
            Check("complete multipart upload", "2xx", Ok2xx(Send("POST", complete.UrlString, Encoding.UTF8.GetBytes(xml.ToString()))));
            Check("multipart object is the concatenation", "same", Same(part1.Concat(part2).ToArray(), Body(Send("GET", s3.PresignGet(bucket, mkey).UrlString))));

            // 6. the System.Uri caveat: HttpClient sends Uri's form of the URL, which removes dot
            // segments, so a key with ".." cannot be sent as signed (the server sees another path)
            var dots = s3.Presign(HttpMethod.Put, bucket, "dots/a/../b.bin");
            Check("URL string keeps the dot segment", "yes", dots.UrlString.Contains("/dots/a/../b.bin?") ? "yes" : dots.UrlString);
            Check("HttpClient rewrites a/../b (Uri caveat): 403", "403", Code(Send("PUT", dots.UrlString, payload)));

            // 7. verify round-trip: a URL accepted by Verifier.VerifyPresigned is accepted by the
            // server, and a tampered one is rejected by both
            using (var keys = new Keyring().Add(accessKey, secretKey))
            {
                string vurl2 = s3.PresignGet(bucket, key, new PresignOptions { ExpiresInSeconds = 300 }).UrlString;
                var vopts = new VerifyOptions { Region = region, Service = "s3" };
                Verified v = Verifier.VerifyPresigned("GET", vurl2, null, keys, vopts);
                Check("VerifyPresigned accepts the URL", accessKey + " " + region + " s3 host",
                    v.AccessKeyId + " " + v.Region + " " + v.Service + " " + string.Join(";", v.SignedHeaders));
                Check("the server accepts the verified URL", "2xx", Ok2xx(Send("GET", vurl2)));
                char vlast = vurl2[vurl2.Length - 1];
                string forged = vurl2.Substring(0, vurl2.Length - 1) + (vlast == '0' ? '1' : '0');
                Check("VerifyPresigned rejects a tampered signature", "SignatureMismatch", VerifyCode(forged, keys, vopts));
                Check("the server rejects the tampered signature", "403", Code(Send("GET", forged)));
                string other = vurl2.Replace("x.bin", "y.bin");
                Check("VerifyPresigned rejects a changed path", "SignatureMismatch", VerifyCode(other, keys, vopts));
                Check("the server rejects the changed path", "403", Code(Send("GET", other)));
            }

            // 8. PresignMany, DELETE
            var many = s3.PresignMany(HttpMethod.Get, bucket, new[] { key, "photo.png" });
            Check("PresignMany URLs work", "2xx 2xx", Ok2xx(Send("GET", many[0])) + " " + Ok2xx(Send("GET", many[1])));
            Check("delete", "2xx", Ok2xx(Send("DELETE", s3.Presign(HttpMethod.Delete, bucket, key).UrlString)));
            Check("deleted object is gone", "404", Code(Send("GET", s3.PresignGet(bucket, key).UrlString)));
        }
        Console.WriteLine("{0} passed, {1} failed", passed, failed);
        return failed == 0 ? 0 : 1;
    }
}
