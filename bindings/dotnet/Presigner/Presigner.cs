using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.ComponentModel;
using System.Linq;
using System.Net.Http;

namespace Presigning
{
    /// <summary>Canonicalization settings of <see cref="Presigner.PresignUrl"/> and <see cref="Presigner.SignRequest(HttpRequestMessage, Credentials, SigningOptions, byte[])"/>.</summary>
    public sealed class SigningSettings
    {
        /// <summary>Remove "." / ".." / empty path segments before signing.</summary>
        public bool NormalizePath { get; set; }
        /// <summary>Percent-encode the (already encoded) path once more.</summary>
        public bool DoubleEncode { get; set; }
        /// <summary>null: SHA-256 of the body; or 64 hex digits / "UNSIGNED-PAYLOAD" / another upper-case marker.</summary>
        public string PayloadHash { get; set; }
        /// <summary>Add the session token after signing instead of signing it (IoT WebSockets).</summary>
        public bool OmitSessionToken { get; set; }
        /// <summary>Header signing: add and sign x-amz-content-sha256.</summary>
        public bool ContentSha256Header { get; set; }

        /// <summary>The S3 preset: path as sent, UNSIGNED-PAYLOAD, x-amz-content-sha256.</summary>
        public static SigningSettings S3()
        {
            return new SigningSettings { PayloadHash = "UNSIGNED-PAYLOAD", ContentSha256Header = true };
        }

        /// <summary>The preset of every other service: normalized, double-encoded path.</summary>
        public static SigningSettings Generic()
        {
            return new SigningSettings { NormalizePath = true, DoubleEncode = true };
        }
    }

    /// <summary>Options of <see cref="Presigner.SignRequest(HttpRequestMessage, Credentials, SigningOptions, byte[])"/>.</summary>
    public class SigningOptions
    {
        /// <summary>e.g. "us-east-1" (required).</summary>
        public string Region { get; set; }
        /// <summary>e.g. "sts", "execute-api", "s3" (required).</summary>
        public string Service { get; set; }
        /// <summary>The signing time; null means the system clock.</summary>
        public DateTimeOffset? Now { get; set; }
        /// <summary>null means the service's preset (<see cref="SigningSettings.S3"/> for "s3", <see cref="SigningSettings.Generic"/> otherwise).</summary>
        public SigningSettings Settings { get; set; }
    }

    /// <summary>Options of <see cref="Presigner.PresignUrl"/>.</summary>
    public sealed class PresignUrlOptions : SigningOptions
    {
        private readonly NameValueList _headers = new NameValueList();
        private readonly NameValueList _query = new NameValueList();

        /// <summary>Whole seconds, 1 s .. 7 days; null means one hour.</summary>
        public TimeSpan? ExpiresIn { get; set; }
        /// <summary>Headers to sign (the client must send them).</summary>
        public NameValueList Headers { get { return _headers; } }
        /// <summary>Extra raw query parameters, in order (names may repeat).</summary>
        public NameValueList Query { get { return _query; } }
        /// <summary>What to do when temporary credentials expire before the URL.</summary>
        public ExpiryPolicy ExpiryPolicy { get; set; }
    }

    /// <summary>A request signed with an Authorization header.</summary>
    public sealed class SignedRequest
    {
        /// <summary>The headers to add to the request, in order (Authorization, X-Amz-Date, ...).</summary>
        public IReadOnlyList<KeyValuePair<string, string>> Headers { get; internal set; }
        /// <summary>The signed header names, lower-case and sorted.</summary>
        public IReadOnlyList<string> SignedHeaders { get; internal set; }
        /// <summary>X-Amz-Date.</summary>
        public DateTimeOffset SignedAt { get; internal set; }
        /// <summary>The hex signature.</summary>
        public string Signature { get; internal set; }
        /// <summary>The Authorization header value.</summary>
        public string Authorization { get; internal set; }
        /// <summary>The canonical request that was signed.</summary>
        public string CanonicalRequest { get; internal set; }
        /// <summary>The string-to-sign.</summary>
        public string StringToSign { get; internal set; }
    }

    /// <summary>Signing of any AWS request (STS, RDS IAM tokens, API Gateway, ...) and library information.</summary>
    public static class Presigner
    {
        /// <summary>The version of the native library.</summary>
        public static string Version { get { return Utf8.DecodeCString(Native.presigner_version()); } }

        /// <summary>The stable code string of an error code, e.g. "invalid_bucket".</summary>
        public static string CodeString(PresignerErrorCode code) { return PresignerException.StatusString((int)code); }

