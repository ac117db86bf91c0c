using System;
using System.Runtime.InteropServices;

namespace Presigning
{
    /// <summary><c>presigner_keyring*</c>.</summary>
    internal sealed class KeyringHandle : PresignerHandle
    {
        protected override bool ReleaseHandle() { NativeVerify.presigner_keyring_free(handle); return true; }
    }

    /// <summary><c>presigner_verify_options*</c>.</summary>
    internal sealed class VerifyOptionsHandle : PresignerHandle
    {
        protected override bool ReleaseHandle() { NativeVerify.presigner_verify_options_free(handle); return true; }
    }

    /// <summary><c>presigner_verified*</c>.</summary>
    internal sealed class VerifiedHandle : PresignerHandle
    {
        protected override bool ReleaseHandle() { NativeVerify.presigner_verified_free(handle); return true; }
    }

    /// <summary><c>presigner_lookup_fn</c>: called by a keyring for an access key id it does not hold.</summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    [return: MarshalAs(UnmanagedType.I1)]
    internal delegate bool NativeLookupFn(IntPtr userData, IntPtr accessKeyId, UIntPtr accessKeyIdLen, out IntPtr output);

    /// <summary>
    /// P/Invoke declarations of the verification part of include/presigner.h (keyring, verify
    /// options, verify_presigned / verify_request, verified accessors). Same conventions as
    /// <see cref="Native"/>: UTF-8 byte arrays plus lengths in, <see cref="NativeStr"/> out, SafeHandles.
    /// </summary>
    internal static class NativeVerify
    {
        private const string Lib = Native.Lib;

        // ---- keyring ----
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_keyring_new(out KeyringHandle output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_keyring_add(KeyringHandle keyring, byte[] accessKeyId, UIntPtr accessKeyIdLen,
            byte[] secretAccessKey, UIntPtr secretAccessKeyLen, byte[] sessionToken, UIntPtr sessionTokenLen);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_keyring_add_credentials(KeyringHandle keyring, CredentialsHandle creds);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_keyring_set_lookup(KeyringHandle keyring, NativeLookupFn lookup, IntPtr userData);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_keyring_count(KeyringHandle keyring, out UIntPtr output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void presigner_keyring_free(IntPtr keyring);

        // Credentials made inside a lookup callback: ownership passes to the library, so a raw pointer.
        [DllImport(Lib, EntryPoint = "presigner_credentials_new", CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_credentials_new_raw(byte[] accessKeyId, UIntPtr accessKeyIdLen,
            byte[] secretAccessKey, UIntPtr secretAccessKeyLen, byte[] sessionToken, UIntPtr sessionTokenLen,
            long[] expiresAtUnix, out IntPtr output);

        // ---- verify options ----
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_verify_options_new(out VerifyOptionsHandle output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_verify_options_set_now(VerifyOptionsHandle options, long unixSeconds);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_verify_options_use_clock(VerifyOptionsHandle options);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_verify_options_set_region(VerifyOptionsHandle options, byte[] region, UIntPtr regionLen);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_verify_options_set_service(VerifyOptionsHandle options, byte[] service, UIntPtr serviceLen);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_verify_options_set_max_skew(VerifyOptionsHandle options, long seconds);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_verify_options_set_settings(VerifyOptionsHandle options, SigningParamsHandle p);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void presigner_verify_options_free(IntPtr options);

        // ---- verification ----
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_verify_presigned(byte[] method, UIntPtr methodLen, byte[] url, UIntPtr urlLen,
            NativeHeader[] headers, UIntPtr headersLen, KeyringHandle keyring, VerifyOptionsHandle options,
            out VerifiedHandle output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_verify_request(byte[] method, UIntPtr methodLen, byte[] url, UIntPtr urlLen,
            NativeHeader[] headers, UIntPtr headersLen, byte[] payloadHash, UIntPtr payloadHashLen,
            KeyringHandle keyring, VerifyOptionsHandle options, out VerifiedHandle output);

        // ---- verified ----
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_verified_access_key_id(VerifiedHandle v, out NativeStr output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_verified_region(VerifiedHandle v, out NativeStr output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_verified_service(VerifiedHandle v, out NativeStr output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_verified_signed_header_count(VerifiedHandle v, out UIntPtr output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_verified_signed_header(VerifiedHandle v, UIntPtr index, out NativeStr output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_verified_signed_at(VerifiedHandle v, out long output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_verified_expires_at(VerifiedHandle v, out long output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void presigner_verified_free(IntPtr v);
    }
}
