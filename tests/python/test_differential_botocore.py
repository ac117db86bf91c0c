"""Differential tests against botocore's S3SigV4QueryAuth with hypothesis.

botocore is the reference for presigned S3 URLs. Its CRT signer is disabled (conftest sets
BOTO_DISABLE_CRT before botocore is imported) and its clock is frozen by patching
``botocore.auth.get_current_datetime``. botocore is handed the wire URL built independently
here (host per the S3 endpoint rules, key encoded with ``quote(key, safe="/~")`` as botocore's
S3 serializer does), so its legacy global-host default plays no part.
"""

import datetime
import os
import string
import urllib.parse
from unittest import mock

import botocore.auth
import botocore.credentials
from botocore.awsrequest import AWSRequest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from presigner import Credentials, S3Presigner, presign_url

# >= 2,000 generated cases per run (PRESIGNER_DIFF_EXAMPLES lowers it for quick local runs).
EXAMPLES = int(os.environ.get("PRESIGNER_DIFF_EXAMPLES", "2200"))
RAN = []  # one entry per executed example, checked by test_enough_examples_ran

REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "sa-east-1", "cn-north-1", "us-gov-west-1"]
regions = st.one_of(
    st.sampled_from(REGIONS),
    st.builds(
        "{}-{}-{}".format,
        st.text(alphabet=string.ascii_lowercase, min_size=2, max_size=2),
        st.text(alphabet=string.ascii_lowercase, min_size=4, max_size=9),
        st.integers(1, 9),
    ),
)
LOWER_DIGITS = string.ascii_lowercase + string.digits
label = st.builds(
    lambda a, mid, b: a + mid + b if mid or b else a,
    st.sampled_from(LOWER_DIGITS),
    st.text(alphabet=LOWER_DIGITS + "-", max_size=14),
    st.sampled_from(LOWER_DIGITS),
)
buckets = st.one_of(
    st.builds(
        "{}{}{}".format,
        st.sampled_from(LOWER_DIGITS),
        st.text(alphabet=LOWER_DIGITS + "-", min_size=1, max_size=40),
        st.sampled_from(LOWER_DIGITS),
    ),
    st.lists(label, min_size=2, max_size=3).map(".".join),  # dotted: path style over https
).filter(lambda b: 3 <= len(b) <= 63 and ".." not in b and not all(p.isdigit() for p in b.split(".")))
# Full Unicode (no surrogates: not UTF-8), plus keys made only of ASCII punctuation.
keys = st.one_of(
    st.text(min_size=1, max_size=80),
    st.text(alphabet=string.punctuation + " ", min_size=1, max_size=40),
    st.text(alphabet=string.printable, min_size=1, max_size=40),
).filter(lambda k: len(k.encode("utf-8")) <= 1024)
access_keys = st.builds(
    "{}{}".format,
    st.sampled_from(["AKIA", "ASIA"]),
    st.text(alphabet=string.ascii_uppercase + string.digits, min_size=12, max_size=16),
)
secrets = st.text(min_size=1, max_size=50)
tokens = st.one_of(
    st.none(),
    st.text(alphabet=string.ascii_letters + string.digits + "+/=", min_size=1, max_size=300),
    st.text(alphabet=st.characters(codec="utf-8", min_codepoint=0x20, exclude_characters="\x7f"), min_size=1, max_size=60),
)
values = st.text(max_size=40)
response = st.fixed_dictionaries(
    {},
    optional={
        "response-content-disposition": values,
        "response-content-type": values,
        "response-cache-control": values,
        "response-content-language": values,
        "response-content-encoding": values,
        "response-expires": values,
    },
)
extra_query = st.dictionaries(
    st.one_of(st.sampled_from(["partNumber", "uploadId", "acl", "tagging", "x-id"]), st.text(alphabet=string.ascii_letters + string.digits + "._~-", min_size=1, max_size=10).map("p-".__add__)),
    values,
    max_size=3,
)
header_value = st.text(alphabet=string.ascii_letters + string.digits + string.punctuation + " ", max_size=40)
put_headers = st.dictionaries(
    st.one_of(
        st.sampled_from(
            ["content-type", "content-md5", "cache-control", "content-disposition", "x-amz-acl", "x-amz-storage-class", "x-amz-server-side-encryption", "x-amz-checksum-sha256"]
        ),
        st.text(alphabet=LOWER_DIGITS + "-", min_size=1, max_size=12).map("x-amz-meta-".__add__),
    ),
    header_value,
    max_size=4,
).filter(lambda h: h.get("content-type") != "application/x-www-form-urlencoded; charset=utf-8")
times = st.integers(min_value=0, max_value=253_402_300_799)
expiries = st.integers(min_value=1, max_value=604_800)
styles = st.sampled_from(["auto", "virtual", "path"])


def expected_location(region, bucket, style):
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    base = "s3.amazonaws.com" if region == "us-east-1" else f"s3.{region}.{suffix}"
    if style != "path" and "." not in bucket:
        return f"{bucket}.{base}", ""
    return base, "/" + bucket


def botocore_url(method, url, params, headers, region, akid, secret, token, expires, unix):
    now = datetime.datetime.fromtimestamp(unix, datetime.timezone.utc).replace(tzinfo=None)
    request = AWSRequest(method=method, url=url, headers=dict(headers), params=dict(params))
    auth = botocore.auth.S3SigV4QueryAuth(
        botocore.credentials.Credentials(akid, secret, token), "s3", region, expires=expires
    )
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=now):
        auth.add_auth(request)
    return request.url


