using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Net.Http;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;

namespace Presigning
{
    /// <summary>Where the bucket goes in the URL.</summary>
    public enum AddressingStyle
    {
        /// <summary>Virtual-hosted on AWS, path style on custom endpoints (the default).</summary>
        Auto,
        /// <summary>https://bucket.host/key</summary>
        Virtual,
        /// <summary>https://host/bucket/key</summary>
        Path,
    }

    /// <summary>What to do when the credentials expire before the URL would.</summary>
    public enum ExpiryPolicy
    {
        /// <summary>Refuse with CredentialsExpireBeforeUrl (the default).</summary>
        Error,
        /// <summary>Shorten X-Amz-Expires to the credentials' lifetime.</summary>
        Clamp,
        /// <summary>Sign as asked; ExpiresAt shows the real end.</summary>
        Allow,
    }

    /// <summary>Settings of an <see cref="S3Presigner"/>. Region is required.</summary>
    public sealed class S3PresignerOptions
    {
        /// <summary>e.g. "eu-west-1" (required).</summary>
        public string Region { get; set; }
        /// <summary>The credentials to sign with; null means <see cref="Credentials.FromDefaultChain"/>.</summary>
        public Credentials Credentials { get; set; }
        /// <summary>A custom endpoint such as "http://127.0.0.1:9000" (MinIO, R2, Ceph); null for AWS.</summary>
        public string EndpointUrl { get; set; }
        /// <summary>Virtual-hosted or path-style URLs.</summary>
        public AddressingStyle AddressingStyle { get; set; }
        /// <summary>The dual-stack (IPv6) endpoint.</summary>
        public bool Dualstack { get; set; }
        /// <summary>The FIPS endpoint.</summary>
        public bool Fips { get; set; }
        /// <summary>The Transfer Acceleration endpoint.</summary>
        public bool Accelerate { get; set; }
        /// <summary>What to do when temporary credentials expire before the URL.</summary>
        public ExpiryPolicy ExpiryPolicy { get; set; }
    }

    /// <summary>Name/value pairs in order (names may repeat); <c>list.Add("name", "value")</c>.</summary>
    public sealed class NameValueList : List<KeyValuePair<string, string>>
    {
        /// <summary>Appends a pair.</summary>
        public void Add(string name, string value)
        {
            Add(new KeyValuePair<string, string>(name, value));
        }
    }

    /// <summary>Per-URL options. The defaults: one hour, the system clock.</summary>
    public sealed class PresignOptions
    {
        private readonly NameValueList _headers = new NameValueList();
        private readonly NameValueList _query = new NameValueList();

        // ExpiresIn and Now are also kept as the scalars the library takes, computed when set
        // (PresignGetUrl passes them with every call); a fractional ExpiresIn still throws when used.
        private TimeSpan? _expiresIn;
        private long _expiresSeconds = 3600;
        private bool _expiresWhole = true;
        private DateTimeOffset? _now;
        private long _nowUnix;
        private string _versionId, _rct, _rcd, _rcl, _rce, _rcc, _rex;
        // Changed by every scalar setter: the cached native handle is reused while it is unchanged
        // (and the header and query lists hold the same pairs).
        private int _version;

        /// <summary>How long the URL stays valid: whole seconds, 1 s .. 7 days; null means one hour.</summary>
        public TimeSpan? ExpiresIn
        {
            get { return _expiresIn; }
            set
            {
                _expiresIn = value;
                _expiresWhole = !value.HasValue || value.Value.Ticks % TimeSpan.TicksPerSecond == 0;
                _expiresSeconds = value.HasValue ? value.Value.Ticks / TimeSpan.TicksPerSecond : 3600;
                _version++;
            }
        }

        /// <summary>The same as <see cref="ExpiresIn"/> in seconds.</summary>
        public int? ExpiresInSeconds
        {
            get { return ExpiresIn.HasValue ? (int?)(int)ExpiresIn.Value.TotalSeconds : null; }
            set { ExpiresIn = value.HasValue ? (TimeSpan?)TimeSpan.FromSeconds(value.Value) : null; }
        }

