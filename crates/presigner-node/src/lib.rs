//! Node.js binding of presigner (napi-rs). Glue only: JS arguments are converted to the core's
//! types, core errors become JS errors whose `code` is the core's stable code string, and the
//! results are turned into plain JS objects. Everything is synchronous: a presign costs about a
//! microsecond, less than a Promise would.
//!
//! Errors leave this crate as plain `Error`s with a `code`: a core code (`invalid_bucket`, …)
//! for core errors, a napi status (`InvalidArg`, `StringExpected`, …) for arguments of the wrong
//! JS type. The package's loader (`bindings/node/index.js`) turns the former into
//! `PresignerError` and the latter into `TypeError`.

#![deny(clippy::all)]

mod convert;

use std::panic::{catch_unwind, AssertUnwindSafe};

use napi::bindgen_prelude::{FromNapiRef, FromNapiValue, TypeName, Uint8Array, ValidateNapiValue};
use napi::{sys, Either, ValueType};
use napi_derive::napi;
use presigner::{
    AddressingStyle, Credentials as CoreCredentials, Environment, ExpiryPolicy, PayloadHash,
    PresignOptions, PresignedRequest, ResponseOverrides, S3Config, S3Presigner as CoreS3Presigner,
    SessionTokenMode, SignedRequest, SigningParams, SigningSettings, UrlPresignOptions,
};

use convert::{DateOut, HeaderObject, Pairs, Time};

/// The error status: a core code (`invalid_bucket`) or a napi status name (`InvalidArg`).
type Code = &'static str;
type Result<T> = std::result::Result<T, napi::Error<Code>>;

/// Status used for arguments of the wrong JS type (the loader throws a `TypeError`).
const TYPE_ERROR: Code = "InvalidArg";
/// Status used if the core panics (a bug): the process keeps running.
const INTERNAL: Code = "internal_error";

fn core_error(e: presigner::Error) -> napi::Error<Code> {
    napi::Error::new(e.code(), e.to_string())
}

fn type_error(message: impl Into<String>) -> napi::Error<Code> {
    napi::Error::new(TYPE_ERROR, message.into())
}

/// Runs core code, turning its errors into coded JS errors and a panic into an exception.
fn guard<T>(f: impl FnOnce() -> presigner::Result<T>) -> Result<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(core_error(e)),
        Err(panic) => {
            let msg = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("unknown panic");
            Err(napi::Error::new(
                INTERNAL,
                format!("internal error in presigner (please report): {msg}"),
            ))
        }
    }
}

/// `expiresIn`: an integer number of seconds (the core checks the 1..=604800 range).
fn expires_in(value: Option<f64>) -> Result<i64> {
    match value {
        None => Ok(3600),
        Some(v) if v.is_finite() && v.fract() == 0.0 => Ok(v as i64),
        Some(v) => Err(type_error(format!(
            "expiresIn must be an integer number of seconds, got {v}"
        ))),
    }
}

fn now(value: Option<Time>) -> presigner::Result<Option<std::time::SystemTime>> {
    value.map(|t| t.to_system_time("now")).transpose()
}

// ---------------------------------------------------------------------------------------------
// Credentials

/// Credentials as a plain object.
#[napi(object, object_to_js = false)]
pub struct CredentialsInput {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
    /// When temporary credentials stop working.
    #[napi(ts_type = "Date | number")]
    pub expires_at: Option<Time>,
}

impl CredentialsInput {
    fn build(self) -> presigner::Result<CoreCredentials> {
        let expires = self
            .expires_at
            .map(|t| t.to_system_time("credentials.expiresAt"))
            .transpose()?;
        CoreCredentials::with_session(
            self.access_key_id,
            self.secret_access_key,
            self.session_token,
            expires,
        )
    }
}

/// AWS credentials. The secret and session token stay in native memory and never appear in
/// `util.inspect`, `JSON.stringify`, `toString` or an error message.
#[napi]
pub struct Credentials {
    inner: CoreCredentials,
}

#[napi]
impl Credentials {
    #[napi(constructor)]
    pub fn new(input: CredentialsInput) -> Result<Self> {
        guard(|| input.build()).map(|inner| Credentials { inner })
    }

