using System;
using System.IO;
using System.Net.Http;

namespace Presigning.Tests
{
    /// <summary>Every C status the C# API can reach, and what stands in for the ones it cannot.</summary>
    public static class ErrorTests
    {
        private static PresignOptions At(DateTimeOffset now) { return new PresignOptions { Now = now }; }

        [Case]
        public static void CodeValuesEqualTheCStatuses()
        {
            int[] values = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28,
                100, 101, 102, 103, 104, 199 };
            string[] codes = { "ok", "invalid_expiry", "invalid_bucket", "invalid_key", "invalid_region", "invalid_endpoint",
                "invalid_header", "invalid_query", "invalid_url", "invalid_method", "invalid_service", "invalid_time",
                "invalid_option", "invalid_credentials", "missing_credentials", "profile_error", "credentials_expired",
                "credentials_expire_before_url", "unsupported_algorithm", "malformed_request", "invalid_credential_scope",
                "scope_mismatch", "duplicate_parameter", "missing_signed_header", "unknown_access_key", "invalid_session_token",
                "request_expired", "request_not_yet_valid", "signature_mismatch", "null_argument", "invalid_utf8", "panic", "buffer_too_small",
                "index_out_of_range", "unknown_error" };
            Check.Equal(values.Length, Enum.GetValues(typeof(PresignerErrorCode)).Length, "one enum member per status");
            for (int i = 0; i < values.Length; i++)
            {
                Check.True(Enum.IsDefined(typeof(PresignerErrorCode), values[i]), "status " + values[i] + " has a member");
                Check.Equal(codes[i], Presigner.CodeString((PresignerErrorCode)values[i]), "code string of " + values[i]);
            }
        }