        /// <summary>Headers to sign (<c>Headers = { { "x-amz-meta-a", "b" } }</c>); the client must send them with exactly these values.</summary>
        public NameValueList Headers { get { return _headers; } }
        /// <summary>Extra raw (unencoded) query parameters, e.g. partNumber and uploadId.</summary>
        public NameValueList Query { get { return _query; } }
        /// <summary>The object version (versionId).</summary>
        public string VersionId { get { return _versionId; } set { _versionId = value; _version++; } }
        /// <summary>response-content-type</summary>
        public string ResponseContentType { get { return _rct; } set { _rct = value; _version++; } }
        /// <summary>response-content-disposition</summary>
        public string ResponseContentDisposition { get { return _rcd; } set { _rcd = value; _version++; } }
        /// <summary>response-content-language</summary>
        public string ResponseContentLanguage { get { return _rcl; } set { _rcl = value; _version++; } }
        /// <summary>response-content-encoding</summary>
        public string ResponseContentEncoding { get { return _rce; } set { _rce = value; _version++; } }
        /// <summary>response-cache-control</summary>
        public string ResponseCacheControl { get { return _rcc; } set { _rcc = value; _version++; } }
        /// <summary>response-expires</summary>
        public string ResponseExpires { get { return _rex; } set { _rex = value; _version++; } }
        /// <summary>The signing time (whole seconds are used); null means the system clock.</summary>
        public DateTimeOffset? Now
        {
            get { return _now; }
            set
            {
                _now = value;
                _nowUnix = value.HasValue ? value.Value.ToUnixTimeSeconds() : 0;
                _version++;
            }
        }

        /// <summary>ExpiresIn in seconds (ArgumentOutOfRangeException if fractional).</summary>
        internal long ExpiresInWholeSeconds
        {
            get { return _expiresWhole ? _expiresSeconds : ExpiresSeconds(_expiresIn); }
        }

        /// <summary>Now as Unix seconds (0 when Now is null).</summary>
        internal long NowUnixSeconds { get { return _nowUnix; } }

        /// <summary>Headers, query parameters, a version id or response overrides: what needs an options handle
        /// besides the expiry and the signing time.</summary>
        internal bool HasRequestSettings
        {
            get { return _headers.Count != 0 || _query.Count != 0 || HasS3OnlySettings; }
        }

        internal bool HasS3OnlySettings
        {
            get
            {
                return VersionId != null || ResponseContentType != null || ResponseContentDisposition != null
                    || ResponseContentLanguage != null || ResponseContentEncoding != null
                    || ResponseCacheControl != null || ResponseExpires != null;
            }
        }

        internal static long ExpiresSeconds(TimeSpan? value)
        {
            if (!value.HasValue) return 3600;
            TimeSpan t = value.Value;
            if (t.Ticks % TimeSpan.TicksPerSecond != 0)
                throw new ArgumentOutOfRangeException("ExpiresIn", t, "ExpiresIn must be a whole number of seconds");
            // The range 1..604800 is the core's rule (InvalidExpiry), the same in every language.
            return t.Ticks / TimeSpan.TicksPerSecond;
        }

        // The native options handle of the last Build, with the values it was built from. A call
        // reuses it while the options still hold those values (a few comparisons instead of four
        // or more native calls and a SafeHandle per call). Replaced snapshots are not disposed
        // here: another thread may be using that handle; the SafeHandle frees it once unreachable.
        private sealed class Built
        {
            internal PresignOptionsHandle Handle;
            internal int Version;
            internal KeyValuePair<string, string>[] Headers, Query;
        }

        private Built _built;

        private static bool Same(KeyValuePair<string, string>[] a, NameValueList b)
        {
            if (a.Length != b.Count) return false;
            for (int i = 0; i < a.Length; i++)
            {
                KeyValuePair<string, string> x = a[i], y = b[i];
                // string.Equals(string, string): ordinal, reference-equality fast path
                if (!string.Equals(x.Key, y.Key) || !string.Equals(x.Value, y.Value)) return false;
            }
            return true;
        }

        /// <summary>
        /// The native options handle for these values, built once and reused while the options
        /// are unchanged (do not dispose it): the scalar properties by a version number their
        /// setters change, the header and query lists pair by pair. Mutating options while
        /// another thread presigns with them is a race, as for any mutable object.
        /// </summary>
        internal PresignOptionsHandle Handle()
        {
            Built b = Volatile.Read(ref _built);
            if (b != null && b.Version == _version && Same(b.Headers, _headers) && Same(b.Query, _query))
                return b.Handle;
            // the version is read first: a setter racing with Build makes the next call rebuild
            var nb = new Built { Version = _version, Headers = _headers.ToArray(), Query = _query.ToArray() };
            nb.Handle = Build();
            Volatile.Write(ref _built, nb);
            return nb.Handle;
        }

