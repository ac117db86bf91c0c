using System;
using System.Runtime.InteropServices;

namespace Presigning
{
    /// <summary>Base of the native handles: invalid when zero, freed once by the matching *_free.</summary>
    internal abstract class PresignerHandle : SafeHandle
    {
        protected PresignerHandle() : base(IntPtr.Zero, true) { }

        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }
    }

    /// <summary><c>presigner_credentials*</c>.</summary>
    internal sealed class CredentialsHandle : PresignerHandle
    {
        protected override bool ReleaseHandle() { Native.presigner_credentials_free(handle); return true; }
    }

    /// <summary><c>presigner_s3_options*</c>.</summary>
    internal sealed class S3OptionsHandle : PresignerHandle
    {
        protected override bool ReleaseHandle() { Native.presigner_s3_options_free(handle); return true; }
    }

    /// <summary><c>presigner_s3*</c>.</summary>
    internal sealed class S3Handle : PresignerHandle
    {
        protected override bool ReleaseHandle() { Native.presigner_s3_free(handle); return true; }
    }

    /// <summary><c>presigner_presign_options*</c>.</summary>
    internal sealed class PresignOptionsHandle : PresignerHandle
    {
        protected override bool ReleaseHandle() { Native.presigner_presign_options_free(handle); return true; }
    }

    /// <summary><c>presigner_signing_params*</c>.</summary>
    internal sealed class SigningParamsHandle : PresignerHandle
    {
        protected override bool ReleaseHandle() { Native.presigner_signing_params_free(handle); return true; }
    }

    /// <summary><c>presigner_presigned*</c>.</summary>
    internal sealed class PresignedHandle : PresignerHandle
    {
        protected override bool ReleaseHandle() { Native.presigner_presigned_free(handle); return true; }
    }

    /// <summary><c>presigner_signed*</c>.</summary>
    internal sealed class SignedHandle : PresignerHandle
    {
        protected override bool ReleaseHandle() { Native.presigner_signed_free(handle); return true; }
    }

    /// <summary><c>presigner_url_list*</c>.</summary>
    internal sealed class UrlListHandle : PresignerHandle
    {
        protected override bool ReleaseHandle() { Native.presigner_url_list_free(handle); return true; }
    }
}
