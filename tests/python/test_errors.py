"""Bad input for every exception class, the code -> class mapping, TypeErrors, panics."""

import datetime

import pytest

import presigner
from presigner import (
    Credentials,
    S3Presigner,
    presign_url,
    sign_request,
)
from presigner import _native

NOW = 1_700_000_000


def _s3(creds, **kw):
    return S3Presigner("us-east-1", credentials=creds, **kw)


def test_every_core_code_maps_to_its_own_class():
    rows = _native._error_classes()
    assert len(rows) == 28
    codes = [code for code, _, _ in rows]
    assert len(set(codes)) == len(codes)
    names = set()
    for code, name, invalid_input in rows:
        assert name != "PresignerError", f"core code {code!r} has no exception class of its own"
        cls = getattr(presigner, name)
        assert name in presigner.__all__
        assert issubclass(cls, presigner.PresignerError)
        assert cls.code == code
        assert issubclass(cls, ValueError) == invalid_input, name
        names.add(name)
    assert len(names) == len(rows)
    exported = {
        n
        for n in presigner.__all__
        if isinstance(getattr(presigner, n), type) and issubclass(getattr(presigner, n), Exception)
    }
    assert exported == names | {"PresignerError", "CredentialsError", "VerificationError"}


VERIFICATION_CODES = {
    "unsupported_algorithm",
    "malformed_request",
    "invalid_credential_scope",
    "scope_mismatch",
    "duplicate_parameter",
    "missing_signed_header",
    "unknown_access_key",
    "invalid_session_token",
    "request_expired",
    "request_not_yet_valid",
    "signature_mismatch",
}


def test_verification_family():
    """The verifiers' failures share VerificationError (not ValueError: the request is bad,
    not the caller's input); every other class stays out of it."""
    assert not issubclass(presigner.VerificationError, ValueError)
    for code, name, _ in _native._error_classes():
        cls = getattr(presigner, name)
        assert issubclass(cls, presigner.VerificationError) == (code in VERIFICATION_CODES), name
        if code in VERIFICATION_CODES:
            assert not issubclass(cls, (ValueError, presigner.CredentialsError)), name


def test_credentials_family():
    for name in (
        "MissingCredentialsError",
        "ProfileError",
        "CredentialsExpiredError",
        "CredentialsExpireBeforeUrlError",
        "InvalidCredentialsError",
    ):
        assert issubclass(getattr(presigner, name), presigner.CredentialsError)


def _raises(cls, code, fn, *args, **kw):
    with pytest.raises(cls) as info:
        fn(*args, **kw)
    assert type(info.value) is cls
    assert info.value.code == code
    assert str(info.value)
    return info.value


@pytest.mark.parametrize("value", [0, -1, 604801, 10**30])
def test_invalid_expiry(creds, value):
    e = _raises(presigner.InvalidExpiryError, "invalid_expiry", _s3(creds).presign_get, "bucket", "k", expires_in=value)
    assert str(value) in str(e)
    assert isinstance(e, ValueError)


def test_expiry_limit_is_accepted(creds):
    assert "X-Amz-Expires=604800" in _s3(creds).presign_get("bucket", "k", expires_in=604800, now=NOW)


@pytest.mark.parametrize("bucket", ["ab", "Bucket", "bad_bucket", "a" * 64, "192.168.1.1", "-bucket", "b..b"])
def test_invalid_bucket(creds, bucket):
    _raises(presigner.InvalidBucketError, "invalid_bucket", _s3(creds).presign_get, bucket, "k")


@pytest.mark.parametrize("key", ["", "k" * 1025])
def test_invalid_key(creds, key):
    _raises(presigner.InvalidKeyError, "invalid_key", _s3(creds).presign_get, "bucket", key)


def test_invalid_key_in_batch(creds):
    _raises(presigner.InvalidKeyError, "invalid_key", _s3(creds).presign_many, "GET", "bucket", ["a", ""])


