using System;
using System.Diagnostics;
using System.Globalization;
using Presigning;

/// <summary>
/// Presign cost per call on this runtime (Mono under `make bench-dotnet`). Prints machine-readable
/// lines "dotnet NAME US_PER_CALL". Argument: iterations (default 200000).
/// </summary>
public static class Bench
{
    public static int Main(string[] args)
    {
        int n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200000;
        using (var creds = new Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))
        using (var s3 = new S3Presigner(new S3PresignerOptions { Region = "us-east-1", Credentials = creds }))
        {
            var o = new PresignOptions { ExpiresIn = TimeSpan.FromHours(1), Now = new DateTimeOffset(2013, 5, 24, 0, 0, 0, TimeSpan.Zero) };
            string expected = s3.PresignGetUrl("examplebucket", "reports/2024 Q1.pdf", o);
            Run("presign_get_url", n, () => s3.PresignGetUrl("examplebucket", "reports/2024 Q1.pdf", o), expected);
            Run("presign_full", n, () => s3.PresignGet("examplebucket", "reports/2024 Q1.pdf", o).UrlString, expected);
        }
        return 0;
    }

    private static void Run(string name, int n, Func<string> f, string expected)
    {
        for (int i = 0; i < Math.Min(n, 2000); i++) f(); // warm-up (JIT)
        if (f() != expected) throw new Exception(name + ": unexpected URL");
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < n; i++) f();
        sw.Stop();
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "dotnet {0} {1:F3}", name, sw.Elapsed.TotalMilliseconds * 1000.0 / n));
    }
}
