//! Server-side verification: the AWS suite's own signed requests verify with the right secret
//! and fail with a wrong one; every single-byte mutation of a presigned URL (and of its signed
//! header values) is rejected unless it is the very same request; every check has its error.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use presigner::signing_key::sha256_hex;
use presigner::{
    verify_presigned, verify_request, Credentials, ErrorKind, PayloadHash, PresignOptions,
    S3Config, S3Presigner, SessionTokenMode, SigningSettings, VerifyOptions,
};
use serde_json::Value;

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/sigv4.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

/// A raw signed request from the suite: method, URL, headers (folded lines joined).
fn parse_raw(raw: &str) -> (String, String, Vec<(String, String)>) {
    let head = raw.split("\n\n").next().unwrap();
    let mut lines = head.split('\n');
    let first = lines.next().unwrap();
    let (method, rest) = first.split_once(' ').unwrap();
    let target = rest.rsplit_once(' ').unwrap().0;
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines.filter(|l| !l.is_empty()) {
        if line.starts_with([' ', '\t']) {
            let last = headers.last_mut().unwrap();
            last.1.push(' ');
            last.1.push_str(line.trim());
        } else {
            let (n, v) = line.split_once(':').unwrap();
            headers.push((n.to_owned(), v.to_owned()));
        }
    }
    let host = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("host"))
        .unwrap()
        .1
        .trim()
        .to_owned();
    (
        method.to_owned(),
        format!("https://{host}{target}"),
        headers,
    )
}

fn suite_settings(case: &Value, body: &[u8], presigned: bool) -> SigningSettings {
    let set = &case["settings"];
    let sign_body = set["sign_body"].as_bool().unwrap();
    SigningSettings {
        normalize_path: set["normalize_path"].as_bool().unwrap(),
        double_encode: set["double_encode"].as_bool().unwrap(),
        payload_hash: if sign_body {
            PayloadHash::precomputed(&sha256_hex(body)).unwrap()
        } else if presigned {
            PayloadHash::Body
        } else {
            PayloadHash::precomputed(&sha256_hex(b"")).unwrap()
        },
        session_token: if set["omit_session_token"].as_bool().unwrap() {
            SessionTokenMode::AppendAfterSigning
        } else {
            SessionTokenMode::Signed
        },
        content_sha256_header: false,
    }
}

fn body_of(case: &Value) -> Vec<u8> {
    let b64 = s(&case["body_base64"]);
    let table = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let (mut out, mut buf, mut bits) = (Vec::new(), 0u32, 0);
    for c in b64.bytes().filter(|c| *c != b'=') {
        buf = (buf << 6) | table.iter().position(|t| *t == c).unwrap() as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
        }
    }
    out
}

