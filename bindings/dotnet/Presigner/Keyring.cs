using System;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace Presigning
{
    /// <summary>
    /// Finds the secret of an access key id the <see cref="Keyring"/> does not hold (a database, a
    /// cache). Return false when the id is unknown (the request then fails with
    /// <see cref="PresignerErrorCode.UnknownAccessKey"/>); <paramref name="sessionToken"/> may be
    /// null, else requests must carry exactly that token. Called on the verifying thread, possibly
    /// from many threads at once; an exception it throws is rethrown by the Verify call.
    /// </summary>
    public delegate bool KeyLookup(string accessKeyId, out string secretAccessKey, out string sessionToken);

    /// <summary>
    /// The secrets a verifier accepts, by access key id (each with an optional session token that
    /// requests must then carry), held by the native library, plus an optional <see cref="KeyLookup"/>
    /// for the ids it does not hold. Any number of threads may verify with one keyring at once;
    /// <see cref="Add(string, string, string)"/> waits for running verifications (and they for it).
    /// Dispose when done (a finalizer frees it otherwise).
    /// </summary>
    public sealed class Keyring : IDisposable
    {
        private readonly KeyringHandle _handle;
        private readonly ReaderWriterLockSlim _lock = new ReaderWriterLockSlim(LockRecursionPolicy.NoRecursion);
        private NativeLookupFn _lookupThunk; // kept alive while the native keyring may call it
        private KeyLookup _lookup;

        [ThreadStatic] private static Exception _lookupFailure;

        /// <summary>An empty keyring.</summary>
        public Keyring()
        {
            KeyringHandle h;
            Utf8.Check(NativeVerify.presigner_keyring_new(out h));
            _handle = h;
        }

        /// <summary>A keyring asking <paramref name="lookup"/> for every access key id it does not hold.</summary>
        /// <exception cref="ArgumentNullException">lookup is null.</exception>
        public Keyring(KeyLookup lookup) : this()
        {
            if (lookup == null) throw new ArgumentNullException("lookup");
            _lookup = lookup;
            _lookupThunk = LookupThunk;
            Utf8.Check(NativeVerify.presigner_keyring_set_lookup(_handle, _lookupThunk, IntPtr.Zero));
        }

        /// <summary>Adds (or replaces) the secret of an access key id; with a session token, only requests carrying exactly it verify.</summary>
        /// <exception cref="ArgumentNullException">accessKeyId or secretAccessKey is null.</exception>
        /// <exception cref="PresignerException">InvalidCredentials (an empty id, secret or token).</exception>
        public Keyring Add(string accessKeyId, string secretAccessKey, string sessionToken = null)
        {
            byte[] a = Utf8.Required(accessKeyId, "accessKeyId");
            byte[] s = Utf8.Required(secretAccessKey, "secretAccessKey");
            byte[] t = Utf8.Optional(sessionToken, "sessionToken");
            KeyringHandle h = Handle;
            _lock.EnterWriteLock();
            try
            {
                Utf8.Check(NativeVerify.presigner_keyring_add(h, a, Utf8.Len(a), s, Utf8.Len(s), t, Utf8.Len(t)));
            }
            finally
            {
                _lock.ExitWriteLock();
            }
            return this;
        }

        /// <summary>Adds (or replaces) a copy of <paramref name="credentials"/> under its access key id
        /// (its session token, if any, is then required; its expiry is not checked). They may be disposed right after.</summary>
        /// <exception cref="ArgumentNullException">credentials is null.</exception>
        public Keyring Add(Credentials credentials)
        {
            if (credentials == null) throw new ArgumentNullException("credentials");
            CredentialsHandle ch = credentials.Handle;
            KeyringHandle h = Handle;
            _lock.EnterWriteLock();
            try
            {
                Utf8.Check(NativeVerify.presigner_keyring_add_credentials(h, ch));
            }
            finally
            {
                _lock.ExitWriteLock();
            }
            return this;
        }

        /// <summary>How many access key ids the keyring holds (the lookup is not counted).</summary>
        public int Count
        {
            get
            {
                UIntPtr n;
                Utf8.Check(NativeVerify.presigner_keyring_count(Handle, out n));
                return checked((int)n.ToUInt64());
            }
        }

        internal KeyringHandle Handle
        {
            get
            {
                if (_handle.IsClosed) throw new ObjectDisposedException("Keyring");
                return _handle;
            }
        }

        /// <summary>Runs a verification call under the read lock (adding waits) and rethrows what the lookup threw.</summary>
        internal int Run(Func<KeyringHandle, int> call)
        {
            KeyringHandle h = Handle;
            _lookupFailure = null;
            int status;
            _lock.EnterReadLock();
            try
            {
                status = call(h);
            }
            finally
            {
                _lock.ExitReadLock();
            }
            Exception e = _lookupFailure;
            if (e != null)
            {
                _lookupFailure = null;
                // The message of the failed status is thread-local and not needed: the lookup's exception is the cause.
                ExceptionDispatchInfo.Capture(e).Throw();
            }
            return status;
        }

        // Called by the native keyring (on the verifying thread). Must not let an exception unwind
        // into native code: it is kept and rethrown by Run.
        private bool LookupThunk(IntPtr userData, IntPtr id, UIntPtr idLen, out IntPtr output)
        {
            output = IntPtr.Zero;
            try
            {
                int n = checked((int)idLen.ToUInt64());
                byte[] idBytes = new byte[n];
                if (n > 0) Marshal.Copy(id, idBytes, 0, n);
                string secret, token;
                if (!_lookup(Utf8.Decode(idBytes), out secret, out token) || secret == null) return false;
                byte[] s = Utf8.Encode(secret, "secretAccessKey");
                byte[] t = Utf8.Optional(token, "sessionToken");
                IntPtr p;
                int st = NativeVerify.presigner_credentials_new_raw(idBytes, Utf8.Len(idBytes), s, Utf8.Len(s), t, Utf8.Len(t), null, out p);
                if (st != 0) throw PresignerException.FromLastError(st);
                output = p;
                return true;
            }
            catch (Exception e)
            {
                _lookupFailure = e;
                return false;
            }
        }

        /// <summary>Frees the native keyring. Safe to call more than once.</summary>
        public void Dispose()
        {
            _handle.Dispose();
        }

        /// <summary>The number of ids only: secrets are never shown.</summary>
        public override string ToString()
        {
            return _handle.IsClosed ? "Keyring(disposed)" : "Keyring(Count=" + Count + (_lookup != null ? ", Lookup" : "") + ")";
        }
    }
}
