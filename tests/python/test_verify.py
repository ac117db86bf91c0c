"""Server-side verification from Python: the AWS suite's signed requests, URLs made by botocore
(S3SigV4QueryAuth and SigV4QueryAuth, hypothesis), every verification exception, the
credentials lookups, time boundaries, and the README's WSGI upload gateway."""

import base64
import datetime
import hashlib
import os
import pathlib
import re
import string
import threading
import types
import urllib.error
import urllib.parse
import urllib.request
import wsgiref.simple_server
from unittest import mock

import botocore.auth
import botocore.credentials
import pytest
from botocore.awsrequest import AWSRequest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import presigner
from conftest import ROOT, VECTORS
from presigner import (
    Credentials,
    S3Presigner,
    SignatureMismatchError,
    VerificationError,
    Verified,
    presign_url,
    sign_request,
    verify_presigned,
    verify_request,
)

EXAMPLES = int(os.environ.get("PRESIGNER_VERIFY_EXAMPLES", "300"))
SUITE = VECTORS["signing_suite"]
UTC = datetime.timezone.utc


def _parse_raw(raw):
    """A raw signed request of the suite: method, URL, headers (folded lines joined)."""
    head = raw.split("\n\n")[0]
    first, *lines = head.split("\n")
    method, rest = first.split(" ", 1)
    target = rest.rsplit(" ", 1)[0]
    headers = []
    for line in lines:
        if not line:
            continue
        if line[0] in " \t":
            name, value = headers[-1]
            headers[-1] = (name, value + " " + line.strip())
        else:
            name, value = line.split(":", 1)
            headers.append((name, value))
    host = next(v for n, v in headers if n.lower() == "host").strip()
    return method, f"https://{host}{target}", headers


def _suite_kwargs(case):
    s = case["settings"]
    return {
        "now": case["unix_time"] + 1,
        "normalize_path": s["normalize_path"],
        "double_encode": s["double_encode"],
        "omit_session_token": s["omit_session_token"],
    }


def _body(case):
    return base64.b64decode(case["body_base64"])


@pytest.mark.parametrize("case", SUITE, ids=[c["name"] for c in SUITE])
def test_suite_query_case_verifies_with_the_right_secret_only(case):
    c = case["credentials"]
    method, url, headers = _parse_raw(case["expected"]["query"]["signed_request"])
    kw = _suite_kwargs(case)
    if case["settings"]["sign_body"]:
        kw["payload_hash"] = hashlib.sha256(_body(case)).hexdigest()
    # A mapping of secrets, then a callable: both lookups.
    v = verify_presigned(method, url, headers, credentials={c["access_key_id"]: c["secret_access_key"]}, **kw)
    assert (v.access_key_id, v.region, v.service) == ("AKIDEXAMPLE", "us-east-1", "service")
    assert v.signed_at == datetime.datetime.fromtimestamp(case["unix_time"], UTC)
    assert v.expires_at - v.signed_at == datetime.timedelta(seconds=case["expires_in"])
    assert "host" in v.signed_headers
    with pytest.raises(SignatureMismatchError):
        verify_presigned(method, url, headers, credentials=lambda akid: "not-the-secret", **kw)
    if c["session_token"]:
        # Credentials with a session token require exactly that token.
        with_token = Credentials(c["access_key_id"], c["secret_access_key"], c["session_token"])
        assert verify_presigned(method, url, headers, credentials=[with_token], **kw).access_key_id == "AKIDEXAMPLE"


@pytest.mark.parametrize("case", SUITE, ids=[c["name"] for c in SUITE])
def test_suite_header_case_verifies_with_the_right_secret_only(case):
    c = case["credentials"]
    method, url, headers = _parse_raw(case["expected"]["header"]["signed_request"])
    kw = _suite_kwargs(case)
    body_hash = hashlib.sha256(_body(case)).hexdigest()
    right = [Credentials(c["access_key_id"], c["secret_access_key"])]
    v = verify_request(method, url, headers, payload_hash=body_hash, credentials=right, **kw)
    assert (v.access_key_id, v.region, v.service) == ("AKIDEXAMPLE", "us-east-1", "service")
    with pytest.raises(SignatureMismatchError):
        verify_request(
            method, url, headers, payload_hash=body_hash, credentials={"AKIDEXAMPLE": Credentials("AKIDEXAMPLE", "wrong")}, **kw
        )


