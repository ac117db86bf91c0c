using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Runtime.InteropServices;

namespace Presigning
{
    /// <summary>
    /// What to expect of a request besides a valid signature. The defaults: the system clock, any
    /// region and service, 15 minutes of clock skew, the canonicalization preset of the scope's
    /// service (<see cref="SigningSettings.S3"/> for "s3", <see cref="SigningSettings.Generic"/> otherwise).
    /// </summary>
    public sealed class VerifyOptions
    {
        /// <summary>The time to check against; null means the system clock.</summary>
        public DateTimeOffset? Now { get; set; }
        /// <summary>The expected region (else <see cref="PresignerErrorCode.ScopeMismatch"/>); null accepts any.</summary>
        public string Region { get; set; }
        /// <summary>The expected service (else <see cref="PresignerErrorCode.ScopeMismatch"/>); null accepts any.</summary>
        public string Service { get; set; }
        /// <summary>How far X-Amz-Date may lie in the future (and, for header auth, in the past):
        /// whole seconds, 0 .. 7 days (else InvalidOption). Default 15 minutes.</summary>
        public TimeSpan MaxSkew { get; set; }
        /// <summary>The canonicalization settings the client signed with; null means the preset of the scope's service.
        /// (<see cref="SigningSettings.ContentSha256Header"/> is not used.)</summary>
        public SigningSettings Settings { get; set; }

        /// <summary>The defaults (MaxSkew 15 minutes).</summary>
        public VerifyOptions() { MaxSkew = TimeSpan.FromMinutes(15); }
    }

    /// <summary>What a verified request says: who signed it, for what, and until when it is valid.</summary>
    public sealed class Verified
    {
        /// <summary>The access key id that signed the request.</summary>
        public string AccessKeyId { get; internal set; }
        /// <summary>The region of the credential scope.</summary>
        public string Region { get; internal set; }
        /// <summary>The service of the credential scope.</summary>
        public string Service { get; internal set; }
        /// <summary>The signed header names (host included), lower-case and sorted.</summary>
        public IReadOnlyList<string> SignedHeaders { get; internal set; }
        /// <summary>X-Amz-Date.</summary>
        public DateTimeOffset SignedAt { get; internal set; }
        /// <summary>When the request stops being valid: X-Amz-Date + X-Amz-Expires for a presigned URL,
        /// X-Amz-Date + the skew tolerance for header auth.</summary>
        public DateTimeOffset ExpiresAt { get; internal set; }

        /// <summary>The fields (no secret here).</summary>
        public override string ToString()
        {
            return "Verified(AccessKeyId=" + AccessKeyId + ", Region=" + Region + ", Service=" + Service
                + ", SignedHeaders=" + string.Join(";", SignedHeaders) + ", SignedAt=" + SignedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'")
                + ", ExpiresAt=" + ExpiresAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'") + ")";
        }
    }

    /// <summary>
    /// Server-side verification of SigV4 requests: presigned URLs (<see cref="VerifyPresigned(string, string, IEnumerable{KeyValuePair{string, string}}, Keyring, VerifyOptions)"/>)
    /// and requests signed with an Authorization header (<see cref="VerifyRequest(string, string, IEnumerable{KeyValuePair{string, string}}, string, Keyring, VerifyOptions)"/>).
    /// A failed check throws a <see cref="PresignerException"/> whose <see cref="PresignerException.IsVerificationFailure"/>
    /// is true (SignatureMismatch, RequestExpired, UnknownAccessKey, ...): answer all of them with 403.
    /// Thread-safe: any number of threads may verify with the same keyring and options at once.
    /// </summary>
    public static class Verifier
    {
        /// <summary>
        /// Verifies a presigned URL as the server received it. <paramref name="url"/> is the full URL
        /// with the path and query exactly as sent (scheme://host + the raw request target: do not
        /// rebuild it from a parsed System.Uri, which may unescape or re-escape characters);
        /// <paramref name="headers"/> are the request's headers (null for none; include Host when the
        /// URL's authority is not what the client sent).
        /// </summary>
        /// <exception cref="ArgumentNullException">method, url or keys is null.</exception>
        /// <exception cref="PresignerException">a verification failure (IsVerificationFailure) or InvalidOption, ...</exception>
        public static Verified VerifyPresigned(string method, string url, IEnumerable<KeyValuePair<string, string>> headers,
            Keyring keys, VerifyOptions options = null)
        {
            return Verify(method, url, headers, false, null, keys, options);
        }