        /// <summary>Builds a new native options handle (dispose it after the call).</summary>
        internal PresignOptionsHandle Build()
        {
            long expires = ExpiresSeconds(ExpiresIn);
            PresignOptionsHandle h;
            Utf8.Check(Native.presigner_presign_options_new(out h));
            try
            {
                Utf8.Check(Native.presigner_presign_options_set_expires_in(h, expires));
                if (Now.HasValue) Utf8.Check(Native.presigner_presign_options_set_now(h, Now.Value.ToUnixTimeSeconds()));
                AddAll(h, _headers, _query);
                if (VersionId != null)
                {
                    byte[] v = Utf8.Encode(VersionId, "VersionId");
                    Utf8.Check(Native.presigner_presign_options_set_version_id(h, v, Utf8.Len(v)));
                }
                SetOverride(h, "content-type", ResponseContentType);
                SetOverride(h, "content-disposition", ResponseContentDisposition);
                SetOverride(h, "content-language", ResponseContentLanguage);
                SetOverride(h, "content-encoding", ResponseContentEncoding);
                SetOverride(h, "cache-control", ResponseCacheControl);
                SetOverride(h, "expires", ResponseExpires);
                return h;
            }
            catch
            {
                h.Dispose();
                throw;
            }
        }

        /// <summary>Adds headers and query parameters to a native options handle.</summary>
        internal static void AddAll(PresignOptionsHandle h, NameValueList headers, NameValueList query)
        {
            foreach (var kv in headers)
            {
                byte[] n = Utf8.Required(kv.Key, "Headers");
                byte[] v = Utf8.Required(kv.Value, "Headers[" + kv.Key + "]");
                Utf8.Check(Native.presigner_presign_options_add_header(h, n, Utf8.Len(n), v, Utf8.Len(v)));
            }
            foreach (var kv in query)
            {
                byte[] n = Utf8.Required(kv.Key, "Query");
                byte[] v = Utf8.Required(kv.Value, "Query[" + kv.Key + "]");
                Utf8.Check(Native.presigner_presign_options_add_query(h, n, Utf8.Len(n), v, Utf8.Len(v)));
            }
        }

        private static void SetOverride(PresignOptionsHandle h, string name, string value)
        {
            if (value == null) return;
            byte[] n = Utf8.Encode(name, "name");
            byte[] v = Utf8.Encode(value, "Response" + name);
            Utf8.Check(Native.presigner_presign_options_set_response_override(h, n, Utf8.Len(n), v, Utf8.Len(v)));
        }

        internal PresignOptions With(string headerName, string headerValue)
        {
            var copy = new PresignOptions
            {
                ExpiresIn = ExpiresIn, VersionId = VersionId, Now = Now,
                ResponseContentType = ResponseContentType, ResponseContentDisposition = ResponseContentDisposition,
                ResponseContentLanguage = ResponseContentLanguage, ResponseContentEncoding = ResponseContentEncoding,
                ResponseCacheControl = ResponseCacheControl, ResponseExpires = ResponseExpires,
            };
            foreach (var kv in _headers)
                if (!string.Equals(kv.Key, headerName, StringComparison.OrdinalIgnoreCase)) copy._headers.Add(kv);
            copy._query.AddRange(_query);
            copy._headers.Add(headerName, headerValue);
            return copy;
        }
    }

    /// <summary>
    /// The few headers of a presigned request (distinct names, from the core) as a read-only,
    /// case-insensitive map: a linear scan over a handful of entries costs far less to build and
    /// query on Mono than a Dictionary with StringComparer.OrdinalIgnoreCase (2 us per call).
    /// </summary>
    internal sealed class SmallHeaderMap : IReadOnlyDictionary<string, string>
    {
        private readonly KeyValuePair<string, string>[] _items;

        internal SmallHeaderMap(KeyValuePair<string, string>[] items) { _items = items; }

        public int Count { get { return _items.Length; } }

        public string this[string key]
        {
            get
            {
                string v;
                if (!TryGetValue(key, out v)) throw new KeyNotFoundException("no header " + key);
                return v;
            }
        }

        public IEnumerable<string> Keys { get { foreach (var kv in _items) yield return kv.Key; } }
        public IEnumerable<string> Values { get { foreach (var kv in _items) yield return kv.Value; } }

