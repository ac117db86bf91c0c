//! `presigner`: presigned S3 URLs (like `aws s3 presign`, with the options it lacks) and SigV4
//! presigning of any AWS request, from the shell.
//!
//! Errors are one line on stderr with the stable error code, a non-zero exit status and nothing
//! on stdout, so scripts can rely on `url=$(presigner …)`.

use std::io::Write;
use std::process::ExitCode;
use std::time::SystemTime;

use clap::{Args, Parser, Subcommand, ValueEnum};
use presigner::{
    presign_url, verify_presigned, AddressingStyle, Credentials, Environment, Error, ExpiryPolicy,
    PayloadHash, PresignOptions, PresignedRequest, ResponseOverrides, S3Config, S3Presigner,
    SessionTokenMode, SigningParams, SigningSettings, UrlPresignOptions, VerifyOptions,
};

#[derive(Parser, Debug)]
#[command(
    name = "presigner",
    version,
    about = "Presigned S3 URLs and SigV4 presigning of any AWS request",
    long_about = "Presigned S3 URLs and SigV4 presigning of any AWS request.\n\n\
        presigner s3://BUCKET/KEY [options]        presign an S3 object URL (like `aws s3 presign`)\n\
        presigner url METHOD URL --service S ...   presign any AWS request (STS, RDS IAM auth, ...)\n\
        presigner verify URL [--method M]          check a presigned URL (exit 0 when valid)\n\n\
        Credentials come from the environment or the shared AWS files (--profile); nothing is sent anywhere.",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// s3://BUCKET/KEY — everything after the bucket is the key, taken literally.
    target: Option<String>,
    #[command(flatten)]
    s3: S3Args,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Presign any AWS request given as a URL (its query is read as RFC 3986: `+` is a plus).
    Url(UrlArgs),
    /// Check a presigned URL against the credentials of the environment or --profile
    /// (exit 0 when valid, 1 with the reason when not).
    Verify(VerifyArgs),
}

#[derive(Args, Debug)]
struct VerifyArgs {
    /// The presigned URL, exactly as the client will send it.
    url: String,
    /// The method the request uses.
    #[arg(long, default_value = "GET")]
    method: String,
    /// A header the client sends, 'Name: value' (repeatable; signed headers must be given).
    #[arg(long = "header", value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// Require this region in the credential scope.
    #[arg(long)]
    region: Option<String>,
    /// Require this service in the credential scope.
    #[arg(long)]
    service: Option<String>,
    /// Profile whose credentials are the known key.
    #[arg(long)]
    profile: Option<String>,
    /// Check at this time (RFC 3339) instead of now.
    #[arg(long)]
    date: Option<String>,
    /// Clock skew tolerated for URLs dated in the future, in seconds.
    #[arg(long, default_value_t = 900)]
    max_skew: u64,
    #[arg(long, value_enum, default_value_t = Output::Text)]
    output: Output,
}

#[derive(Args, Debug)]
struct UrlArgs {
    /// HTTP method, e.g. GET.
    method: String,
    /// The request URL, e.g. 'https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15'.
    url: String,
    /// Service name of the credential scope (sts, rds-db, execute-api, s3, ...).
    #[arg(long)]
    service: String,
    /// Normalize the path (default: on for every service but s3).
    #[arg(long, value_name = "BOOL")]
    normalize_path: Option<bool>,
    /// Percent-encode the path a second time (default: on for every service but s3).
    #[arg(long, value_name = "BOOL")]
    double_encode: Option<bool>,
    /// Payload hash to sign: UNSIGNED-PAYLOAD or 64 hex digits (default: per service).
    #[arg(long)]
    payload_hash: Option<String>,
    /// Add X-Amz-Security-Token after signing instead of signing it (IoT WebSockets).
    #[arg(long)]
    omit_session_token: bool,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Args, Debug)]
struct S3Args {
    /// HTTP method the URL is for.
    #[arg(long, default_value = "GET")]
    method: String,
    /// Custom endpoint (MinIO, R2, Ceph), e.g. http://127.0.0.1:9000.
    #[arg(long)]
    endpoint_url: Option<String>,
    #[arg(long, value_enum, default_value_t = Style::Auto)]
    addressing_style: Style,
    /// Use the dual-stack (IPv6) endpoint.
    #[arg(long)]
    dualstack: bool,
    /// Use the FIPS endpoint.
    #[arg(long)]
    fips: bool,
    /// Use the Transfer Acceleration endpoint.
    #[arg(long)]
    accelerate: bool,
    /// Sign this Content-Type (the upload must send exactly this value).
    #[arg(long)]
    content_type: Option<String>,
    #[arg(long)]
    version_id: Option<String>,
    #[arg(long)]
    response_content_disposition: Option<String>,
    #[arg(long)]
    response_content_type: Option<String>,
    #[arg(long)]
    response_content_language: Option<String>,
    #[arg(long)]
    response_content_encoding: Option<String>,
    #[arg(long)]
    response_cache_control: Option<String>,
    #[arg(long)]
    response_expires: Option<String>,
    /// What to do when the credentials expire before the URL would.
    #[arg(long, value_enum, default_value_t = Policy::Error)]
    expiry_policy: Policy,
}

