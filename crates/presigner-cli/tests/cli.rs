//! The real `presigner` binary, run as a user would.

use std::process::{Command, Output};

const DOC_URL: &str = "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_presigner"));
    cmd.args(args)
        .env_clear()
        .env("HOME", "/nonexistent-presigner-home");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run presigner")
}

const DOC_CREDS: &[(&str, &str)] = &[
    ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
    (
        "AWS_SECRET_ACCESS_KEY",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ),
];

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}
fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn reproduces_the_s3_documentation_url() {
    let o = run(
        &[
            "s3://examplebucket/test.txt",
            "--region",
            "us-east-1",
            "--date",
            "2013-05-24T00:00:00Z",
            "--expires-in",
            "86400",
        ],
        DOC_CREDS,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), format!("{DOC_URL}\n"));
    assert!(stderr(&o).is_empty());
}

#[test]
fn json_output_and_explain() {
    let o = run(
        &[
            "s3://examplebucket/photos/a b.png",
            "--region",
            "eu-west-1",
            "--method",
            "PUT",
            "--content-type",
            "image/png",
            "--header",
            "x-amz-meta-owner: alice",
            "--date",
            "2024-01-01T00:00:00Z",
            "--output",
            "json",
            "--explain",
        ],
        DOC_CREDS,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["method"], "PUT");
    assert_eq!(v["headers"]["Content-Type"], "image/png");
    assert_eq!(v["headers"]["x-amz-meta-owner"], "alice");
    assert_eq!(
        v["signed_headers"],
        serde_json::json!(["content-type", "host", "x-amz-meta-owner"])
    );
    assert_eq!(v["expires_at"], "2024-01-01T01:00:00Z");
    let url = v["url"].as_str().unwrap();
    assert!(
        url.starts_with("https://examplebucket.s3.eu-west-1.amazonaws.com/photos/a%20b.png?"),
        "{url}"
    );
    assert!(stderr(&o).contains("--- canonical request ---\nPUT\n/photos/a%20b.png\n"));
    assert!(stderr(&o).contains("content-type:image/png\nhost:examplebucket.s3.eu-west-1.amazonaws.com\nx-amz-meta-owner:alice\n"));
}