    /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_CREDENTIAL_EXPIRATION`.
    #[napi(factory)]
    pub fn from_env() -> Result<Self> {
        guard(|| Environment::from_process().credentials_from_env())
            .map(|inner| Credentials { inner })
    }

    /// A profile of the shared files (default: `AWS_PROFILE` or `default`).
    #[napi(factory)]
    pub fn from_profile(name: Option<String>) -> Result<Self> {
        guard(|| Environment::from_process().credentials_from_profile(name.as_deref()))
            .map(|inner| Credentials { inner })
    }

    /// The offline default chain: environment, then the shared files' profile.
    #[napi(factory)]
    pub fn from_default_chain() -> Result<Self> {
        guard(|| Environment::from_process().default_credentials())
            .map(|inner| Credentials { inner })
    }

    #[napi(getter)]
    pub fn access_key_id(&self) -> String {
        self.inner.access_key_id().to_owned()
    }

    #[napi(getter, ts_return_type = "Date | null")]
    pub fn expires_at(&self) -> Option<DateOut> {
        self.inner.expires_at().map(DateOut)
    }

    #[napi(getter)]
    pub fn has_session_token(&self) -> bool {
        self.inner.session_token().is_some()
    }
}

/// A `credentials` option: a `Credentials` instance or a plain object.
pub enum CredArg {
    Native(CoreCredentials),
    Plain(CredentialsInput),
}

impl TypeName for CredArg {
    fn type_name() -> &'static str {
        "Credentials | CredentialsInput"
    }
    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ValidateNapiValue for CredArg {}

impl FromNapiValue for CredArg {
    unsafe fn from_napi_value(env: sys::napi_env, v: sys::napi_value) -> napi::Result<Self> {
        if let Ok(c) = unsafe { Credentials::from_napi_ref(env, v) } {
            return Ok(CredArg::Native(c.inner.clone()));
        }
        unsafe { CredentialsInput::from_napi_value(env, v) }.map(CredArg::Plain)
    }
}

/// The credentials to sign with: the given ones, else the profile's, else the default chain.
fn resolve_credentials(
    arg: Option<CredArg>,
    profile: Option<&str>,
) -> presigner::Result<CoreCredentials> {
    match (arg, profile) {
        (Some(CredArg::Native(c)), _) => Ok(c),
        (Some(CredArg::Plain(p)), _) => p.build(),
        (None, Some(p)) => Environment::from_process().credentials_from_profile(Some(p)),
        (None, None) => Environment::from_process().default_credentials(),
    }
}

/// The region: the given one, else `AWS_REGION` / `AWS_DEFAULT_REGION` / the profile's.
fn resolve_region(region: Option<String>, profile: Option<&str>) -> presigner::Result<String> {
    if let Some(r) = region {
        return Ok(r);
    }
    Environment::from_process()
        .region(profile)?
        .ok_or_else(|| presigner::Error::InvalidRegion {
            region: String::new(),
            reason: "no region given, and none in AWS_REGION, AWS_DEFAULT_REGION or the \
                     profile's config"
                .into(),
        })
}

// ---------------------------------------------------------------------------------------------
// Results

/// A presigned request: the URL plus what the client must send with it.
#[napi(object, object_from_js = false, js_name = "PresignedRequest")]
pub struct PresignedRequestJs {
    /// The presigned URL, exactly as signed.
    pub url: String,
    pub method: String,
    /// Headers the client must send with exactly these values (every signed header but `host`).
    #[napi(ts_type = "Record<string, string>")]
    pub headers: HeaderObject,
    /// Signed header names, lower-case and sorted.
    pub signed_headers: Vec<String>,
    /// When the URL stops working.
    #[napi(ts_type = "Date")]
    pub expires_at: DateOut,
    /// The signing time (`X-Amz-Date`).
    #[napi(ts_type = "Date")]
    pub signed_at: DateOut,
    pub canonical_request: String,
    pub string_to_sign: String,
    /// The hex signature (also `X-Amz-Signature` in `url`).
    pub signature: String,
}

impl From<PresignedRequest> for PresignedRequestJs {
    fn from(r: PresignedRequest) -> Self {
        PresignedRequestJs {
            url: r.url,
            method: r.method,
            headers: HeaderObject(r.headers),
            signed_headers: r.signed_headers,
            expires_at: DateOut(r.expires_at),
            signed_at: DateOut(r.signed_at),
            canonical_request: r.canonical_request,
            string_to_sign: r.string_to_sign,
            signature: r.signature,
        }
    }
}

/// A request signed with an `Authorization` header.
#[napi(object, object_from_js = false, js_name = "SignedRequest")]
pub struct SignedRequestJs {
    /// Headers to add to the request (`Authorization`, `X-Amz-Date`, and when they apply
    /// `X-Amz-Security-Token` and `x-amz-content-sha256`).
    #[napi(ts_type = "Record<string, string>")]
    pub headers: HeaderObject,
    pub signed_headers: Vec<String>,
    #[napi(ts_type = "Date")]
    pub signed_at: DateOut,
    pub authorization: String,
    pub canonical_request: String,
    pub string_to_sign: String,
    pub signature: String,
}

impl From<SignedRequest> for SignedRequestJs {
    fn from(r: SignedRequest) -> Self {
        SignedRequestJs {
            headers: HeaderObject(r.headers),
            signed_headers: r.signed_headers,
            signed_at: DateOut(r.signed_at),
            authorization: r.authorization,
            canonical_request: r.canonical_request,
            string_to_sign: r.string_to_sign,
            signature: r.signature,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// S3

/// Options of `new S3Presigner(...)`.
#[napi(object, object_to_js = false)]
pub struct S3PresignerOptions {
    /// Omitted: `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile's `region`.
    pub region: Option<String>,
    /// Omitted: the offline default chain (environment, then the shared files).
    #[napi(ts_type = "Credentials | CredentialsInput")]
    pub credentials: Option<CredArg>,
    /// Profile for omitted credentials and region.
    pub profile: Option<String>,
    /// A custom endpoint such as `http://127.0.0.1:9000` (MinIO) or an R2 account URL.
    pub endpoint_url: Option<String>,
    #[napi(ts_type = "'auto' | 'virtual' | 'path'")]
    pub addressing_style: Option<String>,
    pub dualstack: Option<bool>,
    pub fips: Option<bool>,
    pub accelerate: Option<bool>,
    /// What to do when the credentials expire before the URL would (default `error`).
    #[napi(ts_type = "'error' | 'clamp' | 'allow'")]
    pub expiry_policy: Option<String>,
}

