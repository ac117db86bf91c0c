using System;
using System.Runtime.InteropServices;
using System.Text;

namespace Presigning
{
    /// <summary>A UTF-8 string view of the C ABI (<c>presigner_str</c>).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeStr
    {
        public IntPtr Data;
        public UIntPtr Len;
    }

    /// <summary><c>presigner_header</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeHeader
    {
        public NativeStr Name;
        public NativeStr Value;
    }

    /// <summary><c>presigner_presigned_fields</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NativePresignedFields
    {
        public NativeStr Url;
        public NativeStr Method;
        public NativeStr Signature;
        public NativeStr CanonicalRequest;
        public NativeStr StringToSign;
        public UIntPtr HeaderCount;
        public UIntPtr SignedHeaderCount;
        public long SignedAt;
        public long ExpiresAt;
    }

    /// <summary>
    /// P/Invoke declarations of include/presigner.h. Every string goes in as a UTF-8 byte array
    /// plus its length (never the platform default string marshalling) and comes out as a
    /// <see cref="NativeStr"/> decoded with <see cref="Utf8"/>. Handles are SafeHandles, so the
    /// marshaller keeps them alive (and not freed) for the duration of each call.
    /// </summary>
    internal static class Native
    {
        internal const string Lib = "presigner_ffi";

        // ---- misc ----
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr presigner_version();

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr presigner_status_str(uint status);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern UIntPtr presigner_last_error_length();

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_last_error_message(byte[] buf, UIntPtr bufLen, out UIntPtr outLen);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_debug_panic();

