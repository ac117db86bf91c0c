#!/usr/bin/env python3
"""Turns tests/vectors/sigv4.json into a C include file for tests/c/test_presigner.c.

Usage: python3 tests/c/gen_vectors.py tests/vectors/sigv4.json OUT.inc

Every case becomes one `vector` initializer (see the struct in test_presigner.c):
  mode VQUERY  -> presigner_presign_url     (signing_suite "query" expectations, documented sigv4-presign)
  mode VHEADER -> presigner_sign_request    (signing_suite "header", legacy_suite, documented *-header-auth)
  mode VS3     -> presigner_s3_presign      (documented s3-presign)
Documented cases of kinds the C API does not expose (signing-key, s3-post-policy) are listed
as skipped in a comment. Nothing is computed here except what the suites define as inputs:
the body's SHA-256 when a query-mode case signs its body, and Unix seconds of dates.
"""

import base64
import calendar
import hashlib
import json
import sys
import time

EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def c_str(value):
    """A C string literal (octal escapes for everything outside printable ASCII), or NULL."""
    if value is None:
        return "NULL"
    if isinstance(value, str):
        value = value.encode("utf-8")
    out = ['"']
    for b in value:
        ch = chr(b)
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif ch == "?":
            out.append("\\?")  # no trigraphs
        elif 0x20 <= b < 0x7F:
            out.append(ch)
        else:
            out.append("\\%03o" % b)
    out.append('"')
    return "".join(out)


def pairs(items):
    if not items:
        return "{{NULL, NULL}}"
    return "{" + ", ".join("{%s, %s}" % (c_str(n), c_str(x)) for n, x in items) + "}"


def unix_rfc3339(ts):
    return calendar.timegm(time.strptime(ts, "%Y-%m-%dT%H:%M:%SZ"))


def unix_amz(ts):
    return calendar.timegm(time.strptime(ts, "%Y%m%dT%H%M%SZ"))


def emit(out, v):
    headers = v.get("headers", [])
    query = v.get("query", [])
    body = v.get("body", b"")
    fields = [
        ".name = " + c_str(v["name"]),
        ".mode = " + v["mode"],
        ".method = " + c_str(v["method"]),
        ".url = " + c_str(v.get("url")),
        ".bucket = " + c_str(v.get("bucket")),
        ".key = " + c_str(v.get("key")),
        ".header_count = %d" % len(headers),
        ".headers = " + pairs(headers),
        ".query_count = %d" % len(query),
        ".query = " + pairs(query),
        ".body = " + c_str(body),
        ".body_len = %d" % len(body),
        ".akid = " + c_str(v["akid"]),
        ".secret = " + c_str(v["secret"]),
        ".token = " + c_str(v.get("token")),
        ".region = " + c_str(v["region"]),
        ".service = " + c_str(v["service"]),
        ".now = %dLL" % v["now"],
        ".expires_in = %dLL" % v.get("expires_in", 0),
        ".set_settings = %d" % (1 if "settings" in v else 0),
        ".normalize_path = %d" % int(v.get("settings", {}).get("normalize_path", False)),
        ".double_encode = %d" % int(v.get("settings", {}).get("double_encode", False)),
        ".payload_hash = " + c_str(v.get("payload_hash")),
        ".content_sha256_header = %d" % int(v.get("settings", {}).get("content_sha256_header", False)),
        ".omit_session_token = %d" % int(v.get("settings", {}).get("omit_session_token", False)),
        ".exp_canonical_request = " + c_str(v["exp"]["canonical_request"]),
        ".exp_string_to_sign = " + c_str(v["exp"]["string_to_sign"]),
        ".exp_signature = " + c_str(v["exp"]["signature"]),
        ".exp_url = " + c_str(v["exp"].get("url")),
        ".exp_authorization = " + c_str(v["exp"].get("authorization")),
    ]
    sr = v.get("signed_request")
    if sr:
        fields += [
            ".sr_method = " + c_str(sr[0]),
            ".sr_url = " + c_str(sr[1]),
            ".sr_header_count = %d" % len(sr[2]),
            ".sr_headers = " + pairs(sr[2]),
        ]
    out.append("  {\n    " + ",\n    ".join(fields) + "\n  },")


def parse_signed_request(raw):
    """The suite's raw signed request as (method, https URL, headers); folded lines joined."""
    head = raw.split("\n\n")[0]
    lines = head.split("\n")
    method, rest = lines[0].split(" ", 1)
    target = rest.rsplit(" ", 1)[0]
    headers = []
    for line in lines[1:]:
        if not line:
            continue
        if line[0] in " \t":
            n, x = headers[-1]
            headers[-1] = (n, x + " " + line.strip())
        else:
            n, x = line.split(":", 1)
            headers.append((n, x))
    host = [x for n, x in headers if n.lower() == "host"][0].strip()
    return method, "https://" + host + target, headers


