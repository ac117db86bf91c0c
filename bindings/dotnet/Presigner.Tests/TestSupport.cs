using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace Presigning.Tests
{
    /// <summary>Marks a test method (public, static, no parameters). The Mono runner calls every one;
    /// the xunit project wraps each in a [Fact].</summary>
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class CaseAttribute : Attribute { }

    /// <summary>A failed expectation.</summary>
    public sealed class CheckFailed : Exception
    {
        public CheckFailed(string message) : base(message) { }
    }

    /// <summary>Assertions that need no test framework.</summary>
    public static class Check
    {
        public static void True(bool condition, string what)
        {
            if (!condition) throw new CheckFailed(what);
        }

        public static void Equal<T>(T expected, T actual, string what)
        {
            if (!EqualityComparer<T>.Default.Equals(expected, actual))
                throw new CheckFailed(what + ":\n  expected: " + Show(expected) + "\n  actual:   " + Show(actual));
        }

        private static string Show(object o)
        {
            return o == null ? "(null)" : o.ToString().Replace("\n", "\\n");
        }

        public static TEx Throws<TEx>(Action action, string what) where TEx : Exception
        {
            try
            {
                action();
            }
            catch (TEx e)
            {
                return e;
            }
            catch (Exception e)
            {
                throw new CheckFailed(what + ": expected " + typeof(TEx).Name + ", got " + e.GetType().Name + ": " + e.Message);
            }
            throw new CheckFailed(what + ": expected " + typeof(TEx).Name + ", nothing was thrown");
        }

        /// <summary>Expects a PresignerException with this code, a matching code string and a message.</summary>
        public static PresignerException Code(PresignerErrorCode code, Action action, string what)
        {
            var e = Throws<PresignerException>(action, what);
            Equal(code, e.Code, what + ": code");
            Equal(Presigner.CodeString(code), e.CodeString, what + ": code string");
            True(!string.IsNullOrEmpty(e.Message) && e.Message != e.CodeString, what + ": a message from the library, got '" + e.Message + "'");
            return e;
        }
    }

    /// <summary>Shared fixtures: the S3 documentation example, paths, environment.</summary>
    public static class Fixtures
    {
        public const string DocAccessKey = "AKIAIOSFODNN7EXAMPLE";
        public const string DocSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        public static readonly DateTimeOffset DocNow = new DateTimeOffset(2013, 5, 24, 0, 0, 0, TimeSpan.Zero);
        public const string DocUrl = "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

        public static Credentials DocCredentials() { return new Credentials(DocAccessKey, DocSecret); }

        public static S3Presigner DocS3()
        {
            using (var c = DocCredentials())
                return new S3Presigner(new S3PresignerOptions { Region = "us-east-1", Credentials = c });
        }

        /// <summary>The repository root: PRESIGNER_ROOT, else the first parent of the working directory
        /// or of this assembly holding tests/vectors/sigv4.json.</summary>
        public static string RepoRoot()
        {
            string env = Environment.GetEnvironmentVariable("PRESIGNER_ROOT");
            if (!string.IsNullOrEmpty(env)) return env;
            foreach (string start in new[] { Directory.GetCurrentDirectory(), AppDomain.CurrentDomain.BaseDirectory })
            {
                for (var d = new DirectoryInfo(start); d != null; d = d.Parent)
                    if (File.Exists(Path.Combine(d.FullName, "tests", "vectors", "sigv4.json"))) return d.FullName;
            }
            throw new CheckFailed("cannot find tests/vectors/sigv4.json (set PRESIGNER_ROOT)");
        }

        [DllImport("libc.so.6", EntryPoint = "setenv")]
        private static extern int libc_setenv(string name, string value, int overwrite);

        [DllImport("libc.so.6", EntryPoint = "unsetenv")]
        private static extern int libc_unsetenv(string name);

        /// <summary>Sets (null: removes) a variable in the managed and in the native environment
        /// (.NET on Unix does not pass Environment.SetEnvironmentVariable down to getenv).</summary>
        public static void SetEnv(string name, string value)
        {
            Environment.SetEnvironmentVariable(name, value);
            if (value == null) libc_unsetenv(name); else libc_setenv(name, value, 1);
        }
    }

    /// <summary>A small JSON reader (objects → Dictionary, arrays → List, numbers → long or double).</summary>
    public sealed class MiniJson
    {
        private readonly string _s;
        private int _i;

        private MiniJson(string s) { _s = s; }

        public static object Parse(string text)
        {
            var p = new MiniJson(text);
            object v = p.Value();
            p.Ws();
            if (p._i != p._s.Length) throw new FormatException("trailing data at " + p._i);
            return v;
        }

        private void Ws()
        {
            while (_i < _s.Length && (_s[_i] == ' ' || _s[_i] == '\n' || _s[_i] == '\r' || _s[_i] == '\t')) _i++;
        }

        private object Value()
        {
            Ws();
            if (_i >= _s.Length) throw new FormatException("unexpected end");
            char c = _s[_i];
            if (c == '{') return Obj();
            if (c == '[') return Arr();
            if (c == '"') return Str();
            if (Lit("true")) return true;
            if (Lit("false")) return false;
            if (Lit("null")) return null;
            return Num();
        }

        private bool Lit(string word)
        {
            if (string.CompareOrdinal(_s, _i, word, 0, word.Length) != 0) return false;
            _i += word.Length;
            return true;
        }

        private Dictionary<string, object> Obj()
        {
            var d = new Dictionary<string, object>();
            _i++;
            Ws();
            if (_s[_i] == '}') { _i++; return d; }
            while (true)
            {
                Ws();
                string k = Str();
                Ws();
                Expect(':');
                d[k] = Value();
                Ws();
                if (_s[_i] == ',') { _i++; continue; }
                Expect('}');
                return d;
            }
        }

        private List<object> Arr()
        {
            var l = new List<object>();
            _i++;
            Ws();
            if (_s[_i] == ']') { _i++; return l; }
            while (true)
            {
                l.Add(Value());
                Ws();
                if (_s[_i] == ',') { _i++; continue; }
                Expect(']');
                return l;
            }
        }

        private void Expect(char c)
        {
            if (_i >= _s.Length || _s[_i] != c) throw new FormatException("expected '" + c + "' at " + _i);
            _i++;
        }

        private string Str()
        {
            Expect('"');
            var sb = new StringBuilder();
            while (true)
            {
                char c = _s[_i++];
                if (c == '"') return sb.ToString();
                if (c != '\\') { sb.Append(c); continue; }
                char e = _s[_i++];
                switch (e)
                {
                    case '"': sb.Append('"'); break;
                    case '\\': sb.Append('\\'); break;
                    case '/': sb.Append('/'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 't': sb.Append('\t'); break;
                    case 'u':
                        sb.Append((char)int.Parse(_s.Substring(_i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                        _i += 4;
                        break;
                    default: throw new FormatException("bad escape at " + _i);
                }
            }
        }

        private object Num()
        {
            int start = _i;
            while (_i < _s.Length && "+-0123456789.eE".IndexOf(_s[_i]) >= 0) _i++;
            string t = _s.Substring(start, _i - start);
            if (t.Length == 0) throw new FormatException("unexpected character at " + start);
            long l;
            if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out l)) return l;
            return double.Parse(t, CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Typed access to parsed JSON.</summary>
    public static class J
    {
        public static Dictionary<string, object> O(object o, string k) { return (Dictionary<string, object>)((Dictionary<string, object>)o)[k]; }
        public static List<object> A(object o, string k) { return (List<object>)((Dictionary<string, object>)o)[k]; }
        public static string S(object o, string k)
        {
            object v;
            return ((Dictionary<string, object>)o).TryGetValue(k, out v) ? (string)v : null;
        }
        public static long? L(object o, string k)
        {
            object v;
            return ((Dictionary<string, object>)o).TryGetValue(k, out v) && v != null ? (long?)Convert.ToInt64(v, CultureInfo.InvariantCulture) : null;
        }
        public static bool B(object o, string k) { object v; return ((Dictionary<string, object>)o).TryGetValue(k, out v) && v is bool && (bool)v; }
        public static bool Has(object o, string k) { return ((Dictionary<string, object>)o).ContainsKey(k); }
    }
}
