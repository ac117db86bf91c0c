//! The AWS signing test suites and documented examples (tests/vectors/sigv4.json), run through
//! the public API in both modes: presigning (query) and Authorization-header signing.

use std::collections::BTreeMap;
use std::time::{Duration, UNIX_EPOCH};

use presigner::signing_key::{sha256_hex, SigningKey};
use presigner::{
    presign_url, sign_request, Credentials, PayloadHash, PresignOptions, S3Config, S3Presigner,
    SessionTokenMode, SigningParams, SigningSettings, UrlPresignOptions,
};
use serde_json::Value;

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/sigv4.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("vectors file")).expect("json")
}

fn s(v: &Value) -> &str {
    v.as_str().expect("string")
}

fn b64(input: &str) -> Vec<u8> {
    // Tiny standard-alphabet decoder: the vectors only carry small ASCII bodies.
    let mut out = Vec::new();
    let mut buf = 0u32;
    let mut bits = 0;
    for c in input.bytes().filter(|c| *c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("bad base64"),
        } as u32;
        buf = (buf << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
        }
    }
    out
}

struct Case {
    name: String,
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    creds: Credentials,
    region: String,
    service: String,
    unix: u64,
    expires_in: Option<i64>,
    normalize: bool,
    double_encode: bool,
    sign_body: bool,
    content_sha256_header: bool,
    omit_token: bool,
    expected: Value,
}

fn case(v: &Value) -> Case {
    let c = &v["credentials"];
    let set = &v["settings"];
    Case {
        name: s(&v["name"]).to_owned(),
        method: s(&v["method"]).to_owned(),
        url: s(&v["url"]).to_owned(),
        headers: v["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| (s(&h[0]).to_owned(), s(&h[1]).to_owned()))
            .collect(),
        body: b64(s(&v["body_base64"])),
        creds: Credentials::with_session(
            s(&c["access_key_id"]),
            s(&c["secret_access_key"]),
            c["session_token"].as_str().map(str::to_owned),
            None,
        )
        .unwrap(),
        region: s(&v["region"]).to_owned(),
        service: s(&v["service"]).to_owned(),
        unix: v["unix_time"].as_u64().unwrap(),
        expires_in: v["expires_in"].as_i64(),
        normalize: set["normalize_path"].as_bool().unwrap(),
        double_encode: set["double_encode"].as_bool().unwrap(),
        sign_body: set["sign_body"].as_bool().unwrap(),
        content_sha256_header: set["content_sha256_header"].as_bool().unwrap(),
        omit_token: set["omit_session_token"].as_bool().unwrap(),
        expected: v["expected"].clone(),
    }
}

impl Case {
    fn settings(&self, presign: bool) -> SigningSettings {
        SigningSettings {
            normalize_path: self.normalize,
            double_encode: self.double_encode,
            payload_hash: if presign && self.sign_body {
                PayloadHash::precomputed(&sha256_hex(&self.body)).unwrap()
            } else {
                PayloadHash::Body
            },
            session_token: if self.omit_token {
                SessionTokenMode::AppendAfterSigning
            } else {
                SessionTokenMode::Signed
            },
            content_sha256_header: self.content_sha256_header,
        }
    }

    fn params(&self, presign: bool) -> SigningParams<'_> {
        SigningParams {
            credentials: &self.creds,
            region: &self.region,
            service: &self.service,
            now: Some(UNIX_EPOCH + Duration::from_secs(self.unix)),
            settings: Some(self.settings(presign)),
        }
    }
}

/// A raw request reduced to what must match: method, path, query multiset, header multimap
/// (repeated headers joined with ',', values canonicalized; the files show folded lines).
type RequestShape = (
    String,
    String,
    Vec<(String, String)>,
    BTreeMap<String, String>,
);

