//! `cargo bench -p presigner`: presigner vs the aws-sigv4 crate vs the hash floor, same inputs.
//!
//! The floor is the cryptography no SigV4 presigner can avoid: one SHA-256 of a ~300-byte
//! canonical request and one HMAC-SHA256 of the string-to-sign with a precomputed signing key.

use std::borrow::Cow;
use std::hint::black_box;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::http_request::{
    sign, PercentEncodingMode, SignableBody, SignableRequest, SignatureLocation,
    SigningSettings as AwsSettings, UriPathNormalizationMode,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use criterion::{criterion_group, criterion_main, Criterion};
use hmac::{Hmac, Mac};
use presigner::signing_key::SigningKey;
use presigner::{
    presign_url, sign_request, verify_presigned, Credentials, PresignOptions, S3Config,
    S3Presigner, SigningParams, UrlPresignOptions, Verifier, VerifyOptions,
};
use sha2::{Digest, Sha256};

const AKID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const KEY: &str = "photos/2024/holiday picture (1).jpg";

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

fn bench(c: &mut Criterion) {
    let creds = Credentials::new(AKID, SECRET).unwrap();
    let s3 = S3Presigner::new(S3Config::new("eu-west-1", creds.clone())).unwrap();
    let opts = PresignOptions {
        now: Some(now()),
        ..Default::default()
    };
    let mut g = c.benchmark_group("presign");

    g.bench_function("presigner/s3_get_warm_key", |b| {
        b.iter(|| {
            s3.presign("GET", black_box("examplebucket"), black_box(KEY), &opts)
                .unwrap()
        })
    });
    g.bench_function("presigner/s3_get_url_only", |b| {
        b.iter(|| {
            s3.presign_get(black_box("examplebucket"), black_box(KEY), &opts)
                .unwrap()
        })
    });
    let put = PresignOptions {
        headers: vec![
            ("Content-Type".into(), "image/jpeg".into()),
            ("x-amz-meta-owner".into(), "alice".into()),
        ],
        now: Some(now()),
        ..Default::default()
    };
    g.bench_function("presigner/s3_put_two_headers", |b| {
        b.iter(|| {
            s3.presign("PUT", black_box("examplebucket"), black_box(KEY), &put)
                .unwrap()
        })
    });
    let keys: Vec<String> = (0..1000).map(|i| format!("photos/{i}.jpg")).collect();
    g.bench_function("presigner/s3_many_1000", |b| {
        b.iter(|| {
            s3.presign_many("GET", black_box("examplebucket"), &keys, &opts)
                .unwrap()
        })
    });
    g.bench_function("presigner/s3_get_cold_key", |b| {
        b.iter(|| {
            let s3 = S3Presigner::new(S3Config::new("eu-west-1", creds.clone())).unwrap();
            s3.presign("GET", black_box("examplebucket"), black_box(KEY), &opts)
                .unwrap()
        })
    });
    let params = SigningParams {
        credentials: &creds,
        region: "us-east-1",
        service: "sts",
        now: Some(now()),
        settings: None,
    };
    let sts = "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15";
    g.bench_function("presigner/generic_presign_url", |b| {
        b.iter(|| {
            presign_url(
                "GET",
                black_box(sts),
                &params,
                &UrlPresignOptions::default(),
            )
            .unwrap()
        })
    });
    let headers = [("Content-Type", "application/x-www-form-urlencoded")];
    g.bench_function("presigner/sign_request_header", |b| {
        b.iter(|| {
            sign_request(
                "POST",
                black_box(sts),
                &headers,
                b"Action=GetCallerIdentity",
                &params,
            )
            .unwrap()
        })
    });

    // Verification costs about what signing does: one canonical request, one SHA-256, one HMAC
    // (plus the signing-key derivation, which a verifier cannot cache across unknown keys).
    let signed = s3.presign("GET", "examplebucket", KEY, &opts).unwrap().url;
    let keyring = vec![creds.clone()];
    let vopts = VerifyOptions {
        now: Some(now()),
        ..Default::default()
    };
    let no_headers: [(&str, &str); 0] = [];
    g.bench_function("presigner/verify_presigned", |b| {
        b.iter(|| {
            verify_presigned("GET", black_box(&signed), &no_headers, &keyring, &vopts).unwrap()
        })
    });
    let verifier = Verifier::new(keyring.clone());
    g.bench_function("presigner/verifier_cached_key", |b| {
        b.iter(|| {
            verifier
                .verify_presigned("GET", black_box(&signed), &no_headers, &vopts)
                .unwrap()
        })
    });

    // aws-sigv4, configured as the AWS SDK for Rust presigns S3.
    let identity: Identity = AwsCredentials::new(AKID, SECRET, None, None, "bench").into();
    let url = format!(
        "https://examplebucket.s3.eu-west-1.amazonaws.com/{}",
        presigner::encoding::encode(KEY.as_bytes()).replace("%2F", "/")
    );
    g.bench_function("aws-sigv4/s3_get", |b| {
        b.iter(|| {
            let mut settings = AwsSettings::default();
            settings.signature_location = SignatureLocation::QueryParams;
            settings.expires_in = Some(Duration::from_secs(3600));
            settings.percent_encoding_mode = PercentEncodingMode::Single;
            settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
            let params = v4::SigningParams::builder()
                .identity(&identity)
                .region("eu-west-1")
                .name("s3")
                .time(now())
                .settings(settings)
                .build()
                .unwrap()
                .into();
            let req = SignableRequest::new(
                "GET",
                Cow::Borrowed(url.as_str()),
                std::iter::empty(),
                SignableBody::UnsignedPayload,
            )
            .unwrap();
            let (instructions, sig) = sign(req, &params).unwrap().into_parts();
            // Produce the URL, as a presigner must.
            let mut out = url.clone();
            out.push('?');
            for (i, (n, v)) in instructions.params().iter().enumerate() {
                if i > 0 {
                    out.push('&');
                }
                out.push_str(n);
                out.push('=');
                out.push_str(&presigner::encoding::encode(v.as_bytes()));
            }
            black_box((out, sig))
        })
    });

    // The floor.
    let creq = s3
        .presign("GET", "examplebucket", KEY, &opts)
        .unwrap()
        .canonical_request;
    assert!(
        (250..400).contains(&creq.len()),
        "canonical request is {} bytes",
        creq.len()
    );
    let key = SigningKey::derive(SECRET, "20231114", "eu-west-1", "s3");
    let mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    let sts_prefix = "AWS4-HMAC-SHA256\n20231114T221320Z\n20231114/eu-west-1/s3/aws4_request\n";
    g.bench_function("floor/sha256_plus_hmac", |b| {
        b.iter(|| {
            let h = Sha256::digest(black_box(creq.as_bytes()));
            let mut m = mac.clone();
            m.update(sts_prefix.as_bytes());
            m.update(hex::encode(h).as_bytes());
            black_box(m.finalize().into_bytes())
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_millis(500));
    targets = bench
}
criterion_main!(benches);