def test_suite_size():
    assert len(SUITE) == 38


# --- URLs produced by botocore ------------------------------------------------------------------

LOWER_DIGITS = string.ascii_lowercase + string.digits
buckets = st.builds(
    "{}{}{}".format,
    st.sampled_from(LOWER_DIGITS),
    st.text(alphabet=LOWER_DIGITS + "-", min_size=1, max_size=30),
    st.sampled_from(LOWER_DIGITS),
)
keys = st.text(min_size=1, max_size=60).filter(lambda k: len(k.encode()) <= 1024)
regions = st.sampled_from(["us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1", "us-gov-west-1"])
access_keys = st.builds("AKIA{}".format, st.text(alphabet=string.ascii_uppercase + string.digits, min_size=12, max_size=16))
secrets = st.text(min_size=1, max_size=40)
tokens = st.one_of(st.none(), st.text(alphabet=string.ascii_letters + string.digits + "+/=", min_size=1, max_size=200))
values = st.text(max_size=30)
header_value = st.text(alphabet=string.ascii_letters + string.digits + string.punctuation + " ", max_size=30)
put_headers = st.dictionaries(
    st.one_of(
        st.sampled_from(["content-type", "content-md5", "cache-control", "x-amz-acl", "x-amz-storage-class"]),
        st.text(alphabet=LOWER_DIGITS + "-", min_size=1, max_size=10).map("x-amz-meta-".__add__),
    ),
    header_value,
    max_size=3,
).filter(lambda h: h.get("content-type") != "application/x-www-form-urlencoded; charset=utf-8")
extra_query = st.dictionaries(
    st.one_of(st.sampled_from(["partNumber", "uploadId", "versionId", "response-content-type"]), st.text(alphabet=string.ascii_letters, min_size=1, max_size=8)),
    values,
    max_size=3,
)
times = st.integers(min_value=0, max_value=253_402_300_799 - 604_800)
expiries = st.integers(min_value=1, max_value=604_800)


def _frozen(unix):
    now = datetime.datetime.fromtimestamp(unix, UTC).replace(tzinfo=None)
    return mock.patch.object(botocore.auth, "get_current_datetime", return_value=now)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(
    method=st.sampled_from(["GET", "PUT", "HEAD", "DELETE"]),
    region=regions,
    bucket=buckets,
    key=keys,
    akid=access_keys,
    secret=secrets,
    token=tokens,
    query=extra_query,
    headers=put_headers,
    expires=expiries,
    unix=times,
    virtual=st.booleans(),
)
def test_botocore_s3_urls_verify(method, region, bucket, key, akid, secret, token, query, headers, expires, unix, virtual):
    if method != "PUT":
        headers = {}
    host = f"{bucket}.s3.{region}.amazonaws.com" if virtual else f"s3.{region}.amazonaws.com"
    path = ("" if virtual else "/" + bucket) + "/" + urllib.parse.quote(key, safe="/~")
    request = AWSRequest(method=method, url=f"https://{host}{path}", headers=dict(headers), params=dict(query))
    auth = botocore.auth.S3SigV4QueryAuth(botocore.credentials.Credentials(akid, secret, token), "s3", region, expires=expires)
    with _frozen(unix):
        auth.add_auth(request)
    url = request.url
    creds = {akid: Credentials(akid, secret, token)}
    v = verify_presigned(method, url, headers, credentials=creds, region=region, service="s3", now=unix + expires - 1)
    assert (v.access_key_id, v.region, v.service) == (akid, region, "s3")
    assert v.signed_at == datetime.datetime.fromtimestamp(unix, UTC)
    assert v.expires_at == datetime.datetime.fromtimestamp(unix + expires, UTC)
    assert sorted(v.signed_headers) == sorted({"host", *(h.lower() for h in headers)})
    with pytest.raises(SignatureMismatchError):
        verify_presigned(method, url, headers, credentials={akid: Credentials(akid, secret + "x", token)}, now=unix)
    with pytest.raises(presigner.RequestExpiredError):
        verify_presigned(method, url, headers, credentials=creds, now=unix + expires)


