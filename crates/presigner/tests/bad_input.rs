//! Every kind of bad input gives its typed error (and therefore no URL), with a message that
//! names the field.

use std::collections::HashSet;
use std::time::{Duration, UNIX_EPOCH};

use presigner::{
    presign_url, sign_request, Credentials, Environment, ErrorKind, ExpiryPolicy, PayloadHash,
    PresignOptions, S3Config, S3Presigner, SigningParams, UrlPresignOptions,
};

fn creds() -> Credentials {
    Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY").unwrap()
}

fn s3() -> S3Presigner {
    S3Presigner::new(S3Config::new("eu-west-1", creds())).unwrap()
}

fn opts() -> PresignOptions {
    PresignOptions {
        now: Some(UNIX_EPOCH + Duration::from_secs(1_700_000_000)),
        ..Default::default()
    }
}

fn s3_err(bucket: &str, key: &str, o: PresignOptions) -> presigner::Error {
    s3().presign("GET", bucket, key, &o).unwrap_err()
}

fn cfg_err(f: impl FnOnce(&mut S3Config)) -> presigner::Error {
    let mut c = S3Config::new("eu-west-1", creds());
    f(&mut c);
    S3Presigner::new(c).unwrap_err()
}

#[test]
fn every_error_kind_is_reachable_and_typed() {
    let mut seen: HashSet<ErrorKind> = HashSet::new();
    let mut check = |e: presigner::Error, kind: ErrorKind, mentions: &str| {
        assert_eq!(e.kind(), kind, "{e}");
        assert!(
            e.to_string().contains(mentions),
            "{e:?} should mention {mentions:?}"
        );
        assert!(
            !e.to_string().contains("wJalrXUtnFEMI"),
            "secret leaked: {e}"
        );
        seen.insert(kind);
    };

    for bad in [0i64, -1, 604_801] {
        check(
            s3_err(
                "bucket",
                "k",
                PresignOptions {
                    expires_in: bad,
                    ..opts()
                },
            ),
            ErrorKind::InvalidExpiry,
            "604800",
        );
    }
    for bad in [
        "",
        "ab",
        &"b".repeat(64),
        "MyBucket",
        "192.168.0.1",
        "bad_bucket",
        "-abc",
    ] {
        check(s3_err(bad, "k", opts()), ErrorKind::InvalidBucket, "bucket");
    }
    check(s3_err("bucket", "", opts()), ErrorKind::InvalidKey, "key");
    check(
        s3_err("bucket", &"k".repeat(1025), opts()),
        ErrorKind::InvalidKey,
        "1024",
    );
    for bad in ["", "eu/west", "eu west", "eu-west-1\n"] {
        check(
            cfg_err(|c| c.region = bad.into()),
            ErrorKind::InvalidRegion,
            "region",
        );
    }
    for bad in [
        "localhost:9000",
        "http://localhost:9000/?x=1",
        "ftp://host",
        "http://user@host",
    ] {
        check(
            cfg_err(|c| c.endpoint_url = Some(bad.into())),
            ErrorKind::InvalidEndpoint,
            "endpoint_url",
        );
    }
    for (name, value) in [
        ("Bad Name", "v"),
        ("x-amz-meta-a", "line\r\nInjected: 1"),
        ("x-amz-meta-b", "nul\0"),
        ("", "v"),
    ] {
        let o = PresignOptions {
            headers: vec![(name.into(), value.into())],
            ..opts()
        };
        check(s3_err("bucket", "k", o), ErrorKind::InvalidHeader, "header");
    }
    let o = PresignOptions {
        headers: vec![("X-Amz-Date".into(), "20200101T000000Z".into())],
        ..opts()
    };
    check(
        s3_err("bucket", "k", o),
        ErrorKind::InvalidHeader,
        "X-Amz-Date",
    );
    let o = PresignOptions {
        query: vec![("X-Amz-Signature".into(), "x".into())],
        ..opts()
    };
    check(
        s3_err("bucket", "k", o),
        ErrorKind::InvalidQuery,
        "X-Amz-Signature",
    );
    check(
        s3().presign("G ET", "bucket", "k", &opts()).unwrap_err(),
        ErrorKind::InvalidMethod,
        "method",
    );
    check(
        s3().presign("", "bucket", "k", &opts()).unwrap_err(),
        ErrorKind::InvalidMethod,
        "method",
    );
    check(
        s3_err(
            "bucket",
            "k",
            PresignOptions {
                now: Some(UNIX_EPOCH - Duration::from_secs(1)),
                ..opts()
            },
        ),
        ErrorKind::InvalidTime,
        "1970",
    );
    check(
        presigner::parse_rfc3339("24 May 2013").unwrap_err(),
        ErrorKind::InvalidTime,
        "RFC 3339",
    );
    check(
        "sideways"
            .parse::<presigner::AddressingStyle>()
            .unwrap_err(),
        ErrorKind::InvalidOption,
        "addressing_style",
    );
    check(
        "never".parse::<ExpiryPolicy>().unwrap_err(),
        ErrorKind::InvalidOption,
        "expiry_policy",
    );
    check(
        cfg_err(|c| {
            c.accelerate = true;
            c.fips = true;
        }),
        ErrorKind::InvalidOption,
        "accelerate",
    );
    check(
        PayloadHash::precomputed("not a hash").unwrap_err(),
        ErrorKind::InvalidOption,
        "payload_hash",
    );
    check(
        Credentials::new("", "secret").unwrap_err(),
        ErrorKind::InvalidCredentials,
        "access_key_id",
    );
    check(
        Credentials::new("AKID", "").unwrap_err(),
        ErrorKind::InvalidCredentials,
        "secret_access_key",
    );
    check(
        Environment::from_vars([("HOME", "/nonexistent-presigner")])
            .default_credentials()
            .unwrap_err(),
        ErrorKind::MissingCredentials,
        "AWS_ACCESS_KEY_ID",
    );
    check(
        Environment::from_vars([("HOME", "/nonexistent-presigner")])
            .credentials_from_profile(Some("x"))
            .unwrap_err(),
        ErrorKind::Profile,
        "\"x\"",
    );

    // Expiry of the credentials themselves.
    let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let short = Credentials::with_session(
        "AKID",
        "secret",
        Some("tok".into()),
        Some(now + Duration::from_secs(60)),
    )
    .unwrap();
    let s3s = S3Presigner::new(S3Config::new("eu-west-1", short.clone())).unwrap();
    check(
        s3s.presign("GET", "bucket", "k", &opts()).unwrap_err(),
        ErrorKind::CredentialsExpireBeforeUrl,
        "2023-11-14T22:14:20Z",
    );
    let late = PresignOptions {
        now: Some(now + Duration::from_secs(61)),
        ..opts()
    };
    check(
        s3s.presign("GET", "bucket", "k", &late).unwrap_err(),
        ErrorKind::CredentialsExpired,
        "expired",
    );

    // The generic signer's own inputs.
    let c = creds();
    let params = |service: &'static str| SigningParams {
        credentials: &c,
        region: "us-east-1",
        service,
        now: Some(now),
        settings: None,
    };
    check(
        presign_url(
            "GET",
            "sts.amazonaws.com/",
            &params("sts"),
            &UrlPresignOptions::default(),
        )
        .unwrap_err(),
        ErrorKind::InvalidUrl,
        "scheme",
    );
    check(
        presign_url(
            "GET",
            "https://h/a?b=%zz",
            &params("sts"),
            &UrlPresignOptions::default(),
        )
        .unwrap_err(),
        ErrorKind::InvalidUrl,
        "percent",
    );
    check(
        presign_url(
            "GET",
            "https://h/",
            &params("s t s"),
            &UrlPresignOptions::default(),
        )
        .unwrap_err(),
        ErrorKind::InvalidService,
        "service",
    );
    check(
        sign_request("GET", "https://h/", &[("Host", "")], b"", &params("sts")).unwrap_err(),
        ErrorKind::InvalidHeader,
        "host",
    );

    // Verification kinds are covered by tests/verify.rs.
    let all: HashSet<ErrorKind> = ErrorKind::ALL
        .iter()
        .copied()
        .filter(|k| !k.is_verification_failure())
        .collect();
    let missing: Vec<_> = all.difference(&seen).collect();
    assert!(
        missing.is_empty(),
        "error kinds without a test: {missing:?}"
    );
}