def suite_case(c, mode, exp):
    body = base64.b64decode(c["body_base64"])
    s = c["settings"]
    v = {
        "name": c["name"] + " [" + mode + "]",
        "method": c["method"],
        "url": c["url"],
        "headers": c["headers"],
        "body": body,
        "akid": c["credentials"]["access_key_id"],
        "secret": c["credentials"]["secret_access_key"],
        "token": c["credentials"]["session_token"],
        "region": c["region"],
        "service": c["service"],
        "now": c["unix_time"],
        "expires_in": c["expires_in"] or 0,
        "settings": s,
        "exp": exp,
    }
    if mode == "query":
        v["mode"] = "VQUERY"
        # presigning signs no body: the suite's "sign_body" gives the body's hash to sign
        v["payload_hash"] = hashlib.sha256(body).hexdigest() if s["sign_body"] else None
        v["signed_request"] = parse_signed_request(exp["signed_request"])
    else:
        v["mode"] = "VHEADER"
        v["payload_hash"] = None if s["sign_body"] else EMPTY_SHA256
    return v


def documented_case(c, skipped):
    i, e, kind = c["inputs"], c["expected"], c["kind"]
    base = {
        "name": "documented/" + c["name"],
        "akid": i.get("access_key"),
        "secret": i.get("secret_key"),
        "token": i.get("session_token"),
        "region": i.get("region"),
        "service": i.get("service"),
        "exp": e,
    }
    if kind == "s3-presign":
        assert i["endpoint"] is None and not i["query"] and not i["headers"]
        base.update(mode="VS3", method=i["method"], bucket=i["bucket"], key=i["key"],
                    now=unix_rfc3339(i["now"]), expires_in=i["expires"])
        return base
    if kind == "sigv4-presign":
        base.update(mode="VQUERY", method=i["method"], url=i["endpoint"] + i["path"],
                    query=i["query"], headers=list(i["headers"].items()),
                    now=unix_rfc3339(i["now"]), expires_in=i["expires"])
        return base
    if kind in ("s3-header-auth", "sigv4-header-auth"):
        hs = i["headers"]
        url = "https://" + hs["host"] + i["canonical_uri"]
        if i["canonical_query"]:
            url += "?" + i["canonical_query"]
        # the signer adds x-amz-date (from now) and, for S3, x-amz-content-sha256 itself
        headers = [(n, x) for n, x in hs.items() if n not in ("host", "x-amz-date", "x-amz-content-sha256")]
        base.update(mode="VHEADER", method=i["method"], url=url, headers=headers,
                    now=unix_amz(i["amz_date"]), payload_hash=i["payload_hash"],
                    body=(i.get("body") or "").encode("utf-8"))
        if kind == "s3-header-auth":
            base["settings"] = {"normalize_path": False, "double_encode": False,
                                "content_sha256_header": True, "omit_session_token": False}
        return base
    skipped.append(c["name"] + " (" + kind + ")")
    return None


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf-8") as f:
        doc = json.load(f)
    cases, skipped = [], []
    for c in doc["signing_suite"]:
        for mode in ("query", "header"):
            cases.append(suite_case(c, mode, c["expected"][mode]))
    for c in doc["legacy_suite"]:
        cases.append(suite_case(c, "header", c["expected"]["header"]))
    for c in doc["documented"]:
        v = documented_case(c, skipped)
        if v:
            cases.append(v)
    max_h = max(len(v.get("headers", [])) for v in cases)
    max_q = max(len(v.get("query", [])) for v in cases)
    max_sr = max(len(v["signed_request"][2]) for v in cases if v.get("signed_request"))
    out = [
        "/* Generated by tests/c/gen_vectors.py from tests/vectors/sigv4.json. Do not edit. */",
        "/* Not expressible through the C API (skipped): %s */" % ("; ".join(skipped) or "none"),
        "#define VECTOR_MAX_HEADERS %d" % max(max_h, 1),
        "#define VECTOR_MAX_QUERY %d" % max(max_q, 1),
        "#define VECTOR_MAX_SR_HEADERS %d" % max(max_sr, 1),
        "#define VECTOR_SKIPPED %d" % len(skipped),
    ]
    body = []
    for v in cases:
        emit(body, v)
    text = "\n".join(out) + "\n#ifdef VECTOR_CASES\nstatic const vector VECTORS[] = {\n" + "\n".join(body) + "\n};\n#endif\n"
    with open(dst, "w", encoding="ascii") as f:
        f.write(text)
    print("gen_vectors: %d cases, %d skipped -> %s" % (len(cases), len(skipped), dst))


if __name__ == "__main__":
    main()