/// Per-URL options of `S3Presigner` methods.
#[napi(object, object_to_js = false)]
pub struct S3PresignOptions {
    /// Seconds the URL stays valid, 1..=604800 (default 3600).
    pub expires_in: Option<f64>,
    /// Headers to sign; the client must send them with exactly these values.
    #[napi(ts_type = "Record<string, string> | Array<[string, string]>")]
    pub headers: Option<Pairs>,
    /// Extra raw query parameters (e.g. `uploadId` and `partNumber`).
    #[napi(ts_type = "Record<string, string> | Array<[string, string]>")]
    pub query: Option<Pairs>,
    pub version_id: Option<String>,
    pub response_content_disposition: Option<String>,
    pub response_content_type: Option<String>,
    pub response_cache_control: Option<String>,
    pub response_content_language: Option<String>,
    pub response_content_encoding: Option<String>,
    pub response_expires: Option<String>,
    /// `presignPut` only: a `Content-Type` to sign (the upload must send it).
    pub content_type: Option<String>,
    /// The signing time: a `Date` or seconds since the epoch (default: now).
    #[napi(ts_type = "Date | number")]
    pub now: Option<Time>,
}

impl S3PresignOptions {
    fn to_core(&self) -> Result<PresignOptions> {
        let mut headers = self.headers.clone().unwrap_or_default().0;
        if let Some(ct) = &self.content_type {
            headers.push(("Content-Type".into(), ct.clone()));
        }
        Ok(PresignOptions {
            expires_in: expires_in(self.expires_in)?,
            headers,
            query: self.query.clone().unwrap_or_default().0,
            version_id: self.version_id.clone(),
            response: ResponseOverrides {
                content_type: self.response_content_type.clone(),
                content_disposition: self.response_content_disposition.clone(),
                content_language: self.response_content_language.clone(),
                content_encoding: self.response_content_encoding.clone(),
                cache_control: self.response_cache_control.clone(),
                expires: self.response_expires.clone(),
            },
            now: guard(|| now(self.now))?,
        })
    }
}

fn s3_options(options: Option<S3PresignOptions>) -> Result<PresignOptions> {
    match options {
        Some(o) => o.to_core(),
        None => Ok(PresignOptions::default()),
    }
}

/// Presigns S3 requests. Configure once, presign many times (it caches the signing key).
#[napi]
pub struct S3Presigner {
    inner: CoreS3Presigner,
}