        // ---- credentials ----
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_credentials_new(byte[] accessKeyId, UIntPtr accessKeyIdLen,
            byte[] secretAccessKey, UIntPtr secretAccessKeyLen, byte[] sessionToken, UIntPtr sessionTokenLen,
            long[] expiresAtUnix, out CredentialsHandle output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_credentials_from_env(out CredentialsHandle output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_credentials_from_profile(byte[] profile, UIntPtr profileLen, out CredentialsHandle output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_credentials_from_default_chain(out CredentialsHandle output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_credentials_access_key_id(CredentialsHandle creds, out NativeStr output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void presigner_credentials_free(IntPtr creds);

        // ---- S3 options ----
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_s3_options_new(out S3OptionsHandle output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_s3_options_set_endpoint_url(S3OptionsHandle options, byte[] url, UIntPtr urlLen);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_s3_options_set_addressing_style(S3OptionsHandle options, byte[] style, UIntPtr styleLen);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_s3_options_set_expiry_policy(S3OptionsHandle options, byte[] policy, UIntPtr policyLen);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_s3_options_set_dualstack(S3OptionsHandle options, [MarshalAs(UnmanagedType.I1)] bool value);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_s3_options_set_fips(S3OptionsHandle options, [MarshalAs(UnmanagedType.I1)] bool value);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_s3_options_set_accelerate(S3OptionsHandle options, [MarshalAs(UnmanagedType.I1)] bool value);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void presigner_s3_options_free(IntPtr options);

        // ---- S3 ----
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_s3_new(byte[] region, UIntPtr regionLen, CredentialsHandle creds,
            S3OptionsHandle options, out S3Handle output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void presigner_s3_free(IntPtr s3);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_s3_presign(S3Handle s3, byte[] method, UIntPtr methodLen,
            byte[] bucket, UIntPtr bucketLen, byte[] key, UIntPtr keyLen, PresignOptionsHandle options,
            out PresignedHandle output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_s3_presign_many(S3Handle s3, byte[] method, UIntPtr methodLen,
            byte[] bucket, UIntPtr bucketLen, NativeStr[] keys, UIntPtr keysLen, PresignOptionsHandle options,
            out UrlListHandle output);

        // ---- per-request options ----
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_presign_options_new(out PresignOptionsHandle output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_presign_options_set_expires_in(PresignOptionsHandle options, long expiresIn);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_presign_options_set_now(PresignOptionsHandle options, long unixSeconds);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_presign_options_add_header(PresignOptionsHandle options,
            byte[] name, UIntPtr nameLen, byte[] value, UIntPtr valueLen);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_presign_options_add_query(PresignOptionsHandle options,
            byte[] name, UIntPtr nameLen, byte[] value, UIntPtr valueLen);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_presign_options_set_version_id(PresignOptionsHandle options, byte[] versionId, UIntPtr versionIdLen);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_presign_options_set_response_override(PresignOptionsHandle options,
            byte[] name, UIntPtr nameLen, byte[] value, UIntPtr valueLen);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void presigner_presign_options_free(IntPtr options);

        // ---- signing params ----
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_signing_params_new(byte[] region, UIntPtr regionLen,
            byte[] service, UIntPtr serviceLen, out SigningParamsHandle output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_signing_params_set_now(SigningParamsHandle p, long unixSeconds);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_signing_params_set_normalize_path(SigningParamsHandle p, [MarshalAs(UnmanagedType.I1)] bool value);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_signing_params_set_double_encode(SigningParamsHandle p, [MarshalAs(UnmanagedType.I1)] bool value);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_signing_params_set_payload_hash(SigningParamsHandle p, byte[] hash, UIntPtr hashLen);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_signing_params_set_omit_session_token(SigningParamsHandle p, [MarshalAs(UnmanagedType.I1)] bool value);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_signing_params_set_content_sha256_header(SigningParamsHandle p, [MarshalAs(UnmanagedType.I1)] bool value);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_signing_params_set_expiry_policy(SigningParamsHandle p, byte[] policy, UIntPtr policyLen);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void presigner_signing_params_free(IntPtr p);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_presign_url(byte[] method, UIntPtr methodLen, byte[] url, UIntPtr urlLen,
            CredentialsHandle creds, SigningParamsHandle p, PresignOptionsHandle options, out PresignedHandle output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_sign_request(byte[] method, UIntPtr methodLen, byte[] url, UIntPtr urlLen,
            NativeHeader[] headers, UIntPtr headersLen, byte[] body, UIntPtr bodyLen,
            CredentialsHandle creds, SigningParamsHandle p, out SignedHandle output);

        // ---- presigned results ----
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_presigned_url(PresignedHandle presigned, out NativeStr output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_presigned_get_fields(PresignedHandle presigned, out NativePresignedFields output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_presigned_header(PresignedHandle presigned, UIntPtr index, out NativeHeader output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_presigned_signed_header(PresignedHandle presigned, UIntPtr index, out NativeStr output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void presigner_presigned_free(IntPtr presigned);

        // ---- signed results ----
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_signed_signature(SignedHandle s, out NativeStr output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_signed_authorization(SignedHandle s, out NativeStr output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_signed_canonical_request(SignedHandle s, out NativeStr output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_signed_string_to_sign(SignedHandle s, out NativeStr output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_signed_signed_at(SignedHandle s, out long output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_signed_header_count(SignedHandle s, out UIntPtr output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_signed_header(SignedHandle s, UIntPtr index, out NativeHeader output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_signed_signed_header_count(SignedHandle s, out UIntPtr output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_signed_signed_header(SignedHandle s, UIntPtr index, out NativeStr output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void presigner_signed_free(IntPtr s);

        // ---- URL lists ----
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_url_list_count(UrlListHandle list, out UIntPtr output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_url_list_get(UrlListHandle list, UIntPtr index, out NativeStr output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void presigner_url_list_free(IntPtr list);
    }

    /// <summary>Explicit UTF-8 conversions and the status check shared by every call.</summary>
    internal static class Utf8
    {
        // Throws on a lone surrogate instead of silently replacing it with U+FFFD, so a string
        // that is not valid Unicode is an ArgumentException in managed code and can never reach
        // the library as something else than the caller wrote.
        private static readonly UTF8Encoding Strict = new UTF8Encoding(false, true);

        /// <summary>UTF-8 bytes of a required string (null → ArgumentNullException).</summary>
        internal static byte[] Required(string value, string paramName)
        {
            if (value == null) throw new ArgumentNullException(paramName);
            return Encode(value, paramName);
        }

        /// <summary>UTF-8 bytes of an optional string; null stays null (absent).</summary>
        internal static byte[] Optional(string value, string paramName)
        {
            return value == null ? null : Encode(value, paramName);
        }

        internal static byte[] Encode(string value, string paramName)
        {
            try
            {
                return Strict.GetBytes(value);
            }
            catch (EncoderFallbackException e)
            {
                throw new ArgumentException("not valid Unicode (lone surrogate), cannot be encoded as UTF-8", paramName, e);
            }
        }

        internal static UIntPtr Len(byte[] bytes)
        {
            return bytes == null ? UIntPtr.Zero : (UIntPtr)(uint)bytes.Length;
        }

        internal static unsafe string Decode(NativeStr s)
        {
            ulong n = s.Len.ToUInt64();
            if (n == 0 || s.Data == IntPtr.Zero) return string.Empty;
            return Encoding.UTF8.GetString((byte*)s.Data, checked((int)n));
        }

        /// <summary>A managed copy of the bytes of a native string view.</summary>
        internal static byte[] Copy(NativeStr s)
        {
            int n = checked((int)s.Len.ToUInt64());
            var b = new byte[n];
            if (n > 0) Marshal.Copy(s.Data, b, 0, n);
            return b;
        }

        internal static string Decode(byte[] b)
        {
            return b == null || b.Length == 0 ? string.Empty : Encoding.UTF8.GetString(b);
        }

        internal static unsafe string DecodeCString(IntPtr p)
        {
            if (p == IntPtr.Zero) return string.Empty;
            byte* b = (byte*)p;
            int n = 0;
            while (b[n] != 0) n++;
            return Encoding.UTF8.GetString(b, n);
        }

        /// <summary>
        /// Throws a PresignerException for a failed status. It must run on the thread that made
        /// the call, before any other native call, because the message is thread-local.
        /// </summary>
        internal static void Check(int status)
        {
            if (status != 0) throw PresignerException.FromLastError(status);
        }
    }
}