        private static SigningParamsHandle BuildParams(SigningOptions o, ExpiryPolicy? policy)
        {
            byte[] region = Utf8.Required(o.Region, "options.Region");
            byte[] service = Utf8.Required(o.Service, "options.Service");
            byte[] pol = policy.HasValue ? Utf8.Encode(S3Presigner.PolicyName(policy.Value), "options.ExpiryPolicy") : null;
            SigningSettings st = o.Settings;
            byte[] hash = st == null ? null : Utf8.Optional(st.PayloadHash, "options.Settings.PayloadHash");
            SigningParamsHandle h;
            Utf8.Check(Native.presigner_signing_params_new(region, Utf8.Len(region), service, Utf8.Len(service), out h));
            try
            {
                if (o.Now.HasValue) Utf8.Check(Native.presigner_signing_params_set_now(h, o.Now.Value.ToUnixTimeSeconds()));
                if (st != null)
                {
                    Utf8.Check(Native.presigner_signing_params_set_normalize_path(h, st.NormalizePath));
                    Utf8.Check(Native.presigner_signing_params_set_double_encode(h, st.DoubleEncode));
                    Utf8.Check(Native.presigner_signing_params_set_omit_session_token(h, st.OmitSessionToken));
                    Utf8.Check(Native.presigner_signing_params_set_content_sha256_header(h, st.ContentSha256Header));
                    Utf8.Check(Native.presigner_signing_params_set_payload_hash(h, hash, Utf8.Len(hash)));
                }
                if (pol != null) Utf8.Check(Native.presigner_signing_params_set_expiry_policy(h, pol, Utf8.Len(pol)));
                return h;
            }
            catch
            {
                h.Dispose();
                throw;
            }
        }

        /// <summary>
        /// Presigns any AWS request given as a URL whose path is percent-encoded as on the wire,
        /// e.g. "https://sts.amazonaws.com/?Action=GetCallerIdentity&amp;Version=2011-06-15".
        /// </summary>
        /// <exception cref="ArgumentNullException">method, url, credentials, options, Region or Service is null.</exception>
        /// <exception cref="PresignerException">InvalidUrl, InvalidService, InvalidRegion, InvalidExpiry, ...</exception>
        public static PresignedRequest PresignUrl(string method, string url, Credentials credentials, PresignUrlOptions options)
        {
            byte[] m = Utf8.Required(method, "method");
            byte[] u = Utf8.Required(url, "url");
            if (credentials == null) throw new ArgumentNullException("credentials");
            if (options == null) throw new ArgumentNullException("options");
            CredentialsHandle ch = credentials.Handle;
            long expires = PresignOptions.ExpiresSeconds(options.ExpiresIn);
            using (SigningParamsHandle ph = BuildParams(options, options.ExpiryPolicy))
            {
                PresignOptionsHandle oh;
                Utf8.Check(Native.presigner_presign_options_new(out oh));
                using (oh)
                {
                    Utf8.Check(Native.presigner_presign_options_set_expires_in(oh, expires));
                    PresignOptions.AddAll(oh, options.Headers, options.Query);
                    PresignedHandle res;
                    Utf8.Check(Native.presigner_presign_url(m, Utf8.Len(m), u, Utf8.Len(u), ch, ph, oh, out res));
                    using (res) return PresignedRequest.Read(res);
                }
            }
        }

        /// <summary>
        /// Signs a request given as strings with an Authorization header and returns the headers
        /// to add. <paramref name="url"/> is taken as on the wire (path percent-encoded);
        /// <paramref name="headers"/> are the request's headers in order (a "Host" entry overrides
        /// the URL's authority); <paramref name="body"/> is hashed unless the settings give a payload hash.
        /// </summary>
        public static SignedRequest SignRequest(string method, string url, IEnumerable<KeyValuePair<string, string>> headers,
            byte[] body, Credentials credentials, SigningOptions options)
        {
            byte[] m = Utf8.Required(method, "method");
            byte[] u = Utf8.Required(url, "url");
            if (credentials == null) throw new ArgumentNullException("credentials");
            if (options == null) throw new ArgumentNullException("options");
            var names = new List<byte[]>();
            var values = new List<byte[]>();
            if (headers != null)
            {
                foreach (var kv in headers)
                {
                    names.Add(Utf8.Required(kv.Key, "headers"));
                    values.Add(Utf8.Required(kv.Value, "headers[" + kv.Key + "]"));
                }
            }
            CredentialsHandle ch = credentials.Handle;
            using (SigningParamsHandle ph = BuildParams(options, null))
            {
                int total = names.Sum(x => x.Length) + values.Sum(x => x.Length);
                byte[] all = new byte[Math.Max(total, 1)];
                var arr = new NativeHeader[names.Count];
                var pin = System.Runtime.InteropServices.GCHandle.Alloc(all, System.Runtime.InteropServices.GCHandleType.Pinned);
                try
                {
                    IntPtr basePtr = pin.AddrOfPinnedObject();
                    int off = 0;
                    for (int i = 0; i < arr.Length; i++)
                    {
                        arr[i].Name = View(all, basePtr, ref off, names[i]);
                        arr[i].Value = View(all, basePtr, ref off, values[i]);
                    }
                    SignedHandle sh;
                    Utf8.Check(Native.presigner_sign_request(m, Utf8.Len(m), u, Utf8.Len(u),
                        arr.Length == 0 ? null : arr, (UIntPtr)(uint)arr.Length,
                        body != null && body.Length > 0 ? body : null, Utf8.Len(body), ch, ph, out sh));
                    using (sh) return ReadSigned(sh);
                }
                finally
                {
                    pin.Free();
                }
            }
        }