@pytest.mark.parametrize("region", ["", "us east 1", "us-east-1/x"])
def test_invalid_region(creds, region):
    _raises(presigner.InvalidRegionError, "invalid_region", S3Presigner, region, credentials=creds)


def test_missing_region(creds, clean_env):
    e = _raises(presigner.InvalidRegionError, "invalid_region", S3Presigner, credentials=creds)
    assert "AWS_REGION" in str(e)


@pytest.mark.parametrize("url", ["ftp://minio:9000", "localhost:9000", "http://h:9000/a?b=c", "http://"])
def test_invalid_endpoint(creds, url):
    _raises(presigner.InvalidEndpointError, "invalid_endpoint", _s3, creds, endpoint_url=url)


@pytest.mark.parametrize(
    "headers", [{"Bad Header": "v"}, {"x-amz-meta-a": "line\nbreak"}, {"X-Amz-Date": "20200101T000000Z"}]
)
def test_invalid_header(creds, headers):
    _raises(presigner.InvalidHeaderError, "invalid_header", _s3(creds).presign, "PUT", "bucket", "k", headers=headers)


def test_invalid_query(creds):
    _raises(
        presigner.InvalidQueryError,
        "invalid_query",
        _s3(creds).presign_get,
        "bucket",
        "k",
        query={"X-Amz-Signature": "x"},
    )


@pytest.mark.parametrize("url", ["sts.amazonaws.com/", "ftp://sts.amazonaws.com/", "https://h/#frag"])
def test_invalid_url(creds, url):
    _raises(presigner.InvalidUrlError, "invalid_url", presign_url, "GET", url, service="sts", region="us-east-1", credentials=creds)


@pytest.mark.parametrize("method", ["", "GE T", "G\nET"])
def test_invalid_method(creds, method):
    _raises(presigner.InvalidMethodError, "invalid_method", _s3(creds).presign, method, "bucket", "k")


@pytest.mark.parametrize("service", ["", "s3/x", "a b"])
def test_invalid_service(creds, service):
    _raises(
        presigner.InvalidServiceError,
        "invalid_service",
        presign_url,
        "GET",
        "https://h/",
        service=service,
        region="us-east-1",
        credentials=creds,
    )


@pytest.mark.parametrize(
    "now",
    [
        datetime.datetime(2024, 1, 1),  # naive: an error, not a guess
        -1,
        float("nan"),
        float("inf"),
        2**70,
        253402300800,
        datetime.datetime(1969, 12, 31, tzinfo=datetime.timezone.utc),
    ],
)
def test_invalid_time(creds, now):
    _raises(presigner.InvalidTimeError, "invalid_time", _s3(creds).presign_get, "bucket", "k", now=now)


def test_invalid_time_in_credentials_expiry():
    _raises(presigner.InvalidTimeError, "invalid_time", Credentials, "AKID", "S", None, "tomorrow")
    _raises(presigner.InvalidTimeError, "invalid_time", Credentials, "AKID", "S", None, datetime.datetime(2030, 1, 1))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"addressing_style": "diagonal"},
        {"expiry_policy": "never"},
        {"accelerate": True, "fips": True},
        {"accelerate": True, "addressing_style": "path"},
        {"endpoint_url": "http://127.0.0.1:9000", "dualstack": True},
    ],
)
def test_invalid_option(creds, kwargs):
    _raises(presigner.InvalidOptionError, "invalid_option", _s3, creds, **kwargs)


def test_invalid_payload_hash_option(creds):
    _raises(
        presigner.InvalidOptionError,
        "invalid_option",
        presign_url,
        "GET",
        "https://h/",
        service="execute-api",
        region="us-east-1",
        credentials=creds,
        payload_hash="not a hash",
    )


@pytest.mark.parametrize(
    "args", [("", "secret"), ("AKID", ""), ("AK/ID", "secret"), ("AK ID", "secret"), ("AKID", "s", "")]
)
def test_invalid_credentials(args):
    e = _raises(presigner.InvalidCredentialsError, "invalid_credentials", Credentials, *args)
    assert isinstance(e, ValueError)