#[test]
fn key_is_taken_literally() {
    let o = run(
        &["s3://examplebucket/a%20b/../c", "--region", "us-east-1"],
        DOC_CREDS,
    );
    assert!(o.status.success());
    assert!(
        stdout(&o).starts_with("https://examplebucket.s3.amazonaws.com/a%2520b/../c?"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn errors_are_one_line_with_a_code_and_no_stdout() {
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
    let cases: &[Case] = &[
        (
            &["s3://Bad_Bucket/k", "--region", "us-east-1"],
            DOC_CREDS,
            "[invalid_bucket]",
        ),
        (
            &["s3://examplebucket/", "--region", "us-east-1"],
            DOC_CREDS,
            "[invalid_key]",
        ),
        (
            &[
                "s3://examplebucket/k",
                "--region",
                "us-east-1",
                "--expires-in",
                "604801",
            ],
            DOC_CREDS,
            "[invalid_expiry]",
        ),
        (
            &[
                "s3://examplebucket/k",
                "--region",
                "us-east-1",
                "--expires-in",
                "0",
            ],
            DOC_CREDS,
            "[invalid_expiry]",
        ),
        (
            &[
                "s3://examplebucket/k",
                "--region",
                "us-east-1",
                "--date",
                "yesterday",
            ],
            DOC_CREDS,
            "[invalid_time]",
        ),
        (
            &["s3://examplebucket/k", "--region", "eu west"],
            DOC_CREDS,
            "[invalid_region]",
        ),
        (
            &[
                "s3://examplebucket/k",
                "--region",
                "us-east-1",
                "--endpoint-url",
                "localhost:9000",
            ],
            DOC_CREDS,
            "[invalid_endpoint]",
        ),
        (
            &[
                "s3://examplebucket/k",
                "--region",
                "us-east-1",
                "--header",
                "Bad Name: v",
            ],
            DOC_CREDS,
            "[invalid_header]",
        ),
        (
            &["s3://examplebucket/k", "--region", "us-east-1"],
            &[],
            "[missing_credentials]",
        ),
        (
            &[
                "s3://examplebucket/k",
                "--region",
                "us-east-1",
                "--profile",
                "nope",
            ],
            &[],
            "[profile_error]",
        ),
        (&["s3://examplebucket/k"], DOC_CREDS, "no region"),
        (
            &[
                "url",
                "GET",
                "sts.amazonaws.com",
                "--service",
                "sts",
                "--region",
                "us-east-1",
            ],
            DOC_CREDS,
            "[invalid_url]",
        ),
    ];
    for (args, env, code) in cases {
        let o = run(args, env);
        assert!(!o.status.success(), "{args:?} succeeded");
        assert!(o.stdout.is_empty(), "{args:?} printed {}", stdout(&o));
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(code), "{args:?}: {err}");
        assert!(!err.contains("wJalrXUtnFEMI"), "secret leaked: {err}");
    }
}

#[test]
fn url_subcommand_reads_rfc3986_queries() {
    let o = run(
        &[
            "url",
            "GET",
            "https://example.amazonaws.com/?a=1+2&b=%2B",
            "--service",
            "execute-api",
            "--region",
            "eu-west-1",
            "--query",
            "c=x y",
            "--date",
            "2024-01-01T00:00:00Z",
            "--output",
            "json",
        ],
        DOC_CREDS,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let creq = v["canonical_request"].as_str().unwrap();
    assert!(
        creq.contains("&X-Amz-SignedHeaders=host&a=1%2B2&b=%2B&c=x%20y\nhost:"),
        "{creq}"
    );
    assert!(creq.ends_with("\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
}

#[test]
fn profile_from_shared_files() {
    let dir = std::env::temp_dir().join(format!("presigner-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let creds = dir.join("credentials");
    let config = dir.join("config");
    std::fs::write(&creds, "[demo]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n").unwrap();
    std::fs::write(&config, "[profile demo]\nregion = us-east-1\n").unwrap();
    let o = run(
        &[
            "s3://examplebucket/test.txt",
            "--profile",
            "demo",
            "--date",
            "2013-05-24T00:00:00Z",
            "--expires-in",
            "86400",
        ],
        &[
            ("AWS_SHARED_CREDENTIALS_FILE", creds.to_str().unwrap()),
            ("AWS_CONFIG_FILE", config.to_str().unwrap()),
        ],
    );
    std::fs::remove_dir_all(&dir).ok();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), format!("{DOC_URL}\n"));
}

#[test]
fn verify_subcommand() {
    let presign = run(
        &[
            "s3://examplebucket/a b.txt",
            "--region",
            "us-east-1",
            "--method",
            "PUT",
            "--content-type",
            "text/plain",
            "--date",
            "2024-01-01T00:00:00Z",
        ],
        DOC_CREDS,
    );
    let url = stdout(&presign).trim().to_owned();
    let ok = run(
        &[
            "verify",
            &url,
            "--method",
            "PUT",
            "--header",
            "Content-Type: text/plain",
            "--date",
            "2024-01-01T00:30:00Z",
            "--region",
            "us-east-1",
        ],
        DOC_CREDS,
    );
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(
        stdout(&ok).starts_with("valid: signed by AKIAIOSFODNN7EXAMPLE for us-east-1/s3"),
        "{}",
        stdout(&ok)
    );
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "--method",
                "GET",
                "--header",
                "Content-Type: text/plain",
                "--date",
                "2024-01-01T00:30:00Z",
            ],
            "[signature_mismatch]",
        ),
        (
            &["--method", "PUT", "--date", "2024-01-01T00:30:00Z"],
            "[missing_signed_header]",
        ),
        (
            &[
                "--method",
                "PUT",
                "--header",
                "Content-Type: text/plain",
                "--date",
                "2024-01-01T01:00:00Z",
            ],
            "[request_expired]",
        ),
        (
            &[
                "--method",
                "PUT",
                "--header",
                "Content-Type: text/plain",
                "--date",
                "2024-01-01T00:30:00Z",
                "--region",
                "eu-west-1",
            ],
            "[scope_mismatch]",
        ),
    ];
    for (extra, code) in cases {
        let mut args = vec!["verify", url.as_str()];
        args.extend_from_slice(extra);
        let o = run(&args, DOC_CREDS);
        assert_eq!(o.status.code(), Some(1), "{extra:?}");
        assert!(stderr(&o).contains(code), "{extra:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty());
    }
}