#[napi]
impl S3Presigner {
    #[napi(constructor)]
    pub fn new(options: Option<S3PresignerOptions>) -> Result<Self> {
        let o = options.unwrap_or(S3PresignerOptions {
            region: None,
            credentials: None,
            profile: None,
            endpoint_url: None,
            addressing_style: None,
            dualstack: None,
            fips: None,
            accelerate: None,
            expiry_policy: None,
        });
        guard(move || {
            let profile = o.profile.as_deref();
            let region = resolve_region(o.region.clone(), profile)?;
            let credentials = resolve_credentials(o.credentials, profile)?;
            let mut config = S3Config::new(region, credentials);
            config.endpoint_url = o.endpoint_url;
            if let Some(s) = &o.addressing_style {
                config.addressing_style = s.parse::<AddressingStyle>()?;
            }
            config.dualstack = o.dualstack.unwrap_or(false);
            config.fips = o.fips.unwrap_or(false);
            config.accelerate = o.accelerate.unwrap_or(false);
            if let Some(p) = &o.expiry_policy {
                config.expiry_policy = p.parse::<ExpiryPolicy>()?;
            }
            CoreS3Presigner::new(config)
        })
        .map(|inner| S3Presigner { inner })
    }

    #[napi(getter)]
    pub fn region(&self) -> String {
        self.inner.region().to_owned()
    }

    #[napi(getter)]
    pub fn access_key_id(&self) -> String {
        self.inner.credentials().access_key_id().to_owned()
    }

    /// Presigns one request for `bucket`/`key` (the key is taken literally).
    #[napi]
    pub fn presign(
        &self,
        method: String,
        bucket: String,
        key: String,
        options: Option<S3PresignOptions>,
    ) -> Result<PresignedRequestJs> {
        let o = s3_options(options)?;
        guard(|| self.inner.presign(&method, &bucket, &key, &o)).map(Into::into)
    }

    /// A presigned GET URL.
    #[napi]
    pub fn presign_get(
        &self,
        bucket: String,
        key: String,
        options: Option<S3PresignOptions>,
    ) -> Result<String> {
        let o = s3_options(options)?;
        guard(|| self.inner.presign_get(&bucket, &key, &o))
    }

    /// A presigned PUT (`contentType`, when given, is signed and must be sent as is).
    #[napi]
    pub fn presign_put(
        &self,
        bucket: String,
        key: String,
        options: Option<S3PresignOptions>,
    ) -> Result<PresignedRequestJs> {
        let o = s3_options(options)?;
        guard(|| self.inner.presign("PUT", &bucket, &key, &o)).map(Into::into)
    }

    /// The same request for many keys at one signing time; the URLs in order.
    #[napi]
    pub fn presign_many(
        &self,
        method: String,
        bucket: String,
        keys: Vec<String>,
        options: Option<S3PresignOptions>,
    ) -> Result<Vec<String>> {
        let o = s3_options(options)?;
        guard(|| self.inner.presign_many(&method, &bucket, &keys, &o))
    }
}

// ---------------------------------------------------------------------------------------------
// Any service

/// Canonicalization overrides shared by `presignUrl` and `signRequest`.
struct SettingsInput<'a> {
    service: &'a str,
    normalize_path: Option<bool>,
    double_encode: Option<bool>,
    payload_hash: Option<&'a str>,
    omit_session_token: Option<bool>,
    content_sha256_header: Option<bool>,
}

impl SettingsInput<'_> {
    fn build(&self) -> presigner::Result<SigningSettings> {
        let mut s = SigningSettings::for_service(self.service);
        if let Some(b) = self.normalize_path {
            s.normalize_path = b;
        }
        if let Some(b) = self.double_encode {
            s.double_encode = b;
        }
        if let Some(h) = self.payload_hash {
            s.payload_hash = PayloadHash::precomputed(h)?;
        }
        if self.omit_session_token == Some(true) {
            s.session_token = SessionTokenMode::AppendAfterSigning;
        }
        if let Some(b) = self.content_sha256_header {
            s.content_sha256_header = b;
        }
        Ok(s)
    }
}

/// Options of `presignUrl`.
#[napi(object, object_to_js = false)]
pub struct PresignUrlOptions {
    /// The signing name of the service (`s3`, `rds-db`, `sts`, `execute-api`, …).
    pub service: String,
    /// Omitted: `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile's `region`.
    pub region: Option<String>,
    /// Omitted: the offline default chain.
    #[napi(ts_type = "Credentials | CredentialsInput")]
    pub credentials: Option<CredArg>,
    /// Seconds the URL stays valid, 1..=604800 (default 3600).
    pub expires_in: Option<f64>,
    #[napi(ts_type = "Record<string, string> | Array<[string, string]>")]
    pub headers: Option<Pairs>,
    /// Raw (unencoded) query parameters added to the URL's own.
    #[napi(ts_type = "Record<string, string> | Array<[string, string]>")]
    pub query: Option<Pairs>,
    #[napi(ts_type = "Date | number")]
    pub now: Option<Time>,
    /// Remove `.`/`..`/empty path segments (default: true except for `s3`).
    pub normalize_path: Option<bool>,
    /// Encode the path a second time (default: true except for `s3`).
    pub double_encode: Option<bool>,
    /// `UNSIGNED-PAYLOAD`, a hex SHA-256, or another marker (default: `UNSIGNED-PAYLOAD` for
    /// `s3`, the SHA-256 of the empty body otherwise).
    pub payload_hash: Option<String>,
    /// Add `X-Amz-Security-Token` after signing instead of signing it (IoT WebSockets).
    pub omit_session_token: Option<bool>,
    #[napi(ts_type = "'error' | 'clamp' | 'allow'")]
    pub expiry_policy: Option<String>,
}