        public bool ContainsKey(string key)
        {
            string v;
            return TryGetValue(key, out v);
        }

        public bool TryGetValue(string key, out string value)
        {
            if (key == null) throw new ArgumentNullException("key");
            foreach (var kv in _items)
            {
                if (string.Equals(kv.Key, key, StringComparison.OrdinalIgnoreCase))
                {
                    value = kv.Value;
                    return true;
                }
            }
            value = null;
            return false;
        }

        public IEnumerator<KeyValuePair<string, string>> GetEnumerator() { return ((IEnumerable<KeyValuePair<string, string>>)_items).GetEnumerator(); }
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() { return GetEnumerator(); }
    }

    /// <summary>A presigned URL and what the client must send with it.</summary>
    /// <remarks>
    /// The URL string is made when the request is presigned; the other fields are kept as one
    /// copy of their UTF-8 bytes and turned into strings on first use (most callers only read the
    /// URL). Reading any property from several threads at once is safe: each field is decoded
    /// from the same immutable bytes, so every thread sees equal values.
    /// </remarks>
    public sealed class PresignedRequest
    {
        // Slots of _offsets: the fixed fields, then 2 per header (name, value), then the signed
        // header names; _offsets[i]..(_offsets[i + 1]) is field i in _utf8.
        private const int SlotMethod = 0, SlotSignature = 1, SlotCanonicalRequest = 2, SlotStringToSign = 3, SlotHeaders = 4;

        private readonly string _urlString;
        private readonly byte[] _utf8;
        private readonly int[] _offsets;
        private readonly int _headerCount, _signedHeaderCount;
        private readonly long _signedAt, _expiresAt;
        private Uri _url;
        private string _method, _signature, _canonicalRequest, _stringToSign;
        private IReadOnlyDictionary<string, string> _headers;
        private IReadOnlyList<string> _signedHeaders;

        private PresignedRequest(string url, byte[] utf8, int[] offsets, int headerCount, int signedHeaderCount, long signedAt, long expiresAt)
        {
            _urlString = url;
            _utf8 = utf8;
            _offsets = offsets;
            _headerCount = headerCount;
            _signedHeaderCount = signedHeaderCount;
            _signedAt = signedAt;
            _expiresAt = expiresAt;
        }

        /// <summary>
        /// The URL as a <see cref="System.Uri"/>. Careful: <c>Uri</c> removes dot segments
        /// (<c>a/../b</c> becomes <c>b</c>) and its <c>ToString()</c> unescapes; such a URL no longer
        /// matches the signature. <see cref="UrlString"/> is always exactly what was signed.
        /// </summary>
        public Uri Url { get { return _url ?? (_url = new Uri(_urlString)); } }
        /// <summary>The URL exactly as signed.</summary>
        public string UrlString { get { return _urlString; } }
        /// <summary>The HTTP method the URL is valid for (upper-case).</summary>
        public string Method { get { return _method ?? Publish(ref _method, Field(SlotMethod)); } }
        /// <summary>Every signed header but host: send these with exactly these values.</summary>
        public IReadOnlyDictionary<string, string> Headers { get { return _headers ?? Publish(ref _headers, MakeHeaders()); } }
        /// <summary>The signed header names, lower-case and sorted (host included).</summary>
        public IReadOnlyList<string> SignedHeaders { get { return _signedHeaders ?? Publish(ref _signedHeaders, MakeSignedHeaders()); } }
        /// <summary>X-Amz-Date.</summary>
        public DateTimeOffset SignedAt { get { return DateTimeOffset.FromUnixTimeSeconds(_signedAt); } }
        /// <summary>When the URL stops working.</summary>
        public DateTimeOffset ExpiresAt { get { return DateTimeOffset.FromUnixTimeSeconds(_expiresAt); } }
        /// <summary>The canonical request that was signed.</summary>
        public string CanonicalRequest { get { return _canonicalRequest ?? Publish(ref _canonicalRequest, Field(SlotCanonicalRequest)); } }
        /// <summary>The string-to-sign.</summary>
        public string StringToSign { get { return _stringToSign ?? Publish(ref _stringToSign, Field(SlotStringToSign)); } }
        /// <summary>The hex signature (X-Amz-Signature).</summary>
        public string Signature { get { return _signature ?? Publish(ref _signature, Field(SlotSignature)); } }

        /// <summary>The URL exactly as signed.</summary>
        public override string ToString() { return _urlString; }