fn parse_signed_request(raw: &str) -> RequestShape {
    let head = raw.split("\n\n").next().unwrap();
    let mut lines = head.split('\n');
    let first = lines.next().unwrap();
    let (method, rest) = first.split_once(' ').unwrap();
    let target = rest.rsplit_once(' ').unwrap().0;
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.is_empty() {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            let last = headers.last_mut().unwrap();
            last.1.push(' ');
            last.1.push_str(line.trim());
            continue;
        }
        let (n, v) = line.split_once(':').unwrap();
        headers.push((n.to_owned(), v.to_owned()));
    }
    let (path, query) = split_target(target);
    (method.to_owned(), path, query, header_map(&headers))
}

fn split_target(target: &str) -> (String, Vec<(String, String)>) {
    let (path, q) = target.split_once('?').unwrap_or((target, ""));
    let mut query: Vec<(String, String)> = q
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (n, v) = p.split_once('=').unwrap_or((p, ""));
            let dec = |x: &str| {
                String::from_utf8(presigner::encoding::decode_strict(x).unwrap()).unwrap()
            };
            (dec(n), dec(v))
        })
        .collect();
    query.sort();
    (path.to_owned(), query)
}

fn header_map(headers: &[(String, String)]) -> BTreeMap<String, String> {
    let mut m: BTreeMap<String, String> = BTreeMap::new();
    for (n, v) in headers {
        let mut canon = String::new();
        presigner::canonical::canonical_header_value(v, &mut canon);
        m.entry(n.to_ascii_lowercase())
            .and_modify(|e| {
                e.push(',');
                e.push_str(&canon)
            })
            .or_insert(canon);
    }
    m
}

fn request_headers(c: &Case) -> Vec<(String, String)> {
    let mut h = vec![(
        "Host".to_owned(),
        c.url.split('/').nth(2).unwrap().to_owned(),
    )];
    h.extend(c.headers.iter().cloned());
    h
}

#[test]
fn signing_suite_query_mode() {
    let v = vectors();
    let cases = v["signing_suite"].as_array().unwrap();
    assert_eq!(cases.len(), 38);
    for raw in cases {
        let c = case(raw);
        let exp = &c.expected["query"];
        let opts = UrlPresignOptions {
            expires_in: c.expires_in.unwrap(),
            headers: c.headers.clone(),
            ..Default::default()
        };
        let r = presign_url(&c.method, &c.url, &c.params(true), &opts)
            .unwrap_or_else(|e| panic!("{}: {e}", c.name));
        assert_eq!(
            r.canonical_request,
            s(&exp["canonical_request"]),
            "{}",
            c.name
        );
        assert_eq!(r.string_to_sign, s(&exp["string_to_sign"]), "{}", c.name);
        assert_eq!(r.signature, s(&exp["signature"]), "{}", c.name);
        // The signed request: same method, path, query parameters and headers.
        let (m, path, query, headers) = parse_signed_request(s(&exp["signed_request"]));
        let target = r.url.splitn(4, '/').nth(3).unwrap();
        let (our_path, our_query) = split_target(&format!("/{target}"));
        assert_eq!(
            (r.method.as_str(), our_path.as_str()),
            (m.as_str(), path.as_str()),
            "{}",
            c.name
        );
        assert_eq!(our_query, query, "{}", c.name);
        let mut ours = request_headers(&c);
        ours.retain(|(n, _)| {
            n.eq_ignore_ascii_case("host") || r.headers.iter().any(|(rn, _)| rn == n)
        });
        assert_eq!(header_map(&ours), headers, "{}", c.name);
    }
}