def query_set(url):
    return sorted(urllib.parse.urlsplit(url).query.split("&"))


def param(url, name):
    for part in urllib.parse.urlsplit(url).query.split("&"):
        k, _, v = part.partition("=")
        if k == name:
            return v
    raise AssertionError(f"{name} missing from {url}")


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(
    method=st.sampled_from(["GET", "PUT", "HEAD", "DELETE"]),
    region=regions,
    bucket=buckets,
    key=keys,
    style=styles,
    akid=access_keys,
    secret=secrets,
    token=tokens,
    version_id=st.one_of(st.none(), values),
    overrides=response,
    query=extra_query,
    headers=put_headers,
    expires=expiries,
    unix=times,
)
def test_same_urls_as_botocore(method, region, bucket, key, style, akid, secret, token, version_id, overrides, query, headers, expires, unix):
    RAN.append(1)
    if method != "PUT":
        headers = {}
    s3 = S3Presigner(region, credentials=Credentials(akid, secret, token), addressing_style=style)
    ours = s3.presign(
        method,
        bucket,
        key,
        expires_in=expires,
        headers=headers,
        query=query,
        version_id=version_id,
        response_content_disposition=overrides.get("response-content-disposition"),
        response_content_type=overrides.get("response-content-type"),
        response_cache_control=overrides.get("response-cache-control"),
        response_content_language=overrides.get("response-content-language"),
        response_content_encoding=overrides.get("response-content-encoding"),
        response_expires=overrides.get("response-expires"),
        now=unix,
    )

    host, prefix = expected_location(region, bucket, style)
    path = prefix + "/" + urllib.parse.quote(key, safe="/~")
    params = dict(query)
    params.update(overrides)
    if version_id is not None:
        params["versionId"] = version_id
    theirs = botocore_url(method, f"https://{host}{path}", params, headers, region, akid, secret, token, expires, unix)

    assert ours.url.split("?")[0] == f"https://{host}{path}"
    assert ours.signature == param(theirs, "X-Amz-Signature")
    assert param(ours.url, "X-Amz-SignedHeaders") == param(theirs, "X-Amz-SignedHeaders")
    assert ";".join(ours.signed_headers) == urllib.parse.unquote(param(theirs, "X-Amz-SignedHeaders"))
    assert query_set(ours.url) == query_set(theirs)
    assert ours.headers == headers


def test_differential_harness_detects_a_difference():
    """The comparison above is not vacuous: a one-second clock skew changes botocore's signature."""
    s3 = S3Presigner("eu-west-1", credentials=Credentials("AKIAEXAMPLE", "secret"))
    ours = s3.presign("GET", "bucket", "k", now=1_700_000_000)
    url = "https://bucket.s3.eu-west-1.amazonaws.com/k"
    same = botocore_url("GET", url, {}, {}, "eu-west-1", "AKIAEXAMPLE", "secret", None, 3600, 1_700_000_000)
    skewed = botocore_url("GET", url, {}, {}, "eu-west-1", "AKIAEXAMPLE", "secret", None, 3600, 1_700_000_001)
    assert ours.signature == param(same, "X-Amz-Signature")
    assert ours.signature != param(skewed, "X-Amz-Signature")


def test_enough_examples_ran():
    """Runs after test_same_urls_as_botocore (file order): hypothesis really ran them all."""
    assert len(RAN) >= EXAMPLES


segments = st.one_of(
    st.sampled_from(["", ".", "..", "a", "a b", "~x", "%"]),
    st.text(max_size=12),
)
services = st.sampled_from(["sts", "execute-api", "rds-db", "iotdevicegateway", "lambda", "es"])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    service=services,
    region=regions,
    parts=st.lists(segments, max_size=5),
    trailing_slash=st.booleans(),
    query=extra_query,
    akid=access_keys,
    secret=secrets,
    token=tokens,
    expires=expiries,
    unix=times,
)
def test_presign_url_same_as_botocore(service, region, parts, trailing_slash, query, akid, secret, token, expires, unix):
    """Other services: normalized, double-encoded path and SHA-256 of the empty body, like botocore
    (paths ending in a "." or ".." segment included: "/a/." normalizes to "/a" in both)."""
    path = "/" + "/".join(urllib.parse.quote(p, safe="") if p not in (".", "..") else p for p in parts)
    if trailing_slash and parts:
        path += "/"
    url = f"https://{service}.{region}.amazonaws.com{path}"
    ours = presign_url(
        "GET",
        url,
        service=service,
        region=region,
        credentials=Credentials(akid, secret, token),
        expires_in=expires,
        query=query,
        now=unix,
    )
    now = datetime.datetime.fromtimestamp(unix, datetime.timezone.utc).replace(tzinfo=None)
    request = AWSRequest(method="GET", url=url, params=dict(query))
    auth = botocore.auth.SigV4QueryAuth(botocore.credentials.Credentials(akid, secret, token), service, region, expires=expires)
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=now):
        auth.add_auth(request)
    theirs = request.url
    assert ours.url.split("?")[0] == url
    assert ours.signature == param(theirs, "X-Amz-Signature")
    assert query_set(ours.url) == query_set(theirs)