        /// <summary>
        /// Verifies a request signed with an Authorization header (arguments as <see cref="VerifyPresigned(string, string, IEnumerable{KeyValuePair{string, string}}, Keyring, VerifyOptions)"/>).
        /// <paramref name="payloadHash"/> is the lower-case hex SHA-256 the server computed of the
        /// body it received (or "UNSIGNED-PAYLOAD"); null uses the request's x-amz-content-sha256
        /// header, else the settings' default.
        /// </summary>
        public static Verified VerifyRequest(string method, string url, IEnumerable<KeyValuePair<string, string>> headers,
            string payloadHash, Keyring keys, VerifyOptions options = null)
        {
            return Verify(method, url, headers, true, payloadHash, keys, options);
        }

        /// <summary>
        /// <see cref="VerifyPresigned(string, string, IEnumerable{KeyValuePair{string, string}}, Keyring, VerifyOptions)"/>
        /// of an <see cref="HttpRequestMessage"/>: its method, request.RequestUri.OriginalString (the
        /// string the Uri was made from, not its re-escaped AbsoluteUri), request.Headers and
        /// request.Content.Headers. A server should build the message from the raw request target.
        /// </summary>
        public static Verified VerifyPresigned(HttpRequestMessage request, Keyring keys, VerifyOptions options = null)
        {
            string url = UrlOf(request);
            return Verify(request.Method.Method, url, HeadersOf(request), false, null, keys, options);
        }

        /// <summary><see cref="VerifyRequest(string, string, IEnumerable{KeyValuePair{string, string}}, string, Keyring, VerifyOptions)"/> of an <see cref="HttpRequestMessage"/> (see the VerifyPresigned overload).</summary>
        public static Verified VerifyRequest(HttpRequestMessage request, string payloadHash, Keyring keys, VerifyOptions options = null)
        {
            string url = UrlOf(request);
            return Verify(request.Method.Method, url, HeadersOf(request), true, payloadHash, keys, options);
        }

        private static string UrlOf(HttpRequestMessage request)
        {
            if (request == null) throw new ArgumentNullException("request");
            if (request.RequestUri == null) throw new ArgumentException("request.RequestUri is null", "request");
            if (!request.RequestUri.IsAbsoluteUri) throw new ArgumentException("request.RequestUri is not absolute", "request");
            return request.RequestUri.OriginalString;
        }

        private static List<KeyValuePair<string, string>> HeadersOf(HttpRequestMessage request)
        {
            var headers = new List<KeyValuePair<string, string>>();
            foreach (var h in request.Headers)
                foreach (var v in h.Value) headers.Add(new KeyValuePair<string, string>(h.Key, v));
            if (request.Content != null)
                foreach (var h in request.Content.Headers)
                    foreach (var v in h.Value) headers.Add(new KeyValuePair<string, string>(h.Key, v));
            return headers;
        }

        private static Verified Verify(string method, string url, IEnumerable<KeyValuePair<string, string>> headers,
            bool headerAuth, string payloadHash, Keyring keys, VerifyOptions options)
        {
            byte[] m = Utf8.Required(method, "method");
            byte[] u = Utf8.Required(url, "url");
            byte[] ph = Utf8.Optional(payloadHash, "payloadHash");
            if (keys == null) throw new ArgumentNullException("keys");
            var names = new List<byte[]>();
            var values = new List<byte[]>();
            int total = 0;
            if (headers != null)
            {
                foreach (var kv in headers)
                {
                    byte[] n = Utf8.Required(kv.Key, "headers");
                    byte[] v = Utf8.Required(kv.Value, "headers[" + kv.Key + "]");
                    names.Add(n);
                    values.Add(v);
                    total += n.Length + v.Length;
                }
            }
            using (VerifyOptionsHandle oh = BuildOptions(options))
            {
                byte[] all = new byte[Math.Max(total, 1)];
                var arr = new NativeHeader[names.Count];
                GCHandle pin = GCHandle.Alloc(all, GCHandleType.Pinned);
                try
                {
                    IntPtr basePtr = pin.AddrOfPinnedObject();
                    int off = 0;
                    for (int i = 0; i < arr.Length; i++)
                    {
                        arr[i].Name = View(all, basePtr, ref off, names[i]);
                        arr[i].Value = View(all, basePtr, ref off, values[i]);
                    }
                    NativeHeader[] hs = arr.Length == 0 ? null : arr;
                    VerifiedHandle res = null;
                    int status = keys.Run(k => headerAuth
                        ? NativeVerify.presigner_verify_request(m, Utf8.Len(m), u, Utf8.Len(u), hs, (UIntPtr)(uint)arr.Length,
                            ph, Utf8.Len(ph), k, oh, out res)
                        : NativeVerify.presigner_verify_presigned(m, Utf8.Len(m), u, Utf8.Len(u), hs, (UIntPtr)(uint)arr.Length,
                            k, oh, out res));
                    Utf8.Check(status);
                    using (res) return Read(res);
                }
                finally
                {
                    pin.Free();
                }
            }
        }

