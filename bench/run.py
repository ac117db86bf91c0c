#!/usr/bin/env python3
"""`make bench` driver: runs every language's harness on bench/inputs.json, checks that each
printed one JSON document in the common schema, measures peak RSS of the 1M-URL batch, and writes
results.json, results.md (the ratio table, peer time / presigner time) and chart.svg.

    python bench/run.py                 # full run -> bench/results.json, results.md, chart.svg
    python bench/run.py --quick         # smoke run (BENCH_QUICK=1): a few iterations, tiny
                                        # batches -> target/bench/ (bench/ is left alone)
    python bench/run.py --only rust,go  # some languages
    python bench/run.py --rounds 5      # more rounds (default: 3 for a full run, 1 for --quick)

Rounds: the harnesses run round-robin (rust, c, go, …, rust, c, go, …); every latency and
throughput figure is the median over the rounds of each round's figure, and every ratio the
median of the ratios computed within each round. On a shared machine the
speed changes from minute to minute; a ratio of two rows measured minutes apart moved by up to
50 % between single runs, and interleaved rounds give both sides of a ratio the same conditions.

Common schema (every harness prints one JSON object on stdout):
    {"language", "runtime", "checks": [{"case", "peer", "same_signature"}], "notes": [..],
     "latency": [{"impl", "role": presigner|peer|floor, "case": get|get_token|put,
                  "us_median", "us_p99", "samples", "calls_per_sample"}],
     "throughput": [{"impl", "batch", "threads", "reps", "seconds", "us_per_url", "urls_per_s"}
                    | {"impl", "batch", "threads", "skipped": reason}]}
Latency: after a warm-up, `samples` samples of `calls_per_sample` back-to-back calls (calibrated
so that one sample lasts about `sample_us`); each sample gives µs per URL; median and p99 over
the samples. The keys rotate through the key set. Throughput: one batch of N fresh keys split
over T threads, wall time, median over reps; a batch estimated above the time budget is skipped.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
TB = os.path.join(ROOT, "target", "bench")
INPUTS = os.path.join(BENCH, "inputs.json")
LANGS = ["rust", "c", "go", "python", "node", "dotnet"]


def machine():
    model = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        flags = next((ln for ln in open("/proc/cpuinfo") if ln.startswith("flags")), "")
    except OSError:
        flags = ""
    mem_kib = None
    try:
        mem_kib = int(next(ln for ln in open("/proc/meminfo") if ln.startswith("MemTotal")).split()[1])
    except (OSError, StopIteration):
        pass
    return {"nproc": os.cpu_count(), "cpu": model, "sha_ni": " sha_ni" in flags,
            "kernel": platform.release(), "mem_gib": round(mem_kib / 2**20, 1) if mem_kib else None,
            "loadavg_start": list(os.getloadavg())}


def write_tsv(inp, mode, path):
    m = inp["modes"][mode]
    lines = [f"{k}\t{inp[k]}" for k in ["access_key_id", "secret_access_key", "session_token", "region",
                                        "bucket", "expires_in", "now_epoch"]]
    lines += [f"key\t{k}" for k in inp["keys"]]
    lines += [f"put_header\t{n}\t{v}" for n, v in inp["put_headers"]]
    lines += [f"{k}\t{m[k]}" for k in ["samples", "sample_us", "budget_s", "min_batch_s", "max_reps"]]
    lines += [f"batch\t{b}" for b in m["batches"]] + [f"thread\t{t}" for t in m["threads"]]
    for s in lines:
        assert "\n" not in s and s.count("\t") <= 2, f"input not representable in TSV: {s!r}"
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def commands(mode, tsv):
    venv_py = os.path.join(ROOT, ".venv", "bin", "python")
    lib = os.path.join(ROOT, "target", "release")
    env_dotnet = {"LD_LIBRARY_PATH": lib + (":" + os.environ["LD_LIBRARY_PATH"] if os.environ.get("LD_LIBRARY_PATH") else "")}
    return {
        "rust": ([os.path.join(ROOT, "target", "release", "presigner-bench"), INPUTS, mode], {}, ["rss"]),
        "c": ([os.path.join(TB, "bench_c"), tsv, "run"], {}, ["rss"]),
        "go": ([os.path.join(TB, "presigner-bench-go"), INPUTS, mode], {}, ["rss"]),
        "python": ([venv_py, os.path.join(BENCH, "python", "bench.py"), INPUTS, mode], {"BOTO_DISABLE_CRT": "true"}, ["rss"]),
        "node": (["node", os.path.join(BENCH, "node", "bench.js"), INPUTS, mode],
                 {"NODE_NO_WARNINGS": "1", "AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING": "1"}, ["rss"]),
        "dotnet": (["mono", "--optimize=all", os.path.join(TB, "Bench.exe"), tsv, "run"], env_dotnet, ["rss"]),
    }


def run(cmd, extra_env, timeout):
    """Runs a harness; returns (stdout, seconds, peak RSS in KiB of the process tree's largest child)."""
    env = dict(os.environ, RUST_BACKTRACE="0", **extra_env)
    t = time.time()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        raise RuntimeError(f"{cmd[0]}: timed out after {timeout} s")
    # communicate() reaped the child; RUSAGE_CHILDREN covers every child reaped so far, so the
    # RSS of one run is measured in a fresh helper process (see rss()).
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}:\n{err.decode(errors='replace')[-3000:]}")
    return out.decode(), time.time() - t


