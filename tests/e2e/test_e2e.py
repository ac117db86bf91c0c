"""End-to-end: URLs from the Python binding, sent with urllib (http.client for the Host header)
to a real SigV4-verifying S3 server. Started by tests/e2e/run.sh, which exports PRESIGNER_E2E_*.
The tests run in file order and share the bucket (PUT first, DELETE last)."""

import http.client
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

import presigner
from presigner import Credentials, S3Presigner, verify_presigned

if "PRESIGNER_E2E_ENDPOINT" not in os.environ:
    pytest.skip("run through tests/e2e/run.sh (needs the local S3 server)", allow_module_level=True)

ENDPOINT = os.environ["PRESIGNER_E2E_ENDPOINT"]
PORT = int(os.environ["PRESIGNER_E2E_PORT"])
AK = os.environ["PRESIGNER_E2E_ACCESS_KEY"]
SK = os.environ["PRESIGNER_E2E_SECRET_KEY"]
REGION = os.environ["PRESIGNER_E2E_REGION"]
BUCKET = os.environ["PRESIGNER_E2E_BUCKET"]
KEY = "e2e py/sp ace+plus=eq&amp~tilde!bang(paren)/ünï©ode/x.bin"
PAYLOAD = os.urandom(4096)

s3 = S3Presigner(REGION, credentials=Credentials(AK, SK), endpoint_url=ENDPOINT, addressing_style="path")


def send(method, url, data=None, headers=None):
    """(status, headers, body) of one request; urllib raises for 4xx/5xx, which is caught."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def status(method, url, data=None, headers=None):
    return send(method, url, data, headers)[0]


def ok(code):
    return 200 <= code < 300


def test_put_with_special_characters():
    assert ok(status("PUT", s3.presign("PUT", BUCKET, KEY).url, PAYLOAD))


def test_get_returns_the_same_bytes():
    code, _, body = send("GET", s3.presign_get(BUCKET, KEY))
    assert ok(code)
    assert body == PAYLOAD


def test_head():
    assert ok(status("HEAD", s3.presign("HEAD", BUCKET, KEY).url))


def test_signed_content_type_and_metadata():
    put = s3.presign_put(BUCKET, "photo.png", content_type="image/png", headers={"x-amz-meta-owner": "alice"})
    assert put.headers == {"Content-Type": "image/png", "x-amz-meta-owner": "alice"}
    assert status("PUT", put.url, PAYLOAD, {**put.headers, "Content-Type": "image/jpeg"}) == 403
    assert ok(status("PUT", put.url, PAYLOAD, put.headers))
    code, headers, _ = send("HEAD", s3.presign("HEAD", BUCKET, "photo.png").url)
    assert ok(code)
    assert headers["x-amz-meta-owner"] == "alice"
    assert headers["Content-Type"] == "image/png"


def _tampered(url):
    return url[:-1] + ("1" if url[-1] == "0" else "0")


def test_forgeries_are_rejected():
    url = s3.presign_get(BUCKET, KEY)
    assert ok(status("GET", url))
    assert status("GET", _tampered(url)) == 403
    assert status("GET", url.replace("x.bin", "y.bin")) == 403
    assert "X-Amz-Expires=3600" in url
    assert status("GET", url.replace("X-Amz-Expires=3600", "X-Amz-Expires=7200")) == 403
    assert status("PUT", url, PAYLOAD) == 403
    wrong = S3Presigner(REGION, credentials=Credentials(AK, "not-the-secret"), endpoint_url=ENDPOINT, addressing_style="path")
    assert status("GET", wrong.presign_get(BUCKET, KEY)) == 403


def test_expired_and_future_urls_are_rejected():
    now = int(time.time())
    assert status("GET", s3.presign_get(BUCKET, KEY, now=now - 7200, expires_in=60)) == 403
    assert status("GET", s3.presign_get(BUCKET, KEY, now=now + 7200)) == 403


def test_virtual_hosted_style_through_the_host_header():
    virtual = S3Presigner(REGION, credentials=Credentials(AK, SK), endpoint_url=f"http://localhost:{PORT}", addressing_style="virtual")
    url = virtual.presign_get(BUCKET, KEY)
    parts = urllib.parse.urlsplit(url)
    assert parts.netloc == f"{BUCKET}.localhost:{PORT}"
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    try:
        conn.request("GET", f"{parts.path}?{parts.query}", headers={"Host": parts.netloc})
        r = conn.getresponse()
        body = r.read()
    finally:
        conn.close()
    assert ok(r.status), body
    assert body == PAYLOAD


def test_path_style():
    url = s3.presign_get(BUCKET, KEY)
    assert url.startswith(f"{ENDPOINT}/{BUCKET}/")
    code, _, body = send("GET", url)
    assert ok(code) and body == PAYLOAD


def test_presigned_multipart_upload():
    mkey = "e2e py/multi part.bin"
    part1, part2 = os.urandom(5 * 1024 * 1024), os.urandom(1000)
    code, _, body = send("POST", s3.presign("POST", BUCKET, mkey, query={"uploads": ""}).url)
    assert ok(code), body
    upload_id = re.search(rb"<UploadId>(.*?)</UploadId>", body).group(1).decode()
    etags = []
    for n, part in ((1, part1), (2, part2)):
        url = s3.presign("PUT", BUCKET, mkey, query={"partNumber": str(n), "uploadId": upload_id}).url
        code, headers, _ = send("PUT", url, part)
        assert ok(code)
        etags.append(headers["ETag"])
    xml = "<CompleteMultipartUpload>" + "".join(
        f"<Part><PartNumber>{n}</PartNumber><ETag>{etag}</ETag></Part>" for n, etag in enumerate(etags, 1)
    ) + "</CompleteMultipartUpload>"
    url = s3.presign("POST", BUCKET, mkey, query={"uploadId": upload_id}).url
    code, _, body = send("POST", url, xml.encode())
    assert ok(code), body
    code, _, body = send("GET", s3.presign_get(BUCKET, mkey))
    assert ok(code)
    assert body == part1 + part2


def test_verify_round_trip():
    """A URL the binding presigned passes the binding's verifier and the server; a forged one
    fails both."""
    url = s3.presign_get(BUCKET, KEY, expires_in=300)
    v = verify_presigned("GET", url, credentials={AK: SK}, region=REGION, service="s3")
    assert (v.access_key_id, v.region, v.service, v.signed_headers) == (AK, REGION, "s3", ["host"])
    assert ok(status("GET", url))
    forged = _tampered(url)
    with pytest.raises(presigner.SignatureMismatchError):
        verify_presigned("GET", forged, credentials={AK: SK})
    assert status("GET", forged) == 403
    other = url.replace("x.bin", "y.bin")
    with pytest.raises(presigner.SignatureMismatchError):
        verify_presigned("GET", other, credentials={AK: SK})
    assert status("GET", other) == 403


def test_delete():
    assert ok(status("DELETE", s3.presign("DELETE", BUCKET, KEY).url))
    assert status("GET", s3.presign_get(BUCKET, KEY)) == 404
