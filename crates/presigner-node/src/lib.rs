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

use napi::bindgen_prelude::{
    FromNapiRef, FromNapiValue, ToNapiValue, TypeName, Uint8Array, ValidateNapiValue,
};
use napi::{sys, Either, ValueType};
use napi_derive::napi;
use presigner::{
    AddressingStyle, Credentials as CoreCredentials, Environment, ExpiryPolicy, PayloadHash,
    PresignOptions, PresignedRequest, ResponseOverrides, S3Config, S3Presigner as CoreS3Presigner,
    SessionTokenMode, SettingsOverrides, SignedRequest, SigningParams, SigningSettings,
    UrlPresignOptions,
};

use convert::{
    epoch_ms, js_string, merge_headers, DateOut, HeaderObject, JsText, Pairs, TextOut, Time,
    Utf8Buf,
};

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

// `PresignedRequestJs` only describes the result in index.d.ts: presigning returns the result
// packed into one string (`pack`), which the loader wraps in its `PresignedRequest` class.

/// The number of UTF-16 code units of `s` (what JS string offsets count).
fn js_len(s: &str, ascii: &mut bool) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        *ascii = false;
        s.encode_utf16().count()
    }
}

fn push_num(out: &mut Vec<u8>, n: u64) {
    let mut digits = [b','; 21];
    let mut i = 20;
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // A few bytes: copied by hand into reserved space rather than by a memcpy call.
    out.reserve(21);
    let spare = out.spare_capacity_mut();
    for (slot, &d) in spare.iter_mut().zip(&digits[i..]) {
        slot.write(d);
    }
    // SAFETY: the `21 - i` bytes after `len` were just written.
    unsafe { out.set_len(out.len() + 21 - i) };
}

fn push_ms(out: &mut Vec<u8>, t: std::time::SystemTime) {
    let ms = epoch_ms(t);
    if ms < 0.0 {
        out.push(b'-');
    }
    push_num(out, ms.abs() as u64);
}

/// A presigned request for JS as one string (see [`pack_into`]).
pub struct Packed(PresignedRequest);

fn pack(r: PresignedRequest) -> Packed {
    Packed(r)
}

impl TypeName for Packed {
    fn type_name() -> &'static str {
        "PresignedRequest"
    }
    fn value_type() -> ValueType {
        ValueType::String
    }
}

thread_local! {
    /// Where results are packed before V8 copies them into a string: reused, so that packing
    /// allocates nothing (a result is over a kilobyte, past malloc's per-thread cache).
    static PACK_BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl ToNapiValue for Packed {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        PACK_BUF.with(|cell| match cell.try_borrow_mut() {
            Ok(mut out) => {
                out.clear();
                let ascii = pack_into(val.0, &mut out);
                let s = unsafe { js_string(env, &out, ascii) };
                if out.capacity() > 1 << 16 {
                    *out = Vec::new();
                }
                s
            }
            Err(_) => {
                let mut out = Vec::new();
                let ascii = pack_into(val.0, &mut out);
                unsafe { js_string(env, &out, ascii) }
            }
        })
    }
}