/// Presigns any AWS request given as a URL (path percent-encoded as on the wire).
#[napi]
pub fn presign_url(
    method: String,
    url: String,
    options: PresignUrlOptions,
) -> Result<PresignedRequestJs> {
    let expires = expires_in(options.expires_in)?;
    guard(move || {
        let settings = SettingsInput {
            service: &options.service,
            normalize_path: options.normalize_path,
            double_encode: options.double_encode,
            payload_hash: options.payload_hash.as_deref(),
            omit_session_token: options.omit_session_token,
            content_sha256_header: None,
        }
        .build()?;
        let region = resolve_region(options.region, None)?;
        let credentials = resolve_credentials(options.credentials, None)?;
        let expiry_policy = match &options.expiry_policy {
            Some(p) => p.parse::<ExpiryPolicy>()?,
            None => ExpiryPolicy::Error,
        };
        let params = SigningParams {
            credentials: &credentials,
            region: &region,
            service: &options.service,
            now: now(options.now)?,
            settings: Some(settings),
        };
        let opts = UrlPresignOptions {
            expires_in: expires,
            headers: options.headers.unwrap_or_default().0,
            query: options.query.unwrap_or_default().0,
            expiry_policy,
        };
        presigner::presign_url(&method, &url, &params, &opts)
    })
    .map(Into::into)
}

/// Options of `signRequest`.
#[napi(object, object_to_js = false)]
pub struct SignRequestOptions {
    pub service: String,
    pub region: Option<String>,
    #[napi(ts_type = "Credentials | CredentialsInput")]
    pub credentials: Option<CredArg>,
    /// The request's headers (`host` overrides the URL's host; unsignable ones are skipped).
    #[napi(ts_type = "Record<string, string> | Array<[string, string]>")]
    pub headers: Option<Pairs>,
    /// The request body (hashed into the signature unless `payloadHash` says otherwise).
    #[napi(ts_type = "string | Uint8Array")]
    pub body: Option<Either<String, Uint8Array>>,
    #[napi(ts_type = "Date | number")]
    pub now: Option<Time>,
    pub normalize_path: Option<bool>,
    pub double_encode: Option<bool>,
    pub payload_hash: Option<String>,
    pub omit_session_token: Option<bool>,
    /// Add and sign `x-amz-content-sha256` (default: true for `s3` only).
    pub content_sha256_header: Option<bool>,
}

/// Signs a request with an `Authorization` header; returns the headers to add and the
/// intermediate strings.
#[napi]
pub fn sign_request(
    method: String,
    url: String,
    options: SignRequestOptions,
) -> Result<SignedRequestJs> {
    guard(move || {
        let settings = SettingsInput {
            service: &options.service,
            normalize_path: options.normalize_path,
            double_encode: options.double_encode,
            payload_hash: options.payload_hash.as_deref(),
            omit_session_token: options.omit_session_token,
            content_sha256_header: options.content_sha256_header,
        }
        .build()?;
        let region = resolve_region(options.region, None)?;
        let credentials = resolve_credentials(options.credentials, None)?;
        let params = SigningParams {
            credentials: &credentials,
            region: &region,
            service: &options.service,
            now: now(options.now)?,
            settings: Some(settings),
        };
        let headers = options.headers.unwrap_or_default().0;
        let body: &[u8] = match &options.body {
            None => b"",
            Some(Either::A(s)) => s.as_bytes(),
            Some(Either::B(b)) => b,
        };
        presigner::sign_request(&method, &url, &headers, body, &params)
    })
    .map(Into::into)
}

/// Every stable error code the core can produce, in a fixed order.
#[napi]
pub fn error_codes() -> Vec<String> {
    presigner::ErrorKind::ALL
        .iter()
        .map(|k| k.code().to_owned())
        .collect()
}