        // The first value stored wins; a racing thread's equal value is dropped.
        private static T Publish<T>(ref T slot, T value) where T : class
        {
            return Interlocked.CompareExchange(ref slot, value, null) ?? value;
        }

        private string Field(int slot)
        {
            int start = _offsets[slot], n = _offsets[slot + 1] - start;
            return n == 0 ? string.Empty : Encoding.UTF8.GetString(_utf8, start, n);
        }

        private IReadOnlyDictionary<string, string> MakeHeaders()
        {
            var headers = new KeyValuePair<string, string>[_headerCount];
            for (int i = 0; i < headers.Length; i++)
                headers[i] = new KeyValuePair<string, string>(Field(SlotHeaders + 2 * i), Field(SlotHeaders + 2 * i + 1));
            return new SmallHeaderMap(headers);
        }

        private IReadOnlyList<string> MakeSignedHeaders()
        {
            var signed = new string[_signedHeaderCount];
            int first = SlotHeaders + 2 * _headerCount;
            for (int i = 0; i < signed.Length; i++) signed[i] = Field(first + i);
            return Array.AsReadOnly(signed);
        }

        /// <summary>Reads a native presigned result (borrowed: the caller frees it afterwards).</summary>
        internal static unsafe PresignedRequest Read(PresignedHandle h)
        {
            ThreadBuffers buffers = ThreadBuffers.Current;
            bool added = false;
            try
            {
                h.DangerousAddRef(ref added);
                byte[] buf = buffers.Fields;
                while (true)
                {
                    UIntPtr len;
                    int status;
                    fixed (byte* b = buf)
                    {
                        status = NativeFast.presigner_presigned_fields_into(h.DangerousGetHandle(), b, (UIntPtr)(uint)buf.Length, &len);
                        if (status == 0) return Parse(buf, b, len);
                    }
                    if (status != (int)PresignerErrorCode.BufferTooSmall || len.ToUInt64() <= (ulong)buf.Length) Utf8.Check(status);
                    buf = buffers.GrowFields(checked((int)len.ToUInt64()));
                }
            }
            finally
            {
                if (added) h.DangerousRelease();
            }
        }

        private static PresignerException Malformed()
        {
            return new PresignerException(PresignerErrorCode.UnknownError, "malformed presigned fields from the library (mismatched build?)");
        }

        /// <summary>
        /// Makes a request from the <c>presigner_presigned_fields_into</c> layout in
        /// <paramref name="buf"/> (pinned at <paramref name="p"/>, <paramref name="len"/> bytes used):
        /// the URL is decoded now, every other string is kept as one copy of its bytes.
        /// </summary>
        internal static unsafe PresignedRequest Parse(byte[] buf, byte* p, UIntPtr len)
        {
            const int Fixed = 9; // PRESIGNER_PRESIGNED_FIELDS_WORDS
            ulong total = len.ToUInt64();
            if (total > (ulong)buf.Length || total < 8 * Fixed) throw Malformed();
            int maxWords = (int)(total / 8);
            // 64-bit little-endian words; on a big-endian machine they are swapped into a copy
            long* w = (long*)p;
            if (!BitConverter.IsLittleEndian)
            {
                long* swapped = stackalloc long[Fixed];
                for (int i = 0; i < Fixed; i++) swapped[i] = Swap(w[i]);
                w = swapped;
            }
            ulong nh = (ulong)w[2], ns = (ulong)w[3];
            if (nh > (ulong)maxWords || ns > (ulong)maxWords) throw Malformed();
            int words = Fixed + 2 * (int)nh + (int)ns;
            if (words > maxWords) throw Malformed();
            if (!BitConverter.IsLittleEndian)
            {
                long* swapped = stackalloc long[words];
                for (int i = 0; i < words; i++) swapped[i] = Swap(((long*)p)[i]);
                w = swapped;
            }
            int pos = 8 * words;
            ulong urlLen = (ulong)w[4];
            // Slots follow the native order after the URL: method, signature, canonical
            // request, string-to-sign, header names and values, signed header names.
            int slots = words - 5;
            var offsets = new int[slots + 1];
            ulong off = 0;
            for (int i = 0; i < slots; i++)
            {
                offsets[i] = (int)off;
                ulong n = (ulong)w[5 + i];
                if (n > total) throw Malformed();
                off += n;
                if (off > total) throw Malformed();
            }
            if (urlLen > total || (ulong)pos + urlLen + off != total) throw Malformed();
            offsets[slots] = (int)off;
            var utf8 = new byte[(int)off];
            Buffer.BlockCopy(buf, pos + (int)urlLen, utf8, 0, (int)off);
            string url = Utf8Fast.Decode(p + pos, (int)urlLen);
            return new PresignedRequest(url, utf8, offsets, (int)nh, (int)ns, w[0], w[1]);
        }

