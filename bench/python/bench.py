"""Python harness of `make bench` (run by bench/run.py; prints one JSON document, common schema).

presigner (presign_get / presign / presign_many) vs botocore S3SigV4QueryAuth, boto3
generate_presigned_url (s3v4) and awscrt, on bench/inputs.json, with the signing clock frozen in
every implementation and botocore's pure-Python signer (BOTO_DISABLE_CRT=true).

    python bench/python/bench.py bench/inputs.json full|quick
    python bench/python/bench.py bench/inputs.json rss N     # one presign_many of N URLs
"""

import datetime
import json
import math
import os
import sys
import threading
import time
from urllib.parse import quote

os.environ["BOTO_DISABLE_CRT"] = "true"

INP = json.load(open(sys.argv[1], encoding="utf-8"))
AKID, SECRET, TOKEN = INP["access_key_id"], INP["secret_access_key"], INP["session_token"]
REGION, BUCKET, EXPIRES = INP["region"], INP["bucket"], INP["expires_in"]
NOW = datetime.datetime.fromtimestamp(INP["now_epoch"], tz=datetime.timezone.utc)
KEYS = INP["keys"]
PUT_HEADERS = [tuple(p) for p in INP["put_headers"]]
# presigner gets the frozen instant as epoch seconds (an int converts ~1.5 µs faster than a
# datetime in the binding) and the headers as a dict (a list of pairs costs ~2 µs more per header)
NOW_EPOCH = INP["now_epoch"]
PUT_HEADERS_DICT = dict(PUT_HEADERS)
HOST = f"{BUCKET}.s3.{REGION}.amazonaws.com"
NK = len(KEYS)


def batch_keys(n):
    return [f"{KEYS[i % NK]}.{i}" for i in range(n)]


def enc(key):
    return quote(key, safe="/~")


def sig(url):
    return url.rsplit("X-Amz-Signature=", 1)[1].split("&")[0]


# ---- presigner
from presigner import Credentials, S3Presigner  # noqa: E402

P = S3Presigner(REGION, credentials=Credentials(AKID, SECRET))
P_TOK = S3Presigner(REGION, credentials=Credentials(AKID, SECRET, TOKEN))

if sys.argv[2] == "rss":
    urls = P.presign_many("GET", BUCKET, batch_keys(int(sys.argv[3])), expires_in=EXPIRES, now=NOW_EPOCH)
    print(json.dumps({"urls": len(urls), "bytes": sum(map(len, urls))}))
    sys.exit(0)

MODE = INP["modes"][sys.argv[2]]

# ---- botocore, clock frozen (S3SigV4QueryAuth reads botocore.auth.get_current_datetime / datetime)
import botocore.auth  # noqa: E402
import botocore.credentials  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402

if hasattr(botocore.auth, "get_current_datetime"):
    botocore.auth.get_current_datetime = lambda *a, **k: NOW.replace(tzinfo=None)