def test_missing_credentials(clean_env):
    _raises(presigner.MissingCredentialsError, "missing_credentials", Credentials.from_env)
    _raises(presigner.MissingCredentialsError, "missing_credentials", S3Presigner, "us-east-1")
    _raises(
        presigner.MissingCredentialsError,
        "missing_credentials",
        sign_request,
        "GET",
        "https://h/",
        service="execute-api",
        region="us-east-1",
    )


def test_profile_error(clean_env):
    _raises(presigner.ProfileError, "profile_error", Credentials.from_profile, "nope")


def test_credentials_expired():
    c = Credentials("AKID", "S", "TOKEN", expires_at=NOW - 1)
    s3 = S3Presigner("us-east-1", credentials=c)
    e = _raises(presigner.CredentialsExpiredError, "credentials_expired", s3.presign_get, "bucket", "k", now=NOW)
    assert not isinstance(e, ValueError)
    _raises(
        presigner.CredentialsExpiredError,
        "credentials_expired",
        sign_request,
        "GET",
        "https://h/",
        service="execute-api",
        region="us-east-1",
        credentials=c,
        now=NOW,
    )


def test_credentials_expire_before_url():
    c = Credentials("AKID", "S", "TOKEN", expires_at=NOW + 100)
    s3 = S3Presigner("us-east-1", credentials=c)
    _raises(
        presigner.CredentialsExpireBeforeUrlError,
        "credentials_expire_before_url",
        s3.presign_get,
        "bucket",
        "k",
        expires_in=3600,
        now=NOW,
    )
    clamp = S3Presigner("us-east-1", credentials=c, expiry_policy="clamp").presign("GET", "bucket", "k", now=NOW)
    assert "X-Amz-Expires=100&" in clamp.url
    allow = S3Presigner("us-east-1", credentials=c, expiry_policy="allow").presign("GET", "bucket", "k", now=NOW)
    assert "X-Amz-Expires=3600&" in allow.url
    assert allow.expires_at.timestamp() == NOW + 100


@pytest.mark.parametrize(
    "call",
    [
        lambda s3: s3.presign_get(123, "k"),
        lambda s3: s3.presign_get("bucket", b"k"),
        lambda s3: s3.presign_get("bucket", "k", expires_in=1.5),
        lambda s3: s3.presign_get("bucket", "k", expires_in="60"),
        lambda s3: s3.presign_get("bucket", "k", now="2024-01-01T00:00:00Z"),
        lambda s3: s3.presign_get("bucket", "k", now=True),
        lambda s3: s3.presign_get("bucket", "k", now=datetime.date(2024, 1, 1)),
        lambda s3: s3.presign_get("bucket", "k", headers={"a": 1}),
        lambda s3: s3.presign_get("bucket", "k", headers="a=b"),
        lambda s3: s3.presign_get("bucket", "k", headers=[("a", "b", "c")]),
        lambda s3: s3.presign_get("bucket", "k", query=42),
        lambda s3: s3.presign_get("bucket", "k", version_id=5),
        lambda s3: s3.presign_get("bucket", "k", unknown_option=1),
        lambda s3: s3.presign_many("GET", "bucket", "abc"),
        lambda s3: s3.presign_many("GET", "bucket", ["a", 2]),
        lambda s3: s3.presign_many("GET", "bucket", 5),
        lambda s3: S3Presigner("us-east-1", credentials="AKID:SECRET"),
        lambda s3: S3Presigner("us-east-1", credentials=s3.credentials, dualstack="yes"),
        lambda s3: sign_request("GET", "https://h/", service="x", region="us-east-1", credentials=s3.credentials, body=123),
        lambda s3: Credentials(1, "s"),
    ],
)
def test_wrong_python_types_raise_type_error(creds, call):
    with pytest.raises(TypeError):
        call(_s3(creds))


def test_panic_becomes_an_exception_not_a_crash():
    with pytest.raises(presigner.PresignerError) as info:
        _native._panic_for_test()
    assert info.value.code == "internal_error"
    assert "deliberate test panic" in str(info.value)