        [Case]
        public static void EveryReachableCoreCode()
        {
            var now = Fixtures.DocNow;
            using (var s3 = Fixtures.DocS3())
            using (var creds = Fixtures.DocCredentials())
            using (var shortCreds = new Credentials(Fixtures.DocAccessKey, Fixtures.DocSecret, "TOKEN", now.AddMinutes(10)))
            using (var shortS3 = new S3Presigner(new S3PresignerOptions { Region = "us-east-1", Credentials = shortCreds }))
            {
                Check.Code(PresignerErrorCode.InvalidExpiry, () => s3.PresignGet("examplebucket", "k", new PresignOptions { Now = now, ExpiresIn = TimeSpan.FromDays(8) }), "8 days");
                Check.Code(PresignerErrorCode.InvalidExpiry, () => s3.PresignGet("examplebucket", "k", new PresignOptions { Now = now, ExpiresInSeconds = 0 }), "0 s");
                var e = Check.Code(PresignerErrorCode.InvalidBucket, () => s3.PresignGet("Bad_Bucket", "k", At(now)), "bucket");
                Check.True(e.Message.Contains("Bad_Bucket"), "the message names the bucket: " + e.Message);
                Check.Code(PresignerErrorCode.InvalidKey, () => s3.PresignGet("examplebucket", "", At(now)), "empty key");
                Check.Code(PresignerErrorCode.InvalidKey, () => s3.PresignGet("examplebucket", new string('k', 1025), At(now)), "long key");
                Check.Code(PresignerErrorCode.InvalidRegion, () => new S3Presigner(new S3PresignerOptions { Region = "us east 1", Credentials = creds }), "region");
                Check.Code(PresignerErrorCode.InvalidEndpoint, () => new S3Presigner(new S3PresignerOptions { Region = "us-east-1", Credentials = creds, EndpointUrl = "ftp://x" }), "endpoint");
                Check.Code(PresignerErrorCode.InvalidHeader, () => s3.PresignGet("examplebucket", "k", new PresignOptions { Now = now, Headers = { { "Bad Name", "v" } } }), "header name");
                Check.Code(PresignerErrorCode.InvalidHeader, () => s3.PresignGet("examplebucket", "k", new PresignOptions { Now = now, Headers = { { "X-Amz-Date", "x" } } }), "X-Amz-Date header");
                Check.Code(PresignerErrorCode.InvalidQuery, () => s3.PresignGet("examplebucket", "k", new PresignOptions { Now = now, Query = { { "X-Amz-Signature", "x" } } }), "query");
                Check.Code(PresignerErrorCode.InvalidUrl, () => Presigner.PresignUrl("GET", "not a url", creds, new PresignUrlOptions { Region = "us-east-1", Service = "sts" }), "url");
                Check.Code(PresignerErrorCode.InvalidMethod, () => s3.Presign("GE T", "examplebucket", "k", At(now)), "method");
                Check.Code(PresignerErrorCode.InvalidService, () => Presigner.PresignUrl("GET", "https://sts.amazonaws.com/", creds, new PresignUrlOptions { Region = "us-east-1", Service = "bad service" }), "service");
                Check.Code(PresignerErrorCode.InvalidTime, () => s3.PresignGet("examplebucket", "k", At(new DateTimeOffset(1969, 12, 31, 23, 59, 55, TimeSpan.Zero))), "time before 1970");
                Check.Code(PresignerErrorCode.InvalidOption, () => new S3Presigner(new S3PresignerOptions { Region = "us-east-1", Credentials = creds, Fips = true, Accelerate = true }), "fips + accelerate");
                Check.Code(PresignerErrorCode.InvalidOption, () => Presigner.PresignUrl("GET", "https://sts.amazonaws.com/", creds, new PresignUrlOptions { Region = "us-east-1", Service = "sts", Settings = new SigningSettings { PayloadHash = "not a hash" } }), "payload hash");
                Check.Code(PresignerErrorCode.InvalidCredentials, () => new Credentials("", "secret"), "empty access key id");
                Check.Code(PresignerErrorCode.InvalidCredentials, () => new Credentials("AKID", "secret", ""), "empty session token");
                Check.Code(PresignerErrorCode.CredentialsExpired, () => shortS3.PresignGet("examplebucket", "k", At(now.AddHours(1))), "expired credentials");
                Check.Code(PresignerErrorCode.CredentialsExpireBeforeUrl, () => shortS3.PresignGet("examplebucket", "k", new PresignOptions { Now = now, ExpiresIn = TimeSpan.FromHours(1) }), "URL outlives credentials");
                Check.Code(PresignerErrorCode.Panic, Presigner.DebugPanic, "panic");
            }
        }

