"""API behaviour: times, results, secrets in repr, credential/region sources, threads."""

import datetime
import hashlib
import threading
import urllib.parse

import pytest

import presigner
from conftest import AKID, SECRET
from presigner import Credentials, PresignedRequest, S3Presigner, presign_url, sign_request

NOW = 1_369_353_600  # 2013-05-24T00:00:00Z, the S3 documentation example
DOC_SIG = "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
UTC = datetime.timezone.utc


def test_public_names():
    for name in presigner.__all__:
        assert hasattr(presigner, name), name
    assert presigner.__version__.count(".") == 2


@pytest.mark.parametrize(
    "now",
    [
        NOW,
        float(NOW),
        NOW + 0.999,  # sub-second precision is dropped, as SigV4 has none
        datetime.datetime(2013, 5, 24, tzinfo=UTC),
        datetime.datetime(2013, 5, 24, 2, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
        datetime.datetime(2013, 5, 24, 0, 0, 0, 999999, tzinfo=UTC),
    ],
)
def test_now_forms_are_equivalent(creds, now):
    url = S3Presigner("us-east-1", credentials=creds).presign_get("examplebucket", "test.txt", expires_in=86400, now=now)
    assert url.endswith("X-Amz-Signature=" + DOC_SIG)


def test_presigned_request_fields(creds):
    s3 = S3Presigner("eu-west-1", credentials=creds)
    r = s3.presign_put("bucket", "dir/photo.png", content_type="image/png", expires_in=600, now=NOW)
    assert isinstance(r, PresignedRequest)
    assert r.method == "PUT"
    assert r.url.startswith("https://bucket.s3.eu-west-1.amazonaws.com/dir/photo.png?")
    assert r.headers == {"Content-Type": "image/png"}
    assert r.signed_headers == ["content-type", "host"]
    assert r.signed_at == datetime.datetime(2013, 5, 24, tzinfo=UTC)
    assert r.expires_at == datetime.datetime(2013, 5, 24, 0, 10, tzinfo=UTC)
    assert r.expires_at.tzinfo is not None and r.expires_at.utcoffset() == datetime.timedelta(0)
    assert r.signature in r.url and len(r.signature) == 64
    assert r.canonical_request.startswith("PUT\n/dir/photo.png\n")
    assert r.canonical_request.endswith("\nUNSIGNED-PAYLOAD")
    assert r.string_to_sign.startswith("AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/eu-west-1/s3/aws4_request\n")
    text = repr(r)
    assert text.startswith("PresignedRequest(") and "PUT" in text and "bucket.s3.eu-west-1.amazonaws.com" in text
    assert r.signature not in text  # the URL is a bearer credential: repr shows where it points only


def test_options_reach_the_query(creds):
    s3 = S3Presigner("us-west-2", credentials=creds)
    r = s3.presign(
        "GET",
        "bucket",
        "a b/ü+c",
        version_id="v 1",
        response_content_disposition='attachment; filename="x.txt"',
        response_content_type="text/plain",
        response_cache_control="no-cache",
        response_content_language="en",
        response_content_encoding="gzip",
        response_expires="Wed, 21 Oct 2015 07:28:00 GMT",
        query=[("partNumber", "1"), ("uploadId", "u/1")],
        now=NOW,
    )
    parsed = urllib.parse.urlsplit(r.url)
    assert parsed.path == "/a%20b/%C3%BC%2Bc"
    q = dict(urllib.parse.parse_qsl(parsed.query, keep_blank_values=True))
    assert q["versionId"] == "v 1"
    assert q["response-content-disposition"] == 'attachment; filename="x.txt"'
    assert q["response-content-type"] == "text/plain"
    assert q["response-cache-control"] == "no-cache"
    assert q["response-content-language"] == "en"
    assert q["response-content-encoding"] == "gzip"
    assert q["response-expires"] == "Wed, 21 Oct 2015 07:28:00 GMT"
    assert q["uploadId"] == "u/1" and q["partNumber"] == "1"


def test_endpoint_and_styles(creds):
    minio = S3Presigner("us-east-1", credentials=creds, endpoint_url="http://127.0.0.1:9000")
    assert minio.presign_get("bucket", "k", now=NOW).startswith("http://127.0.0.1:9000/bucket/k?")
    path = S3Presigner("us-east-1", credentials=creds, addressing_style="path")
    assert path.presign_get("bucket", "k", now=NOW).startswith("https://s3.amazonaws.com/bucket/k?")
    dotted = S3Presigner("eu-west-1", credentials=creds, addressing_style="virtual")
    assert dotted.presign_get("my.bucket", "k", now=NOW).startswith("https://s3.eu-west-1.amazonaws.com/my.bucket/k?")
    dual = S3Presigner("eu-west-1", credentials=creds, dualstack=True)
    assert dual.presign_get("bucket", "k", now=NOW).startswith("https://bucket.s3.dualstack.eu-west-1.amazonaws.com/")
    acc = S3Presigner("eu-west-1", credentials=creds, accelerate=True)
    assert acc.presign_get("bucket", "k", now=NOW).startswith("https://bucket.s3-accelerate.amazonaws.com/")


def test_repr_hides_secrets():
    token = "FwoGZXIvYXdzEXAMPLETOKENVALUE"
    c = Credentials(AKID, SECRET, token, expires_at=datetime.datetime(2030, 1, 1, tzinfo=UTC))
    s3 = S3Presigner("us-east-1", credentials=c)
    texts = [repr(c), str(c), repr(s3), str(s3), repr(s3.credentials)]
    headers = sign_request("GET", "https://sts.amazonaws.com/", service="sts", region="us-east-1", credentials=c, now=NOW)
    texts.append(repr(headers))
    texts.append(repr(s3.presign("GET", "bucket", "k", now=NOW)))
    for text in texts:
        assert SECRET not in text
        assert token not in text
        assert "SECRET" not in text.upper().replace("SECRET_ACCESS_KEY=<REDACTED>", "")
    assert AKID in repr(c) and "<redacted>" in repr(c) and "2030-01-01T00:00:00Z" in repr(c)
    assert headers["X-Amz-Security-Token"] == token  # the dict itself carries it: it must be sent
    assert c.has_session_token and c.access_key_id == AKID
    assert c.expires_at == datetime.datetime(2030, 1, 1, tzinfo=UTC)


def test_credentials_expiry_forms():
    a = Credentials("AKID", "S", expires_at=1_900_000_000)
    b = Credentials("AKID", "S", expires_at="2030-03-17T17:46:40Z")
    c = Credentials("AKID", "S", expires_at=datetime.datetime(2030, 3, 17, 17, 46, 40, tzinfo=UTC))
    assert a.expires_at == b.expires_at == c.expires_at
    assert Credentials("AKID", "S").expires_at is None


def test_env_sources(clean_env, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ENVKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "envsecret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "envtoken")
    monkeypatch.setenv("AWS_REGION", "ap-south-1")
    c = Credentials.from_env()
    assert c.access_key_id == "ENVKEY" and c.has_session_token
    s3 = S3Presigner()
    assert s3.region == "ap-south-1" and s3.credentials.access_key_id == "ENVKEY"
    url = s3.presign_get("bucket", "k", now=NOW)
    assert "ENVKEY%2F20130524%2Fap-south-1%2Fs3" in url and "X-Amz-Security-Token=envtoken" in url
    h = sign_request("GET", "https://h.example/", service="execute-api")
    assert "Credential=ENVKEY/" in h["Authorization"] and "/ap-south-1/execute-api/" in h["Authorization"]


def test_profile_sources(clean_env, monkeypatch):
    aws = clean_env / ".aws"
    aws.mkdir()
    (aws / "credentials").write_text(
        "[default]\naws_access_key_id = DEFKEY\naws_secret_access_key = defsecret\n"
        "[dev]\naws_access_key_id = DEVKEY\naws_secret_access_key = devsecret\n"
    )
    (aws / "config").write_text("[default]\nregion = eu-central-1\n[profile dev]\nregion = us-west-2\n")
    assert Credentials.from_profile().access_key_id == "DEFKEY"
    assert Credentials.from_profile("dev").access_key_id == "DEVKEY"
    s3 = S3Presigner()
    assert (s3.region, s3.credentials.access_key_id) == ("eu-central-1", "DEFKEY")
    monkeypatch.setenv("AWS_PROFILE", "dev")
    s3 = S3Presigner()
    assert (s3.region, s3.credentials.access_key_id) == ("us-west-2", "DEVKEY")


def test_presign_url_sts(creds):
    r = presign_url(
        "GET",
        "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15",
        service="sts",
        region="us-east-1",
        credentials=creds,
        expires_in=60,
        now=NOW,
    )
    assert r.url.startswith("https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=")
    assert r.canonical_request.endswith("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    assert r.expires_at == datetime.datetime(2013, 5, 24, 0, 1, tzinfo=UTC)


def test_omit_session_token_appends_after_signing():
    c = Credentials("AKID", "S", "TOK")
    kw = dict(service="iotdevicegateway", region="us-east-1", credentials=c, now=NOW)
    signed = presign_url("GET", "wss://x.iot.amazonaws.com/mqtt".replace("wss", "https"), **kw)
    omitted = presign_url("GET", "https://x.iot.amazonaws.com/mqtt", omit_session_token=True, **kw)
    assert "X-Amz-Security-Token" in signed.canonical_request
    assert "X-Amz-Security-Token" not in omitted.canonical_request
    assert "&X-Amz-Security-Token=TOK&X-Amz-Signature=" in omitted.url


def test_sign_request_returns_a_dict(creds):
    h = sign_request(
        "PUT",
        "https://bucket.s3.amazonaws.com/k",
        service="s3",
        region="us-east-1",
        credentials=creds,
        headers={"Content-Type": "text/plain"},
        body=b"hello",
        now=NOW,
    )
    assert isinstance(h, dict)
    assert set(h) == {"X-Amz-Date", "x-amz-content-sha256", "Authorization"}
    # the core's S3 header-signing default: the body's SHA-256 (UNSIGNED-PAYLOAD only if asked)
    assert h["x-amz-content-sha256"] == hashlib.sha256(b"hello").hexdigest()
    assert h.signed_headers == ["content-type", "host", "x-amz-content-sha256", "x-amz-date"]
    assert h.signed_at == datetime.datetime(2013, 5, 24, tzinfo=UTC)
    assert h["Authorization"] == h.authorization
    same = sign_request(
        "PUT",
        "https://bucket.s3.amazonaws.com/k",
        service="s3",
        region="us-east-1",
        credentials=creds,
        headers=[("Content-Type", "text/plain")],
        body=bytearray(b"hello"),
        now=datetime.datetime(2013, 5, 24, tzinfo=UTC),
    )
    assert same == h
    hashed = sign_request(
        "PUT",
        "https://bucket.s3.amazonaws.com/k",
        service="s3",
        region="us-east-1",
        credentials=creds,
        body=b"hello",
        payload_hash=hashlib.sha256(b"hello").hexdigest(),
        now=NOW,
    )
    assert hashed["x-amz-content-sha256"] == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    assert hashed.canonical_request.endswith("\n2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
    assert sign_request(
        "PUT",
        "https://bucket.s3.amazonaws.com/k",
        service="s3",
        region="us-east-1",
        credentials=creds,
        headers={"Content-Type": "text/plain"},
        body="hello",
        now=NOW,
    ) == h


def _keys(t, n):
    return [f"thread-{t}/obj {i} ü+%.txt" for i in range(n)]


def test_threads_share_one_presigner():
    s3 = S3Presigner("eu-west-1", credentials=Credentials(AKID, SECRET, "TOKEN"))
    n, threads = 10_000, 8
    expected = {t: [s3.presign_get("bucket", k, now=NOW) for k in _keys(t, n)] for t in range(threads)}
    results = {}
    errors = []
    start = threading.Barrier(threads)

    def work(t):
        try:
            start.wait()
            keys = _keys(t, n)
            if t % 2:
                out = [s3.presign_get("bucket", k, now=NOW) for k in keys]
            else:
                half = n // 2
                out = s3.presign_many("GET", "bucket", keys[:half], now=NOW)
                out += [s3.presign_get("bucket", k, now=NOW) for k in keys[half:]]
            results[t] = out
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    ts = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for th in ts:
        th.start()
    for th in ts:
        th.join()
    assert not errors
    assert results == expected
    assert len({u for urls in results.values() for u in urls}) == n * threads


def test_presign_many_releases_the_gil(creds):
    s3 = S3Presigner("us-east-1", credentials=creds)
    keys = [f"k{i}" for i in range(150_000)]
    entered = threading.Event()
    done = threading.Event()
    out = []

    def batch():
        entered.set()
        out.append(s3.presign_many("GET", "bucket", keys, now=NOW))
        done.set()

    th = threading.Thread(target=batch)
    th.start()
    entered.wait()
    spins = 0
    while not done.is_set():
        spins += 1
    th.join()
    assert len(out[0]) == len(keys)
    # With the GIL held for the whole batch this loop could not run while it lasts.
    assert spins > 1000, spins