        private static long Swap(long v)
        {
            ulong x = (ulong)v, r = 0;
            for (int k = 0; k < 8; k++, x >>= 8) r = (r << 8) | (x & 0xFF);
            return (long)r;
        }
    }

    /// <summary>
    /// Presigns S3 requests. Immutable and safe for concurrent use: share one per process and
    /// dispose it at the end (Dispose must not race with other calls; a later call throws
    /// ObjectDisposedException, a racing one never touches freed memory).
    /// </summary>
    public sealed class S3Presigner : IDisposable
    {
        // Used for calls without options: its cached native handle is shared (it is never mutated).
        private static readonly PresignOptions Defaults = new PresignOptions();
        private readonly S3Handle _handle;

        /// <summary>Validates the options and resolves the endpoint (no network).</summary>
        /// <exception cref="ArgumentNullException">options or options.Region is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">an undefined AddressingStyle / ExpiryPolicy value.</exception>
        /// <exception cref="PresignerException">InvalidRegion, InvalidEndpoint, InvalidOption, credential errors.</exception>
        public S3Presigner(S3PresignerOptions options)
        {
            if (options == null) throw new ArgumentNullException("options");
            byte[] region = Utf8.Required(options.Region, "options.Region");
            byte[] style = Utf8.Encode(StyleName(options.AddressingStyle), "options.AddressingStyle");
            byte[] policy = Utf8.Encode(PolicyName(options.ExpiryPolicy), "options.ExpiryPolicy");
            byte[] endpoint = Utf8.Optional(options.EndpointUrl, "options.EndpointUrl");
            Credentials owned = null;
            Credentials creds = options.Credentials;
            if (creds == null) creds = owned = Credentials.FromDefaultChain();
            try
            {
                CredentialsHandle ch = creds.Handle;
                S3OptionsHandle oh;
                Utf8.Check(Native.presigner_s3_options_new(out oh));
                using (oh)
                {
                    if (endpoint != null) Utf8.Check(Native.presigner_s3_options_set_endpoint_url(oh, endpoint, Utf8.Len(endpoint)));
                    Utf8.Check(Native.presigner_s3_options_set_addressing_style(oh, style, Utf8.Len(style)));
                    Utf8.Check(Native.presigner_s3_options_set_expiry_policy(oh, policy, Utf8.Len(policy)));
                    Utf8.Check(Native.presigner_s3_options_set_dualstack(oh, options.Dualstack));
                    Utf8.Check(Native.presigner_s3_options_set_fips(oh, options.Fips));
                    Utf8.Check(Native.presigner_s3_options_set_accelerate(oh, options.Accelerate));
                    S3Handle h;
                    Utf8.Check(Native.presigner_s3_new(region, Utf8.Len(region), ch, oh, out h));
                    _handle = h;
                }
            }
            finally
            {
                if (owned != null) owned.Dispose();
            }
        }

        internal static string StyleName(AddressingStyle s)
        {
            switch (s)
            {
                case AddressingStyle.Auto: return "auto";
                case AddressingStyle.Virtual: return "virtual";
                case AddressingStyle.Path: return "path";
                default: throw new ArgumentOutOfRangeException("AddressingStyle", s, "not a defined AddressingStyle");
            }
        }

        internal static string PolicyName(ExpiryPolicy p)
        {
            switch (p)
            {
                case ExpiryPolicy.Error: return "error";
                case ExpiryPolicy.Clamp: return "clamp";
                case ExpiryPolicy.Allow: return "allow";
                default: throw new ArgumentOutOfRangeException("ExpiryPolicy", p, "not a defined ExpiryPolicy");
            }
        }

        private S3Handle Handle
        {
            get
            {
                if (_handle.IsClosed) throw new ObjectDisposedException("S3Presigner");
                return _handle;
            }
        }

        /// <summary>Presigns <paramref name="method"/> on bucket/key (the key is taken literally).</summary>
        public PresignedRequest Presign(HttpMethod method, string bucket, string key, PresignOptions options = null)
        {
            if (method == null) throw new ArgumentNullException("method");
            return Presign(method.Method, bucket, key, options);
        }