#[derive(Args, Debug)]
struct CommonArgs {
    /// Seconds the URL stays valid (1..=604800).
    #[arg(long, default_value_t = 3600, allow_negative_numbers = true)]
    expires_in: i64,
    /// Region (default: AWS_REGION, AWS_DEFAULT_REGION, then the profile's region).
    #[arg(long)]
    region: Option<String>,
    /// Profile of the shared credentials/config files.
    #[arg(long)]
    profile: Option<String>,
    /// Header to sign, 'Name: value' (repeatable); the client must send it.
    #[arg(long = "header", value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// Extra query parameter, name=value, raw (repeatable).
    #[arg(long = "query", value_name = "NAME=VALUE")]
    query: Vec<String>,
    /// Fixed signing time (RFC 3339, e.g. 2013-05-24T00:00:00Z) instead of the clock.
    #[arg(long)]
    date: Option<String>,
    #[arg(long, value_enum, default_value_t = Output::Text)]
    output: Output,
    /// Print the canonical request and string-to-sign on stderr.
    #[arg(long)]
    explain: bool,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
enum Style {
    Auto,
    Virtual,
    Path,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
enum Policy {
    Error,
    Clamp,
    Allow,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
enum Output {
    Text,
    Json,
}

/// A CLI failure: a core error (with its code) or a usage problem.
enum Failure {
    Core(Error),
    Usage(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Core(e)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Core(e)) => {
            eprintln!("presigner: error [{}]: {e}", e.code());
            ExitCode::from(1)
        }
        Err(Failure::Usage(m)) => {
            eprintln!("presigner: error [usage]: {m}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    let env = Environment::from_process();
    match cli.command {
        Some(Command::Url(args)) => run_url(&env, args),
        Some(Command::Verify(args)) => run_verify(&env, args),
        None => {
            let target = cli.target.ok_or_else(|| {
                Failure::Usage(
                    "expected s3://BUCKET/KEY or the `url` subcommand (see --help)".into(),
                )
            })?;
            run_s3(&env, &target, cli.s3, cli.common)
        }
    }
}

fn credentials(env: &Environment, common: &CommonArgs) -> Result<Credentials, Failure> {
    Ok(match &common.profile {
        Some(p) => env.credentials_from_profile(Some(p))?,
        None => env.default_credentials()?,
    })
}

fn region(env: &Environment, common: &CommonArgs) -> Result<String, Failure> {
    if let Some(r) = &common.region {
        return Ok(r.clone());
    }
    env.region(common.profile.as_deref())?
        .ok_or_else(|| Failure::Usage("no region: pass --region or set AWS_REGION".into()))
}

fn now(common: &CommonArgs) -> Result<Option<SystemTime>, Failure> {
    Ok(common
        .date
        .as_deref()
        .map(presigner::parse_rfc3339)
        .transpose()?)
}

fn headers(common: &CommonArgs) -> Result<Vec<(String, String)>, Failure> {
    parse_headers(&common.headers)
}

fn parse_headers(raw: &[String]) -> Result<Vec<(String, String)>, Failure> {
    raw.iter()
        .map(|h| {
            h.split_once(':')
                .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
                .ok_or_else(|| Failure::Usage(format!("--header {h:?} is not 'Name: value'")))
        })
        .collect()
}

fn query(common: &CommonArgs) -> Vec<(String, String)> {
    common
        .query
        .iter()
        .map(|q| match q.split_once('=') {
            Some((n, v)) => (n.to_owned(), v.to_owned()),
            None => (q.clone(), String::new()),
        })
        .collect()
}

fn run_s3(env: &Environment, target: &str, s3: S3Args, common: CommonArgs) -> Result<(), Failure> {
    let rest = target
        .strip_prefix("s3://")
        .ok_or_else(|| Failure::Usage(format!("{target:?} is not an s3://BUCKET/KEY URI")))?;
    let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
    let mut config = S3Config::new(region(env, &common)?, credentials(env, &common)?);
    config.endpoint_url = s3.endpoint_url;
    config.addressing_style = match s3.addressing_style {
        Style::Auto => AddressingStyle::Auto,
        Style::Virtual => AddressingStyle::Virtual,
        Style::Path => AddressingStyle::Path,
    };
    config.dualstack = s3.dualstack;
    config.fips = s3.fips;
    config.accelerate = s3.accelerate;
    config.expiry_policy = match s3.expiry_policy {
        Policy::Error => ExpiryPolicy::Error,
        Policy::Clamp => ExpiryPolicy::Clamp,
        Policy::Allow => ExpiryPolicy::Allow,
    };
    let presigner = S3Presigner::new(config)?;
    let mut hdrs = headers(&common)?;
    if let Some(ct) = s3.content_type {
        hdrs.push(("Content-Type".into(), ct));
    }
    let options = PresignOptions {
        expires_in: common.expires_in,
        headers: hdrs,
        query: query(&common),
        version_id: s3.version_id,
        response: ResponseOverrides {
            content_type: s3.response_content_type,
            content_disposition: s3.response_content_disposition,
            content_language: s3.response_content_language,
            content_encoding: s3.response_content_encoding,
            cache_control: s3.response_cache_control,
            expires: s3.response_expires,
        },
        now: now(&common)?,
    };
    let req = presigner.presign(&s3.method, bucket, key, &options)?;
    emit(&req, &common)
}

fn run_url(env: &Environment, args: UrlArgs) -> Result<(), Failure> {
    let creds = credentials(env, &args.common)?;
    let region = region(env, &args.common)?;
    let mut settings = SigningSettings::for_service(&args.service);
    if let Some(v) = args.normalize_path {
        settings.normalize_path = v;
    }
    if let Some(v) = args.double_encode {
        settings.double_encode = v;
    }
    if let Some(h) = &args.payload_hash {
        settings.payload_hash = PayloadHash::precomputed(h)?;
    }
    if args.omit_session_token {
        settings.session_token = SessionTokenMode::AppendAfterSigning;
    }
    let params = SigningParams {
        credentials: &creds,
        region: &region,
        service: &args.service,
        now: now(&args.common)?,
        settings: Some(settings),
    };
    let options = UrlPresignOptions {
        expires_in: args.common.expires_in,
        headers: headers(&args.common)?,
        query: query(&args.common),
        expiry_policy: ExpiryPolicy::Error,
    };
    let req = presign_url(&args.method, &args.url, &params, &options)?;
    emit(&req, &args.common)
}

fn run_verify(env: &Environment, args: VerifyArgs) -> Result<(), Failure> {
    let known = match &args.profile {
        Some(p) => env.credentials_from_profile(Some(p))?,
        None => env.default_credentials()?,
    };
    let options = VerifyOptions {
        now: args
            .date
            .as_deref()
            .map(presigner::parse_rfc3339)
            .transpose()?,
        region: args.region,
        service: args.service,
        max_skew: std::time::Duration::from_secs(args.max_skew),
        ..Default::default()
    };
    let headers = parse_headers(&args.headers)?;
    let v = verify_presigned(&args.method, &args.url, &headers, &vec![known], &options)?;
    let text = match args.output {
        Output::Text => format!(
            "valid: signed by {} for {}/{} at {}, expires {}, signed headers {}",
            v.access_key_id,
            v.region,
            v.service,
            presigner::format_rfc3339(v.signed_at),
            presigner::format_rfc3339(v.expires_at),
            v.signed_headers.join(";")
        ),
        Output::Json => serde_json::to_string_pretty(&serde_json::json!({
            "valid": true,
            "access_key_id": v.access_key_id,
            "region": v.region,
            "service": v.service,
            "signed_headers": v.signed_headers,
            "signed_at": presigner::format_rfc3339(v.signed_at),
            "expires_at": presigner::format_rfc3339(v.expires_at),
        }))
        .expect("json of strings"),
    };
    println!("{text}");
    Ok(())
}

fn emit(req: &PresignedRequest, common: &CommonArgs) -> Result<(), Failure> {
    if common.explain {
        eprintln!(
            "--- canonical request ---\n{}\n--- string to sign ---\n{}\n---",
            req.canonical_request, req.string_to_sign
        );
    }
    let text = match common.output {
        Output::Text => req.url.clone(),
        Output::Json => {
            let headers: serde_json::Map<String, serde_json::Value> = req
                .headers
                .iter()
                .map(|(n, v)| (n.clone(), serde_json::Value::String(v.clone())))
                .collect();
            serde_json::to_string_pretty(&serde_json::json!({
                "url": req.url,
                "method": req.method,
                "headers": headers,
                "signed_headers": req.signed_headers,
                "signed_at": presigner::format_rfc3339(req.signed_at),
                "expires_at": presigner::format_rfc3339(req.expires_at),
                "canonical_request": req.canonical_request,
                "string_to_sign": req.string_to_sign,
            }))
            .expect("json of strings")
        }
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").map_err(|e| Failure::Usage(format!("cannot write to stdout: {e}")))
}
