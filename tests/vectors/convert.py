#!/usr/bin/env python3
"""Turns the AWS signing test suites into one JSON file every language's tests read.

Input: a checkout of the suites laid out as in the project's shared vectors folder
(``aws-signing-test-suite/v4``, ``aws4-testsuite``, ``documented``). Output: ``sigv4.json``
beside this script. Nothing is computed here: every expected value is copied from the suites.

Each case has the request as a URL (scheme https, the Host header's value as authority, the
request line's path and query byte for byte), the other headers in order, the body, the
credentials, scope, time and canonicalization settings, and the expected outputs for the
modes the suite covers ("query" = presigning, "header" = Authorization header).

Run: python3 tests/vectors/convert.py ../shared/vectors
"""

import base64
import calendar
import json
import os
import sys
import time

SUITE_TOKEN_README = "post-sts-token/readme.txt"


def parse_request(raw: bytes):
    """Splits a raw HTTP/1.1 request into method, target, headers (folded lines joined) and body."""
    text = raw.decode("utf-8")
    head, _, body = text.partition("\n\n")
    lines = head.split("\n")
    method, rest = lines[0].split(" ", 1)
    target = rest.rsplit(" ", 1)[0]
    headers = []
    for line in lines[1:]:
        if line == "":
            continue
        if line[:1] in (" ", "\t") and headers:
            # obs-fold: a continuation line belongs to the previous header's value
            name, value = headers[-1]
            headers[-1] = (name, value + " " + line.strip())
            continue
        name, _, value = line.partition(":")
        headers.append((name, value))
    return method, target, headers, body.encode("utf-8")


def to_case(method, target, headers, body):
    host = next(v for n, v in headers if n.lower() == "host")
    others = [[n, v] for n, v in headers if n.lower() != "host"]
    return {
        "method": method,
        "url": "https://" + host.strip() + target,
        "headers": others,
        "body_base64": base64.b64encode(body).decode("ascii"),
    }


def read(path, binary=False):
    with open(path, "rb") as f:
        data = f.read()
    return data if binary else data.decode("utf-8")


def unix(ts):
    return calendar.timegm(time.strptime(ts, "%Y-%m-%dT%H:%M:%SZ"))


def signing_suite(root):
    base = os.path.join(root, "aws-signing-test-suite", "v4")
    cases = []
    for name in sorted(os.listdir(base)):
        d = os.path.join(base, name)
        ctx = json.loads(read(os.path.join(d, "context.json")))
        method, target, headers, body = parse_request(read(os.path.join(d, "request.txt"), True))
        case = to_case(method, target, headers, body)
        creds = ctx["credentials"]
        sign_body = ctx.get("sign_body", False)
        case.update(
            {
                "name": "aws-signing-test-suite/" + name,
                "credentials": {
                    "access_key_id": creds["access_key_id"],
                    "secret_access_key": creds["secret_access_key"],
                    "session_token": creds.get("token"),
                },
                "region": ctx["region"],
                "service": ctx["service"],
                "timestamp": ctx["timestamp"],
                "unix_time": unix(ctx["timestamp"]),
                "expires_in": ctx["expiration_in_seconds"],
                "settings": {
                    "normalize_path": ctx["normalize"],
                    "double_encode": True,
                    # sign_body: the payload hash is the SHA-256 of the body; otherwise of the empty body
                    "sign_body": sign_body,
                    "content_sha256_header": sign_body,
                    "omit_session_token": ctx.get("omit_session_token", False),
                },
                "expected": {},
            }
        )
        for mode in ("query", "header"):
            exp = {
                "canonical_request": read(os.path.join(d, mode + "-canonical-request.txt")),
                "string_to_sign": read(os.path.join(d, mode + "-string-to-sign.txt")),
                "signature": read(os.path.join(d, mode + "-signature.txt")).strip(),
                "signed_request": read(os.path.join(d, mode + "-signed-request.txt")),
            }
            case["expected"][mode] = exp
        cases.append(case)
    return cases


def legacy_suite(root):
    """The original AWS4 test suite (header signing only)."""
    base = os.path.join(root, "aws4-testsuite")
    token = read(os.path.join(base, SUITE_TOKEN_README)).strip().splitlines()[-1].strip()
    dirs = []
    for dirpath, _dirnames, filenames in os.walk(base):
        for f in filenames:
            if f.endswith(".req"):
                dirs.append((dirpath, f[: -len(".req")]))
    cases = []
    for dirpath, stem in sorted(dirs):
        rel = os.path.relpath(os.path.join(dirpath, stem), base)
        method, target, headers, body = parse_request(read(os.path.join(dirpath, stem + ".req"), True))
        amz_date = next(v for n, v in headers if n.lower() == "x-amz-date")
        session_token = next((v for n, v in headers if n.lower() == "x-amz-security-token"), None)
        headers = [(n, v) for n, v in headers if n.lower() not in ("x-amz-date", "x-amz-security-token")]
        case = to_case(method, target, headers, body)
        creq = read(os.path.join(dirpath, stem + ".creq"))
        for line in creq.split("\n"):
            if line.startswith("x-amz-security-token:"):
                # some request files leave out the token their canonical request signs
                session_token = line.split(":", 1)[1]
        omit = False
        if stem == "post-sts-header-after":
            # the token is added after signing, so the request file does not show it
            session_token = token
            omit = True
        ts = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.strptime(amz_date, "%Y%m%dT%H%M%SZ"))
        case.update(
            {
                "name": "aws4-testsuite/" + rel,
                "credentials": {
                    "access_key_id": "AKIDEXAMPLE",
                    "secret_access_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                    "session_token": session_token,
                },
                "region": "us-east-1",
                "service": "service",
                "timestamp": ts,
                "unix_time": unix(ts),
                "expires_in": None,
                "settings": {
                    "normalize_path": True,
                    "double_encode": True,
                    "sign_body": True,
                    "content_sha256_header": False,
                    "omit_session_token": omit,
                },
                "expected": {
                    "header": {
                        "canonical_request": read(os.path.join(dirpath, stem + ".creq")),
                        "string_to_sign": read(os.path.join(dirpath, stem + ".sts")),
                        "authorization": read(os.path.join(dirpath, stem + ".authz")).strip(),
                    }
                },
            }
        )
        case["expected"]["header"]["signature"] = case["expected"]["header"]["authorization"].rsplit("=", 1)[1]
        cases.append(case)
    return cases


def documented(root):
    out = []
    for f in ("s3-doc-examples.json", "sigv4-general-doc-examples.json"):
        out.extend(json.loads(read(os.path.join(root, "documented", f))))
    return out


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "vectors")
    doc = {
        "about": "Generated by tests/vectors/convert.py from the AWS signing test suites "
        "(Apache-2.0, see LICENSE and NOTICE files here) and AWS documentation examples. Do not edit.",
        "signing_suite": signing_suite(root),
        "legacy_suite": legacy_suite(root),
        "documented": documented(root),
    }
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sigv4.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("wrote", out, len(doc["signing_suite"]), "+", len(doc["legacy_suite"]), "+", len(doc["documented"]), "cases")


if __name__ == "__main__":
    main()
