using System;

namespace Presigning
{
    /// <summary>
    /// The error codes of the library. The numeric values are those of the C ABI's
    /// <c>presigner_status</c> (fixed, never reused).
    /// </summary>
    public enum PresignerErrorCode
    {
        /// <summary>Success (never the code of an exception).</summary>
        Ok = 0,
        /// <summary><c>invalid_expiry</c>: expires-in outside 1..604800 seconds.</summary>
        InvalidExpiry = 1,
        /// <summary><c>invalid_bucket</c>: a bucket name S3 would reject.</summary>
        InvalidBucket = 2,
        /// <summary><c>invalid_key</c>: an empty or too long object key.</summary>
        InvalidKey = 3,
        /// <summary><c>invalid_region</c>.</summary>
        InvalidRegion = 4,
        /// <summary><c>invalid_endpoint</c>: not http(s)://host[:port][/path].</summary>
        InvalidEndpoint = 5,
        /// <summary><c>invalid_header</c>: a header name or value that cannot be signed.</summary>
        InvalidHeader = 6,
        /// <summary><c>invalid_query</c>: a query parameter that cannot be signed.</summary>
        InvalidQuery = 7,
        /// <summary><c>invalid_url</c>.</summary>
        InvalidUrl = 8,
        /// <summary><c>invalid_method</c>: an HTTP method that is not a token.</summary>
        InvalidMethod = 9,
        /// <summary><c>invalid_service</c>.</summary>
        InvalidService = 10,
        /// <summary><c>invalid_time</c>: a signing time outside 1970..9999.</summary>
        InvalidTime = 11,
        /// <summary><c>invalid_option</c>: an unknown or contradictory setting.</summary>
        InvalidOption = 12,
        /// <summary><c>invalid_credentials</c>: empty access key id, secret or token.</summary>
        InvalidCredentials = 13,
        /// <summary><c>missing_credentials</c>: nothing in the environment or the shared files.</summary>
        MissingCredentials = 14,
        /// <summary><c>profile_error</c>: unknown profile or unreadable file.</summary>
        ProfileError = 15,
        /// <summary><c>credentials_expired</c>: the credentials had expired at the signing time.</summary>
        CredentialsExpired = 16,
        /// <summary><c>credentials_expire_before_url</c>: expiry policy Error and the URL would outlive them.</summary>
        CredentialsExpireBeforeUrl = 17,
        /// <summary><c>unsupported_algorithm</c> (verification): not signed with AWS4-HMAC-SHA256.</summary>
        UnsupportedAlgorithm = 18,
        /// <summary><c>malformed_request</c> (verification): a signing parameter or header is missing or unparsable.</summary>
        MalformedRequest = 19,
        /// <summary><c>invalid_credential_scope</c> (verification): not AKID/yyyymmdd/region/service/aws4_request, or its date is not X-Amz-Date's day.</summary>
        InvalidCredentialScope = 20,
        /// <summary><c>scope_mismatch</c> (verification): the scope names another region or service than the expected one.</summary>
        ScopeMismatch = 21,
        /// <summary><c>duplicate_parameter</c> (verification): an authentication parameter appears more than once.</summary>
        DuplicateParameter = 22,
        /// <summary><c>missing_signed_header</c> (verification): host is not signed, or a signed header is absent.</summary>
        MissingSignedHeader = 23,
        /// <summary><c>unknown_access_key</c> (verification): the keyring knows no secret for the access key id.</summary>
        UnknownAccessKey = 24,
        /// <summary><c>invalid_session_token</c> (verification): the session token is missing or not the one expected for the key.</summary>
        InvalidSessionToken = 25,
        /// <summary><c>request_expired</c> (verification): the URL's lifetime is over (header auth: X-Amz-Date too far in the past).</summary>
        RequestExpired = 26,
        /// <summary><c>request_not_yet_valid</c> (verification): X-Amz-Date lies further in the future than the allowed skew.</summary>
        RequestNotYetValid = 27,
        /// <summary><c>signature_mismatch</c> (verification): the signature is not the one the secret gives for this request.</summary>
        SignatureMismatch = 28,
        /// <summary><c>null_argument</c>: cannot come from this package (arguments are checked in managed code first).</summary>
        NullArgument = 100,
        /// <summary><c>invalid_utf8</c>: cannot come from this package (strings are encoded as UTF-8 here; a lone surrogate is an ArgumentException).</summary>
        InvalidUtf8 = 101,
        /// <summary><c>panic</c>: a bug in the library, caught at the boundary.</summary>
        Panic = 102,
        /// <summary><c>buffer_too_small</c>: C-level only (this package sizes its buffers).</summary>
        BufferTooSmall = 103,
        /// <summary><c>index_out_of_range</c>: C-level only (this package loops over counts).</summary>
        IndexOutOfRange = 104,
        /// <summary><c>unknown_error</c>: a core error kind this build does not know.</summary>
        UnknownError = 199,
    }

    /// <summary>A failure reported by the presigner library.</summary>
    [Serializable]
    public class PresignerException : Exception
    {
        /// <summary>The error code; its numeric value is the C status.</summary>
        public PresignerErrorCode Code { get; private set; }

        /// <summary>The stable code string, e.g. "invalid_bucket".</summary>
        public string CodeString { get; private set; }

        /// <summary>Makes an exception with a code and message.</summary>
        public PresignerException(PresignerErrorCode code, string message)
            : base(string.IsNullOrEmpty(message) ? StatusString((int)code) : message)
        {
            Code = code;
            CodeString = StatusString((int)code);
        }

        /// <summary>True for the verification failures (codes 18..28): a server should answer every one with 403.</summary>
        public bool IsVerificationFailure
        {
            get { return Code >= PresignerErrorCode.UnsupportedAlgorithm && Code <= PresignerErrorCode.SignatureMismatch; }
        }

        /// <summary>Adds the code string to the message.</summary>
        public override string ToString()
        {
            return "PresignerException [" + CodeString + "]: " + Message;
        }

        internal static string StatusString(int status)
        {
            return Utf8.DecodeCString(Native.presigner_status_str((uint)status));
        }

        /// <summary>Reads this thread's last message (call it right after the failing call).</summary>
        internal static PresignerException FromLastError(int status)
        {
            string message = LastErrorMessage();
            PresignerErrorCode code = Enum.IsDefined(typeof(PresignerErrorCode), status)
                ? (PresignerErrorCode)status
                : PresignerErrorCode.UnknownError;
            return new PresignerException(code, message);
        }

        internal static string LastErrorMessage()
        {
            ulong n = Native.presigner_last_error_length().ToUInt64();
            if (n == 0) return string.Empty;
            byte[] buf = new byte[checked((int)n + 1)];
            UIntPtr got;
            if (Native.presigner_last_error_message(buf, (UIntPtr)(uint)buf.Length, out got) != 0) return string.Empty;
            return System.Text.Encoding.UTF8.GetString(buf, 0, checked((int)got.ToUInt64()));
        }
    }
}