        private static NativeStr View(byte[] all, IntPtr basePtr, ref int off, byte[] src)
        {
            Buffer.BlockCopy(src, 0, all, off, src.Length);
            var s = new NativeStr { Data = basePtr + off, Len = (UIntPtr)(uint)src.Length };
            off += src.Length;
            return s;
        }

        private static VerifyOptionsHandle BuildOptions(VerifyOptions o)
        {
            if (o == null) o = new VerifyOptions(); // the native defaults (a null handle cannot be marshalled)
            TimeSpan skew = o.MaxSkew;
            if (skew.Ticks % TimeSpan.TicksPerSecond != 0)
                throw new ArgumentOutOfRangeException("MaxSkew", skew, "MaxSkew must be a whole number of seconds");
            // The range 0..604800 is the core's rule (InvalidOption), the same in every language.
            byte[] region = Utf8.Optional(o.Region, "options.Region");
            byte[] service = Utf8.Optional(o.Service, "options.Service");
            SigningSettings st = o.Settings;
            byte[] hash = st == null ? null : Utf8.Optional(st.PayloadHash, "options.Settings.PayloadHash");
            VerifyOptionsHandle h;
            Utf8.Check(NativeVerify.presigner_verify_options_new(out h));
            try
            {
                if (o.Now.HasValue) Utf8.Check(NativeVerify.presigner_verify_options_set_now(h, o.Now.Value.ToUnixTimeSeconds()));
                if (region != null) Utf8.Check(NativeVerify.presigner_verify_options_set_region(h, region, Utf8.Len(region)));
                if (service != null) Utf8.Check(NativeVerify.presigner_verify_options_set_service(h, service, Utf8.Len(service)));
                Utf8.Check(NativeVerify.presigner_verify_options_set_max_skew(h, skew.Ticks / TimeSpan.TicksPerSecond));
                if (st != null)
                {
                    // Region and service of these params are not used by verification.
                    byte[] r = Utf8.Encode("us-east-1", "region");
                    byte[] s = Utf8.Encode("s3", "service");
                    SigningParamsHandle p;
                    Utf8.Check(Native.presigner_signing_params_new(r, Utf8.Len(r), s, Utf8.Len(s), out p));
                    using (p)
                    {
                        Utf8.Check(Native.presigner_signing_params_set_normalize_path(p, st.NormalizePath));
                        Utf8.Check(Native.presigner_signing_params_set_double_encode(p, st.DoubleEncode));
                        Utf8.Check(Native.presigner_signing_params_set_omit_session_token(p, st.OmitSessionToken));
                        Utf8.Check(Native.presigner_signing_params_set_content_sha256_header(p, st.ContentSha256Header));
                        Utf8.Check(Native.presigner_signing_params_set_payload_hash(p, hash, Utf8.Len(hash)));
                        Utf8.Check(NativeVerify.presigner_verify_options_set_settings(h, p));
                    }
                }
                return h;
            }
            catch
            {
                h.Dispose();
                throw;
            }
        }

        private static Verified Read(VerifiedHandle h)
        {
            NativeStr s;
            var v = new Verified();
            Utf8.Check(NativeVerify.presigner_verified_access_key_id(h, out s));
            v.AccessKeyId = Utf8.Decode(s);
            Utf8.Check(NativeVerify.presigner_verified_region(h, out s));
            v.Region = Utf8.Decode(s);
            Utf8.Check(NativeVerify.presigner_verified_service(h, out s));
            v.Service = Utf8.Decode(s);
            UIntPtr n;
            Utf8.Check(NativeVerify.presigner_verified_signed_header_count(h, out n));
            var signed = new string[checked((int)n.ToUInt64())];
            for (int i = 0; i < signed.Length; i++)
            {
                Utf8.Check(NativeVerify.presigner_verified_signed_header(h, (UIntPtr)(uint)i, out s));
                signed[i] = Utf8.Decode(s);
            }
            v.SignedHeaders = Array.AsReadOnly(signed);
            long t;
            Utf8.Check(NativeVerify.presigner_verified_signed_at(h, out t));
            v.SignedAt = DateTimeOffset.FromUnixTimeSeconds(t);
            Utf8.Check(NativeVerify.presigner_verified_expires_at(h, out t));
            v.ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(t);
            return v;
        }
    }
}