        /// <summary>Presigns a method given as a string (e.g. "GET"; checked by the core: InvalidMethod).</summary>
        public unsafe PresignedRequest Presign(string method, string bucket, string key, PresignOptions options = null)
        {
            if (method == null) throw new ArgumentNullException("method");
            if (bucket == null) throw new ArgumentNullException("bucket");
            if (key == null) throw new ArgumentNullException("key");
            ThreadBuffers buffers = ThreadBuffers.Current;
            byte[] args = buffers.Args(checked(Utf8Fast.MaxBytes(method) + Utf8Fast.MaxBytes(bucket) + Utf8Fast.MaxBytes(key)));
            fixed (byte* a = args)
            {
                int ml = Utf8Fast.Encode(method, a, "method");
                int bl = Utf8Fast.Encode(bucket, a + ml, "bucket");
                int kl = Utf8Fast.Encode(key, a + ml + bl, "key");
                S3Handle s3 = Handle;
                // null options: the library's defaults (one hour, the clock), no handle at all
                PresignOptionsHandle oh = options == null ? null : options.Handle();
                bool s3Ref = false;
                try
                {
                    s3.DangerousAddRef(ref s3Ref);
                    // The options handle is the one cached by `options` and is never disposed (a
                    // replaced one is left to its finalizer), so keeping it reachable is enough.
                    IntPtr o = oh == null ? IntPtr.Zero : oh.DangerousGetHandle();
                    byte[] buf = buffers.Fields;
                    while (true)
                    {
                        UIntPtr len;
                        int status;
                        fixed (byte* f = buf)
                        {
                            status = NativeFast.presigner_s3_presign_fields_into(s3.DangerousGetHandle(), a, (UIntPtr)(uint)ml, a + ml, (UIntPtr)(uint)bl,
                                a + ml + bl, (UIntPtr)(uint)kl, o, f, (UIntPtr)(uint)buf.Length, &len);
                            if (status == 0) return PresignedRequest.Parse(buf, f, len);
                        }
                        // BUFFER_TOO_SMALL: len is the size needed; sign again into a buffer that fits
                        // (the thread keeps it, so this happens once per thread and size class)
                        if (status != (int)PresignerErrorCode.BufferTooSmall || len.ToUInt64() <= (ulong)buf.Length) Utf8.Check(status);
                        buf = buffers.GrowFields(checked((int)len.ToUInt64()));
                    }
                }
                finally
                {
                    GC.KeepAlive(oh);
                    if (s3Ref) s3.DangerousRelease();
                }
            }
        }

        /// <summary>A presigned GET.</summary>
        public PresignedRequest PresignGet(string bucket, string key, PresignOptions options = null)
        {
            return Presign("GET", bucket, key, options);
        }

        /// <summary>
        /// Only the URL string of a presigned GET: the same URL as <c>PresignGet(bucket, key, options).UrlString</c>,
        /// at a fraction of the cost (one native call that writes just the URL into a per-thread
        /// buffer; no result handle, no other field).
        /// </summary>
        public unsafe string PresignGetUrl(string bucket, string key, PresignOptions options = null)
        {
            if (bucket == null) throw new ArgumentNullException("bucket");
            if (key == null) throw new ArgumentNullException("key");
            ThreadBuffers buffers = ThreadBuffers.Current;
            byte[] args = buffers.Args(checked(3 + Utf8Fast.MaxBytes(bucket) + Utf8Fast.MaxBytes(key)));
            fixed (byte* a = args)
            {
                a[0] = (byte)'G';
                a[1] = (byte)'E';
                a[2] = (byte)'T';
                int bl = Utf8Fast.Encode(bucket, a + 3, "bucket");
                int kl = Utf8Fast.Encode(key, a + 3 + bl, "key");
                S3Handle s3 = Handle;
                long expires = 3600, now = 0;
                byte hasNow = 0;
                PresignOptionsHandle oh = null;
                if (options != null)
                {
                    // expiry and time go as scalars; a handle only for headers, query, version, overrides
                    expires = options.ExpiresInWholeSeconds;
                    if (options.Now.HasValue)
                    {
                        hasNow = 1;
                        now = options.NowUnixSeconds;
                    }
                    if (options.HasRequestSettings) oh = options.Handle();
                }
                bool s3Ref = false;
                try
                {
                    s3.DangerousAddRef(ref s3Ref);
                    // The options handle is the one cached by `options` and is never disposed (a
                    // replaced one is left to its finalizer), so keeping it reachable is enough.
                    IntPtr o = oh == null ? IntPtr.Zero : oh.DangerousGetHandle();
                    byte[] url = buffers.Url;
                    while (true)
                    {
                        UIntPtr len;
                        int status;
                        fixed (byte* u = url)
                        {
                            status = NativeFast.presigner_s3_presign_url_into(s3.DangerousGetHandle(), a, (UIntPtr)3u, a + 3, (UIntPtr)(uint)bl,
                                a + 3 + bl, (UIntPtr)(uint)kl, expires, hasNow, now, o, u, (UIntPtr)(uint)url.Length, &len);
                            if (status == 0) return Utf8Fast.Decode(u, checked((int)len.ToUInt64()));
                        }
                        // BUFFER_TOO_SMALL: len is the URL's length; sign again into a buffer that fits
                        if (status != (int)PresignerErrorCode.BufferTooSmall || len.ToUInt64() <= (ulong)url.Length) Utf8.Check(status);
                        url = buffers.GrowUrl(checked((int)len.ToUInt64()));
                    }
                }
                finally
                {
                    GC.KeepAlive(oh);
                    if (s3Ref) s3.DangerousRelease();
                }
            }
        }