segments = st.one_of(st.sampled_from(["", ".", "..", "a", "a b", "~x", "%"]), st.text(max_size=10))


@settings(max_examples=EXAMPLES // 2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    service=st.sampled_from(["sts", "execute-api", "rds-db", "lambda", "es"]),
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
def test_botocore_generic_urls_verify(service, region, parts, trailing_slash, query, akid, secret, token, expires, unix):
    path = "/" + "/".join(urllib.parse.quote(p, safe="") if p not in (".", "..") else p for p in parts)
    if trailing_slash and parts:
        path += "/"
    request = AWSRequest(method="GET", url=f"https://{service}.{region}.amazonaws.com{path}", params=dict(query))
    auth = botocore.auth.SigV4QueryAuth(botocore.credentials.Credentials(akid, secret, token), service, region, expires=expires)
    with _frozen(unix):
        auth.add_auth(request)
    creds = [Credentials(akid, secret, token)]
    v = verify_presigned("GET", request.url, credentials=creds, service=service, now=unix)
    assert (v.region, v.service) == (region, service)
    with pytest.raises(SignatureMismatchError):
        verify_presigned("GET", request.url, credentials=lambda a: Credentials(a, secret + "!", token), now=unix)


def test_botocore_parameter_order_differs_from_ours():
    """The verifier does not depend on the order of parameters: botocore's order is not ours."""
    unix = 1_700_000_000
    ours = S3Presigner("eu-west-1", credentials=Credentials("AKIAORDER", "s")).presign_get(
        "bucket", "k", query={"partNumber": "1", "uploadId": "u"}, now=unix
    )
    request = AWSRequest(method="GET", url="https://bucket.s3.eu-west-1.amazonaws.com/k", params={"partNumber": "1", "uploadId": "u"})
    with _frozen(unix):
        botocore.auth.S3SigV4QueryAuth(botocore.credentials.Credentials("AKIAORDER", "s"), "s3", "eu-west-1", expires=3600).add_auth(request)
    names = lambda u: [p.split("=")[0] for p in urllib.parse.urlsplit(u).query.split("&")]  # noqa: E731
    assert names(ours) != names(request.url)
    for url in (ours, request.url):
        verify_presigned("GET", url, credentials={"AKIAORDER": "s"}, now=unix)


# --- every verification exception ---------------------------------------------------------------

T = 1_700_000_000
AKID, SECRET = "AKIAVERIFY00000001", "verify/secret+key"
KEYS = {AKID: SECRET}


def _url(**kw):
    s3 = S3Presigner("us-east-1", credentials=Credentials(AKID, SECRET))
    return s3.presign("GET", "bucket", "dir/a b.txt", now=T, expires_in=600, **kw)


def _fails(cls, *args, **kw):
    kw.setdefault("credentials", KEYS)
    kw.setdefault("now", T + 1)
    fn = verify_request if kw.pop("header", False) else verify_presigned
    with pytest.raises(cls) as info:
        fn(*args, **kw)
    e = info.value
    assert type(e) is cls
    assert isinstance(e, VerificationError) and isinstance(e, presigner.PresignerError)
    assert not isinstance(e, ValueError)
    assert e.code == cls.code and str(e)
    return e


def test_valid_url_returns_verified():
    v = verify_presigned("GET", _url().url, credentials=KEYS, now=T + 1)
    assert isinstance(v, Verified)
    assert v == Verified(AKID, "us-east-1", "s3", ["host"], datetime.datetime.fromtimestamp(T, UTC), datetime.datetime.fromtimestamp(T + 600, UTC))
    assert v.signed_at.tzinfo is not None and v.expires_at.utcoffset() == datetime.timedelta(0)
    with pytest.raises(AttributeError):
        v.region = "x"  # type: ignore[misc]


def test_unsupported_algorithm():
    _fails(presigner.UnsupportedAlgorithmError, "GET", _url().url.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512"))


def test_malformed_request():
    url = _url().url
    _fails(presigner.MalformedRequestError, "GET", re.sub(r"&X-Amz-Signature=[0-9a-f]+", "", url))
    _fails(presigner.MalformedRequestError, "GET", url.replace("X-Amz-Date=", "X-Amz-Date=2023"))
    _fails(presigner.MalformedRequestError, "GET", "https://h.example/k", [("Authorization", "nope")], header=True)


def test_invalid_credential_scope():
    _fails(presigner.InvalidCredentialScopeError, "GET", _url().url.replace("aws4_request", "aws5_request"))
    # the scope's date must be X-Amz-Date's day
    _fails(presigner.InvalidCredentialScopeError, "GET", _url().url.replace("%2F20231114%2F", "%2F20231115%2F"))


def test_scope_mismatch():
    e = _fails(presigner.ScopeMismatchError, "GET", _url().url, region="eu-west-1")
    assert "eu-west-1" in str(e)
    _fails(presigner.ScopeMismatchError, "GET", _url().url, service="sts")


def test_duplicate_parameter():
    url = _url().url
    date = re.search(r"X-Amz-Date=[0-9TZ]+", url).group(0)
    _fails(presigner.DuplicateParameterError, "GET", url + "&" + date)


def test_missing_signed_header():
    r = _url(headers={"x-amz-meta-owner": "alice"})
    _fails(presigner.MissingSignedHeaderError, "GET", r.url)
    assert verify_presigned("GET", r.url, r.headers, credentials=KEYS, now=T + 1).signed_headers == ["host", "x-amz-meta-owner"]


def test_unknown_access_key():
    _fails(presigner.UnknownAccessKeyError, "GET", _url().url, credentials={})
    _fails(presigner.UnknownAccessKeyError, "GET", _url().url, credentials=lambda akid: None)
    _fails(presigner.UnknownAccessKeyError, "GET", _url().url, credentials=[Credentials("AKIAOTHER", SECRET)])


def test_invalid_session_token():
    _fails(presigner.InvalidSessionTokenError, "GET", _url().url, credentials=[Credentials(AKID, SECRET, "the-token")])
    s3 = S3Presigner("us-east-1", credentials=Credentials(AKID, SECRET, "the-token"))
    url = s3.presign_get("bucket", "k", now=T)
    assert verify_presigned("GET", url, credentials={AKID: Credentials(AKID, SECRET, "the-token")}, now=T).access_key_id == AKID
    _fails(presigner.InvalidSessionTokenError, "GET", url, credentials={AKID: Credentials(AKID, SECRET, "another")})


def test_request_expired_and_its_boundary():
    url = _url().url
    assert verify_presigned("GET", url, credentials=KEYS, now=T + 599)
    e = _fails(presigner.RequestExpiredError, "GET", url, now=T + 600)
    assert "2023-11-14T22:23:20Z" in str(e)


def test_request_not_yet_valid_and_the_skew_tolerance():
    url = _url().url
    assert verify_presigned("GET", url, credentials=KEYS, now=T - 900)
    _fails(presigner.RequestNotYetValidError, "GET", url, now=T - 901)
    assert verify_presigned("GET", url, credentials=KEYS, now=T - 60, max_skew=datetime.timedelta(minutes=1))
    _fails(presigner.RequestNotYetValidError, "GET", url, now=T - 61, max_skew=60)
    _fails(presigner.RequestNotYetValidError, "GET", url, now=T - 1, max_skew=0.0)


def test_signature_mismatch_for_changed_requests():
    r = _url()
    _fails(SignatureMismatchError, "GET", r.url, credentials={AKID: "wrong"})
    _fails(SignatureMismatchError, "PUT", r.url)
    _fails(SignatureMismatchError, "GET", r.url.replace("a%20b", "a%20c"))
    _fails(SignatureMismatchError, "GET", r.url.replace("X-Amz-Expires=600", "X-Amz-Expires=601"))
    _fails(SignatureMismatchError, "GET", r.url, {"Host": "other.example"})


def test_every_verification_code_is_tested_here():
    tested = {
        n[len("test_") :]
        for n, f in globals().items()
        if n.startswith("test_") and callable(f)
    }
    codes = [code for code, _, _ in presigner._native._error_classes() if code in {
        "unsupported_algorithm", "malformed_request", "invalid_credential_scope", "scope_mismatch", "duplicate_parameter",
        "missing_signed_header", "unknown_access_key", "invalid_session_token", "request_expired", "request_not_yet_valid",
        "signature_mismatch",
    }]
    assert len(codes) == 11
    for code in codes:
        assert any(t == code or t.startswith(code + "_") for t in tested), code


# --- header-signed requests ---------------------------------------------------------------------


def test_verify_request_round_trip_with_body_hash():
    body = b"hello, verifier"
    url = "https://bucket.s3.us-east-1.amazonaws.com/dir/obj?tagging="
    h = sign_request("PUT", url, service="s3", region="us-east-1", credentials=Credentials(AKID, SECRET), headers={"Content-Type": "text/plain"}, body=body, now=T)
    assert h["x-amz-content-sha256"] == hashlib.sha256(body).hexdigest()  # S3 header signing hashes the body
    headers = {"Content-Type": "text/plain", **h}
    v = verify_request("PUT", url, headers, credentials=KEYS, now=T + 5)
    assert v.signed_headers == ["content-type", "host", "x-amz-content-sha256", "x-amz-date"]
    assert v.expires_at == datetime.datetime.fromtimestamp(T + 900, UTC)
    assert verify_request("PUT", url, headers, payload_hash=hashlib.sha256(body).hexdigest(), credentials=KEYS, now=T)
    # the body the server received is not the one signed
    _fails(SignatureMismatchError, "PUT", url, headers, payload_hash=hashlib.sha256(b"other").hexdigest(), header=True)
    _fails(presigner.RequestExpiredError, "PUT", url, headers, now=T + 900, header=True)
    _fails(presigner.DuplicateParameterError, "PUT", url, [*headers.items(), ("X-Amz-Date", h["X-Amz-Date"])], header=True)
    _fails(presigner.MissingSignedHeaderError, "PUT", url, {k: v for k, v in headers.items() if k != "Content-Type"}, header=True)


def test_generic_overrides_apply_to_the_scope_service():
    url = "https://example.amazonaws.com/a/./b/../c"
    r = presign_url("GET", url, service="execute-api", region="us-east-1", credentials=Credentials(AKID, SECRET), now=T, normalize_path=False)
    _fails(SignatureMismatchError, "GET", r.url)
    assert verify_presigned("GET", r.url, credentials=KEYS, now=T, normalize_path=False).service == "execute-api"


# --- credentials lookups ------------------------------------------------------------------------


class LookupFailed(Exception):
    pass


def test_lookup_exception_propagates_unchanged():
    def lookup(akid):
        raise LookupFailed(akid)

    with pytest.raises(LookupFailed) as info:
        verify_presigned("GET", _url().url, credentials=lookup, now=T)
    assert info.value.args == (AKID,)


def test_lookup_from_a_mapping_that_raises():
    class Store(dict):
        def get(self, key, default=None):
            raise LookupFailed("down")

    with pytest.raises(LookupFailed):
        verify_presigned("GET", _url().url, credentials=types.MappingProxyType(Store()), now=T)


def test_lookup_kinds():
    url = _url().url
    calls = []

    def lookup(akid):
        calls.append(akid)
        return SECRET

    for creds in (
        KEYS,
        {AKID: Credentials(AKID, SECRET)},
        types.MappingProxyType(KEYS),
        [Credentials("AKIAOTHER", "x"), Credentials(AKID, SECRET)],
        (c for c in [Credentials(AKID, SECRET)]),
        Credentials(AKID, SECRET),
        lookup,
    ):
        assert verify_presigned("GET", url, credentials=creds, now=T).access_key_id == AKID
    assert calls == [AKID]


@pytest.mark.parametrize("creds", ["secret", b"x", None, 42, [("AKID", "secret")]])
def test_bad_lookup_types(creds):
    with pytest.raises(TypeError):
        verify_presigned("GET", _url().url, credentials=creds, now=T)


def test_lookup_returning_a_wrong_type_raises_type_error():
    with pytest.raises(TypeError, match="Credentials object, a secret"):
        verify_presigned("GET", _url().url, credentials=lambda akid: 42, now=T)
    with pytest.raises(presigner.InvalidCredentialsError):
        verify_presigned("GET", _url().url, credentials=lambda akid: "", now=T)


@pytest.mark.parametrize("skew", [-1, float("nan"), 10**9])
def test_bad_max_skew(skew):
    with pytest.raises(presigner.InvalidOptionError):
        verify_presigned("GET", _url().url, credentials=KEYS, now=T, max_skew=skew)


@pytest.mark.parametrize("skew", [True, "900"])
def test_max_skew_type(skew):
    with pytest.raises(TypeError):
        verify_presigned("GET", _url().url, credentials=KEYS, now=T, max_skew=skew)


def test_not_a_url_is_a_malformed_request():
    # A server hands over what it received: an unparsable URL is a request to refuse (403).
    with pytest.raises(presigner.MalformedRequestError) as e:
        verify_presigned("GET", "not a url", credentials=KEYS)
    assert isinstance(e.value, presigner.VerificationError)


def test_callable_runs_with_the_gil_from_threads():
    """A Python lookup called from many threads at once: every call verifies."""
    url = _url().url
    errors = []

    def work():
        try:
            for _ in range(300):
                verify_presigned("GET", url, credentials=lambda a: {AKID: SECRET}.get(a), now=T)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


# --- the README's upload gateway ----------------------------------------------------------------


def _readme_gateway():
    readme = (ROOT / "bindings" / "python" / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- gateway -->", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    assert len(block.strip().splitlines()) <= 15, "the README promises a gateway of at most 15 lines"
    namespace = {}
    exec(compile(block, "README.md (gateway)", "exec"), namespace)
    return namespace


class _Quiet(wsgiref.simple_server.WSGIRequestHandler):
    def log_message(self, *args):
        pass


def _send(method, url, data=None, headers=None):
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_readme_gateway_verifies_before_serving():
    ns = _readme_gateway()
    server = wsgiref.simple_server.make_server("127.0.0.1", 0, ns["app"], handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        endpoint = f"http://127.0.0.1:{server.server_port}"
        akid, secret = next(iter(ns["KEYS"].items()))
        s3 = S3Presigner("us-east-1", credentials=Credentials(akid, secret), endpoint_url=endpoint, addressing_style="path")
        key = "in box/ünï©ode+(1)~!.png"
        put = s3.presign_put("uploads", key, content_type="image/png", expires_in=60)
        assert _send("PUT", put.url, b"\x89PNG data", put.headers)[0] == 201
        assert ns["UPLOADS"] == {"/uploads/" + urllib.parse.quote(key, safe="/~"): b"\x89PNG data"}
        status, body = _send("PUT", put.url, b"x", {"Content-Type": "image/jpeg"})
        assert (status, body) == (403, b"signature_mismatch")
        assert _send("PUT", put.url[:-1] + ("0" if put.url[-1] != "0" else "1"), b"x", put.headers) == (403, b"signature_mismatch")
        assert _send("PUT", put.url.replace("uploads/in", "uploads/out"), b"x", put.headers)[0] == 403
        assert _send("PUT", endpoint + "/uploads/k", b"x")[0] == 403
        wrong = S3Presigner("us-east-1", credentials=Credentials("AKIAUNKNOWN", secret), endpoint_url=endpoint, addressing_style="path")
        assert _send("PUT", wrong.presign_put("uploads", "k").url, b"x") == (403, b"unknown_access_key")
        assert len(ns["UPLOADS"]) == 1
    finally:
        server.shutdown()
        server.server_close()