#[test]
fn signing_suite_header_mode() {
    let v = vectors();
    for raw in v["signing_suite"].as_array().unwrap() {
        let c = case(raw);
        let exp = &c.expected["header"];
        let r = sign_request(&c.method, &c.url, &c.headers, &c.body, &c.params(false))
            .unwrap_or_else(|e| panic!("{}: {e}", c.name));
        assert_eq!(
            r.canonical_request,
            s(&exp["canonical_request"]),
            "{}",
            c.name
        );
        assert_eq!(r.string_to_sign, s(&exp["string_to_sign"]), "{}", c.name);
        assert_eq!(r.signature, s(&exp["signature"]), "{}", c.name);
        let (m, path, query, headers) = parse_signed_request(s(&exp["signed_request"]));
        let (our_path, our_query) =
            split_target(&format!("/{}", c.url.splitn(4, '/').nth(3).unwrap()));
        assert_eq!(
            (c.method.as_str(), our_path.as_str()),
            (m.as_str(), path.as_str()),
            "{}",
            c.name
        );
        assert_eq!(our_query, query, "{}", c.name);
        let mut ours = request_headers(&c);
        ours.extend(r.headers.iter().cloned());
        assert_eq!(header_map(&ours), headers, "{}", c.name);
    }
}

#[test]
fn legacy_suite_header_mode() {
    let v = vectors();
    let cases = v["legacy_suite"].as_array().unwrap();
    assert!(cases.len() >= 30);
    for raw in cases {
        let c = case(raw);
        let exp = &c.expected["header"];
        let r = sign_request(&c.method, &c.url, &c.headers, &c.body, &c.params(false))
            .unwrap_or_else(|e| panic!("{}: {e}", c.name));
        assert_eq!(
            r.canonical_request,
            s(&exp["canonical_request"]),
            "{}",
            c.name
        );
        assert_eq!(r.string_to_sign, s(&exp["string_to_sign"]), "{}", c.name);
        assert_eq!(r.authorization, s(&exp["authorization"]), "{}", c.name);
    }
}

fn doc(v: &Value, name: &str) -> Value {
    v["documented"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == name)
        .unwrap_or_else(|| panic!("no documented vector {name}"))
        .clone()
}

#[test]
fn s3_documentation_presign_example() {
    let d = doc(&vectors(), "s3-doc-presign-get-object");
    let i = &d["inputs"];
    let e = &d["expected"];
    let creds = Credentials::new(s(&i["access_key"]), s(&i["secret_key"])).unwrap();
    let mut cfg = S3Config::new(s(&i["region"]), creds);
    cfg.addressing_style = s(&i["addressing_style"]).parse().unwrap();
    let s3 = S3Presigner::new(cfg).unwrap();
    let opts = PresignOptions {
        expires_in: i["expires"].as_i64().unwrap(),
        now: Some(presigner::parse_rfc3339(s(&i["now"])).unwrap()),
        ..Default::default()
    };
    let r = s3
        .presign(s(&i["method"]), s(&i["bucket"]), s(&i["key"]), &opts)
        .unwrap();
    assert_eq!(r.url, s(&e["url"]));
    assert_eq!(r.canonical_request, s(&e["canonical_request"]));
    assert_eq!(r.string_to_sign, s(&e["string_to_sign"]));
    assert_eq!(r.signature, s(&e["signature"]));
    assert_eq!(r.signed_headers, vec!["host"]);
}

