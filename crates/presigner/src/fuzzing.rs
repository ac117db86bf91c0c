//! Entry points for fuzzers (`make fuzz`) and the stable smoke test: arbitrary bytes in, any
//! `Result` out, never a panic. Not part of the supported API.

use std::time::{Duration, UNIX_EPOCH};

use crate::{
    presign_url, verify_presigned, verify_request, Credentials, PresignOptions, S3Config,
    S3Presigner, SigningParams, UrlPresignOptions, VerifyOptions,
};

fn fields(data: &[u8]) -> Vec<String> {
    data.split(|b| *b == 0)
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect()
}

fn field(f: &[String], i: usize) -> &str {
    f.get(i).map(String::as_str).unwrap_or("")
}

/// Fields separated by NUL: method, URL, then `name:value` headers.
pub fn verify_bytes(data: &[u8]) {
    let f = fields(data);
    let headers: Vec<(String, String)> = f
        .iter()
        .skip(2)
        .map(|h| match h.split_once(':') {
            Some((n, v)) => (n.to_owned(), v.to_owned()),
            None => (h.clone(), String::new()),
        })
        .collect();
    let keys = vec![
        Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
            .expect("valid credentials"),
    ];
    let options = VerifyOptions {
        now: Some(UNIX_EPOCH + Duration::from_secs(1_440_938_160)),
        ..Default::default()
    };
    let _ = verify_presigned(field(&f, 0), field(&f, 1), &headers, &keys, &options);
    let _ = verify_request(field(&f, 0), field(&f, 1), &headers, None, &keys, &options);
}

/// Fields separated by NUL: method, bucket, key, URL, region, service, endpoint, header name,
/// header value, query name, query value.
pub fn sign_bytes(data: &[u8]) {
    let f = fields(data);
    let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        .expect("valid credentials");
    let now = Some(UNIX_EPOCH + Duration::from_secs(1_440_938_160));
    let mut config = S3Config::new(field(&f, 4), creds.clone());
    if !field(&f, 6).is_empty() {
        config.endpoint_url = Some(field(&f, 6).to_owned());
    }
    let header = vec![(field(&f, 7).to_owned(), field(&f, 8).to_owned())];
    let query = vec![(field(&f, 9).to_owned(), field(&f, 10).to_owned())];
    if let Ok(s3) = S3Presigner::new(config) {
        let o = PresignOptions {
            headers: header.clone(),
            query: query.clone(),
            now,
            ..Default::default()
        };
        let _ = s3.presign(field(&f, 0), field(&f, 1), field(&f, 2), &o);
    }
    let params = SigningParams {
        credentials: &creds,
        region: field(&f, 4),
        service: field(&f, 5),
        now,
        settings: None,
    };
    let o = UrlPresignOptions {
        headers: header,
        query,
        ..Default::default()
    };
    let _ = presign_url(field(&f, 0), field(&f, 3), &params, &o);
}
