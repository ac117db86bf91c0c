// .NET harness of `make bench` (run by bench/run.py under Mono; prints one JSON document, common
// schema): the Presigner package (P/Invoke over the C ABI) per call (PresignGetUrl, PresignGet
// with a session token, Presign PUT) and in batches (PresignMany) on 1 and 2 threads.
// Inputs: bench/run.py's flattened copy of bench/inputs.json (TSV "name<TAB>value" lines).
//   mono Bench.exe INPUTS.tsv run   |   mono Bench.exe INPUTS.tsv rss N
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using Presigning;

public static class Bench
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;
    static string akid, secret, token, region, bucket;
    static long expires, nowEpoch;
    static readonly List<string> keys = new List<string>();
    static readonly List<string[]> putHeaders = new List<string[]>();
    static readonly List<int> batches = new List<int>(), threads = new List<int>();
    static int samples, maxReps;
    static double sampleUs, budgetS, minBatchS;
    static long sink;

    static void Read(string path)
    {
        foreach (string line in File.ReadAllLines(path, Encoding.UTF8))
        {
            string[] p = line.Split('\t');
            if (p.Length < 2) continue;
            string v = p[1];
            switch (p[0])
            {
                case "access_key_id": akid = v; break;
                case "secret_access_key": secret = v; break;
                case "session_token": token = v; break;
                case "region": region = v; break;
                case "bucket": bucket = v; break;
                case "expires_in": expires = long.Parse(v, C); break;
                case "now_epoch": nowEpoch = long.Parse(v, C); break;
                case "key": keys.Add(v); break;
                case "put_header": putHeaders.Add(new[] { v, p[2] }); break;
                case "batch": batches.Add(int.Parse(v, C)); break;
                case "thread": threads.Add(int.Parse(v, C)); break;
                case "samples": samples = int.Parse(v, C); break;
                case "sample_us": sampleUs = double.Parse(v, C); break;
                case "budget_s": budgetS = double.Parse(v, C); break;
                case "min_batch_s": minBatchS = double.Parse(v, C); break;
                case "max_reps": maxReps = int.Parse(v, C); break;
            }
        }
    }

    static double Us(long ticks) { return ticks * 1e6 / Stopwatch.Frequency; }

    static string Latency(string kase, Action<int> f, out double est)
    {
        int i = 0;
        var sw = Stopwatch.StartNew();
        double warm = samples > 100 ? 50000 : 1000;
        while (Us(sw.ElapsedTicks) < warm || i < 3) f(i++);
        est = Us(sw.ElapsedTicks) / i;
        int k = (int)Math.Max(1, Math.Ceiling(sampleUs / est));
        int n = (int)Math.Max(5, Math.Min(samples, Math.Floor(budgetS * 1e6 / (est * k))));
        var s = new double[n];
        for (int j = 0; j < n; j++)
        {
            long t = Stopwatch.GetTimestamp();
            for (int c = 0; c < k; c++) f(i++);
            s[j] = Us(Stopwatch.GetTimestamp() - t) / k;
        }
        Array.Sort(s);
        est = s[n / 2];
        int p = (int)Math.Min(n, Math.Max(1, Math.Ceiling(n * 0.99))) - 1;
        return string.Format(C, "{{\"impl\":\"presigner .NET (Mono)\",\"role\":\"presigner\",\"case\":\"{0}\",\"us_median\":{1:G17},\"us_p99\":{2:G17},\"samples\":{3},\"calls_per_sample\":{4}}}",
            kase, s[n / 2], s[p], n, k);
    }

    static List<string> BatchKeys(int n)
    {
        var ks = new List<string>(n);
        for (int i = 0; i < n; i++) ks.Add(keys[i % keys.Count] + "." + i.ToString(C));
        return ks;
    }

    public static int Main(string[] args)
    {
        Read(args[0]);
        var o = new PresignOptions { ExpiresIn = TimeSpan.FromSeconds(expires), Now = DateTimeOffset.FromUnixTimeSeconds(nowEpoch) };
        var put = new PresignOptions { ExpiresIn = o.ExpiresIn, Now = o.Now };
        foreach (var h in putHeaders) put.Headers.Add(h[0], h[1]);
        using (var c1 = new Credentials(akid, secret))
        using (var c2 = new Credentials(akid, secret, token))
        using (var s3 = new S3Presigner(new S3PresignerOptions { Region = region, Credentials = c1 }))
        using (var s3t = new S3Presigner(new S3PresignerOptions { Region = region, Credentials = c2 }))
        {
            if (args[1] == "rss")
            {
                var urls = s3.PresignMany(HttpMethod.Get, bucket, BatchKeys(int.Parse(args[2], C)), o);
                Console.WriteLine("{{\"urls\":{0},\"bytes\":{1}}}", urls.Count, urls.Sum(u => (long)u.Length));
                return 0;
            }
            int nk = keys.Count;
            var lat = new List<string>();
            double est, ignored;
            lat.Add(Latency("get", i => sink += s3.PresignGetUrl(bucket, keys[i % nk], o).Length, out est));
            lat.Add(Latency("get_token", i => sink += s3t.PresignGetUrl(bucket, keys[i % nk], o).Length, out ignored));
            lat.Add(Latency("put", i => sink += s3.Presign("PUT", bucket, keys[i % nk], put).UrlString.Length, out ignored));
            var all = BatchKeys(batches.Max());
            var tp = new List<string>();
            foreach (int n in batches)
                foreach (int nt in threads)
                {
                    double estS = est * n / 1e6 / nt;
                    if (estS > budgetS)
                    {
                        tp.Add(string.Format(C, "{{\"impl\":\"presigner .NET (Mono)\",\"batch\":{0},\"threads\":{1},\"skipped\":\"estimated {2:F0} s > budget\"}}", n, nt, estS));
                        continue;
                    }
                    int chunk = (n + nt - 1) / nt;
                    var parts = new List<List<string>>();
                    for (int off = 0; off < n; off += chunk) parts.Add(all.GetRange(off, Math.Min(chunk, n - off)));
                    int reps = (int)Math.Max(1, Math.Min(maxReps, Math.Ceiling(minBatchS / Math.Max(estS, 1e-9))));
                    var times = new double[reps];
                    for (int r = 0; r < reps; r++)
                    {
                        long t = Stopwatch.GetTimestamp();
                        long total = 0;
                        if (nt == 1) total = s3.PresignMany(HttpMethod.Get, bucket, parts[0], o).Count;
                        else
                        {
                            var ths = parts.Select(part => new Thread(() => Interlocked.Add(ref total, s3.PresignMany(HttpMethod.Get, bucket, part, o).Count))).ToList();
                            ths.ForEach(th => th.Start());
                            ths.ForEach(th => th.Join());
                        }
                        times[r] = Us(Stopwatch.GetTimestamp() - t) / 1e6;
                        if (total != n) throw new Exception("wrong URL count");
                    }
                    Array.Sort(times);
                    double med = times[reps / 2];
                    tp.Add(string.Format(C, "{{\"impl\":\"presigner .NET (Mono)\",\"batch\":{0},\"threads\":{1},\"reps\":{2},\"seconds\":{3:G17},\"us_per_url\":{4:G17},\"urls_per_s\":{5:G17} }}",
                        n, nt, reps, med, med * 1e6 / n, n / med));
                    if (n >= 100 && nt == 1) est = med * 1e6 / n; // budget the next batch on the measured per-URL cost
                }
            if (sink == 0) throw new Exception("nothing measured");
            Console.WriteLine("{{\"language\":\"dotnet\",\"runtime\":\"Mono {0}\",\"batch_api\":{{\"presigner .NET (Mono)\":\"S3Presigner.PresignMany\"}},\"notes\":[\"get/get_token: PresignGetUrl; put: Presign(\\\"PUT\\\", ...).UrlString\"],\"latency\":[{1}],\"throughput\":[{2}]}}",
                Environment.Version, string.Join(",", lat), string.Join(",", tp));
        }
        return 0;
    }
}