else:  # older botocore
    class _FrozenDatetime(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return NOW.replace(tzinfo=None)
    botocore.auth.datetime.datetime = _FrozenDatetime

BC = botocore.credentials.Credentials(AKID, SECRET)
BC_TOK = botocore.credentials.Credentials(AKID, SECRET, TOKEN)


def botocore_sign(creds, method, key, headers=()):
    request = AWSRequest(method=method, url=f"https://{HOST}/{enc(key)}", headers=dict(headers))
    botocore.auth.S3SigV4QueryAuth(creds, "s3", REGION, expires=EXPIRES).add_auth(request)
    return request.url


# ---- boto3 (same frozen botocore clock)
import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402


def boto3_client(token):
    return boto3.client(
        "s3", region_name=REGION, aws_access_key_id=AKID, aws_secret_access_key=SECRET,
        aws_session_token=token,
        config=Config(signature_version="s3v4", s3={"addressing_style": "virtual"}),
    )


B3, B3_TOK = boto3_client(None), boto3_client(TOKEN)
META = {h[len("x-amz-meta-"):]: v for h, v in PUT_HEADERS if h.lower().startswith("x-amz-meta-")}
CTYPE = dict((h.lower(), v) for h, v in PUT_HEADERS).get("content-type")


def boto3_get(client, key):
    return client.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": key}, ExpiresIn=EXPIRES)


def boto3_put(key):
    return B3.generate_presigned_url(
        "put_object", Params={"Bucket": BUCKET, "Key": key, "ContentType": CTYPE, "Metadata": META}, ExpiresIn=EXPIRES)


# ---- awscrt
try:
    from awscrt import auth as crt_auth, http as crt_http
except ImportError:
    crt_auth = None


def crt_signer(token):
    provider = crt_auth.AwsCredentialsProvider.new_static(AKID, SECRET, token)
    config = crt_auth.AwsSigningConfig(
        algorithm=crt_auth.AwsSigningAlgorithm.V4,
        signature_type=crt_auth.AwsSignatureType.HTTP_REQUEST_QUERY_PARAMS,
        credentials_provider=provider, region=REGION, service="s3", date=NOW,
        signed_body_value=crt_auth.AwsSignedBodyValue.UNSIGNED_PAYLOAD,
        should_normalize_uri_path=False, use_double_uri_encode=False, expiration_in_seconds=EXPIRES,
    )

    def one(method, key, headers=()):
        request = crt_http.HttpRequest(method, "/" + enc(key), crt_http.HttpHeaders([("host", HOST), *headers]))
        signed = crt_auth.aws_sign_request(request, config).result()
        return "https://" + HOST + signed.path

    return one


# ---- measurement (same algorithm as every harness: see bench/run.py)
def latency(f):
    i, t0 = 0, time.perf_counter()
    warm = 0.05 if MODE["samples"] > 100 else 0.001
    while time.perf_counter() - t0 < warm or i < 3:
        f(i)
        i += 1
    est = (time.perf_counter() - t0) * 1e6 / i
    k = max(1, math.ceil(MODE["sample_us"] / est))
    n = max(5, min(MODE["samples"], int(MODE["budget_s"] * 1e6 / (est * k))))
    s = []
    pc = time.perf_counter
    for _ in range(n):
        t = pc()
        for _ in range(k):
            f(i)
            i += 1
        s.append((pc() - t) * 1e6 / k)
    s.sort()
    p99 = s[min(len(s), max(1, math.ceil(len(s) * 0.99))) - 1]
    return {"us_median": s[len(s) // 2], "us_p99": p99, "samples": n, "calls_per_sample": k, "_est": s[len(s) // 2]}


def throughput(name, est_us, keys, f):
    out = []
    for n in MODE["batches"]:
        for threads in MODE["threads"]:
            est_s = est_us * n / 1e6 / (threads if name.startswith("presigner") else 1)
            if est_s > MODE["budget_s"]:
                out.append({"impl": name, "batch": n, "threads": threads, "skipped": f"estimated {est_s:.0f} s > budget"})
                continue
            batch = keys[:n]
            reps = max(1, min(MODE["max_reps"], math.ceil(MODE["min_batch_s"] / max(est_s, 1e-9))))
            times = []
            for _ in range(reps):
                t = time.perf_counter()
                if threads == 1:
                    total = f(batch)
                else:
                    chunk = -(-n // threads)
                    parts = [batch[j:j + chunk] for j in range(0, n, chunk)]
                    res = [0] * len(parts)

                    def work(j):
                        res[j] = f(parts[j])
                    ts = [threading.Thread(target=work, args=(j,)) for j in range(len(parts))]
                    for th in ts:
                        th.start()
                    for th in ts:
                        th.join()
                    total = sum(res)
                times.append(time.perf_counter() - t)
                assert total == n
            times.sort()
            med = times[len(times) // 2]
            out.append({"impl": name, "batch": n, "threads": threads, "reps": reps, "seconds": med,
                        "us_per_url": med * 1e6 / n, "urls_per_s": n / med})
            if n >= 100 and threads == 1:
                est_us = med * 1e6 / n  # budget the next batch on the measured per-URL cost
    return out


def main():
    checks = []
    k = KEYS[2]
    mine = {
        "get": P.presign_get(BUCKET, k, expires_in=EXPIRES, now=NOW_EPOCH),
        "get_token": P_TOK.presign_get(BUCKET, k, expires_in=EXPIRES, now=NOW_EPOCH),
        "put": P.presign("PUT", BUCKET, k, headers=PUT_HEADERS_DICT, expires_in=EXPIRES, now=NOW_EPOCH).url,
    }
    ref = {
        "get": botocore_sign(BC, "GET", k),
        "get_token": botocore_sign(BC_TOK, "GET", k),
        "put": botocore_sign(BC, "PUT", k, PUT_HEADERS),
    }
    for case in mine:
        checks.append({"case": case, "peer": "botocore S3SigV4QueryAuth", "same_signature": sig(mine[case]) == sig(ref[case])})

    rows = [
        ("presigner presign_get", "presigner", "get", lambda i: P.presign_get(BUCKET, KEYS[i % NK], expires_in=EXPIRES, now=NOW_EPOCH)),
        ("presigner presign_get", "presigner", "get_token", lambda i: P_TOK.presign_get(BUCKET, KEYS[i % NK], expires_in=EXPIRES, now=NOW_EPOCH)),
        ("presigner presign_get", "presigner", "put", lambda i: P.presign("PUT", BUCKET, KEYS[i % NK], headers=PUT_HEADERS_DICT, expires_in=EXPIRES, now=NOW_EPOCH).url),
        ("botocore S3SigV4QueryAuth", "peer", "get", lambda i: botocore_sign(BC, "GET", KEYS[i % NK])),
        ("botocore S3SigV4QueryAuth", "peer", "get_token", lambda i: botocore_sign(BC_TOK, "GET", KEYS[i % NK])),
        ("botocore S3SigV4QueryAuth", "peer", "put", lambda i: botocore_sign(BC, "PUT", KEYS[i % NK], PUT_HEADERS)),
        ("boto3 generate_presigned_url (s3v4)", "peer", "get", lambda i: boto3_get(B3, KEYS[i % NK])),
        ("boto3 generate_presigned_url (s3v4)", "peer", "get_token", lambda i: boto3_get(B3_TOK, KEYS[i % NK])),
        ("boto3 generate_presigned_url (s3v4)", "peer", "put", lambda i: boto3_put(KEYS[i % NK])),
    ]
    notes = ["presigner rows for case put use S3Presigner.presign (the PUT result's url); 'presigner presign_get' names the row family"]
    if crt_auth is not None:
        crt, crt_tok = crt_signer(None), crt_signer(TOKEN)
        rows += [
            ("awscrt aws_sign_request", "peer", "get", lambda i: crt("GET", KEYS[i % NK])),
            ("awscrt aws_sign_request", "peer", "get_token", lambda i: crt_tok("GET", KEYS[i % NK])),
            ("awscrt aws_sign_request", "peer", "put", lambda i: crt("PUT", KEYS[i % NK], PUT_HEADERS)),
        ]
        checks.append({"case": "get", "peer": "awscrt (vs botocore)", "same_signature": sig(crt("GET", k)) == sig(ref["get"])})
    else:
        notes.append("awscrt not installed: its rows are missing")
    lat = []
    for name, role, case, f in rows:
        r = latency(f)
        r.update(impl=name, role=role, case=case)
        lat.append(r)

    def est(name):
        return next(r["_est"] for r in lat if r["impl"] == name and r["case"] == "get")

    keys = batch_keys(max(MODE["batches"]))
    tp = throughput("presigner presign_many", est("presigner presign_get"), keys,
                    lambda ks: len(P.presign_many("GET", BUCKET, ks, expires_in=EXPIRES, now=NOW_EPOCH)))
    tp += throughput("botocore S3SigV4QueryAuth", est("botocore S3SigV4QueryAuth"), keys,
                     lambda ks: len([botocore_sign(BC, "GET", x) for x in ks]))
    tp += throughput("boto3 generate_presigned_url (s3v4)", est("boto3 generate_presigned_url (s3v4)"), keys,
                     lambda ks: len([boto3_get(B3, x) for x in ks]))
    if crt_auth is not None:
        tp += throughput("awscrt aws_sign_request", est("awscrt aws_sign_request"), keys,
                         lambda ks: len([crt("GET", x) for x in ks]))
    for r in lat:
        r.pop("_est")
    import botocore
    import platform
    versions = {"botocore": botocore.__version__, "boto3": boto3.__version__}
    if crt_auth is not None:
        import awscrt
        versions["awscrt"] = getattr(awscrt, "__version__", "?")
    print(json.dumps({
        "language": "python",
        "runtime": f"{platform.python_implementation()} {platform.python_version()}",
        "versions": versions,
        "batch_api": {"presigner presign_many": "S3Presigner.presign_many (releases the GIL)", "others": "a Python loop"},
        "checks": checks, "notes": notes, "latency": lat, "throughput": tp,
    }))


main()