def rss(cmd, extra_env, n, timeout):
    """Peak RSS (KiB) of `cmd rss n`, measured with os.wait4 on that one process."""
    env = dict(os.environ, RUST_BACKTRACE="0", **extra_env)
    p = subprocess.Popen(cmd + [str(n)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    t = time.time()
    out = err = b""
    # read pipes to EOF, then reap with wait4 to get this child's rusage
    import threading
    bufs = {}

    def drain(name, stream):
        bufs[name] = stream.read()
    ts = [threading.Thread(target=drain, args=(k, s)) for k, s in (("out", p.stdout), ("err", p.stderr))]
    for th in ts:
        th.start()
    deadline = t + timeout
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if time.time() > deadline:
            p.kill()
            pid, status, ru = os.wait4(p.pid, 0)
            raise RuntimeError(f"{cmd[0]} rss {n}: timed out")
        time.sleep(0.01)
    p.returncode = os.waitstatus_to_exitcode(status)
    for th in ts:
        th.join()
    out, err = bufs.get("out", b""), bufs.get("err", b"")
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} {n} exited {p.returncode}:\n{err.decode(errors='replace')[-2000:]}")
    doc = json.loads(out)
    assert doc["urls"] == n, f"{cmd[0]}: {doc['urls']} URLs for {n}"
    return {"batch": n, "peak_rss_kib": ru.ru_maxrss, "seconds": round(time.time() - t, 3), "url_bytes": doc["bytes"]}


def validate(lang, doc):
    assert doc.get("language") == lang, f"{lang}: language is {doc.get('language')!r}"
    assert doc.get("latency"), f"{lang}: no latency rows"
    for r in doc["latency"]:
        for k in ("impl", "role", "case", "us_median", "us_p99", "samples", "calls_per_sample"):
            assert k in r, f"{lang}: latency row without {k}: {r}"
        assert r["role"] in ("presigner", "peer", "floor"), r
        assert r["case"] in ("get", "get_token", "put"), r
        assert 0 < r["us_median"] <= r["us_p99"], f"{lang}: bad latency {r}"
    for r in doc.get("throughput", []):
        assert "impl" in r and "threads" in r, r
        assert "skipped" in r or (r["us_per_url"] > 0 and r["urls_per_s"] > 0), r
    for c in doc.get("checks", []):
        if not c["same_signature"]:
            doc.setdefault("notes", []).append(f"check: {c['case']} signature differs from {c['peer']}")


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def merge_rounds(docs):
    """One harness document from several rounds: each figure the median over the rounds (the
    per-round medians are kept in `rounds_us_median`); a signature check fails if any round's did."""
    base = dict(docs[0])
    if len(docs) == 1:
        return base
    lat_rows = []
    for r in docs[0]["latency"]:
        same = [x for d in docs for x in d["latency"] if x["impl"] == r["impl"] and x["case"] == r["case"]]
        row = dict(r)
        row["us_median"] = round(median([x["us_median"] for x in same]), 4)
        row["us_p99"] = round(median([x["us_p99"] for x in same]), 4)
        row["samples"] = sum(x["samples"] for x in same)
        row["rounds_us_median"] = [x["us_median"] for x in same]
        lat_rows.append(row)
    base["latency"] = lat_rows
    tp_rows = []
    for r in docs[0].get("throughput", []):
        same = [x for d in docs for x in d.get("throughput", [])
                if (x["impl"], x.get("batch"), x["threads"]) == (r["impl"], r.get("batch"), r["threads"])
                and "skipped" not in x]
        if "skipped" in r or not same:
            tp_rows.append(r)
            continue
        row = dict(r)
        row["us_per_url"] = median([x["us_per_url"] for x in same])
        row["urls_per_s"] = median([x["urls_per_s"] for x in same])
        row["rounds_us_per_url"] = [x["us_per_url"] for x in same]
        tp_rows.append(row)
    base["throughput"] = tp_rows
    checks = []
    for c in docs[0].get("checks", []):
        same = [x for d in docs for x in d.get("checks", []) if x["case"] == c["case"] and x["peer"] == c["peer"]]
        checks.append(dict(c, same_signature=all(x["same_signature"] for x in same)))
    base["checks"] = checks
    base["harness_seconds"] = round(sum(d["harness_seconds"] for d in docs), 1)
    return base


# ---------------------------------------------------------------- ratios
def lat(res, lang, impl_prefix, case="get"):
    d = res.get(lang)
    if not d:
        return None
    for r in d["latency"]:
        if r["impl"].startswith(impl_prefix) and r["case"] == case:
            return r["us_median"]
    return None


def batch_us(res, lang, impl_prefix, threads=1):
    """µs/URL of the largest measured batch on `threads` threads."""
    d = res.get(lang)
    if not d:
        return None, None
    rows = [r for r in d.get("throughput", []) if r["impl"].startswith(impl_prefix) and r.get("threads") == threads
            and "skipped" not in r]
    if not rows:
        return None, None
    # the 10k batch (the batch row of the targets); the largest measured one in a smoke run
    r = next((r for r in rows if r["batch"] == 10000), None) or max(rows, key=lambda r: r["batch"])
    return r["us_per_url"], r["batch"]


# (language, row label, numerator, denominator, target) ; ratio = numerator / denominator where
# numerator/denominator are ("lat", lang, impl) or ("batch", lang, impl).
RATIOS = [
    ("Rust", "aws-sigv4 / presigner", ("lat", "rust", "aws-sigv4"), ("lat", "rust", "presigner"), (">=", 4)),
    ("Rust", "presigner / floor (SHA-256 + HMAC)", ("lat", "rust", "presigner"), ("lat", "rust", "floor"), ("<=", 3)),
    ("Rust", "aws-sigv4 / presigner presign_many (per URL, 10k batch)", ("lat", "rust", "aws-sigv4"), ("batch", "rust", "presigner"), None),
    ("Python", "botocore S3SigV4QueryAuth / presign_get", ("lat", "python", "botocore"), ("lat", "python", "presigner"), (">=", 30)),
    ("Python", "botocore S3SigV4QueryAuth / presign_many (per URL, 10k batch)", ("lat", "python", "botocore"), ("batch", "python", "presigner"), (">=", 50)),
    ("Python", "boto3 generate_presigned_url / presign_get", ("lat", "python", "boto3"), ("lat", "python", "presigner"), None),
    ("Python", "awscrt / presign_get", ("lat", "python", "awscrt"), ("lat", "python", "presigner"), (">=", 8)),
    ("Node", "@smithy/signature-v4 / presignGet", ("lat", "node", "@smithy"), ("lat", "node", "presigner"), (">=", 15)),
    ("Node", "getSignedUrl / presignGet", ("lat", "node", "@aws-sdk getSignedUrl"), ("lat", "node", "presigner"), None),
    ("Node", "@smithy/signature-v4 / presignMany (per URL, 10k batch)", ("lat", "node", "@smithy"), ("batch", "node", "presigner"), None),
    ("Go", "aws-sdk-go-v2 PresignHTTP / PresignGet", ("lat", "go", "aws-sdk-go-v2"), ("lat", "go", "presigner"), (">=", 3)),
    ("Go", "aws-sdk-go-v2 PresignHTTP / PresignMany (per URL, 10k batch)", ("lat", "go", "aws-sdk-go-v2"), ("batch", "go", "presigner"), None),
    ("C", "C ABI per call / Rust core per call", ("lat", "c", "presigner"), ("lat", "rust", "presigner"), ("<=", 2)),
    (".NET (Mono)", ".NET per call / Rust core per call", ("lat", "dotnet", "presigner"), ("lat", "rust", "presigner"), ("<=", 2)),
    (".NET (Mono)", ".NET per call / C ABI per call", ("lat", "dotnet", "presigner"), ("lat", "c", "presigner"), None),
]
CASES = ["get", "get_token", "put"]


def value(res, spec, case):
    kind, lang, impl = spec
    if kind == "lat":
        return lat(res, lang, impl, case)
    return batch_us(res, lang, impl)[0] if case == "get" else None


def ratios(rounds):
    """Each ratio is the median over the rounds of that round's ratio: both sides of a ratio are
    paired with figures measured minutes, not a whole run, apart. `rounds` is one {lang: doc}
    per round."""
    rows = []
    for lang, label, num, den, target in RATIOS:
        row = {"language": lang, "ratio": label, "target": f"{target[0]} {target[1]}x" if target else None}
        for case in CASES:
            per = []
            for res in rounds:
                a, b = value(res, num, case), value(res, den, case)
                if a and b:
                    per.append(a / b)
            row[case] = round(median(per), 2) if per else None
            if len(per) > 1:
                row.setdefault("rounds", {})[case] = [round(x, 2) for x in per]
        if target and row["get"] is not None:
            op, t = target
            ok = {c: (row[c] >= t if op == ">=" else row[c] <= t) for c in CASES if row[c] is not None}
            row["met"] = all(ok.values())
            row["met_by_case"] = ok
        rows.append(row)
    return rows


def markdown(doc):
    m = doc["machine"]
    la = " ".join(f"{x:.2f}" for x in m["loadavg_start"])
    le = " ".join(f"{x:.2f}" for x in m["loadavg_end"])
    rounds = doc.get("rounds", 1)
    out = [f"Measured by `make bench` ({doc['mode']} run, {doc['date']}) on {m['nproc']} cores, {m['cpu']}"
           f"{' (SHA-NI)' if m['sha_ni'] else ''}, Linux {m['kernel']}; load average {la} at start, {le} at the end; "
           f"{rounds} round-robin round{'s' if rounds != 1 else ''} of every harness; each µs figure is the median over the rounds and each ratio the median of the per-round ratios. "
           "Ratios are peer time / presigner time per URL (medians; higher is faster for presigner), except the "
           "floor and the C/.NET rows (presigner / floor, binding / Rust core: lower is better). Ratios, not "
           "absolute times, are the claim; raw numbers, p99 and throughput are in `bench/results.json`.", "",
           "| language | ratio | GET | GET + session token | PUT, 2 signed headers | target | met |",
           "|---|---|---|---|---|---|---|"]
    for r in doc["ratios"]:
        f = lambda v: "—" if v is None else f"{v:.1f}×" if v >= 10 else f"{v:.2f}×"
        if "met" not in r:
            met = ""
        elif r["met"]:
            met = "yes"
        else:
            names = {"get": "GET", "get_token": "token", "put": "PUT"}
            missed = [names[c] for c, ok in r["met_by_case"].items() if not ok]
            met = "**no**" if len(missed) == len(r["met_by_case"]) else "**no**: " + ", ".join(missed)
        out.append(f"| {r['language']} | {r['ratio']} | {f(r['get'])} | {f(r['get_token'])} | {f(r['put'])} | {r['target'] or ''} | {met} |")
    out += ["", "µs per URL (GET, median / p99):", "", "| language | implementation | median µs | p99 µs |", "|---|---|---|---|"]
    for lang, d in doc["languages"].items():
        for r in d["latency"]:
            if r["case"] == "get":
                out.append(f"| {lang} | {r['impl']} | {r['us_median']:.2f} | {r['us_p99']:.2f} |")
    out += ["", "Throughput of the presigner batch call (URLs/s) and peak RSS of the largest batch:", "",
            "| language | batch API | " + " | ".join(f"{b:,} × {t}T" for b in doc["inputs"]["modes"][doc["mode"]]["batches"]
                                                        for t in doc["inputs"]["modes"][doc["mode"]]["threads"]) + " | peak RSS |",
            "|---|---|" + "---|" * (len(doc["inputs"]["modes"][doc["mode"]]["batches"]) * len(doc["inputs"]["modes"][doc["mode"]]["threads"]) + 1)]
    for lang, d in doc["languages"].items():
        pres = [r for r in d.get("throughput", []) if r["impl"].startswith("presigner")]
        cells = []
        for b in doc["inputs"]["modes"][doc["mode"]]["batches"]:
            for t in doc["inputs"]["modes"][doc["mode"]]["threads"]:
                r = next((r for r in pres if r.get("batch") == b and r["threads"] == t), None)
                if r is None:
                    r = next((r for r in pres if r["threads"] == t and "batch" not in r), None)
                cells.append("—" if r is None or "skipped" in r else f"{r['urls_per_s']:,.0f}")
        rs = d.get("rss")
        rss_cell = f"{rs['peak_rss_kib'] / 1024:,.0f} MiB ({rs['batch']:,} URLs; {rs['baseline_kib'] / 1024:,.0f} MiB for 1)" if rs else "—"
        api = ", ".join(v for k, v in d.get("batch_api", {}).items() if k.startswith("presigner"))
        out.append(f"| {lang} | {api} | " + " | ".join(cells) + f" | {rss_cell} |")
    notes = [f"- {lang}: {n}" for lang, d in doc["languages"].items() for n in d.get("notes", [])]
    if doc.get("errors"):
        notes += [f"- {lang}: harness failed: {e.splitlines()[0]}" for lang, e in doc["errors"].items()]
    if notes:
        out += ["", "Notes:", ""] + notes
    return "\n".join(out) + "\n"


def chart(doc, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = []
    for lang, d in doc["languages"].items():
        bars = [(r["impl"], r["role"], r["us_median"], r["us_p99"]) for r in d["latency"] if r["case"] == "get"]
        core = next((r for r in doc["languages"].get("rust", {}).get("latency", [])
                     if r["role"] == "presigner" and r["case"] == "get"), None)
        if lang in ("c", "dotnet") and core:
            bars.append(("Rust core (reference)", "reference", core["us_median"], core["us_p99"]))
        groups.append((lang, bars))
    nbars = sum(len(b) for _, b in groups)
    fig, ax = plt.subplots(figsize=(max(10, 0.55 * nbars + 2), 6.5))
    colors = {"presigner": "#1f77b4", "peer": "#d62728", "floor": "#7f7f7f", "reference": "#9ecae1"}
    x, ticks, labels = 0, [], []
    for lang, bars in groups:
        start = x
        for impl, role, med, p99 in bars:
            ax.bar(x, med, color=colors[role], width=0.8)
            ax.plot([x, x], [med, p99], color="black", linewidth=0.8)
            ax.text(x, med * 1.08, f"{med:.3g}", ha="center", va="bottom", fontsize=7)
            ticks.append(x)
            labels.append(impl.replace(" (s3v4)", "").replace("presigner ", "presigner\n"))
            x += 1
        ax.text((start + x - 1) / 2, 0.97, lang, transform=ax.get_xaxis_transform(), ha="center", va="top",
                fontsize=10, fontweight="bold")
        x += 0.8
    ax.set_yscale("log")
    ax.set_ylabel("µs per presigned GET URL (median; whisker: p99), log scale")
    ax.set_xticks(ticks)
    ax.set_xticklabels(labels, rotation=60, ha="right", fontsize=7)
    m = doc["machine"]
    ax.set_title(f"presigner vs the official SDKs — {m['nproc']} cores, {m['cpu']}, load {m['loadavg_start'][0]:.2f} at start "
                 f"({doc['mode']} run)", fontsize=9)
    from matplotlib.patches import Patch
    ax.legend(handles=[Patch(color=c, label=r) for r, c in colors.items()], loc="upper left", bbox_to_anchor=(0, 0.93), fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", default=os.environ.get("BENCH_QUICK") == "1")
    ap.add_argument("--only", default="", help="comma-separated subset of " + ",".join(LANGS))
    ap.add_argument("--out", help="output directory (default: bench/ for a full run, target/bench/ for --quick)")
    ap.add_argument("--remerge", action="store_true",
                    help="recompute results from the rounds kept by the last run (target/bench/rounds-<mode>.json)")
    ap.add_argument("--rounds", type=int, help="round-robin rounds of every harness (default 3, --quick 1)")
    args = ap.parse_args()
    rounds = args.rounds or (1 if args.quick else 3)
    mode = "quick" if args.quick else "full"
    out_dir = args.out or (TB if args.quick else BENCH)
    os.makedirs(TB, exist_ok=True)
    os.makedirs(out_dir, exist_ok=True)
    inp = json.load(open(INPUTS, encoding="utf-8"))
    tsv = os.path.join(TB, f"inputs-{mode}.tsv")
    write_tsv(inp, mode, tsv)
    langs = [s for s in args.only.split(",") if s] or LANGS
    mach = machine()
    cmds = commands(mode, tsv)
    results, errors = {}, {}
    timeout = 60 if args.quick else 900
    rss_n = inp["modes"][mode]["rss_batch"]
    per_round = {lang: [] for lang in langs}
    rounds_file = os.path.join(TB, f"rounds-{mode}.json")
    if args.remerge:
        kept = json.load(open(rounds_file, encoding="utf-8"))
        per_round, mach, rounds = kept["rounds"], kept["machine"], kept["n"]
    for rnd in range(0 if args.remerge else rounds):
        for lang in langs:
            if lang in errors:
                continue
            cmd, env, _ = cmds[lang]
            t = time.time()
            shown = ' '.join(os.path.relpath(c, ROOT) if c.startswith(ROOT) else c for c in cmd)
            print(f"== {lang} (round {rnd + 1}/{rounds}): {shown}", file=sys.stderr, flush=True)
            try:
                out, secs = run(cmd, env, timeout)
                doc = json.loads(out)
                validate(lang, doc)
                if rnd == 0:  # peak RSS once: the 1M batch is the longest step
                    rss_cmd = cmd[:-1] + ["rss"]
                    doc["rss"] = rss(rss_cmd, env, rss_n, timeout)
                    doc["rss"]["baseline_kib"] = rss(rss_cmd, env, 1, timeout)["peak_rss_kib"]
                doc["harness_seconds"] = round(time.time() - t, 1)
                per_round[lang].append(doc)
            except Exception as e:  # noqa: BLE001 - reported, and fatal at the end
                errors[lang] = str(e)
                print(f"!! {lang}: {e}", file=sys.stderr, flush=True)
    if not args.remerge:
        mach["loadavg_end"] = list(os.getloadavg())
        with open(rounds_file, "w", encoding="utf-8") as f:  # every round as printed
            json.dump({"machine": mach, "n": rounds, "rounds": per_round}, f)
    for lang, docs in per_round.items():
        if docs and lang not in errors:
            results[lang] = merge_rounds(docs)
    doc = {"mode": mode, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": mach,
           "rounds": rounds, "inputs": inp, "languages": results, "errors": errors}
    n = min((len(d) for d in per_round.values() if d), default=0)
    doc["ratios"] = ratios([{lang: docs[i] for lang, docs in per_round.items() if len(docs) > i} for i in range(n)])
    with open(os.path.join(out_dir, "results.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")
    md = markdown(doc)
    with open(os.path.join(out_dir, "results.md"), "w", encoding="utf-8") as f:
        f.write(md)
    try:
        chart(doc, os.path.join(out_dir, "chart.svg"))
    except ImportError as e:
        errors["chart"] = f"matplotlib missing ({e}): pip install -r bench/requirements.txt"
    print(md)
    print(f"wrote {os.path.relpath(out_dir, ROOT)}/results.json, results.md, chart.svg", file=sys.stderr)
    if errors:
        print("FAILED: " + ", ".join(f"{k}: {v.splitlines()[0]}" for k, v in errors.items()), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
