"""Benchmark (not a test): µs per presigned S3 GET URL, presigner vs botocore, boto3 and awscrt.

    make bench-python                      # full run
    python tests/python/bench.py --smoke   # a few iterations (part of make test-python)

Each row is the median of several rounds; ratios are relative to presigner.presign_get.
"""

import argparse
import os
import statistics
import sys
import time

os.environ["BOTO_DISABLE_CRT"] = "true"  # botocore's pure-Python signer, not the CRT one

AKID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
REGION = "eu-west-1"
BUCKET = "examplebucket"
KEY = "photos/2024/holiday picture.jpg"
HOST = f"{BUCKET}.s3.{REGION}.amazonaws.com"


def presigner_cases(batch):
    from presigner import Credentials, S3Presigner

    s3 = S3Presigner(REGION, credentials=Credentials(AKID, SECRET))
    keys = [f"{KEY}.{i}" for i in range(batch)]

    def one():
        return s3.presign_get(BUCKET, KEY, expires_in=3600)

    def many():
        return s3.presign_many("GET", BUCKET, keys, expires_in=3600)

    return [("presigner presign_get", one, 1), (f"presigner presign_many ({batch}/call)", many, batch)]


def botocore_case():
    import botocore.auth
    import botocore.credentials
    from botocore.awsrequest import AWSRequest

    creds = botocore.credentials.Credentials(AKID, SECRET)
    url = "https://" + HOST + "/photos/2024/holiday%20picture.jpg"

    def one():
        request = AWSRequest(method="GET", url=url)
        botocore.auth.S3SigV4QueryAuth(creds, "s3", REGION, expires=3600).add_auth(request)
        return request.url

    return ("botocore S3SigV4QueryAuth", one, 1)


def boto3_case():
    import boto3
    from botocore.config import Config

    client = boto3.client(
        "s3",
        region_name=REGION,
        aws_access_key_id=AKID,
        aws_secret_access_key=SECRET,
        config=Config(signature_version="s3v4", s3={"addressing_style": "virtual"}),
    )

    def one():
        return client.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": KEY}, ExpiresIn=3600)

    return ("boto3 generate_presigned_url (s3v4)", one, 1)


def awscrt_case():
    try:
        import datetime

        from awscrt import auth, http
    except ImportError:
        return None
    provider = auth.AwsCredentialsProvider.new_static(AKID, SECRET)

    def one():
        config = auth.AwsSigningConfig(
            algorithm=auth.AwsSigningAlgorithm.V4,
            signature_type=auth.AwsSignatureType.HTTP_REQUEST_QUERY_PARAMS,
            credentials_provider=provider,
            region=REGION,
            service="s3",
            date=datetime.datetime.now(datetime.timezone.utc),
            signed_body_value=auth.AwsSignedBodyValue.UNSIGNED_PAYLOAD,
            should_normalize_uri_path=False,
            use_double_uri_encode=False,
            expiration_in_seconds=3600,
        )
        request = http.HttpRequest("GET", "/photos/2024/holiday%20picture.jpg", http.HttpHeaders([("host", HOST)]))
        signed = auth.aws_sign_request(request, config).result()
        return "https://" + HOST + signed.path

    return ("awscrt aws_sign_request", one, 1)


def measure(fn, per_call, rounds, min_seconds):
    """Median µs per URL over `rounds` rounds of at least `min_seconds` each."""
    out = fn()
    assert out, "benchmark function returned nothing"
    n = 1
    while True:  # calibrate the loop count
        t = time.perf_counter()
        for _ in range(n):
            fn()
        if time.perf_counter() - t >= min_seconds:
            break
        n *= 2
    samples = []
    for _ in range(rounds):
        t = time.perf_counter()
        for _ in range(n):
            fn()
        samples.append((time.perf_counter() - t) / (n * per_call) * 1e6)
    return statistics.median(samples)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--smoke", action="store_true", help="a few iterations: checks the harness, numbers mean nothing")
    args = ap.parse_args(argv)
    rounds, min_seconds, batch = (2, 0.001, 10) if args.smoke else (7, 0.2, 1000)

    cases = presigner_cases(batch) + [botocore_case(), boto3_case()]
    crt = awscrt_case()
    if crt is not None:
        cases.append(crt)
    results = []
    for name, fn, per_call in cases:
        results.append((name, measure(fn, per_call, rounds, min_seconds)))
    base = results[0][1]
    print(f"{'':38} {'µs/URL':>9}  {'× presign_get':>13}")
    for name, us in results:
        print(f"{name:38} {us:9.2f}  {us / base:13.1f}")
    if crt is None:
        print("awscrt: not installed (pip install -r bindings/python/requirements-bench.txt)")
    if args.smoke:
        print("(smoke run: timings are not meaningful)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