#[test]
fn s3_documentation_header_examples() {
    let v = vectors();
    for d in v["documented"].as_array().unwrap() {
        if d["kind"] != "s3-header-auth" && d["kind"] != "sigv4-header-auth" {
            continue;
        }
        let i = &d["inputs"];
        let e = &d["expected"];
        let creds = Credentials::new(s(&i["access_key"]), s(&i["secret_key"])).unwrap();
        let host = s(&i["headers"]["host"]);
        let q = s(&i["canonical_query"]);
        let url = format!(
            "https://{host}{}{}{q}",
            s(&i["canonical_uri"]),
            if q.is_empty() { "" } else { "?" }
        );
        let headers: Vec<(String, String)> = i["headers"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(k, _)| *k != "x-amz-date" && *k != "host")
            .map(|(k, v)| (k.clone(), s(v).to_owned()))
            .collect();
        let body = i["body"].as_str().unwrap_or("").as_bytes();
        if let Some(b) = i["body"].as_str() {
            assert_eq!(sha256_hex(b.as_bytes()), s(&i["payload_hash"]));
        }
        let service = s(&i["service"]);
        let mut settings = SigningSettings::for_service(service);
        settings.payload_hash = PayloadHash::precomputed(s(&i["payload_hash"])).unwrap();
        let amz = s(&i["amz_date"]);
        let rfc = format!(
            "{}-{}-{}T{}:{}:{}Z",
            &amz[0..4],
            &amz[4..6],
            &amz[6..8],
            &amz[9..11],
            &amz[11..13],
            &amz[13..15]
        );
        let params = SigningParams {
            credentials: &creds,
            region: s(&i["region"]),
            service,
            now: Some(presigner::parse_rfc3339(&rfc).unwrap()),
            settings: Some(settings),
        };
        let r = sign_request(s(&i["method"]), &url, &headers, body, &params).unwrap();
        let name = s(&d["name"]);
        assert_eq!(r.canonical_request, s(&e["canonical_request"]), "{name}");
        assert_eq!(r.string_to_sign, s(&e["string_to_sign"]), "{name}");
        assert_eq!(r.signature, s(&e["signature"]), "{name}");
        // The docs write the header without spaces after the commas; both forms are valid.
        if let Some(auth) = e["authorization"].as_str() {
            assert_eq!(r.authorization.replace(", ", ","), auth, "{name}");
        }
        let signed: Vec<&str> = e["signed_headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(s)
            .collect();
        assert_eq!(r.signed_headers, signed, "{name}");
    }
}

#[test]
fn documented_signing_keys_and_iam_examples() {
    let v = vectors();
    for d in v["documented"].as_array().unwrap() {
        let i = &d["inputs"];
        let e = &d["expected"];
        let name = s(&d["name"]);
        match s(&d["kind"]) {
            "signing-key" => {
                let k = SigningKey::derive(
                    s(&i["secret_key"]),
                    s(&i["date"]),
                    s(&i["region"]),
                    s(&i["service"]),
                );
                assert_eq!(hex(k.as_bytes()), s(&e["signing_key_hex"]), "{name}");
            }
            "sigv4-presign" => {
                let creds = Credentials::new(s(&i["access_key"]), s(&i["secret_key"])).unwrap();
                let query: Vec<(String, String)> = i["query"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| (s(&p[0]).to_owned(), s(&p[1]).to_owned()))
                    .collect();
                let headers: Vec<(String, String)> = i["headers"]
                    .as_object()
                    .unwrap()
                    .iter()
                    .map(|(k, v)| (k.clone(), s(v).to_owned()))
                    .collect();
                let params = SigningParams {
                    credentials: &creds,
                    region: s(&i["region"]),
                    service: s(&i["service"]),
                    now: Some(presigner::parse_rfc3339(s(&i["now"])).unwrap()),
                    settings: None,
                };
                let opts = UrlPresignOptions {
                    expires_in: i["expires"].as_i64().unwrap(),
                    headers,
                    query,
                    ..Default::default()
                };
                let url = format!("{}{}", s(&i["endpoint"]), s(&i["path"]));
                let r = presign_url(s(&i["method"]), &url, &params, &opts).unwrap();
                assert_eq!(r.canonical_request, s(&e["canonical_request"]), "{name}");
                assert_eq!(r.signature, s(&e["signature"]), "{name}");
                assert_eq!(r.url, s(&e["url"]), "{name}");
            }
            "s3-post-policy" => {
                let k = SigningKey::derive(
                    s(&i["secret_key"]),
                    s(&i["date"]),
                    s(&i["region"]),
                    s(&i["service"]),
                );
                assert_eq!(hex(k.as_bytes()), s(&e["signing_key_hex"]), "{name}");
                let mut sig = String::new();
                k.sign_into(s(&e["policy_base64"]).as_bytes(), &mut sig);
                assert_eq!(sig, s(&e["signature"]), "{name}");
            }
            _ => {}
        }
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