#[test]
fn expiry_policies_change_the_url() {
    let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let short =
        Credentials::with_session("AKID", "secret", None, Some(now + Duration::from_secs(600)))
            .unwrap();
    let mk = |p: ExpiryPolicy| {
        let mut cfg = S3Config::new("eu-west-1", short.clone());
        cfg.expiry_policy = p;
        S3Presigner::new(cfg).unwrap()
    };
    let clamp = mk(ExpiryPolicy::Clamp)
        .presign("GET", "bucket", "k", &opts())
        .unwrap();
    assert!(clamp.url.contains("X-Amz-Expires=600&"));
    assert_eq!(clamp.expires_at, now + Duration::from_secs(600));
    let allow = mk(ExpiryPolicy::Allow)
        .presign("GET", "bucket", "k", &opts())
        .unwrap();
    assert!(allow.url.contains("X-Amz-Expires=3600&"));
    assert_eq!(allow.expires_at, now + Duration::from_secs(600));
}

#[test]
fn keys_are_signed_literally() {
    let s3 = s3();
    for (key, path) in [
        ("a/../b", "/a/../b"),
        ("./x", "/./x"),
        ("a//b", "/a//b"),
        ("/lead", "//lead"),
        (
            "sp ace+plus=eq&amp~t!(x)",
            "/sp%20ace%2Bplus%3Deq%26amp~t%21%28x%29",
        ),
        ("é", "/%C3%A9"),
        ("e\u{301}", "/e%CC%81"),
    ] {
        let r = s3.presign("GET", "bucket", key, &opts()).unwrap();
        let expected = format!("https://bucket.s3.eu-west-1.amazonaws.com{path}?");
        assert!(r.url.starts_with(&expected), "{key:?}: {}", r.url);
        assert!(
            r.canonical_request.starts_with(&format!("GET\n{path}\n")),
            "{key:?}"
        );
    }
}

#[test]
fn never_adds_unrequested_parameters() {
    let r = s3().presign("PUT", "bucket", "k", &opts()).unwrap();
    let names: Vec<&str> = r
        .url
        .split_once('?')
        .unwrap()
        .1
        .split('&')
        .map(|p| p.split('=').next().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "X-Amz-Algorithm",
            "X-Amz-Credential",
            "X-Amz-Date",
            "X-Amz-Expires",
            "X-Amz-SignedHeaders",
            "X-Amz-Signature"
        ]
    );
    assert!(r.headers.is_empty());
}