        /// <summary>
        /// Signs <paramref name="request"/> in place: adds X-Amz-Date, Authorization and, when they
        /// apply, X-Amz-Security-Token and x-amz-content-sha256 to request.Headers. The URL signed is
        /// request.RequestUri.AbsoluteUri (what HttpClient sends); the headers are request.Headers
        /// and request.Content.Headers, except Authorization, X-Amz-Date, X-Amz-Security-Token and
        /// X-Amz-Content-Sha256, which the signer sets (so a request can be signed again). <paramref name="body"/> is the body to hash (null for none);
        /// request.Content is not read.
        /// </summary>
        public static SignedRequest SignRequest(HttpRequestMessage request, Credentials credentials, SigningOptions options, byte[] body = null)
        {
            if (request == null) throw new ArgumentNullException("request");
            if (request.RequestUri == null) throw new ArgumentException("request.RequestUri is null", "request");
            if (!request.RequestUri.IsAbsoluteUri) throw new ArgumentException("request.RequestUri is not absolute", "request");
            var headers = new List<KeyValuePair<string, string>>();
            foreach (var h in request.Headers)
            {
                if (SetBySigner(h.Key)) continue; // replaced below (re-signing a request works)
                foreach (var v in h.Value) headers.Add(new KeyValuePair<string, string>(h.Key, v));
            }
            if (request.Content != null)
                foreach (var h in request.Content.Headers)
                    foreach (var v in h.Value) headers.Add(new KeyValuePair<string, string>(h.Key, v));
            SignedRequest r = SignRequest(request.Method.Method, request.RequestUri.AbsoluteUri, headers, body, credentials, options);
            foreach (var kv in r.Headers)
            {
                request.Headers.Remove(kv.Key);
                request.Headers.TryAddWithoutValidation(kv.Key, kv.Value);
            }
            return r;
        }

        private static bool SetBySigner(string name)
        {
            return string.Equals(name, "Authorization", StringComparison.OrdinalIgnoreCase)
                || string.Equals(name, "X-Amz-Date", StringComparison.OrdinalIgnoreCase)
                || string.Equals(name, "X-Amz-Security-Token", StringComparison.OrdinalIgnoreCase)
                || string.Equals(name, "X-Amz-Content-Sha256", StringComparison.OrdinalIgnoreCase);
        }

        private static NativeStr View(byte[] all, IntPtr basePtr, ref int off, byte[] src)
        {
            Buffer.BlockCopy(src, 0, all, off, src.Length);
            var s = new NativeStr { Data = basePtr + off, Len = (UIntPtr)(uint)src.Length };
            off += src.Length;
            return s;
        }

        private static SignedRequest ReadSigned(SignedHandle h)
        {
            NativeStr s;
            UIntPtr n;
            var r = new SignedRequest();
            Utf8.Check(Native.presigner_signed_header_count(h, out n));
            var headers = new KeyValuePair<string, string>[checked((int)n.ToUInt64())];
            for (int i = 0; i < headers.Length; i++)
            {
                NativeHeader hd;
                Utf8.Check(Native.presigner_signed_header(h, (UIntPtr)(uint)i, out hd));
                headers[i] = new KeyValuePair<string, string>(Utf8.Decode(hd.Name), Utf8.Decode(hd.Value));
            }
            r.Headers = Array.AsReadOnly(headers);
            Utf8.Check(Native.presigner_signed_signed_header_count(h, out n));
            var signed = new string[checked((int)n.ToUInt64())];
            for (int i = 0; i < signed.Length; i++)
            {
                Utf8.Check(Native.presigner_signed_signed_header(h, (UIntPtr)(uint)i, out s));
                signed[i] = Utf8.Decode(s);
            }
            r.SignedHeaders = Array.AsReadOnly(signed);
            Utf8.Check(Native.presigner_signed_signature(h, out s));
            r.Signature = Utf8.Decode(s);
            Utf8.Check(Native.presigner_signed_authorization(h, out s));
            r.Authorization = Utf8.Decode(s);
            Utf8.Check(Native.presigner_signed_canonical_request(h, out s));
            r.CanonicalRequest = Utf8.Decode(s);
            Utf8.Check(Native.presigner_signed_string_to_sign(h, out s));
            r.StringToSign = Utf8.Decode(s);
            long at;
            Utf8.Check(Native.presigner_signed_signed_at(h, out at));
            r.SignedAt = DateTimeOffset.FromUnixTimeSeconds(at);
            return r;
        }

        /// <summary>Makes the library panic on purpose (caught at the boundary): for binding tests only.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static void DebugPanic()
        {
            Utf8.Check(Native.presigner_debug_panic());
        }
    }
}