        /// <summary>A presigned PUT; a non-null <paramref name="contentType"/> is signed and must be sent as given.</summary>
        public PresignedRequest PresignPut(string bucket, string key, string contentType = null, PresignOptions options = null)
        {
            PresignOptions o = options ?? new PresignOptions();
            if (contentType != null) o = o.With("Content-Type", contentType);
            return Presign("PUT", bucket, key, o);
        }

        /// <summary>
        /// Presigns the same request for many keys at one signing time; the URLs come back in key
        /// order. Stops at the first invalid key (PresignerException).
        /// </summary>
        public IReadOnlyList<string> PresignMany(HttpMethod method, string bucket, IEnumerable<string> keys, PresignOptions options = null)
        {
            if (method == null) throw new ArgumentNullException("method");
            byte[] m = Utf8.Encode(method.Method, "method");
            byte[] b = Utf8.Required(bucket, "bucket");
            if (keys == null) throw new ArgumentNullException("keys");
            var encoded = new List<byte[]>();
            int total = 0;
            foreach (string key in keys)
            {
                if (key == null) throw new ArgumentException("a key is null", "keys");
                byte[] kb = Utf8.Encode(key, "keys");
                encoded.Add(kb);
                total = checked(total + kb.Length);
            }
            S3Handle s3 = Handle;
            // One pinned buffer holds every key; the views point into it for the call.
            byte[] all = new byte[Math.Max(total, 1)];
            var views = new NativeStr[encoded.Count];
            GCHandle pin = GCHandle.Alloc(all, GCHandleType.Pinned);
            try
            {
                IntPtr basePtr = pin.AddrOfPinnedObject();
                int off = 0;
                for (int i = 0; i < encoded.Count; i++)
                {
                    Buffer.BlockCopy(encoded[i], 0, all, off, encoded[i].Length);
                    views[i].Data = basePtr + off;
                    views[i].Len = (UIntPtr)(uint)encoded[i].Length;
                    off += encoded[i].Length;
                }
                {
                    PresignOptionsHandle oh = (options ?? Defaults).Handle();
                    UrlListHandle lh;
                    Utf8.Check(Native.presigner_s3_presign_many(s3, m, Utf8.Len(m), b, Utf8.Len(b),
                        views.Length == 0 ? null : views, (UIntPtr)(uint)views.Length, oh, out lh));
                    using (lh)
                    {
                        UIntPtr n;
                        Utf8.Check(Native.presigner_url_list_count(lh, out n));
                        var urls = new string[checked((int)n.ToUInt64())];
                        for (int i = 0; i < urls.Length; i++)
                        {
                            NativeStr u;
                            Utf8.Check(Native.presigner_url_list_get(lh, (UIntPtr)(uint)i, out u));
                            urls[i] = Utf8.Decode(u);
                        }
                        return Array.AsReadOnly(urls);
                    }
                }
            }
            finally
            {
                pin.Free();
            }
        }

        /// <summary>Frees the native presigner. Safe to call more than once.</summary>
        public void Dispose() { _handle.Dispose(); }
    }
}
