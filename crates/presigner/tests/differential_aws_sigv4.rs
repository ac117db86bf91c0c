//! Differential property test: presigned S3 URLs must carry exactly the signature and query
//! parameters that AWS's own Rust signer (`aws-sigv4`, a dev-dependency only) computes for the
//! same request, over random keys (full Unicode, every ASCII punctuation character), buckets,
//! regions, methods, session tokens, signed headers, query parameters, expiries and times.
//!
//! `aws-sigv4` is configured as the SDK configures it for S3 presigning: query-parameter
//! signature, single percent-encoding, no path normalization, `UNSIGNED-PAYLOAD`.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::http_request::{
    sign, PercentEncodingMode, SignableBody, SignableRequest, SignatureLocation,
    SigningSettings as AwsSettings, UriPathNormalizationMode,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use presigner::{AddressingStyle, Credentials, PresignOptions, S3Config, S3Presigner};
use proptest::prelude::*;

const PUNCT: &str = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ ";
const REGIONS: &[&str] = &[
    "us-east-1",
    "eu-west-1",
    "ap-southeast-2",
    "cn-north-1",
    "us-gov-west-1",
    "auto",
];
const METHODS: &[&str] = &["GET", "PUT", "HEAD", "DELETE", "POST"];

/// An encoder written independently of the crate's (hex per byte, the SigV4 unreserved set).
fn enc(s: &str, keep_slash: bool) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn dec(s: &str) -> String {
    String::from_utf8(presigner::encoding::decode_strict(s).unwrap()).unwrap()
}

fn key_strategy() -> impl Strategy<Value = String> {
    let ch = prop_oneof![
        3 => any::<char>(),
        3 => proptest::sample::select(PUNCT.chars().collect::<Vec<_>>()),
        2 => proptest::char::range('a', 'z'),
    ];
    proptest::collection::vec(ch, 1..40).prop_map(|v| v.into_iter().collect())
}

fn value_strategy() -> impl Strategy<Value = String> {
    // Header values: printable, single inner spaces (tabs and runs of spaces are where signers
    // legitimately differ; the unit tests pin ours).
    "[!-~]{1,12}( [!-~]{1,12}){0,2}"
}

#[derive(Debug, Clone)]
struct Input {
    key: String,
    bucket: String,
    region: &'static str,
    method: &'static str,
    token: Option<String>,
    headers: Vec<(String, String)>,
    query: Vec<(String, String)>,
    expires: i64,
    unix: u64,
    path_style: bool,
}

fn input() -> impl Strategy<Value = Input> {
    (
        key_strategy(),
        "[a-z0-9][a-z0-9-]{1,20}[a-z0-9]",
        proptest::sample::select(REGIONS),
        proptest::sample::select(METHODS),
        proptest::option::of("[A-Za-z0-9+/=]{16,80}"),
        proptest::collection::btree_map(
            "x-amz-meta-[a-z0-9]{1,8}|content-type|content-md5|x-amz-acl",
            value_strategy(),
            0..3,
        ),
        proptest::collection::btree_map("[A-Za-z0-9_.~-]{1,10}", any::<String>(), 0..3),
        1i64..=604_800,
        0u64..4_102_444_800,
        any::<bool>(),
    )
        .prop_filter("no auth parameter names", |t| {
            !t.6.keys()
                .any(|k| k.to_ascii_lowercase().starts_with("x-amz-"))
        })
        .prop_map(
            |(key, bucket, region, method, token, headers, query, expires, unix, path_style)| {
                Input {
                    key,
                    bucket,
                    region,
                    method,
                    token,
                    headers: headers.into_iter().collect(),
                    query: query.into_iter().collect(),
                    expires,
                    unix,
                    path_style,
                }
            },
        )
}

fn host_and_path(i: &Input) -> (String, String) {
    let suffix = if i.region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    let base = if i.region == "us-east-1" {
        format!("s3.{suffix}")
    } else {
        format!("s3.{}.{suffix}", i.region)
    };
    if i.path_style {
        (base, format!("/{}/{}", i.bucket, enc(&i.key, true)))
    } else {
        (
            format!("{}.{base}", i.bucket),
            format!("/{}", enc(&i.key, true)),
        )
    }
}

/// Query parameters of a URL, decoded, as a multiset.
fn query_set(url: &str) -> BTreeMap<(String, String), usize> {
    let q = url.split_once('?').map(|x| x.1).unwrap_or("");
    let mut m = BTreeMap::new();
    for p in q.split('&').filter(|p| !p.is_empty()) {
        let (n, v) = p.split_once('=').unwrap_or((p, ""));
        *m.entry((dec(n), dec(v))).or_insert(0) += 1;
    }
    m
}

fn reference(i: &Input) -> (String, BTreeMap<(String, String), usize>) {
    let (host, path) = host_and_path(i);
    let mut url = format!("https://{host}{path}");
    if !i.query.is_empty() {
        url.push('?');
        let parts: Vec<String> = i
            .query
            .iter()
            .map(|(n, v)| format!("{}={}", enc(n, false), enc(v, false)))
            .collect();
        url.push_str(&parts.join("&"));
    }
    let identity: Identity = AwsCredentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        i.token.clone(),
        None,
        "test",
    )
    .into();
    let mut settings = AwsSettings::default();
    settings.signature_location = SignatureLocation::QueryParams;
    settings.expires_in = Some(Duration::from_secs(i.expires as u64));
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(i.region)
        .name("s3")
        .time(UNIX_EPOCH + Duration::from_secs(i.unix))
        .settings(settings)
        .build()
        .unwrap()
        .into();
    let headers: Vec<(&str, &str)> = i
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let signable = SignableRequest::new(
        i.method,
        Cow::Owned(url.clone()),
        headers.into_iter(),
        SignableBody::UnsignedPayload,
    )
    .unwrap();
    let (instructions, signature) = sign(signable, &params).unwrap().into_parts();
    let mut set = query_set(&url);
    for (n, v) in instructions.params() {
        *set.entry(((*n).to_owned(), v.to_string())).or_insert(0) += 1;
    }
    (signature, set)
}

fn ours(i: &Input) -> presigner::PresignedRequest {
    let creds = Credentials::with_session(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        i.token.clone(),
        None,
    )
    .unwrap();
    let mut cfg = S3Config::new(i.region, creds);
    cfg.addressing_style = if i.path_style {
        AddressingStyle::Path
    } else {
        AddressingStyle::Virtual
    };
    let s3 = S3Presigner::new(cfg).unwrap();
    let opts = PresignOptions {
        expires_in: i.expires,
        headers: i.headers.clone(),
        query: i.query.clone(),
        now: Some(SystemTime::UNIX_EPOCH + Duration::from_secs(i.unix)),
        ..Default::default()
    };
    s3.presign(i.method, &i.bucket, &i.key, &opts).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn s3_presign_matches_aws_sigv4(i in input()) {
        let r = ours(&i);
        let (sig, set) = reference(&i);
        let (host, path) = host_and_path(&i);
        prop_assert!(r.url.starts_with(&format!("https://{host}{path}?")), "url {} vs {host}{path}", r.url);
        prop_assert_eq!(&r.signature, &sig);
        prop_assert_eq!(query_set(&r.url), set);
        let mut names: Vec<String> = i.headers.iter().map(|(n, _)| n.clone()).collect();
        names.push("host".into());
        names.sort();
        prop_assert_eq!(r.signed_headers, names);
    }
}