#[test]
fn suite_signed_requests_verify_with_the_right_secret_only() {
    let v = vectors();
    let mut checked = 0;
    for case in v["signing_suite"].as_array().unwrap() {
        let c = &case["credentials"];
        let right =
            vec![Credentials::new(s(&c["access_key_id"]), s(&c["secret_access_key"])).unwrap()];
        let wrong = vec![Credentials::new(s(&c["access_key_id"]), "not-the-secret").unwrap()];
        let body = body_of(case);
        let now = UNIX_EPOCH + Duration::from_secs(case["unix_time"].as_u64().unwrap() + 1);
        let name = s(&case["name"]);
        for (mode, presigned) in [("query", true), ("header", false)] {
            let (method, url, headers) = parse_raw(s(&case["expected"][mode]["signed_request"]));
            let options = VerifyOptions {
                now: Some(now),
                settings: Some(suite_settings(case, &body, presigned)),
                ..Default::default()
            };
            let run = |keys: &Vec<Credentials>| {
                if presigned {
                    verify_presigned(&method, &url, &headers, keys, &options)
                } else {
                    let hash = sha256_hex(&body);
                    verify_request(&method, &url, &headers, Some(hash.as_str()), keys, &options)
                }
            };
            let ok = run(&right).unwrap_or_else(|e| panic!("{name} ({mode}): {e}"));
            assert_eq!(ok.access_key_id, "AKIDEXAMPLE");
            assert_eq!(
                (ok.region.as_str(), ok.service.as_str()),
                ("us-east-1", "service")
            );
            assert_eq!(
                run(&wrong).unwrap_err().kind(),
                ErrorKind::SignatureMismatch,
                "{name} ({mode})"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 76);
}

const AKID: &str = "AKIAMUTATION0000";
const SECRET: &str = "mutation/secret+key";
const T: u64 = 1_700_000_000;

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(T + 10)
}

fn keys() -> Vec<Credentials> {
    vec![Credentials::new(AKID, SECRET).unwrap()]
}

fn opts() -> VerifyOptions {
    VerifyOptions {
        now: Some(now()),
        ..Default::default()
    }
}

fn signed_put() -> (String, Vec<(String, String)>) {
    let s3 = S3Presigner::new(S3Config::new(
        "eu-west-1",
        Credentials::new(AKID, SECRET).unwrap(),
    ))
    .unwrap();
    let o = PresignOptions {
        headers: vec![
            ("Content-Type".into(), "image/png".into()),
            ("x-amz-meta-owner".into(), "a b".into()),
        ],
        query: vec![
            ("uploadId".into(), "x+y/z".into()),
            ("partNumber".into(), "2".into()),
        ],
        version_id: Some("v1".into()),
        now: Some(UNIX_EPOCH + Duration::from_secs(T)),
        ..Default::default()
    };
    let r = s3
        .presign("PUT", "my-bucket", "dir/a b+c%.txt", &o)
        .unwrap();
    (r.url, r.headers)
}

/// Host, path and decoded query multiset: what a server acts on.
type Shape = (String, String, BTreeMap<(Vec<u8>, Vec<u8>), usize>);

fn request_shape(url: &str) -> Option<Shape> {
    let rest = url.strip_prefix("https://")?;
    let (authority, target) = rest.split_at(rest.find('/')?);
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut m = BTreeMap::new();
    for p in query.split('&').filter(|p| !p.is_empty()) {
        let (n, v) = p.split_once('=').unwrap_or((p, ""));
        let key = (
            presigner::encoding::decode_strict(n)?,
            presigner::encoding::decode_strict(v)?,
        );
        *m.entry(key).or_insert(0) += 1;
    }
    Some((authority.to_owned(), path.to_owned(), m))
}

fn canon(v: &str) -> String {
    let mut out = String::new();
    presigner::canonical::canonical_header_value(v, &mut out);
    out
}

#[test]
fn every_single_byte_mutation_is_rejected_unless_it_is_the_same_request() {
    let (url, headers) = signed_put();
    verify_presigned("PUT", &url, &headers, &keys(), &opts()).unwrap();
    let original = request_shape(&url).unwrap();
    let start = "https://".len();
    let alphabet: Vec<u8> = (0x20u8..0x7f)
        .chain([0x00, 0x0a, 0x0d, 0x80, 0xc3, 0xff])
        .collect();
    let (mut rejected, mut same, mut not_utf8) = (0usize, 0usize, 0usize);
    let mut judge = |bytes: Vec<u8>, hdrs: &[(String, String)], same_request: bool| {
        let Ok(text) = String::from_utf8(bytes) else {
            not_utf8 += 1;
            return;
        };
        let verdict = verify_presigned("PUT", &text, hdrs, &keys(), &opts());
        let same_req = same_request && request_shape(&text).as_ref() == Some(&original);
        match (same_req, verdict) {
            (true, Ok(_)) => same += 1,
            (false, Err(_)) => rejected += 1,
            (true, Err(e)) => panic!("same request rejected: {text} ({e})"),
            (false, Ok(_)) => panic!("forgery accepted: {text}"),
        }
    };
    let b = url.as_bytes();
    for i in start..=b.len() {
        for &c in &alphabet {
            let mut ins = b.to_vec();
            ins.insert(i, c);
            judge(ins, &headers, true);
            if i < b.len() && b[i] != c {
                let mut rep = b.to_vec();
                rep[i] = c;
                judge(rep, &headers, true);
            }
        }
        if i < b.len() {
            let mut del = b.to_vec();
            del.remove(i);
            judge(del, &headers, true);
        }
    }
    // Signed header values.
    for h in 0..headers.len() {
        let value = headers[h].1.as_bytes().to_vec();
        for i in 0..=value.len() {
            for &c in &alphabet {
                for mutated in [
                    {
                        let mut v = value.clone();
                        v.insert(i, c);
                        v
                    },
                    {
                        let mut v = value.clone();
                        if i < v.len() {
                            v[i] = c;
                        }
                        v
                    },
                    {
                        let mut v = value.clone();
                        if i < v.len() {
                            v.remove(i);
                        }
                        v
                    },
                ] {
                    let Ok(text) = String::from_utf8(mutated) else {
                        not_utf8 += 1;
                        continue;
                    };
                    let mut hdrs = headers.clone();
                    let same_value =
                        canon(&text) == canon(&headers[h].1) && !text.contains(['\r', '\n', '\0']);
                    hdrs[h].1 = text;
                    match (
                        same_value,
                        verify_presigned("PUT", &url, &hdrs, &keys(), &opts()),
                    ) {
                        (true, Ok(_)) => same += 1,
                        (false, Err(_)) => rejected += 1,
                        (true, Err(e)) => panic!("same header value rejected: {:?} ({e})", hdrs[h]),
                        (false, Ok(_)) => panic!("changed header accepted: {:?}", hdrs[h]),
                    }
                }
            }
        }
    }
    println!("mutations: {rejected} rejected, {same} equivalent and accepted, {not_utf8} not UTF-8 (cannot be a URL string)");
    assert!(rejected > 50_000, "only {rejected} mutations tried");
    assert!(same > 0, "the equivalence check never triggered");
}

#[test]
fn every_verification_error_kind() {
    let (url, headers) = signed_put();
    let k = keys();
    let seen = std::cell::RefCell::new(std::collections::HashSet::new());
    let check = |r: presigner::Result<presigner::Verified>, kind: ErrorKind| {
        let e = r.unwrap_err();
        assert_eq!(e.kind(), kind, "{e}");
        assert!(!e.to_string().contains(SECRET), "secret in {e}");
        seen.borrow_mut().insert(kind);
    };
    check(
        verify_presigned(
            "PUT",
            &url.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512"),
            &headers,
            &k,
            &opts(),
        ),
        ErrorKind::UnsupportedAlgorithm,
    );
    check(
        verify_presigned(
            "PUT",
            &url.replace("&X-Amz-Date=", "&X-Amz-Datum="),
            &headers,
            &k,
            &opts(),
        ),
        ErrorKind::MalformedRequest,
    );
    check(
        verify_presigned(
            "PUT",
            &url.replace("%2Faws4_request", "%2Faws5_request"),
            &headers,
            &k,
            &opts(),
        ),
        ErrorKind::InvalidCredentialScope,
    );
    check(
        verify_presigned(
            "PUT",
            &url.replace("%2F20231114%2F", "%2F20231115%2F"),
            &headers,
            &k,
            &opts(),
        ),
        ErrorKind::InvalidCredentialScope,
    );
    let expect_region = VerifyOptions {
        region: Some("us-east-1".into()),
        ..opts()
    };
    check(
        verify_presigned("PUT", &url, &headers, &k, &expect_region),
        ErrorKind::ScopeMismatch,
    );
    let expect_service = VerifyOptions {
        service: Some("sts".into()),
        ..opts()
    };
    check(
        verify_presigned("PUT", &url, &headers, &k, &expect_service),
        ErrorKind::ScopeMismatch,
    );
    check(
        verify_presigned(
            "PUT",
            &url.replace("X-Amz-Expires=3600", "X-Amz-Expires=604801"),
            &headers,
            &k,
            &opts(),
        ),
        ErrorKind::InvalidExpiry,
    );
    check(
        verify_presigned(
            "PUT",
            &format!("{url}&X-Amz-Date=20231114T221320Z"),
            &headers,
            &k,
            &opts(),
        ),
        ErrorKind::DuplicateParameter,
    );
    check(
        verify_presigned("PUT", &url, &headers[..1], &k, &opts()),
        ErrorKind::MissingSignedHeader,
    );
    check(
        verify_presigned(
            "PUT",
            &url.replace(
                "X-Amz-SignedHeaders=content-type%3Bhost%3B",
                "X-Amz-SignedHeaders=content-type%3B",
            ),
            &headers,
            &k,
            &opts(),
        ),
        ErrorKind::MissingSignedHeader,
    );
    check(
        verify_presigned("PUT", &url, &headers, &Vec::<Credentials>::new(), &opts()),
        ErrorKind::UnknownAccessKey,
    );
    let with_token =
        vec![Credentials::with_session(AKID, SECRET, Some("expected-token".into()), None).unwrap()];
    check(
        verify_presigned("PUT", &url, &headers, &with_token, &opts()),
        ErrorKind::InvalidSessionToken,
    );
    let late = VerifyOptions {
        now: Some(UNIX_EPOCH + Duration::from_secs(T + 3600)),
        ..opts()
    };
    check(
        verify_presigned("PUT", &url, &headers, &k, &late),
        ErrorKind::RequestExpired,
    );
    let early = VerifyOptions {
        now: Some(UNIX_EPOCH + Duration::from_secs(T - 901)),
        ..opts()
    };
    check(
        verify_presigned("PUT", &url, &headers, &k, &early),
        ErrorKind::RequestNotYetValid,
    );
    check(
        verify_presigned("GET", &url, &headers, &k, &opts()),
        ErrorKind::SignatureMismatch,
    );
    // Header auth: the same checks go through verify_request.
    let no_auth: [(&str, &str); 1] = [("X-Amz-Date", "20231114T221320Z")];
    check(
        verify_request("GET", "https://h/", &no_auth, None, &k, &opts()),
        ErrorKind::MalformedRequest,
    );
    let two = [("Authorization", "AWS4-HMAC-SHA256 Credential=a/20231114/r/s/aws4_request, SignedHeaders=host, Signature=00"), ("authorization", "x"), ("X-Amz-Date", "20231114T221320Z")];
    check(
        verify_request("GET", "https://h/", &two, None, &k, &opts()),
        ErrorKind::DuplicateParameter,
    );
    let missing: Vec<_> = ErrorKind::ALL
        .iter()
        .filter(|k| k.is_verification_failure() && !seen.borrow().contains(k))
        .collect();
    assert!(
        missing.is_empty(),
        "verification kinds without a test: {missing:?}"
    );
}

#[test]
fn closures_and_maps_are_lookups() {
    let (url, headers) = signed_put();
    let by_closure = |akid: &str| (akid == AKID).then(|| Credentials::new(AKID, SECRET).unwrap());
    let v = verify_presigned("PUT", &url, &headers, &by_closure, &opts()).unwrap();
    assert_eq!(
        v.signed_headers,
        ["content-type", "host", "x-amz-meta-owner"]
    );
    assert_eq!(v.expires_at, UNIX_EPOCH + Duration::from_secs(T + 3600));
    let map: std::collections::HashMap<String, Credentials> =
        [(AKID.to_owned(), Credentials::new(AKID, SECRET).unwrap())].into();
    verify_presigned("PUT", &url, &headers, &map, &opts()).unwrap();
}