        [Case]
        public static void CredentialSourcesAndTheirCodes()
        {
            string dir = Path.Combine(Path.GetTempPath(), "presigner-dotnet-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            string[] names = { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                "AWS_CREDENTIAL_EXPIRATION", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE" };
            var saved = new string[names.Length];
            for (int i = 0; i < names.Length; i++) saved[i] = Environment.GetEnvironmentVariable(names[i]);
            try
            {
                for (int i = 0; i < 5; i++) Fixtures.SetEnv(names[i], null);
                File.WriteAllText(Path.Combine(dir, "credentials"), "[default]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s\n");
                Fixtures.SetEnv("AWS_SHARED_CREDENTIALS_FILE", Path.Combine(dir, "credentials"));
                Fixtures.SetEnv("AWS_CONFIG_FILE", Path.Combine(dir, "config"));
                Check.Code(PresignerErrorCode.MissingCredentials, () => Credentials.FromEnvironment(), "empty environment");
                Check.Code(PresignerErrorCode.ProfileError, () => Credentials.FromProfile("nosuchprofile"), "unknown profile");
                using (var p = Credentials.FromProfile())
                    Check.Equal("AKIDPROFILE", p.AccessKeyId, "default profile");
                using (var p = Credentials.FromDefaultChain())
                    Check.Equal("AKIDPROFILE", p.AccessKeyId, "default chain falls back to the profile");
                // null Credentials in S3PresignerOptions means the default chain
                using (var s3 = new S3Presigner(new S3PresignerOptions { Region = "us-east-1" }))
                    Check.True(s3.PresignGet("examplebucket", "k", At(Fixtures.DocNow)).UrlString.Contains("AKIDPROFILE%2F"), "default chain used");
                Fixtures.SetEnv("AWS_ACCESS_KEY_ID", "AKIDENV");
                Fixtures.SetEnv("AWS_SECRET_ACCESS_KEY", "secret-from-env");
                Fixtures.SetEnv("AWS_SESSION_TOKEN", "token-from-env");
                using (var env = Credentials.FromEnvironment())
                {
                    Check.Equal("AKIDENV", env.AccessKeyId, "environment");
                    Check.True(!env.ToString().Contains("secret-from-env") && !env.ToString().Contains("token-from-env"), "ToString hides secrets: " + env);
                }
                Fixtures.SetEnv("AWS_SHARED_CREDENTIALS_FILE", Path.Combine(dir, "missing"));
                Fixtures.SetEnv("AWS_ACCESS_KEY_ID", null);
                Check.Code(PresignerErrorCode.ProfileError, () => Credentials.FromProfile("other"), "profile without files");
            }
            finally
            {
                for (int i = 0; i < names.Length; i++) Fixtures.SetEnv(names[i], saved[i]);
                Directory.Delete(dir, true);
            }
        }

        [Case]
        public static void NullArgumentIsCaughtInManagedCode()
        {
            // NULL_ARGUMENT (100) is unreachable: every required argument is checked here first.
            using (var s3 = Fixtures.DocS3())
            using (var creds = Fixtures.DocCredentials())
            {
                Check.Throws<ArgumentNullException>(() => s3.PresignGet(null, "k"), "null bucket");
                Check.Throws<ArgumentNullException>(() => s3.PresignGet("examplebucket", null), "null key");
                Check.Throws<ArgumentNullException>(() => s3.Presign((HttpMethod)null, "examplebucket", "k"), "null method");
                Check.Throws<ArgumentNullException>(() => s3.Presign((string)null, "examplebucket", "k"), "null method string");
                Check.Throws<ArgumentNullException>(() => s3.PresignMany(HttpMethod.Get, "examplebucket", null), "null keys");
                Check.Throws<ArgumentException>(() => s3.PresignMany(HttpMethod.Get, "examplebucket", new[] { "a", null }), "a null key");
                Check.Throws<ArgumentNullException>(() => new S3Presigner(null), "null options");
                Check.Throws<ArgumentNullException>(() => new S3Presigner(new S3PresignerOptions { Credentials = creds }), "null region");
                Check.Throws<ArgumentNullException>(() => new Credentials(null, "s"), "null access key id");
                Check.Throws<ArgumentNullException>(() => new Credentials("AKID", null), "null secret");
                Check.Throws<ArgumentNullException>(() => Presigner.PresignUrl("GET", "https://sts.amazonaws.com/", null, new PresignUrlOptions { Region = "us-east-1", Service = "sts" }), "null credentials");
                Check.Throws<ArgumentNullException>(() => Presigner.PresignUrl("GET", null, creds, new PresignUrlOptions { Region = "us-east-1", Service = "sts" }), "null url");
                Check.Throws<ArgumentNullException>(() => Presigner.PresignUrl("GET", "https://sts.amazonaws.com/", creds, new PresignUrlOptions { Region = "us-east-1" }), "null service");
                Check.Throws<ArgumentNullException>(() => Presigner.SignRequest((HttpRequestMessage)null, creds, new SigningOptions { Region = "r", Service = "s" }), "null request");
                Check.Throws<ArgumentNullException>(() => s3.PresignGet("examplebucket", "k", new PresignOptions { Headers = { { "x-a", null } } }), "null header value");
            }
        }

