using System;
using System.Runtime.InteropServices;
using System.Security;
using System.Text;

namespace Presigning
{
    /// <summary>
    /// Blittable P/Invoke declarations for the per-call S3 paths (<see cref="S3Presigner.Presign(string, string, string, PresignOptions)"/>,
    /// <see cref="S3Presigner.PresignGetUrl"/>): only pointers and integers, so Mono's
    /// marshaller copies nothing and pins nothing (no byte[] → lparray, no SafeHandle
    /// AddRef/Release in the stub). The results come back serialized into caller buffers, so no
    /// result handle (and no SafeHandle with its finalizer registration) exists per call. The
    /// callers keep their handles alive with <see cref="SafeHandle.DangerousAddRef"/> /
    /// DangerousRelease around the call.
    /// </summary>
    [SuppressUnmanagedCodeSecurity]
    internal static unsafe class NativeFast
    {
        [DllImport(Native.Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_s3_presign_fields_into(IntPtr s3, byte* method, UIntPtr methodLen,
            byte* bucket, UIntPtr bucketLen, byte* key, UIntPtr keyLen, IntPtr options, byte* buf, UIntPtr bufCap, UIntPtr* len);

        [DllImport(Native.Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_presigned_fields_into(IntPtr presigned, byte* buf, UIntPtr bufCap, UIntPtr* len);

        // has_now is C bool (one byte): passed as a byte, which needs no marshalling.
        [DllImport(Native.Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int presigner_s3_presign_url_into(IntPtr s3, byte* method, UIntPtr methodLen,
            byte* bucket, UIntPtr bucketLen, byte* key, UIntPtr keyLen, long expiresIn, byte hasNow, long nowUnix,
            IntPtr options, byte* buf, UIntPtr bufCap, UIntPtr* urlLen);
    }

    /// <summary>
    /// Per-thread scratch buffers of the per-call paths: the UTF-8 arguments of a call, the URL or
    /// the serialized result the library writes. One set per thread ([ThreadStatic], never shared
    /// between threads); a call uses them only between its start and its return and never calls
    /// managed code that could presign on the same thread meanwhile. Buffers that had to grow
    /// past <see cref="MaxKept"/> are used for that call only, so one huge key does not pin
    /// memory for the thread's lifetime.
    /// </summary>
    internal sealed class ThreadBuffers
    {
        internal const int MaxKept = 32 * 1024;

        [ThreadStatic] private static ThreadBuffers t_current;

        private byte[] _args = new byte[512];
        private byte[] _url = new byte[1024];
        private byte[] _fields = new byte[2048];

        internal static ThreadBuffers Current
        {
            get { return t_current ?? (t_current = new ThreadBuffers()); }
        }

        /// <summary>A byte buffer for the encoded arguments, at least <paramref name="size"/> bytes.</summary>
        internal byte[] Args(int size)
        {
            if (size <= _args.Length) return _args;
            var b = new byte[Math.Max(size, 2 * _args.Length)];
            if (b.Length <= MaxKept) _args = b;
            return b;
        }

        /// <summary>The URL output buffer (its length is the capacity offered to the library).</summary>
        internal byte[] Url { get { return _url; } }

        /// <summary>A larger URL buffer after BUFFER_TOO_SMALL (kept for the next calls when not huge).</summary>
        internal byte[] GrowUrl(int size)
        {
            var b = new byte[Math.Max(size, 2 * _url.Length)];
            if (b.Length <= MaxKept) _url = b;
            return b;
        }

        /// <summary>The buffer for serialized presigned results (its length is the capacity offered).</summary>
        internal byte[] Fields { get { return _fields; } }

        /// <summary>A larger result buffer after BUFFER_TOO_SMALL (kept for the next calls when not huge).</summary>
        internal byte[] GrowFields(int size)
        {
            var b = new byte[Math.Max(size, 2 * _fields.Length)];
            if (b.Length <= MaxKept) _fields = b;
            return b;
        }
    }

    /// <summary>UTF-8 conversions of the per-call paths: into caller memory, no intermediate arrays.</summary>
    internal static unsafe class Utf8Fast
    {
        /// <summary>The most bytes <see cref="Encode"/> writes for a string of this length (3 per UTF-16 unit).</summary>
        internal static int MaxBytes(string s) { return checked(s.Length * 3); }

        /// <summary>
        /// Strict UTF-8 of <paramref name="s"/> into <paramref name="dst"/> (room for <see cref="MaxBytes"/>);
        /// returns the byte count. A lone surrogate is an ArgumentException naming
        /// <paramref name="paramName"/>, exactly as <see cref="Utf8.Encode"/> (never U+FFFD).
        /// </summary>
        internal static int Encode(string s, byte* dst, string paramName)
        {
            fixed (char* src = s)
            {
                char* p = src, end = src + s.Length;
                byte* d = dst;
                // ASCII runs, 4 UTF-16 units per step (Mono's JIT makes a plain per-char loop
                // several times slower than this)
                if (BitConverter.IsLittleEndian)
                {
                    while (end - p >= 4)
                    {
                        ulong x = *(ulong*)p;
                        if ((x & 0xFF80FF80FF80FF80ul) != 0) break;
                        x = (x | (x >> 8)) & 0x0000FFFF0000FFFFul;
                        *(uint*)d = (uint)(x | (x >> 16));
                        p += 4;
                        d += 4;
                    }
                }
                while (p < end)
                {
                    uint c = *p++;
                    if (c < 0x80)
                    {
                        *d++ = (byte)c;
                    }
                    else if (c < 0x800)
                    {
                        d[0] = (byte)(0xC0 | (c >> 6));
                        d[1] = (byte)(0x80 | (c & 0x3F));
                        d += 2;
                    }
                    else if (c - 0xD800u < 0x800u)
                    {
                        // a surrogate: only a high one followed by a low one is a character
                        uint lo = p < end ? *p : 0u;
                        if (c >= 0xDC00u || lo - 0xDC00u >= 0x400u) throw LoneSurrogate(paramName);
                        p++;
                        uint cp = 0x10000u + ((c - 0xD800u) << 10) + (lo - 0xDC00u);
                        d[0] = (byte)(0xF0 | (cp >> 18));
                        d[1] = (byte)(0x80 | ((cp >> 12) & 0x3F));
                        d[2] = (byte)(0x80 | ((cp >> 6) & 0x3F));
                        d[3] = (byte)(0x80 | (cp & 0x3F));
                        d += 4;
                    }
                    else
                    {
                        d[0] = (byte)(0xE0 | (c >> 12));
                        d[1] = (byte)(0x80 | ((c >> 6) & 0x3F));
                        d[2] = (byte)(0x80 | (c & 0x3F));
                        d += 3;
                    }
                }
                return (int)(d - dst);
            }
        }

        private static ArgumentException LoneSurrogate(string paramName)
        {
            // Same exception as Utf8.Encode (whose inner EncoderFallbackException is omitted).
            return new ArgumentException("not valid Unicode (lone surrogate), cannot be encoded as UTF-8", paramName);
        }

        /// <summary>
        /// The string of <paramref name="n"/> UTF-8 bytes at <paramref name="p"/>. Presigned URLs
        /// are ASCII (everything else is percent-encoded), so the bytes are widened 16 at a time
        /// straight into a string allocated for them (nobody else can see it before it is
        /// returned); any byte ≥ 0x80 falls back to the UTF-8 decoder (the same result as
        /// <see cref="Utf8.Decode(NativeStr)"/>). On Mono this costs about a third of
        /// Encoding.UTF8.GetString, and half of widening into a buffer and copying it.
        /// </summary>
        internal static string Decode(byte* p, int n)
        {
            if (n <= 0) return string.Empty;
            string r = new string('\0', n);
            fixed (char* dst = r)
            {
                byte* s = p, end = p + n;
                char* d = dst;
                if (BitConverter.IsLittleEndian)
                {
                    // constants in locals: Mono's JIT would otherwise load each one anew per use
                    ulong high = 0x8080808080808080ul, low32 = 0xFFFFFFFFul, m16 = 0x0000FFFF0000FFFFul, m8 = 0x00FF00FF00FF00FFul;
                    while (end - s >= 16)
                    {
                        ulong x = *(ulong*)s, y = *(ulong*)(s + 8);
                        if (((x | y) & high) != 0) goto NotAscii;
                        ulong a = x & low32, b = x >> 32, c = y & low32, e = y >> 32;
                        a = (a | (a << 16)) & m16;
                        b = (b | (b << 16)) & m16;
                        c = (c | (c << 16)) & m16;
                        e = (e | (e << 16)) & m16;
                        ulong* o = (ulong*)d;
                        o[0] = (a | (a << 8)) & m8;
                        o[1] = (b | (b << 8)) & m8;
                        o[2] = (c | (c << 8)) & m8;
                        o[3] = (e | (e << 8)) & m8;
                        s += 16;
                        d += 16;
                    }
                }
                while (s < end)
                {
                    byte c = *s++;
                    if (c >= 0x80) goto NotAscii;
                    *d++ = (char)c;
                }
            }
            return r;
        NotAscii:
            return Encoding.UTF8.GetString(p, n);
        }
    }
}
