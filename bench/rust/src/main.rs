//! Rust harness of `make bench`: presigner vs aws-sigv4 (as the AWS SDK for Rust presigns S3) vs
//! the hash floor, on bench/inputs.json. Prints one JSON document in the common schema of
//! bench/run.py. Usage: presigner-bench INPUTS.json full|quick  |  presigner-bench INPUTS.json rss N
use std::borrow::Cow;
use std::hint::black_box;
use std::time::{Duration, Instant, UNIX_EPOCH};

use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::http_request::{
    sign, PercentEncodingMode, SignableBody, SignableRequest, SignatureLocation,
    SigningSettings as AwsSettings, UriPathNormalizationMode,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use hmac::{Hmac, Mac};
use presigner::signing_key::SigningKey;
use presigner::{Credentials, PresignOptions, S3Config, S3Presigner};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

struct Mode {
    samples: usize,
    sample_us: f64,
    batches: Vec<usize>,
    threads: Vec<usize>,
    budget_s: f64,
    min_batch_s: f64,
    max_reps: usize,
}

/// One latency row: what it times and how it is labelled.
struct Row<'a> {
    name: &'static str,
    role: &'static str,
    case: &'static str,
    f: Box<dyn FnMut(usize) + 'a>,
}

impl<'a> Row<'a> {
    fn new(
        name: &'static str,
        role: &'static str,
        case: &'static str,
        f: Box<dyn FnMut(usize) + 'a>,
    ) -> Self {
        Row {
            name,
            role,
            case,
            f,
        }
    }
}

