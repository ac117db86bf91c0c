using System;

namespace Presigning
{
    /// <summary>
    /// AWS credentials held by the native library (the secret cannot be read back). Immutable and
    /// safe to share between threads. Dispose when done (a finalizer frees them otherwise);
    /// an <see cref="S3Presigner"/> keeps its own copy, so they may be disposed right after it is made.
    /// </summary>
    public sealed class Credentials : IDisposable
    {
        private readonly CredentialsHandle _handle;
        private readonly string _accessKeyId;
        private readonly bool _hasSessionToken;
        private readonly DateTimeOffset? _expiresAt;

        /// <summary>Makes credentials from keys; <paramref name="sessionToken"/> and <paramref name="expiresAt"/> are optional.</summary>
        /// <exception cref="ArgumentNullException">accessKeyId or secretAccessKey is null.</exception>
        /// <exception cref="PresignerException">InvalidCredentials (an empty key, secret or token).</exception>
        public Credentials(string accessKeyId, string secretAccessKey, string sessionToken = null, DateTimeOffset? expiresAt = null)
        {
            byte[] a = Utf8.Required(accessKeyId, "accessKeyId");
            byte[] s = Utf8.Required(secretAccessKey, "secretAccessKey");
            byte[] t = Utf8.Optional(sessionToken, "sessionToken");
            long[] exp = expiresAt.HasValue ? new[] { expiresAt.Value.ToUnixTimeSeconds() } : null;
            CredentialsHandle h;
            Utf8.Check(Native.presigner_credentials_new(a, Utf8.Len(a), s, Utf8.Len(s), t, Utf8.Len(t), exp, out h));
            _handle = h;
            _accessKeyId = accessKeyId;
            _hasSessionToken = sessionToken != null;
            _expiresAt = expiresAt;
        }

        private Credentials(CredentialsHandle h, bool hasSessionToken, DateTimeOffset? expiresAt)
        {
            _handle = h;
            NativeStr id;
            Utf8.Check(Native.presigner_credentials_access_key_id(h, out id));
            _accessKeyId = Utf8.Decode(id);
            _hasSessionToken = hasSessionToken;
            _expiresAt = expiresAt;
        }

        /// <summary>
        /// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and AWS_CREDENTIAL_EXPIRATION
        /// (read by the native library from the process environment).
        /// </summary>
        /// <exception cref="PresignerException">MissingCredentials, InvalidCredentials.</exception>
        public static Credentials FromEnvironment()
        {
            CredentialsHandle h;
            Utf8.Check(Native.presigner_credentials_from_env(out h));
            return new Credentials(h, !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_SESSION_TOKEN")), null);
        }

        /// <summary>A profile of the shared credentials/config files; null means AWS_PROFILE, else "default".</summary>
        /// <exception cref="PresignerException">ProfileError, MissingCredentials, InvalidCredentials.</exception>
        public static Credentials FromProfile(string name = null)
        {
            byte[] p = Utf8.Optional(name, "name");
            CredentialsHandle h;
            Utf8.Check(Native.presigner_credentials_from_profile(p, Utf8.Len(p), out h));
            return new Credentials(h, false, null);
        }

        /// <summary>The environment, then the shared files' profile.</summary>
        public static Credentials FromDefaultChain()
        {
            CredentialsHandle h;
            Utf8.Check(Native.presigner_credentials_from_default_chain(out h));
            return new Credentials(h, false, null);
        }

        /// <summary>The access key id (not a secret).</summary>
        public string AccessKeyId { get { return _accessKeyId; } }

        internal CredentialsHandle Handle
        {
            get
            {
                if (_handle.IsClosed) throw new ObjectDisposedException("Credentials");
                return _handle;
            }
        }

        /// <summary>Frees the native credentials. Safe to call more than once.</summary>
        public void Dispose() { _handle.Dispose(); }

        /// <summary>The access key id only: the secret and the session token are never shown.</summary>
        public override string ToString()
        {
            return "Credentials(AccessKeyId=" + _accessKeyId + ", SecretAccessKey=***"
                + (_hasSessionToken ? ", SessionToken=***" : "")
                + (_expiresAt.HasValue ? ", ExpiresAt=" + _expiresAt.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'") : "")
                + ")";
        }
    }
}