        [Case]
        public static void InvalidUtf8IsImpossible()
        {
            // INVALID_UTF8 (101) is unreachable: strings are encoded to UTF-8 here, and a string that
            // is not valid UTF-16 (a lone surrogate) is an ArgumentException before any native call,
            // never silently replaced by U+FFFD.
            using (var s3 = Fixtures.DocS3())
            {
                var e = Check.Throws<ArgumentException>(() => s3.PresignGet("examplebucket", "caf\uD800", new PresignOptions { Now = Fixtures.DocNow }), "lone surrogate");
                Check.Equal("key", e.ParamName, "param name");
                string ok = s3.PresignGet("examplebucket", "caf\u00e9/\U0001F600", new PresignOptions { Now = Fixtures.DocNow }).UrlString;
                Check.True(ok.Contains("/caf%C3%A9/%F0%9F%98%80?"), "UTF-8 percent-encoded: " + ok);
            }
        }

        [Case]
        public static void OutOfRangeArguments()
        {
            using (var s3 = Fixtures.DocS3())
            using (var creds = Fixtures.DocCredentials())
            {
                Check.Throws<ArgumentOutOfRangeException>(() => s3.PresignGet("examplebucket", "k", new PresignOptions { ExpiresIn = TimeSpan.FromMilliseconds(1500) }), "fractional seconds");
                Check.Throws<ArgumentOutOfRangeException>(() => new S3Presigner(new S3PresignerOptions { Region = "us-east-1", Credentials = creds, AddressingStyle = (AddressingStyle)7 }), "undefined style");
                Check.Throws<ArgumentOutOfRangeException>(() => new S3Presigner(new S3PresignerOptions { Region = "us-east-1", Credentials = creds, ExpiryPolicy = (ExpiryPolicy)7 }), "undefined policy");
            }
        }

        [Case]
        public static void CLevelOnlyCodesStillMap()
        {
            // BUFFER_TOO_SMALL and INDEX_OUT_OF_RANGE cannot come from this API (it sizes buffers and
            // loops over counts); UNKNOWN_ERROR needs mismatched builds. Their codes still map.
            Check.Equal((int)PresignerErrorCode.BufferTooSmall, 103, "103");
            Check.Equal((int)PresignerErrorCode.IndexOutOfRange, 104, "104");
            Check.Equal("unknown_error", new PresignerException(PresignerErrorCode.UnknownError, null).CodeString, "199");
        }

        [Case]
        public static void UseAfterDisposeThrowsObjectDisposed()
        {
            var s3 = Fixtures.DocS3();
            Check.True(s3.PresignGet("examplebucket", "k").UrlString.Length > 0, "works before Dispose");
            s3.Dispose();
            s3.Dispose(); // twice is fine
            Check.Throws<ObjectDisposedException>(() => s3.PresignGet("examplebucket", "k"), "PresignGet");
            Check.Throws<ObjectDisposedException>(() => s3.PresignGetUrl("examplebucket", "k"), "PresignGetUrl");
            Check.Throws<ObjectDisposedException>(() => s3.PresignPut("examplebucket", "k", "text/plain"), "PresignPut");
            Check.Throws<ObjectDisposedException>(() => s3.PresignMany(HttpMethod.Get, "examplebucket", new[] { "a" }), "PresignMany");
            var creds = Fixtures.DocCredentials();
            creds.Dispose();
            creds.Dispose();
            Check.Throws<ObjectDisposedException>(() => new S3Presigner(new S3PresignerOptions { Region = "us-east-1", Credentials = creds }), "disposed credentials");
            Check.Throws<ObjectDisposedException>(() => Presigner.PresignUrl("GET", "https://sts.amazonaws.com/", creds, new PresignUrlOptions { Region = "us-east-1", Service = "sts" }), "PresignUrl with disposed credentials");
            Check.Equal(Fixtures.DocAccessKey, creds.AccessKeyId, "the access key id stays readable");
        }
    }
}