/// Median and p99 per row of `samples` samples, each the mean µs/call over k calls (k calibrated
/// per row so that a sample lasts about `sample_us`). The rows' samples are interleaved (one
/// sample of every row in turn), so that all rows, and every ratio between two of them, are
/// measured under the same conditions of a machine whose speed drifts.
fn latency(m: &Mode, rows: &mut [Row<'_>]) -> Vec<Value> {
    let mut i = 0usize;
    let mut ks = Vec::with_capacity(rows.len());
    let mut round_us = 0.0;
    for r in rows.iter_mut() {
        let t = Instant::now();
        let mut calls = 0usize;
        while t.elapsed() < Duration::from_millis(if m.samples > 100 { 50 } else { 1 }) || calls < 3
        {
            (r.f)(i);
            i += 1;
            calls += 1;
        }
        let est = t.elapsed().as_secs_f64() * 1e6 / calls as f64;
        let k = ((m.sample_us / est).ceil() as usize).max(1);
        ks.push(k);
        round_us += est * k as f64;
    }
    // the same total budget as budget_s per row
    let fit = (m.budget_s * rows.len() as f64 * 1e6 / round_us) as usize;
    let n = m.samples.min(fit).max(5);
    let mut samples = vec![Vec::with_capacity(n); rows.len()];
    for _ in 0..n {
        for (ri, r) in rows.iter_mut().enumerate() {
            let t = Instant::now();
            for _ in 0..ks[ri] {
                (r.f)(i);
                i += 1;
            }
            samples[ri].push(t.elapsed().as_secs_f64() * 1e6 / ks[ri] as f64);
        }
    }
    rows.iter()
        .zip(samples.iter_mut().zip(ks))
        .map(|(r, (s, k))| {
            s.sort_by(|a, b| a.partial_cmp(b).unwrap());
            let p99 = s[((s.len() as f64 * 0.99).ceil() as usize).clamp(1, s.len()) - 1];
            json!({"impl": r.name, "role": r.role, "case": r.case, "us_median": s[s.len() / 2],
                   "us_p99": p99, "samples": n, "calls_per_sample": k})
        })
        .collect()
}

type BatchFn<'a> = dyn Fn(&[String]) -> usize + Sync + 'a;

fn throughput(m: &Mode, name: &str, est_us: f64, keys: &[String], f: &BatchFn) -> Vec<Value> {
    let mut out = vec![];
    for &n in &m.batches {
        for &threads in &m.threads {
            let est_s = est_us * n as f64 / 1e6 / threads as f64;
            if est_s > m.budget_s {
                out.push(json!({"impl": name, "batch": n, "threads": threads, "skipped": format!("estimated {est_s:.0} s > budget")}));
                continue;
            }
            let batch = &keys[..n];
            let reps = ((m.min_batch_s / est_s.max(1e-9)).ceil() as usize).clamp(1, m.max_reps);
            let mut times = vec![];
            for _ in 0..reps {
                let t = Instant::now();
                let total: usize = if threads == 1 {
                    f(batch)
                } else {
                    let chunk = n.div_ceil(threads);
                    std::thread::scope(|sc| {
                        let hs: Vec<_> = batch
                            .chunks(chunk)
                            .map(|c| sc.spawn(move || f(c)))
                            .collect();
                        hs.into_iter().map(|h| h.join().unwrap()).sum()
                    })
                };
                times.push(t.elapsed().as_secs_f64());
                assert!(total > 0);
            }
            times.sort_by(|a, b| a.partial_cmp(b).unwrap());
            let med = times[times.len() / 2];
            out.push(
                json!({"impl": name, "batch": n, "threads": threads, "reps": reps,
                "seconds": med, "us_per_url": med * 1e6 / n as f64, "urls_per_s": n as f64 / med}),
            );
        }
    }
    out
}

fn encode_key(key: &str) -> String {
    presigner::encoding::encode(key.as_bytes()).replace("%2F", "/")
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let inp: Value = serde_json::from_str(&std::fs::read_to_string(&args[1]).unwrap()).unwrap();
    let s = |k: &str| inp[k].as_str().unwrap().to_string();
    let (akid, secret, token, region, bucket) = (
        s("access_key_id"),
        s("secret_access_key"),
        s("session_token"),
        s("region"),
        s("bucket"),
    );
    let expires = inp["expires_in"].as_i64().unwrap();
    let now = UNIX_EPOCH + Duration::from_secs(inp["now_epoch"].as_u64().unwrap());
    let keys: Vec<String> = inp["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap().to_string())
        .collect();
    let put_headers: Vec<(String, String)> = inp["put_headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p[0].as_str().unwrap().to_string(),
                p[1].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let batch_keys = |n: usize| -> Vec<String> {
        (0..n)
            .map(|i| format!("{}.{i}", keys[i % keys.len()]))
            .collect()
    };

    let creds = Credentials::new(&akid, &secret).unwrap();
    let creds_tok = Credentials::with_session(&akid, &secret, Some(token.clone()), None).unwrap();
    let s3 = S3Presigner::new(S3Config::new(&region, creds.clone())).unwrap();
    let s3_tok = S3Presigner::new(S3Config::new(&region, creds_tok)).unwrap();
    let get = PresignOptions {
        expires_in: expires,
        now: Some(now),
        ..Default::default()
    };
    let put = PresignOptions {
        headers: put_headers.clone(),
        ..get.clone()
    };

    if args[2] == "rss" {
        let n: usize = args[3].parse().unwrap();
        let ks = batch_keys(n);
        let urls = s3.presign_many("GET", &bucket, &ks, &get).unwrap();
        println!(
            "{}",
            json!({"urls": urls.len(), "bytes": urls.iter().map(|u| u.len()).sum::<usize>()})
        );
        return;
    }
    let mf: Value = inp["modes"][&args[2]].clone();
    let m = Mode {
        samples: mf["samples"].as_u64().unwrap() as usize,
        sample_us: mf["sample_us"].as_f64().unwrap(),
        batches: mf["batches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as usize)
            .collect(),
        threads: mf["threads"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as usize)
            .collect(),
        budget_s: mf["budget_s"].as_f64().unwrap(),
        min_batch_s: mf["min_batch_s"].as_f64().unwrap(),
        max_reps: mf["max_reps"].as_u64().unwrap() as usize,
    };

    // aws-sigv4, configured as the AWS SDK for Rust presigns S3 (query signature, single encoding,
    // no path normalization, UNSIGNED-PAYLOAD), producing the URL string as a presigner must.
    let id = |tok: bool| -> Identity {
        AwsCredentials::new(
            &akid,
            &secret,
            if tok { Some(token.clone()) } else { None },
            None,
            "bench",
        )
        .into()
    };
    let (id_plain, id_tok) = (id(false), id(true));
    let host = format!("{bucket}.s3.{region}.amazonaws.com");
    let aws_sign =
        |identity: &Identity, method: &str, key: &str, headers: &[(String, String)]| -> String {
            let url = format!("https://{host}/{}", encode_key(key));
            let mut settings = AwsSettings::default();
            settings.signature_location = SignatureLocation::QueryParams;
            settings.expires_in = Some(Duration::from_secs(expires as u64));
            settings.percent_encoding_mode = PercentEncodingMode::Single;
            settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
            let params = v4::SigningParams::builder()
                .identity(identity)
                .region(&region)
                .name("s3")
                .time(now)
                .settings(settings)
                .build()
                .unwrap()
                .into();
            let req = SignableRequest::new(
                method,
                Cow::Borrowed(url.as_str()),
                headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
                SignableBody::UnsignedPayload,
            )
            .unwrap();
            let (instructions, _sig) = sign(req, &params).unwrap().into_parts();
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
            out
        };

    // Same signature from both (the harness measures equivalent work).
    let sig = |u: &str| {
        let tail = u.split("X-Amz-Signature=").nth(1).unwrap();
        tail.split('&').next().unwrap().to_string()
    };
    let mut checks = vec![];
    for (case, p, a) in [
        (
            "get",
            s3.presign_get(&bucket, &keys[2], &get).unwrap(),
            aws_sign(&id_plain, "GET", &keys[2], &[]),
        ),
        (
            "get_token",
            s3_tok.presign_get(&bucket, &keys[2], &get).unwrap(),
            aws_sign(&id_tok, "GET", &keys[2], &[]),
        ),
        (
            "put",
            s3.presign("PUT", &bucket, &keys[2], &put).unwrap().url,
            aws_sign(&id_plain, "PUT", &keys[2], &put_headers),
        ),
    ] {
        checks
            .push(json!({"case": case, "peer": "aws-sigv4", "same_signature": sig(&p) == sig(&a)}));
    }

    let nk = keys.len();
    let mut rows: Vec<Row<'_>> = vec![];
    rows.push(Row::new(
        "presigner",
        "presigner",
        "get",
        Box::new(|i| {
            black_box(s3.presign_get(&bucket, &keys[i % nk], &get).unwrap());
        }),
    ));
    rows.push(Row::new(
        "presigner",
        "presigner",
        "get_token",
        Box::new(|i| {
            black_box(s3_tok.presign_get(&bucket, &keys[i % nk], &get).unwrap());
        }),
    ));
    rows.push(Row::new(
        "presigner",
        "presigner",
        "put",
        Box::new(|i| {
            black_box(s3.presign("PUT", &bucket, &keys[i % nk], &put).unwrap());
        }),
    ));
    rows.push(Row::new(
        "aws-sigv4",
        "peer",
        "get",
        Box::new(|i| {
            black_box(aws_sign(&id_plain, "GET", &keys[i % nk], &[]));
        }),
    ));
    rows.push(Row::new(
        "aws-sigv4",
        "peer",
        "get_token",
        Box::new(|i| {
            black_box(aws_sign(&id_tok, "GET", &keys[i % nk], &[]));
        }),
    ));
    rows.push(Row::new(
        "aws-sigv4",
        "peer",
        "put",
        Box::new(|i| {
            black_box(aws_sign(&id_plain, "PUT", &keys[i % nk], &put_headers));
        }),
    ));

    // The floor: the cryptography no SigV4 presigner can avoid — SHA-256 of the canonical request
    // and one HMAC-SHA256 of the string-to-sign with a signing key derived once.
    for (case, pr) in [
        ("get", s3.presign("GET", &bucket, &keys[0], &get).unwrap()),
        (
            "get_token",
            s3_tok.presign("GET", &bucket, &keys[0], &get).unwrap(),
        ),
        ("put", s3.presign("PUT", &bucket, &keys[0], &put).unwrap()),
    ] {
        let creq = pr.canonical_request.clone();
        let sts = pr.string_to_sign.clone();
        let prefix = &sts[..sts.len() - 64];
        let date = &prefix[prefix.find('\n').unwrap() + 1..][..8];
        let key = SigningKey::derive(&secret, date, &region, "s3");
        let mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
        {
            let mut m2 = mac.clone();
            m2.update(prefix.as_bytes());
            m2.update(hex::encode(Sha256::digest(creq.as_bytes())).as_bytes());
            assert_eq!(
                hex::encode(m2.finalize().into_bytes()),
                pr.signature,
                "floor computes the real signature"
            );
        }
        let prefix = prefix.to_owned();
        rows.push(Row::new(
            "floor (SHA-256 + HMAC)",
            "floor",
            case,
            Box::new(move |_| {
                let h = Sha256::digest(black_box(creq.as_bytes()));
                let mut m2 = mac.clone();
                m2.update(prefix.as_bytes());
                m2.update(hex::encode(h).as_bytes());
                black_box(m2.finalize().into_bytes());
            }),
        ));
    }

    let lat = latency(&m, &mut rows);
    drop(rows);

    let maxn = *m.batches.iter().max().unwrap();
    let bk = batch_keys(maxn);
    let est = |name: &str| {
        lat.iter()
            .find(|v| v["impl"] == name && v["case"] == "get")
            .unwrap()["us_median"]
            .as_f64()
            .unwrap()
    };
    let mut tp = throughput(&m, "presigner", est("presigner"), &bk, &|ks| {
        s3.presign_many("GET", &bucket, ks, &get).unwrap().len()
    });
    tp.extend(throughput(&m, "aws-sigv4", est("aws-sigv4"), &bk, &|ks| {
        let v: Vec<String> = ks
            .iter()
            .map(|k| aws_sign(&id_plain, "GET", k, &[]))
            .collect();
        v.len()
    }));
    let doc = json!({
        "language": "rust",
        "runtime": format!("rustc (release, thin LTO); presigner {}", env!("CARGO_PKG_VERSION")),
        "batch_api": {"presigner": "S3Presigner::presign_many", "aws-sigv4": "loop"},
        "checks": checks,
        "latency": lat,
        "throughput": tp,
    });
    println!("{doc}");
}
