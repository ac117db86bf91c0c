using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Reflection;

namespace Presigning.Tests
{
    /// <summary>
    /// Test runner for Mono (no test framework needed): calls every [Case] method of the shared
    /// test sources and every vector case, prints one line per case and the closing line
    /// "N passed, N failed"; exits 1 on any failure. Argument: an optional name filter.
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            string filter = args.Length > 0 ? args[0] : null;
            var cases = new List<KeyValuePair<string, Action>>();
            foreach (Type t in typeof(Program).Assembly.GetTypes().OrderBy(t => t.FullName))
            {
                foreach (MethodInfo m in t.GetMethods(BindingFlags.Public | BindingFlags.Static).OrderBy(m => m.MetadataToken))
                {
                    if (m.GetCustomAttributes(typeof(CaseAttribute), false).Length == 0) continue;
                    MethodInfo mm = m;
                    cases.Add(new KeyValuePair<string, Action>(t.Name + "." + m.Name, () => mm.Invoke(null, null)));
                }
            }
            cases.AddRange(VectorTests.Cases());
            int passed = 0, failed = 0;
            var sw = Stopwatch.StartNew();
            foreach (var c in cases)
            {
                if (filter != null && c.Key.IndexOf(filter, StringComparison.OrdinalIgnoreCase) < 0) continue;
                try
                {
                    c.Value();
                    passed++;
                    Console.WriteLine("ok   " + c.Key);
                }
                catch (Exception e)
                {
                    while (e is TargetInvocationException && e.InnerException != null) e = e.InnerException;
                    failed++;
                    Console.WriteLine("FAIL " + c.Key + ": " + (e is CheckFailed ? e.Message : e.ToString()));
                }
            }
            Console.WriteLine("({0:F1} s, Mono {1}, library {2})", sw.Elapsed.TotalSeconds, MonoVersion(), Presigner.Version);
            Console.WriteLine("{0} passed, {1} failed", passed, failed);
            return failed == 0 && passed > 0 ? 0 : 1;
        }

        private static string MonoVersion()
        {
            Type t = Type.GetType("Mono.Runtime");
            if (t == null) return "n/a";
            var m = t.GetMethod("GetDisplayName", BindingFlags.NonPublic | BindingFlags.Static);
            return m == null ? "?" : (string)m.Invoke(null, null);
        }
    }
}