/// Appends a presigned request to `out` as one string for the loader's `PresignedRequest`
/// (which takes `url` at once and decodes the other fields when one is first read): one call
/// creates one JS string instead of an object, nine properties, two `Date`s, an array and a
/// header object. Returns whether it is all ASCII.
///
/// Layout: `<numbers>;<texts>`. The numbers are decimal, each followed by `,`: the UTF-16
/// lengths of url, method, signature, canonicalRequest and stringToSign; signedAt and expiresAt
/// in ms since the epoch; the count of signed header names and their lengths; the count of
/// headers (repeated names merged) and the lengths of each name and value. The texts are those
/// strings, concatenated in the same order.
fn pack_into(r: PresignedRequest, out: &mut Vec<u8>) -> bool {
    let headers = merge_headers(r.headers);
    let texts = r.url.len()
        + r.method.len()
        + r.signature.len()
        + r.canonical_request.len()
        + r.string_to_sign.len()
        + r.signed_headers.iter().map(String::len).sum::<usize>()
        + headers
            .iter()
            .map(|(n, v)| n.len() + v.len())
            .sum::<usize>();
    // At most 21 bytes per number.
    let numbers = 10 + r.signed_headers.len() + 2 * headers.len();
    out.reserve(texts + 1 + 21 * numbers);
    let mut ascii = true;
    for s in [
        &r.url,
        &r.method,
        &r.signature,
        &r.canonical_request,
        &r.string_to_sign,
    ] {
        push_num(out, js_len(s, &mut ascii) as u64);
    }
    push_ms(out, r.signed_at);
    push_ms(out, r.expires_at);
    push_num(out, r.signed_headers.len() as u64);
    for h in &r.signed_headers {
        push_num(out, js_len(h, &mut ascii) as u64);
    }
    push_num(out, headers.len() as u64);
    for (n, v) in &headers {
        push_num(out, js_len(n, &mut ascii) as u64);
        push_num(out, js_len(v, &mut ascii) as u64);
    }
    out.push(b';');
    for s in [
        &r.url,
        &r.method,
        &r.signature,
        &r.canonical_request,
        &r.string_to_sign,
    ] {
        out.extend_from_slice(s.as_bytes());
    }
    for h in &r.signed_headers {
        out.extend_from_slice(h.as_bytes());
    }
    for (n, v) in &headers {
        out.extend_from_slice(n.as_bytes());
        out.extend_from_slice(v.as_bytes());
    }
    ascii
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
#[napi(object, object_to_js = false, object_from_js = false)]
#[derive(Default)]
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

/// Reads the options of `S3PresignOptions` (`$field: Inner type, "jsName"`) either from the
/// keys an object actually has, or field by field.
macro_rules! s3_presign_options_fields {
    ($m:ident) => {
        $m! {
            expires_in: f64, "expiresIn";
            headers: Pairs, "headers";
            query: Pairs, "query";
            version_id: String, "versionId";
            response_content_disposition: String, "responseContentDisposition";
            response_content_type: String, "responseContentType";
            response_cache_control: String, "responseCacheControl";
            response_content_language: String, "responseContentLanguage";
            response_content_encoding: String, "responseContentEncoding";
            response_expires: String, "responseExpires";
            content_type: String, "contentType";
            now: Time, "now";
        }
    };
}

const S3_PRESIGN_OPTIONS: &str = "S3PresignOptions";

/// True for `{...}` literals and `Object.create(null)`: objects whose every option is an
/// enumerable property (own or of a plain prototype), so their keys can be listed.
unsafe fn is_plain_object(env: sys::napi_env, v: sys::napi_value) -> napi::Result<bool> {
    let mut proto = std::ptr::null_mut();
    napi::check_status!(unsafe { sys::napi_get_prototype(env, v, &mut proto) })?;
    let mut t = 0;
    napi::check_status!(unsafe { sys::napi_typeof(env, proto, &mut t) })?;
    if ValueType::from(t) == ValueType::Null {
        return Ok(true);
    }
    let mut empty = std::ptr::null_mut();
    napi::check_status!(unsafe { sys::napi_create_object(env, &mut empty) })?;
    let mut object_proto = std::ptr::null_mut();
    napi::check_status!(unsafe { sys::napi_get_prototype(env, empty, &mut object_proto) })?;
    let mut same = false;
    napi::check_status!(unsafe { sys::napi_strict_equals(env, proto, object_proto, &mut same) })?;
    Ok(same)
}

impl ValidateNapiValue for S3PresignOptions {}

impl FromNapiValue for S3PresignOptions {
    /// Instead of one named-property lookup per field (13 of them, each internalizing the
    /// name), a plain object's keys are listed once and only the options present are read.
    /// Other objects (class instances with getters, …) are read field by field, as before.
    unsafe fn from_napi_value(env: sys::napi_env, v: sys::napi_value) -> napi::Result<Self> {
        unsafe { napi::bindgen_prelude::Object::from_napi_value(env, v) }?;
        let mut o = S3PresignOptions::default();
        if !unsafe { is_plain_object(env, v) }? {
            macro_rules! by_field {
                ($($f:ident: $t:ty, $js:literal;)*) => {$(
                    let raw = unsafe {
                        napi::bindgen_prelude::get_named_property_raw(env, v, concat!($js, "\0").as_ptr().cast())
                    }?;
                    o.$f = unsafe {
                        napi::bindgen_prelude::from_raw_optional_field::<$t>(env, raw, S3_PRESIGN_OPTIONS, $js)
                    }?;
                )*};
            }
            s3_presign_options_fields!(by_field);
            return Ok(o);
        }
        let mut names = std::ptr::null_mut();
        napi::check_status!(unsafe { sys::napi_get_property_names(env, v, &mut names) })?;
        let mut len = 0u32;
        napi::check_status!(unsafe { sys::napi_get_array_length(env, names, &mut len) })?;
        for i in 0..len {
            let mut key = std::ptr::null_mut();
            napi::check_status!(unsafe { sys::napi_get_element(env, names, i, &mut key) })?;
            // Every option name is shorter than 32 bytes: longer keys are not options.
            let mut buf = [0u8; 32];
            let mut n = 0usize;
            napi::check_status!(unsafe {
                sys::napi_get_value_string_utf8(
                    env,
                    key,
                    buf.as_mut_ptr().cast(),
                    buf.len(),
                    &mut n,
                )
            })?;
            if n >= buf.len() - 1 {
                continue;
            }
            let mut raw = std::ptr::null_mut();
            napi::check_status!(unsafe { sys::napi_get_property(env, v, key, &mut raw) })?;
            let mut t = 0;
            napi::check_status!(unsafe { sys::napi_typeof(env, raw, &mut t) })?;
            let raw = (ValueType::from(t) != ValueType::Undefined).then_some(raw);
            macro_rules! by_key {
                ($($f:ident: $t:ty, $js:literal;)*) => {
                    match std::str::from_utf8(&buf[..n]).unwrap_or("") {
                        $($js => {
                            o.$f = unsafe {
                                napi::bindgen_prelude::from_raw_optional_field::<$t>(env, raw, S3_PRESIGN_OPTIONS, $js)
                            }?;
                        })*
                        _ => {}
                    }
                };
            }
            s3_presign_options_fields!(by_key);
        }
        Ok(o)
    }
}

impl S3PresignOptions {
    fn into_core(self) -> Result<PresignOptions> {
        let mut headers = self.headers.map(|p| p.0).unwrap_or_default();
        if let Some(ct) = self.content_type {
            headers.push(("Content-Type".into(), ct));
        }
        Ok(PresignOptions {
            expires_in: expires_in(self.expires_in)?,
            headers,
            query: self.query.map(|p| p.0).unwrap_or_default(),
            version_id: self.version_id,
            response: ResponseOverrides {
                content_type: self.response_content_type,
                content_disposition: self.response_content_disposition,
                content_language: self.response_content_language,
                content_encoding: self.response_content_encoding,
                cache_control: self.response_cache_control,
                expires: self.response_expires,
            },
            now: guard(|| now(self.now))?,
        })
    }
}

/// Options of the loader's fast paths; the same checks, in the same order, as `into_core`.
fn fast_options(
    expires: Option<f64>,
    now_s: Option<f64>,
    headers: Option<&str>,
) -> Result<PresignOptions> {
    let expires_in = expires_in(expires)?;
    let now = guard(|| now(now_s.map(|seconds| Time { seconds })))?;
    let headers = match headers {
        None => Vec::new(),
        Some(packed) => {
            let mut parts = packed.split('\0');
            let mut out = Vec::with_capacity(packed.bytes().filter(|&b| b == 0).count() / 2 + 2);
            while let (Some(n), Some(v)) = (parts.next(), parts.next()) {
                out.push((n.to_owned(), v.to_owned()));
            }
            out
        }
    };
    Ok(PresignOptions {
        expires_in,
        headers,
        now,
        ..PresignOptions::default()
    })
}

fn s3_options(options: Option<S3PresignOptions>) -> Result<PresignOptions> {
    match options {
        Some(o) => o.into_core(),
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
    #[napi(
        ts_args_type = "method: string, bucket: string, key: string, options?: S3PresignOptions | undefined | null",
        ts_return_type = "PresignedRequest"
    )]
    pub fn presign(
        &self,
        method: JsText,
        bucket: JsText,
        key: JsText,
        options: Option<S3PresignOptions>,
    ) -> Result<Packed> {
        let (mut m, mut b, mut k) = (Utf8Buf::new(), Utf8Buf::new(), Utf8Buf::new());
        let (method, bucket, key) = (m.read(method)?, b.read(bucket)?, k.read(key)?);
        let o = s3_options(options)?;
        guard(|| self.inner.presign(method, bucket, key, &o)).map(pack)
    }

    /// A presigned GET URL.
    #[napi(
        ts_args_type = "bucket: string, key: string, options?: S3PresignOptions | undefined | null",
        ts_return_type = "string"
    )]
    pub fn presign_get(
        &self,
        bucket: JsText,
        key: JsText,
        options: Option<S3PresignOptions>,
    ) -> Result<TextOut> {
        let (mut b, mut k) = (Utf8Buf::new(), Utf8Buf::new());
        let (bucket, key) = (b.read(bucket)?, k.read(key)?);
        let o = s3_options(options)?;
        guard(|| self.inner.presign_url_only("GET", bucket, key, &o)).map(TextOut::new)
    }

    /// A presigned PUT (`contentType`, when given, is signed and must be sent as is).
    #[napi(
        ts_args_type = "bucket: string, key: string, options?: S3PresignOptions | undefined | null",
        ts_return_type = "PresignedRequest"
    )]
    pub fn presign_put(
        &self,
        bucket: JsText,
        key: JsText,
        options: Option<S3PresignOptions>,
    ) -> Result<Packed> {
        let (mut b, mut k) = (Utf8Buf::new(), Utf8Buf::new());
        let (bucket, key) = (b.read(bucket)?, k.read(key)?);
        let o = s3_options(options)?;
        guard(|| self.inner.presign("PUT", bucket, key, &o)).map(pack)
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
// The loader's fast paths: plain Node-API callbacks

// A call through napi-rs's generated method glue (argument scope, borrow tracking) costs about
// as much as presigning a URL, so the two hot paths are plain Node-API callbacks, exported as
// `_s3FastGet(presigner, bucket, key, expiresIn, now)` and
// `_s3FastPresign(presigner, method, bucket, key, expiresIn, now, headers)`. The loader calls
// them only with an `S3Presigner`, strings, and numbers or `undefined` (headers: the
// `name\0value\0…` string or `undefined`); the receiver is still type-checked here, since
// the functions are reachable from `binding.js`.

/// Throws `e` as napi-rs would (an `Error` whose `code` is the status); returns null.
unsafe fn throw(env: sys::napi_env, e: napi::Error<Code>) -> sys::napi_value {
    let code = e.status;
    let mut code_v = std::ptr::null_mut();
    let mut msg_v = std::ptr::null_mut();
    let mut err = std::ptr::null_mut();
    unsafe {
        if sys::napi_create_string_utf8(env, code.as_ptr().cast(), code.len() as isize, &mut code_v)
            == sys::Status::napi_ok
            && sys::napi_create_string_utf8(
                env,
                e.reason.as_ptr().cast(),
                e.reason.len() as isize,
                &mut msg_v,
            ) == sys::Status::napi_ok
            && sys::napi_create_error(env, code_v, msg_v, &mut err) == sys::Status::napi_ok
        {
            sys::napi_throw(env, err);
        }
    }
    std::ptr::null_mut()
}

/// The `S3Presigner` a loader passes (type-tagged), else a type error.
unsafe fn this_presigner<'a>(env: sys::napi_env, v: sys::napi_value) -> Result<&'a S3Presigner> {
    let mut wrapped: *mut std::ffi::c_void = std::ptr::null_mut();
    let tag = <S3Presigner as napi::bindgen_prelude::TypeTag>::type_tag();
    if unsafe { sys::napi_unwrap(env, v, &mut wrapped) } != sys::Status::napi_ok
        || wrapped.is_null()
        || unsafe { napi::bindgen_prelude::validate_type_tag(env, v, &tag, "S3Presigner") }.is_err()
    {
        return Err(type_error("expected an S3Presigner"));
    }
    // SAFETY: unwrapped and type-tagged as an `S3Presigner`; the JS object (an argument of
    // this call) keeps it alive until the call returns.
    Ok(unsafe { &*(wrapped as *const S3Presigner) })
}

/// A number argument, `None` for `undefined`.
unsafe fn opt_number(env: sys::napi_env, v: sys::napi_value) -> Result<Option<f64>> {
    let mut t = 0;
    if unsafe { sys::napi_typeof(env, v, &mut t) } != sys::Status::napi_ok {
        return Err(type_error("expected a number"));
    }
    match ValueType::from(t) {
        ValueType::Undefined => Ok(None),
        ValueType::Number => {
            let mut n = 0f64;
            unsafe { sys::napi_get_value_double(env, v, &mut n) };
            Ok(Some(n))
        }
        _ => Err(type_error("expected a number")),
    }
}

/// The call's arguments (missing ones are `undefined`).
unsafe fn args<const N: usize>(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> [sys::napi_value; N] {
    let mut argv = [std::ptr::null_mut(); N];
    let mut argc = N;
    unsafe {
        sys::napi_get_cb_info(
            env,
            info,
            &mut argc,
            argv.as_mut_ptr(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        )
    };
    argv
}

unsafe extern "C" fn s3_fast_get(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    let argv = unsafe { args::<5>(env, info) };
    let run = || -> Result<sys::napi_value> {
        let p = unsafe { this_presigner(env, argv[0]) }?;
        let (mut b, mut k) = (Utf8Buf::new(), Utf8Buf::new());
        let bucket = b.read(JsText::new(env, argv[1]))?;
        let key = k.read(JsText::new(env, argv[2]))?;
        let o = fast_options(
            unsafe { opt_number(env, argv[3]) }?,
            unsafe { opt_number(env, argv[4]) }?,
            None,
        )?;
        let url = guard(|| p.inner.presign_url_only("GET", bucket, key, &o))?;
        let ascii = url.is_ascii();
        unsafe { js_string(env, url.as_bytes(), ascii) }.map_err(|e| type_error(e.reason))
    };
    match run() {
        Ok(v) => v,
        Err(e) => unsafe { throw(env, e) },
    }
}

unsafe extern "C" fn s3_fast_presign(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    let argv = unsafe { args::<7>(env, info) };
    let run = || -> Result<sys::napi_value> {
        let p = unsafe { this_presigner(env, argv[0]) }?;
        let (mut m, mut b, mut k, mut h) = (
            Utf8Buf::new(),
            Utf8Buf::new(),
            Utf8Buf::new(),
            Utf8Buf::new(),
        );
        let method = m.read(JsText::new(env, argv[1]))?;
        let bucket = b.read(JsText::new(env, argv[2]))?;
        let key = k.read(JsText::new(env, argv[3]))?;
        let expires = unsafe { opt_number(env, argv[4]) }?;
        let now = unsafe { opt_number(env, argv[5]) }?;
        let mut t = 0;
        unsafe { sys::napi_typeof(env, argv[6], &mut t) };
        let headers = match ValueType::from(t) {
            ValueType::Undefined => None,
            _ => Some(h.read(JsText::new(env, argv[6]))?),
        };
        let o = fast_options(expires, now, headers)?;
        let r = guard(|| p.inner.presign(method, bucket, key, &o))?;
        unsafe { Packed::to_napi_value(env, pack(r)) }.map_err(|e| type_error(e.reason))
    };
    match run() {
        Ok(v) => v,
        Err(e) => unsafe { throw(env, e) },
    }
}

/// Adds the raw fast-path functions to the module's exports.
#[napi(module_exports)]
pub fn register_fast_paths(exports: napi::bindgen_prelude::Object) -> napi::Result<()> {
    type Callback = unsafe extern "C" fn(sys::napi_env, sys::napi_callback_info) -> sys::napi_value;
    let exports = napi::JsValue::value(&exports);
    let (env, target) = (exports.env, exports.value);
    let list: [(&str, Callback); 2] = [
        ("_s3FastGet", s3_fast_get),
        ("_s3FastPresign", s3_fast_presign),
    ];
    for (name, cb) in list {
        let mut f = std::ptr::null_mut();
        napi::check_status!(unsafe {
            sys::napi_create_function(
                env,
                name.as_ptr().cast(),
                name.len() as isize,
                Some(cb),
                std::ptr::null_mut(),
                &mut f,
            )
        })?;
        napi::check_status!(unsafe {
            sys::napi_set_named_property(env, target, format!("{name}\0").as_ptr().cast(), f)
        })?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Any service

/// Canonicalization overrides shared by `presignUrl` and `signRequest`.
struct SettingsInput<'a> {
    service: &'a str,
    /// `signRequest`: the header-signing defaults (S3 signs the body's SHA-256).
    for_headers: bool,
    normalize_path: Option<bool>,
    double_encode: Option<bool>,
    payload_hash: Option<&'a str>,
    omit_session_token: Option<bool>,
    content_sha256_header: Option<bool>,
}

/// The JS canonicalization options as the core's field-by-field overrides.
fn overrides(
    normalize_path: Option<bool>,
    double_encode: Option<bool>,
    payload_hash: Option<&str>,
    omit_session_token: Option<bool>,
    content_sha256_header: Option<bool>,
) -> presigner::Result<SettingsOverrides> {
    Ok(SettingsOverrides {
        normalize_path,
        double_encode,
        payload_hash: payload_hash.map(PayloadHash::precomputed).transpose()?,
        session_token: (omit_session_token == Some(true))
            .then_some(SessionTokenMode::AppendAfterSigning),
        content_sha256_header,
    })
}

impl SettingsInput<'_> {
    fn build(&self) -> presigner::Result<SigningSettings> {
        let base = if self.for_headers {
            SigningSettings::for_service_headers(self.service)
        } else {
            SigningSettings::for_service(self.service)
        };
        Ok(overrides(
            self.normalize_path,
            self.double_encode,
            self.payload_hash,
            self.omit_session_token,
            self.content_sha256_header,
        )?
        .apply(base))
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
#[napi(ts_return_type = "PresignedRequest")]
pub fn presign_url(method: String, url: String, options: PresignUrlOptions) -> Result<Packed> {
    let expires = expires_in(options.expires_in)?;
    guard(move || {
        let settings = SettingsInput {
            service: &options.service,
            for_headers: false,
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
    .map(pack)
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
            for_headers: true,
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

// ---------------------------------------------------------------------------------------------
// Verification (server side)

/// The `credentials` of the verifiers, as the JS loader passes it: a function
/// `(accessKeyId) => secret | { secretAccessKey, sessionToken? } | Credentials | null | undefined`
/// (the loader turns objects and `Map`s into such a function).
pub struct LookupFn {
    env: sys::napi_env,
    func: sys::napi_value,
}

impl TypeName for LookupFn {
    fn type_name() -> &'static str {
        "Function"
    }
    fn value_type() -> ValueType {
        ValueType::Function
    }
}

impl ValidateNapiValue for LookupFn {}

impl FromNapiValue for LookupFn {
    unsafe fn from_napi_value(env: sys::napi_env, v: sys::napi_value) -> napi::Result<Self> {
        let mut t = 0;
        napi::check_status!(unsafe { sys::napi_typeof(env, v, &mut t) })?;
        if ValueType::from(t) != ValueType::Function {
            return Err(napi::Error::new(
                napi::Status::FunctionExpected,
                "credentials must be an object or Map of access key id to secret, or a function"
                    .to_owned(),
            ));
        }
        Ok(LookupFn { env, func: v })
    }
}

/// A failure of the lookup itself: the JS function threw (the exception stays pending and
/// propagates as is), or it returned a value of the wrong type.
const PENDING: Code = "PendingException";

impl LookupFn {
    /// Calls the function on the JS thread of this call; `Ok(None)` for an unknown key.
    fn find(&self, akid: &str) -> Result<Option<CoreCredentials>> {
        let env = self.env;
        let napi_err = |e: napi::Error| type_error(e.reason.clone());
        let arg = unsafe {
            <String as napi::bindgen_prelude::ToNapiValue>::to_napi_value(env, akid.to_owned())
        }
        .map_err(napi_err)?;
        let mut this = std::ptr::null_mut();
        napi::check_status!(unsafe { sys::napi_get_undefined(env, &mut this) })
            .map_err(napi_err)?;
        let mut ret = std::ptr::null_mut();
        let status = unsafe { sys::napi_call_function(env, this, self.func, 1, &arg, &mut ret) };
        if status == sys::Status::napi_pending_exception {
            return Err(napi::Error::new(
                PENDING,
                "the credentials lookup threw".to_owned(),
            ));
        }
        napi::check_status!(status).map_err(napi_err)?;
        let mut t = 0;
        napi::check_status!(unsafe { sys::napi_typeof(env, ret, &mut t) }).map_err(napi_err)?;
        let bad = || {
            type_error(
                "the credentials lookup must give a secret string, { secretAccessKey, sessionToken }, \
                 a Credentials object, or null/undefined for an unknown access key id",
            )
        };
        match ValueType::from(t) {
            ValueType::Undefined | ValueType::Null => Ok(None),
            ValueType::String => {
                let secret = unsafe { String::from_napi_value(env, ret) }.map_err(napi_err)?;
                guard(|| CoreCredentials::new(akid, secret)).map(Some)
            }
            ValueType::Object => {
                if let Some(c) = unsafe { native_credentials(env, ret) } {
                    return Ok(Some(c));
                }
                let plain = unsafe { SecretInput::from_napi_value(env, ret) }.map_err(|_| bad())?;
                guard(|| {
                    CoreCredentials::with_session(
                        akid,
                        plain.secret_access_key,
                        plain.session_token,
                        None,
                    )
                })
                .map(Some)
            }
            _ => Err(bad()),
        }
    }
}

/// The credentials inside a `Credentials` object, `None` for any other object. (Not
/// `from_napi_ref`: outside generated argument glue it has no conversion scope to register in.)
unsafe fn native_credentials(env: sys::napi_env, v: sys::napi_value) -> Option<CoreCredentials> {
    let mut wrapped: *mut std::ffi::c_void = std::ptr::null_mut();
    if unsafe { sys::napi_unwrap(env, v, &mut wrapped) } != sys::Status::napi_ok
        || wrapped.is_null()
    {
        return None;
    }
    let tag = <Credentials as napi::bindgen_prelude::TypeTag>::type_tag();
    unsafe { napi::bindgen_prelude::validate_type_tag(env, v, &tag, "Credentials") }.ok()?;
    // SAFETY: unwrapped and type-tagged as a `Credentials`, alive for this call.
    Some(unsafe { &*(wrapped as *const Credentials) }.inner.clone())
}

/// What a credentials lookup may return besides a string or a `Credentials`.
#[napi(object, object_to_js = false)]
pub struct SecretInput {
    pub secret_access_key: String,
    /// When given, only requests carrying exactly this `X-Amz-Security-Token` verify.
    pub session_token: Option<String>,
}

/// Options of `verifyPresigned` and `verifyRequest`.
#[napi(object, object_to_js = false, js_name = "VerifyOptions")]
pub struct VerifyOptionsJs {
    /// The request's headers (include `Host` when the URL's authority is not what the client sent).
    #[napi(ts_type = "Record<string, string> | Array<[string, string]>")]
    pub headers: Option<Pairs>,
    /// Access key id → secret, `{ secretAccessKey, sessionToken }` or `Credentials` (an object or
    /// a `Map`), or a function returning one of those, or `null`/`undefined` when unknown.
    /// Credentials with a session token accept only requests carrying exactly that token.
    #[napi(
        ts_type = "Record<string, CredentialsLookupResult> | Map<string, CredentialsLookupResult> | ((accessKeyId: string) => CredentialsLookupResult | null | undefined)"
    )]
    pub credentials: LookupFn,
    /// Reject scopes for another region.
    pub region: Option<String>,
    /// Reject scopes for another service.
    pub service: Option<String>,
    /// The time to check against (default: the clock).
    #[napi(ts_type = "Date | number")]
    pub now: Option<Time>,
    /// Seconds `X-Amz-Date` may be ahead of `now` (header auth: also behind), default 900.
    pub max_skew: Option<f64>,
    /// Canonicalization overrides (on top of `service`'s defaults, else the scope's service's).
    pub normalize_path: Option<bool>,
    pub double_encode: Option<bool>,
    /// `verifyRequest`: the hex SHA-256 of the body received (default: its `x-amz-content-sha256`
    /// header). `verifyPresigned`: the payload hash the URL was signed with, if not the default.
    pub payload_hash: Option<String>,
    pub omit_session_token: Option<bool>,
}

/// A request that verified: who signed it, for what, and until when it is valid.
#[napi(object, object_from_js = false, js_name = "Verified")]
pub struct VerifiedJs {
    pub access_key_id: String,
    pub region: String,
    pub service: String,
    /// Signed header names, lower-case and sorted.
    pub signed_headers: Vec<String>,
    #[napi(ts_type = "Date")]
    pub signed_at: DateOut,
    /// Presigned: `X-Amz-Date + X-Amz-Expires`. Header auth: `X-Amz-Date` + `maxSkew`.
    #[napi(ts_type = "Date")]
    pub expires_at: DateOut,
}

impl From<presigner::Verified> for VerifiedJs {
    fn from(v: presigner::Verified) -> Self {
        VerifiedJs {
            access_key_id: v.access_key_id,
            region: v.region,
            service: v.service,
            signed_headers: v.signed_headers,
            signed_at: DateOut(v.signed_at),
            expires_at: DateOut(v.expires_at),
        }
    }
}

/// The largest `maxSkew`: a week, the longest a presigned URL may live.
const MAX_SKEW_SECS: f64 = 604_800.0;

impl VerifyOptionsJs {
    /// Canonicalization overrides apply on top of the scope service's preset (in the core).
    fn to_core(
        &self,
        settings_payload_hash: Option<&str>,
    ) -> presigner::Result<presigner::VerifyOptions> {
        let overrides = overrides(
            self.normalize_path,
            self.double_encode,
            settings_payload_hash,
            self.omit_session_token,
            None,
        )?;
        let max_skew = match self.max_skew {
            None => presigner::DEFAULT_MAX_SKEW,
            Some(s) if s.is_finite() && (0.0..=MAX_SKEW_SECS).contains(&s) => {
                std::time::Duration::from_secs_f64(s)
            }
            Some(s) => {
                return Err(presigner::Error::InvalidOption {
                    option: "maxSkew".into(),
                    reason: format!("{s} seconds is not between 0 and {MAX_SKEW_SECS}"),
                })
            }
        };
        Ok(presigner::VerifyOptions {
            now: now(self.now)?,
            region: self.region.clone(),
            service: self.service.clone(),
            max_skew,
            settings: None,
            overrides,
        })
    }
}

/// Runs a verifier with the JS lookup; an exception the lookup threw (or a wrong value it
/// returned) wins over the verifier's own error.
fn verify_with(
    lookup: &LookupFn,
    f: impl FnOnce(&dyn Fn(&str) -> Option<CoreCredentials>) -> presigner::Result<presigner::Verified>,
) -> Result<VerifiedJs> {
    let failed: std::cell::RefCell<Option<napi::Error<Code>>> = std::cell::RefCell::new(None);
    let find = |akid: &str| -> Option<CoreCredentials> {
        if failed.borrow().is_some() {
            return None;
        }
        match lookup.find(akid) {
            Ok(c) => c,
            Err(e) => {
                *failed.borrow_mut() = Some(e);
                None
            }
        }
    };
    let result = guard(|| f(&find));
    if let Some(e) = failed.into_inner() {
        return Err(e);
    }
    result.map(Into::into)
}

/// Verifies a presigned URL as received (the full URL, path as sent); returns who signed it
/// and until when it is valid, or throws a `PresignerError` whose `code` says why not.
#[napi]
pub fn verify_presigned(
    method: String,
    url: String,
    options: VerifyOptionsJs,
) -> Result<VerifiedJs> {
    let headers = options.headers.clone().unwrap_or_default().0;
    let core = guard(|| options.to_core(options.payload_hash.as_deref()))?;
    verify_with(&options.credentials, |find| {
        presigner::verify_presigned(&method, &url, &headers, &find, &core)
    })
}

/// Verifies a request signed with an `Authorization` header (`payloadHash`: the hex SHA-256 of
/// the body received; default: its `x-amz-content-sha256` header).
#[napi]
pub fn verify_request(method: String, url: String, options: VerifyOptionsJs) -> Result<VerifiedJs> {
    let headers = options.headers.clone().unwrap_or_default().0;
    let core = guard(|| options.to_core(None))?;
    verify_with(&options.credentials, |find| {
        presigner::verify_request(
            &method,
            &url,
            &headers,
            options.payload_hash.as_deref(),
            &find,
            &core,
        )
    })
}
