//! C ABI of the presigner core: `libpresigner_ffi.so` / `libpresigner_ffi.a`, described by the
//! generated header `include/presigner.h`.
//!
//! Every export is a thin shim: it checks its pointer arguments, runs a Rust function that
//! returns `Result` inside `catch_unwind`, writes its out-parameters only on success, and turns
//! failures into a [`presigner_status`] plus a thread-local message
//! ([`presigner_last_error_message`]). The ownership and calling rules are written once, at the
//! top of the header (see `cbindgen.toml`).
//!
//! # Safety
//!
//! Every `unsafe extern "C"` function here has the same contract, stated in the header: pointer
//! arguments are either NULL (which is reported as `PRESIGNER_STATUS_NULL_ARGUMENT` unless the
//! argument is documented as optional) or valid for the access described; `(ptr, len)` strings
//! point to `len` readable bytes; handles come from the matching `*_new` function and are not
//! used after `*_free`.

#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)]
#![deny(unsafe_op_in_unsafe_fn)]

use std::cell::RefCell;
use std::collections::HashMap;
use std::ffi::{c_char, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use presigner::timestamp::system_time_to_unix;
use presigner::{
    AddressingStyle, CredentialLookup, Credentials, Error as CoreError, ErrorKind, ExpiryPolicy,
    PayloadHash, PresignOptions, PresignedRequest, PresignedView, S3Config, S3Presigner,
    SessionTokenMode, SignedRequest, SigningParams, SigningSettings, UrlPresignOptions, Verified,
    VerifyOptions, MAX_EXPIRES_IN,
};

// ---------------------------------------------------------------------------------------------
// Status codes
// ---------------------------------------------------------------------------------------------

/// What a function returned. The numeric values are part of the ABI: they never change and a
/// retired value is never reused. 1..=99 mirror the core's error codes (see
/// `presigner_status_str`), 100 and above are the C ABI's own.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum presigner_status {
    /// Success.
    Ok = 0,
    /// `invalid_expiry`: expires_in outside 1..=604800 seconds.
    InvalidExpiry = 1,
    /// `invalid_bucket`: a bucket name S3 would reject.
    InvalidBucket = 2,
    /// `invalid_key`: an empty or too long object key.
    InvalidKey = 3,
    /// `invalid_region`: a region that cannot go into a scope or host name.
    InvalidRegion = 4,
    /// `invalid_endpoint`: a custom endpoint that is not http(s)://host[:port][/path].
    InvalidEndpoint = 5,
    /// `invalid_header`: a header name or value that cannot be signed.
    InvalidHeader = 6,
    /// `invalid_query`: a query parameter that cannot be signed (e.g. X-Amz-Signature).
    InvalidQuery = 7,
    /// `invalid_url`: a URL that cannot be parsed or signed.
    InvalidUrl = 8,
    /// `invalid_method`: an HTTP method that is not a token.
    InvalidMethod = 9,
    /// `invalid_service`: a service name that cannot go into a scope.
    InvalidService = 10,
    /// `invalid_time`: a signing time outside 1970..=9999.
    InvalidTime = 11,
    /// `invalid_option`: an unknown or contradictory setting.
    InvalidOption = 12,
    /// `invalid_credentials`: empty or malformed access key id / secret / token.
    InvalidCredentials = 13,
    /// `missing_credentials`: no credentials where they were looked for.
    MissingCredentials = 14,
    /// `profile_error`: unreadable shared file or unknown/incomplete profile.
    ProfileError = 15,
    /// `credentials_expired`: the credentials had expired at the signing time.
    CredentialsExpired = 16,
    /// `credentials_expire_before_url`: under expiry policy "error", the credentials expire
    /// before the URL would.
    CredentialsExpireBeforeUrl = 17,
    /// `unsupported_algorithm` (verification): the request is not signed with AWS4-HMAC-SHA256.
    UnsupportedAlgorithm = 18,
    /// `malformed_request` (verification): a signing parameter or header is missing or unparsable.
    MalformedRequest = 19,
    /// `invalid_credential_scope` (verification): the credential scope is not AKID/yyyymmdd/region/service/aws4_request
    /// or its date is not the day of X-Amz-Date.
    InvalidCredentialScope = 20,
    /// `scope_mismatch` (verification): the scope names another region or service than the expected one.
    ScopeMismatch = 21,
    /// `duplicate_parameter` (verification): an authentication parameter appears more than once.
    DuplicateParameter = 22,
    /// `missing_signed_header` (verification): host is not signed, or a signed header is absent from the request.
    MissingSignedHeader = 23,
    /// `unknown_access_key` (verification): the lookup knows no secret for the access key id.
    UnknownAccessKey = 24,
    /// `invalid_session_token` (verification): the session token is missing or not the one expected for the key.
    InvalidSessionToken = 25,
    /// `request_expired` (verification): the URL's lifetime is over (or, for header auth, X-Amz-Date is too
    /// far in the past).
    RequestExpired = 26,
    /// `request_not_yet_valid` (verification): X-Amz-Date lies further in the future than the allowed skew.
    RequestNotYetValid = 27,
    /// `signature_mismatch` (verification): the signature is not the one the secret gives for this request.
    SignatureMismatch = 28,
    /// A required pointer argument was NULL (or a length was impossibly large).
    NullArgument = 100,
    /// A string argument was not valid UTF-8.
    InvalidUtf8 = 101,
    /// A Rust panic was caught at the boundary (a bug: please report it with the message).
    Panic = 102,
    /// The caller's buffer is too small (`presigner_last_error_message`).
    BufferTooSmall = 103,
    /// An index passed to an accessor is not below the matching count.
    IndexOutOfRange = 104,
    /// A core error kind this build of the C ABI does not know (cannot happen with matching
    /// builds; kept so that a new core kind never maps to a wrong code).
    UnknownError = 199,
}

impl presigner_status {
    /// Every status, in numeric order.
    pub fn all() -> &'static [presigner_status] {
        &[
            presigner_status::Ok,
            presigner_status::InvalidExpiry,
            presigner_status::InvalidBucket,
            presigner_status::InvalidKey,
            presigner_status::InvalidRegion,
            presigner_status::InvalidEndpoint,
            presigner_status::InvalidHeader,
            presigner_status::InvalidQuery,
            presigner_status::InvalidUrl,
            presigner_status::InvalidMethod,
            presigner_status::InvalidService,
            presigner_status::InvalidTime,
            presigner_status::InvalidOption,
            presigner_status::InvalidCredentials,
            presigner_status::MissingCredentials,
            presigner_status::ProfileError,
            presigner_status::CredentialsExpired,
            presigner_status::CredentialsExpireBeforeUrl,
            presigner_status::UnsupportedAlgorithm,
            presigner_status::MalformedRequest,
            presigner_status::InvalidCredentialScope,
            presigner_status::ScopeMismatch,
            presigner_status::DuplicateParameter,
            presigner_status::MissingSignedHeader,
            presigner_status::UnknownAccessKey,
            presigner_status::InvalidSessionToken,
            presigner_status::RequestExpired,
            presigner_status::RequestNotYetValid,
            presigner_status::SignatureMismatch,
            presigner_status::NullArgument,
            presigner_status::InvalidUtf8,
            presigner_status::Panic,
            presigner_status::BufferTooSmall,
            presigner_status::IndexOutOfRange,
            presigner_status::UnknownError,
        ]
    }

    /// The status of a core error kind.
    pub fn from_kind(kind: ErrorKind) -> Self {
        match kind {
            ErrorKind::InvalidExpiry => Self::InvalidExpiry,
            ErrorKind::InvalidBucket => Self::InvalidBucket,
            ErrorKind::InvalidKey => Self::InvalidKey,
            ErrorKind::InvalidRegion => Self::InvalidRegion,
            ErrorKind::InvalidEndpoint => Self::InvalidEndpoint,
            ErrorKind::InvalidHeader => Self::InvalidHeader,
            ErrorKind::InvalidQuery => Self::InvalidQuery,
            ErrorKind::InvalidUrl => Self::InvalidUrl,
            ErrorKind::InvalidMethod => Self::InvalidMethod,
            ErrorKind::InvalidService => Self::InvalidService,
            ErrorKind::InvalidTime => Self::InvalidTime,
            ErrorKind::InvalidOption => Self::InvalidOption,
            ErrorKind::InvalidCredentials => Self::InvalidCredentials,
            ErrorKind::MissingCredentials => Self::MissingCredentials,
            ErrorKind::Profile => Self::ProfileError,
            ErrorKind::CredentialsExpired => Self::CredentialsExpired,
            ErrorKind::CredentialsExpireBeforeUrl => Self::CredentialsExpireBeforeUrl,
            ErrorKind::UnsupportedAlgorithm => Self::UnsupportedAlgorithm,
            ErrorKind::MalformedRequest => Self::MalformedRequest,
            ErrorKind::InvalidCredentialScope => Self::InvalidCredentialScope,
            ErrorKind::ScopeMismatch => Self::ScopeMismatch,
            ErrorKind::DuplicateParameter => Self::DuplicateParameter,
            ErrorKind::MissingSignedHeader => Self::MissingSignedHeader,
            ErrorKind::UnknownAccessKey => Self::UnknownAccessKey,
            ErrorKind::InvalidSessionToken => Self::InvalidSessionToken,
            ErrorKind::RequestExpired => Self::RequestExpired,
            ErrorKind::RequestNotYetValid => Self::RequestNotYetValid,
            ErrorKind::SignatureMismatch => Self::SignatureMismatch,
            // ErrorKind is #[non_exhaustive]; the unit tests check every known kind maps above.
            _ => Self::UnknownError,
        }
    }

    /// The stable code string: the core's code for core errors, else the ABI's own.
    pub fn code(self) -> &'static str {
        self.code_nul().trim_end_matches('\0')
    }

    fn code_nul(self) -> &'static str {
        match self {
            Self::Ok => "ok\0",
            Self::InvalidExpiry => "invalid_expiry\0",
            Self::InvalidBucket => "invalid_bucket\0",
            Self::InvalidKey => "invalid_key\0",
            Self::InvalidRegion => "invalid_region\0",
            Self::InvalidEndpoint => "invalid_endpoint\0",
            Self::InvalidHeader => "invalid_header\0",
            Self::InvalidQuery => "invalid_query\0",
            Self::InvalidUrl => "invalid_url\0",
            Self::InvalidMethod => "invalid_method\0",
            Self::InvalidService => "invalid_service\0",
            Self::InvalidTime => "invalid_time\0",
            Self::InvalidOption => "invalid_option\0",
            Self::InvalidCredentials => "invalid_credentials\0",
            Self::MissingCredentials => "missing_credentials\0",
            Self::ProfileError => "profile_error\0",
            Self::CredentialsExpired => "credentials_expired\0",
            Self::CredentialsExpireBeforeUrl => "credentials_expire_before_url\0",
            Self::UnsupportedAlgorithm => "unsupported_algorithm\0",
            Self::MalformedRequest => "malformed_request\0",
            Self::InvalidCredentialScope => "invalid_credential_scope\0",
            Self::ScopeMismatch => "scope_mismatch\0",
            Self::DuplicateParameter => "duplicate_parameter\0",
            Self::MissingSignedHeader => "missing_signed_header\0",
            Self::UnknownAccessKey => "unknown_access_key\0",
            Self::InvalidSessionToken => "invalid_session_token\0",
            Self::RequestExpired => "request_expired\0",
            Self::RequestNotYetValid => "request_not_yet_valid\0",
            Self::SignatureMismatch => "signature_mismatch\0",
            Self::NullArgument => "null_argument\0",
            Self::InvalidUtf8 => "invalid_utf8\0",
            Self::Panic => "panic\0",
            Self::BufferTooSmall => "buffer_too_small\0",
            Self::IndexOutOfRange => "index_out_of_range\0",
            Self::UnknownError => "unknown_error\0",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Plain data types
// ---------------------------------------------------------------------------------------------

/// A UTF-8 string as pointer + length. Going in, it is borrowed for the call only. Coming out
/// of an accessor, it points into the handle it came from, stays valid until that handle is
/// freed, and is also NUL-terminated (`len` excludes the NUL; `len` is authoritative).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct presigner_str {
    pub data: *const c_char,
    pub len: usize,
}

/// A header name and value.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct presigner_header {
    pub name: presigner_str,
    pub value: presigner_str,
}

/// Every scalar and string field of a presigned request in one call (strings borrowed from
/// the `presigner_presigned` handle, like the single-field accessors).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct presigner_presigned_fields {
    pub url: presigner_str,
    pub method: presigner_str,
    pub signature: presigner_str,
    pub canonical_request: presigner_str,
    pub string_to_sign: presigner_str,
    pub header_count: usize,
    pub signed_header_count: usize,
    /// Unix seconds of `X-Amz-Date`.
    pub signed_at: i64,
    /// Unix seconds when the URL stops working.
    pub expires_at: i64,
}

// ---------------------------------------------------------------------------------------------
// Opaque handles
// ---------------------------------------------------------------------------------------------

/// A NUL-terminated copy of a string, handed out as `presigner_str`.
#[derive(Clone, Debug)]
struct OutStr(String);

impl OutStr {
    fn new(s: &str) -> Self {
        let mut v = String::with_capacity(s.len() + 1);
        v.push_str(s);
        v.push('\0');
        OutStr(v)
    }
    fn view(&self) -> presigner_str {
        presigner_str {
            data: self.0.as_ptr().cast(),
            len: self.0.len() - 1,
        }
    }
}

/// AWS credentials (access key id, secret, optional session token and expiry). Immutable and
/// safe to share between threads.
pub struct presigner_credentials {
    inner: Credentials,
    access_key_id: OutStr,
}

/// Settings of an S3 presigner besides region and credentials (endpoint, addressing style,
/// dualstack/fips/accelerate, expiry policy). A builder: not for concurrent mutation.
#[derive(Default)]
pub struct presigner_s3_options {
    endpoint_url: Option<String>,
    addressing_style: AddressingStyle,
    dualstack: bool,
    fips: bool,
    accelerate: bool,
    expiry_policy: ExpiryPolicy,
}

/// An S3 presigner. Immutable after creation and safe to use from many threads at once.
pub struct presigner_s3 {
    inner: S3Presigner,
}

/// Per-request options (expires_in, headers, query, version id, response overrides, signing
/// time). A builder: mutate from one thread; once built it may be read by many threads.
pub struct presigner_presign_options {
    inner: PresignOptions,
}

/// Scope, time and canonicalization settings for `presigner_presign_url` and
/// `presigner_sign_request`. A builder like `presigner_presign_options`.
pub struct presigner_signing_params {
    region: String,
    service: String,
    now: Option<SystemTime>,
    settings: Option<SigningSettings>,
    expiry_policy: ExpiryPolicy,
}

/// A presigned request (URL, method, headers to send, signed headers, times, canonical
/// request, string-to-sign, signature). Immutable.
pub struct presigner_presigned {
    url: OutStr,
    method: OutStr,
    headers: Vec<(OutStr, OutStr)>,
    signed_headers: Vec<OutStr>,
    signed_at: i64,
    expires_at: i64,
    signature: OutStr,
    canonical_request: OutStr,
    string_to_sign: OutStr,
}

/// A request signed with an Authorization header: the headers to add and the details.
pub struct presigner_signed {
    headers: Vec<(OutStr, OutStr)>,
    signed_headers: Vec<OutStr>,
    signed_at: i64,
    signature: OutStr,
    authorization: OutStr,
    canonical_request: OutStr,
    string_to_sign: OutStr,
}

/// The URLs of `presigner_s3_presign_many`, in the order of the keys.
pub struct presigner_url_list {
    urls: Vec<OutStr>,
}

impl From<PresignedRequest> for presigner_presigned {
    fn from(r: PresignedRequest) -> Self {
        presigner_presigned {
            url: OutStr::new(&r.url),
            method: OutStr::new(&r.method),
            headers: pairs(&r.headers),
            signed_headers: r.signed_headers.iter().map(|s| OutStr::new(s)).collect(),
            signed_at: system_time_to_unix(r.signed_at),
            expires_at: system_time_to_unix(r.expires_at),
            signature: OutStr::new(&r.signature),
            canonical_request: OutStr::new(&r.canonical_request),
            string_to_sign: OutStr::new(&r.string_to_sign),
        }
    }
}

/// Straight from the signer's borrowed result: one copy of each field instead of two.
impl From<&PresignedView<'_>> for presigner_presigned {
    fn from(v: &PresignedView<'_>) -> Self {
        presigner_presigned {
            url: OutStr::new(v.url),
            method: OutStr::new(v.method),
            headers: v
                .headers()
                .map(|(n, v)| (OutStr::new(n), OutStr::new(v)))
                .collect(),
            signed_headers: v.signed_headers().map(OutStr::new).collect(),
            signed_at: system_time_to_unix(v.signed_at),
            expires_at: system_time_to_unix(v.expires_at),
            signature: OutStr::new(v.signature),
            canonical_request: OutStr::new(v.canonical_request),
            string_to_sign: OutStr::new(v.string_to_sign),
        }
    }
}

impl From<SignedRequest> for presigner_signed {
    fn from(r: SignedRequest) -> Self {
        presigner_signed {
            headers: pairs(&r.headers),
            signed_headers: r.signed_headers.iter().map(|s| OutStr::new(s)).collect(),
            signed_at: system_time_to_unix(r.signed_at),
            signature: OutStr::new(&r.signature),
            authorization: OutStr::new(&r.authorization),
            canonical_request: OutStr::new(&r.canonical_request),
            string_to_sign: OutStr::new(&r.string_to_sign),
        }
    }
}

fn pairs(v: &[(String, String)]) -> Vec<(OutStr, OutStr)> {
    v.iter()
        .map(|(n, v)| (OutStr::new(n), OutStr::new(v)))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Errors, the last-error slot and the shim
// ---------------------------------------------------------------------------------------------

/// A failure on its way out: a status and the message for `presigner_last_error_message`.
#[derive(Debug)]
pub struct FfiError {
    pub status: presigner_status,
    pub message: String,
}

impl FfiError {
    fn new(status: presigner_status, message: impl Into<String>) -> Self {
        FfiError {
            status,
            message: message.into(),
        }
    }
    fn null(what: &str) -> Self {
        Self::new(
            presigner_status::NullArgument,
            format!("{what} must not be NULL"),
        )
    }
}

impl From<CoreError> for FfiError {
    fn from(e: CoreError) -> Self {
        FfiError::new(presigner_status::from_kind(e.kind()), e.to_string())
    }
}

type FfiResult<T> = Result<T, FfiError>;

thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

fn set_last_error(message: &str) {
    let _ = LAST_ERROR.try_with(|slot| {
        if let Ok(mut s) = slot.try_borrow_mut() {
            s.clear();
            s.push_str(message);
        }
    });
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        format!("panic in presigner: {s}")
    } else if let Some(s) = payload.downcast_ref::<String>() {
        format!("panic in presigner: {s}")
    } else {
        "panic in presigner".to_owned()
    }
}

/// Runs `f` inside `catch_unwind`; records the message of a failure for this thread.
fn shim(f: impl FnOnce() -> FfiResult<()>) -> presigner_status {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => presigner_status::Ok,
        Ok(Err(e)) => {
            set_last_error(&e.message);
            e.status
        }
        Err(payload) => {
            set_last_error(&panic_message(payload.as_ref()));
            presigner_status::Panic
        }
    }
}

/// Drops a boxed handle, never unwinding into C.
unsafe fn free_handle<T>(p: *mut T) {
    if p.is_null() {
        return;
    }
    // SAFETY: the caller passes a pointer made by Box::into_raw in this crate, once.
    let b = unsafe { Box::from_raw(p) };
    let _ = catch_unwind(AssertUnwindSafe(move || drop(b)));
}

// ---------------------------------------------------------------------------------------------
// Argument helpers
// ---------------------------------------------------------------------------------------------

/// A required string: NULL with length 0 is the empty string; NULL otherwise is an error.
unsafe fn str_arg<'a>(ptr: *const c_char, len: usize, what: &str) -> FfiResult<&'a str> {
    if ptr.is_null() {
        if len == 0 {
            return Ok("");
        }
        return Err(FfiError::null(what));
    }
    if len > isize::MAX as usize {
        return Err(FfiError::new(
            presigner_status::NullArgument,
            format!("{what}: length {len} is impossibly large"),
        ));
    }
    // SAFETY: the caller guarantees `len` readable bytes at `ptr`.
    let bytes = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) };
    std::str::from_utf8(bytes).map_err(|e| {
        FfiError::new(
            presigner_status::InvalidUtf8,
            format!(
                "{what} is not valid UTF-8 (invalid byte at offset {})",
                e.valid_up_to()
            ),
        )
    })
}

/// An optional string: NULL means absent.
unsafe fn opt_str_arg<'a>(
    ptr: *const c_char,
    len: usize,
    what: &str,
) -> FfiResult<Option<&'a str>> {
    if ptr.is_null() {
        Ok(None)
    } else {
        // SAFETY: forwarded contract.
        unsafe { str_arg(ptr, len, what) }.map(Some)
    }
}

/// A `presigner_str` argument (same rules as `str_arg`).
unsafe fn view_arg<'a>(s: &presigner_str, what: &str) -> FfiResult<&'a str> {
    // SAFETY: forwarded contract.
    unsafe { str_arg(s.data, s.len, what) }
}

/// Raw bytes: NULL with length 0 is empty.
unsafe fn bytes_arg<'a>(ptr: *const u8, len: usize, what: &str) -> FfiResult<&'a [u8]> {
    if ptr.is_null() {
        if len == 0 {
            return Ok(&[]);
        }
        return Err(FfiError::null(what));
    }
    if len > isize::MAX as usize {
        return Err(FfiError::new(
            presigner_status::NullArgument,
            format!("{what}: length {len} is impossibly large"),
        ));
    }
    // SAFETY: the caller guarantees `len` readable bytes at `ptr`.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// An array of `T`: NULL with count 0 is empty.
unsafe fn array_arg<'a, T>(ptr: *const T, len: usize, what: &str) -> FfiResult<&'a [T]> {
    if ptr.is_null() {
        if len == 0 {
            return Ok(&[]);
        }
        return Err(FfiError::null(what));
    }
    if len > isize::MAX as usize / std::mem::size_of::<T>().max(1) {
        return Err(FfiError::new(
            presigner_status::NullArgument,
            format!("{what}: count {len} is impossibly large"),
        ));
    }
    // SAFETY: the caller guarantees `len` readable elements at `ptr`.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

unsafe fn handle<'a, T>(p: *const T, what: &str) -> FfiResult<&'a T> {
    // SAFETY: the caller passes NULL or a live handle.
    unsafe { p.as_ref() }.ok_or_else(|| FfiError::null(what))
}

unsafe fn handle_mut<'a, T>(p: *mut T, what: &str) -> FfiResult<&'a mut T> {
    // SAFETY: the caller passes NULL or a live handle not used concurrently.
    unsafe { p.as_mut() }.ok_or_else(|| FfiError::null(what))
}

/// Checks an out-pointer before any work so that nothing is computed for nothing.
fn check_out<T>(p: *mut T, what: &str) -> FfiResult<()> {
    if p.is_null() {
        Err(FfiError::null(what))
    } else {
        Ok(())
    }
}

/// Writes an out-parameter (only ever called on the success path).
unsafe fn write_out<T>(p: *mut T, value: T) {
    // SAFETY: `p` was checked non-NULL by `check_out`; the caller guarantees it is writable.
    unsafe { p.write(value) }
}

fn boxed<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Unix seconds (possibly negative) as a `SystemTime`; the core rejects times before 1970.
fn unix_time(unix: i64) -> SystemTime {
    if unix >= 0 {
        UNIX_EPOCH + Duration::from_secs(unix as u64)
    } else {
        UNIX_EPOCH - Duration::from_secs(unix.unsigned_abs())
    }
}

fn out_of_range(what: &str, i: usize, count: usize) -> FfiError {
    FfiError::new(
        presigner_status::IndexOutOfRange,
        format!("{what} index {i} is out of range (count {count})"),
    )
}

fn header_at(v: &[(OutStr, OutStr)], i: usize) -> FfiResult<presigner_header> {
    let (n, x) = v.get(i).ok_or_else(|| out_of_range("header", i, v.len()))?;
    Ok(presigner_header {
        name: n.view(),
        value: x.view(),
    })
}

fn str_at(v: &[OutStr], i: usize, what: &str) -> FfiResult<presigner_str> {
    v.get(i)
        .map(OutStr::view)
        .ok_or_else(|| out_of_range(what, i, v.len()))
}

// ---------------------------------------------------------------------------------------------
// Library-level functions
// ---------------------------------------------------------------------------------------------

/// The library version (static NUL-terminated string, e.g. "0.1.0"). Never fails.
#[no_mangle]
pub extern "C" fn presigner_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The stable code string of a status value ("ok", "invalid_expiry", "null_argument", …;
/// "unknown_status" for a value that is not a status). Static and NUL-terminated. Never fails.
#[no_mangle]
pub extern "C" fn presigner_status_str(status: u32) -> *const c_char {
    presigner_status::all()
        .iter()
        .find(|s| **s as u32 == status)
        .map_or("unknown_status\0", |s| s.code_nul())
        .as_ptr()
        .cast()
}

/// Length in bytes (without the NUL) of this thread's last failure message; 0 if none.
/// Never fails.
#[no_mangle]
pub extern "C" fn presigner_last_error_length() -> usize {
    LAST_ERROR
        .try_with(|s| s.try_borrow().map_or(0, |s| s.len()))
        .unwrap_or(0)
}

/// Copies this thread's last failure message, NUL-terminated, into `buf` (capacity
/// `buf_len`) and stores its length (without the NUL) in `*out_len`. Returns
/// `PRESIGNER_STATUS_BUFFER_TOO_SMALL` and writes nothing when `buf_len` is less than
/// `presigner_last_error_length() + 1`. This function never changes the last error itself.
/// The message stays until the next failing call on the same thread.
#[no_mangle]
pub unsafe extern "C" fn presigner_last_error_message(
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> presigner_status {
    let r = catch_unwind(AssertUnwindSafe(|| -> presigner_status {
        if buf.is_null() || out_len.is_null() {
            return presigner_status::NullArgument;
        }
        let msg = LAST_ERROR
            .try_with(|s| s.try_borrow().map(|s| s.clone()).unwrap_or_default())
            .unwrap_or_default();
        if buf_len < msg.len() + 1 {
            return presigner_status::BufferTooSmall;
        }
        // SAFETY: `buf` has room for `buf_len >= msg.len() + 1` bytes (caller contract).
        unsafe {
            std::ptr::copy_nonoverlapping(msg.as_ptr(), buf.cast::<u8>(), msg.len());
            *buf.add(msg.len()) = 0;
            out_len.write(msg.len());
        }
        presigner_status::Ok
    }));
    r.unwrap_or(presigner_status::Panic)
}

/// Panics inside the boundary on purpose and returns `PRESIGNER_STATUS_PANIC`: lets bindings
/// test their handling of that status. Has no other effect.
#[no_mangle]
pub extern "C" fn presigner_debug_panic() -> presigner_status {
    shim(|| panic!("presigner_debug_panic was called"))
}

// ---------------------------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------------------------

fn wrap_credentials(c: Credentials) -> presigner_credentials {
    presigner_credentials {
        access_key_id: OutStr::new(c.access_key_id()),
        inner: c,
    }
}

/// Makes credentials. `session_token` may be NULL (long-term keys); `expires_at_unix` may be
/// NULL (no expiry) or point to the Unix seconds at which temporary credentials expire.
#[no_mangle]
pub unsafe extern "C" fn presigner_credentials_new(
    access_key_id: *const c_char,
    access_key_id_len: usize,
    secret_access_key: *const c_char,
    secret_access_key_len: usize,
    session_token: *const c_char,
    session_token_len: usize,
    expires_at_unix: *const i64,
    out: *mut *mut presigner_credentials,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        // SAFETY: caller contract for every argument.
        let akid = unsafe { str_arg(access_key_id, access_key_id_len, "access_key_id") }?;
        let secret = unsafe {
            str_arg(
                secret_access_key,
                secret_access_key_len,
                "secret_access_key",
            )
        }?;
        let token = unsafe { opt_str_arg(session_token, session_token_len, "session_token") }?;
        let expires = unsafe { expires_at_unix.as_ref() }.map(|u| unix_time(*u));
        let c = Credentials::with_session(akid, secret, token.map(str::to_owned), expires)?;
        unsafe { write_out(out, boxed(wrap_credentials(c))) };
        Ok(())
    })
}

/// Credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and
/// AWS_CREDENTIAL_EXPIRATION (RFC 3339).
#[no_mangle]
pub unsafe extern "C" fn presigner_credentials_from_env(
    out: *mut *mut presigner_credentials,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let c = Credentials::from_env()?;
        unsafe { write_out(out, boxed(wrap_credentials(c))) };
        Ok(())
    })
}

/// Credentials of a profile of the shared credentials/config files. `profile` may be NULL
/// (AWS_PROFILE, else "default").
#[no_mangle]
pub unsafe extern "C" fn presigner_credentials_from_profile(
    profile: *const c_char,
    profile_len: usize,
    out: *mut *mut presigner_credentials,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let name = unsafe { opt_str_arg(profile, profile_len, "profile") }?;
        let c = Credentials::from_profile(name)?;
        unsafe { write_out(out, boxed(wrap_credentials(c))) };
        Ok(())
    })
}

/// The default chain: environment, then the shared files' profile.
#[no_mangle]
pub unsafe extern "C" fn presigner_credentials_from_default_chain(
    out: *mut *mut presigner_credentials,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let c = Credentials::from_default_chain()?;
        unsafe { write_out(out, boxed(wrap_credentials(c))) };
        Ok(())
    })
}

/// The access key id (borrowed from `creds`). The secret is never readable through this API.
#[no_mangle]
pub unsafe extern "C" fn presigner_credentials_access_key_id(
    creds: *const presigner_credentials,
    out: *mut presigner_str,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let c = unsafe { handle(creds, "creds") }?;
        unsafe { write_out(out, c.access_key_id.view()) };
        Ok(())
    })
}

/// Frees credentials. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn presigner_credentials_free(creds: *mut presigner_credentials) {
    unsafe { free_handle(creds) }
}

// ---------------------------------------------------------------------------------------------
// S3 presigner
// ---------------------------------------------------------------------------------------------

/// New S3 options with the defaults: AWS endpoint, addressing style "auto", no dualstack /
/// fips / accelerate, expiry policy "error".
#[no_mangle]
pub unsafe extern "C" fn presigner_s3_options_new(
    out: *mut *mut presigner_s3_options,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        unsafe { write_out(out, boxed(presigner_s3_options::default())) };
        Ok(())
    })
}

/// Sets a custom endpoint such as "http://127.0.0.1:9000" (checked by `presigner_s3_new`).
/// NULL clears it.
#[no_mangle]
pub unsafe extern "C" fn presigner_s3_options_set_endpoint_url(
    options: *mut presigner_s3_options,
    endpoint_url: *const c_char,
    endpoint_url_len: usize,
) -> presigner_status {
    shim(|| {
        let o = unsafe { handle_mut(options, "options") }?;
        let v = unsafe { opt_str_arg(endpoint_url, endpoint_url_len, "endpoint_url") }?;
        o.endpoint_url = v.map(str::to_owned);
        Ok(())
    })
}

/// Sets the addressing style: "auto", "virtual" or "path".
#[no_mangle]
pub unsafe extern "C" fn presigner_s3_options_set_addressing_style(
    options: *mut presigner_s3_options,
    style: *const c_char,
    style_len: usize,
) -> presigner_status {
    shim(|| {
        let o = unsafe { handle_mut(options, "options") }?;
        let v = unsafe { str_arg(style, style_len, "addressing_style") }?;
        o.addressing_style = v.parse()?;
        Ok(())
    })
}

/// Sets the expiry policy for credentials that expire before the URL: "error", "clamp" or
/// "allow".
#[no_mangle]
pub unsafe extern "C" fn presigner_s3_options_set_expiry_policy(
    options: *mut presigner_s3_options,
    policy: *const c_char,
    policy_len: usize,
) -> presigner_status {
    shim(|| {
        let o = unsafe { handle_mut(options, "options") }?;
        let v = unsafe { str_arg(policy, policy_len, "expiry_policy") }?;
        o.expiry_policy = v.parse()?;
        Ok(())
    })
}

/// Uses the dual-stack (IPv6) endpoint.
#[no_mangle]
pub unsafe extern "C" fn presigner_s3_options_set_dualstack(
    options: *mut presigner_s3_options,
    value: bool,
) -> presigner_status {
    shim(|| {
        unsafe { handle_mut(options, "options") }?.dualstack = value;
        Ok(())
    })
}

/// Uses the FIPS endpoint.
#[no_mangle]
pub unsafe extern "C" fn presigner_s3_options_set_fips(
    options: *mut presigner_s3_options,
    value: bool,
) -> presigner_status {
    shim(|| {
        unsafe { handle_mut(options, "options") }?.fips = value;
        Ok(())
    })
}

/// Uses the Transfer Acceleration endpoint.
#[no_mangle]
pub unsafe extern "C" fn presigner_s3_options_set_accelerate(
    options: *mut presigner_s3_options,
    value: bool,
) -> presigner_status {
    shim(|| {
        unsafe { handle_mut(options, "options") }?.accelerate = value;
        Ok(())
    })
}

/// Frees S3 options. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn presigner_s3_options_free(options: *mut presigner_s3_options) {
    unsafe { free_handle(options) }
}

/// Makes an S3 presigner for `region` signing with (a copy of) `creds`. `options` may be NULL
/// (defaults). `creds` and `options` may be freed right after this call.
#[no_mangle]
pub unsafe extern "C" fn presigner_s3_new(
    region: *const c_char,
    region_len: usize,
    creds: *const presigner_credentials,
    options: *const presigner_s3_options,
    out: *mut *mut presigner_s3,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let region = unsafe { str_arg(region, region_len, "region") }?;
        let creds = unsafe { handle(creds, "creds") }?;
        let mut config = S3Config::new(region, creds.inner.clone());
        if let Some(o) = unsafe { options.as_ref() } {
            config.endpoint_url = o.endpoint_url.clone();
            config.addressing_style = o.addressing_style;
            config.dualstack = o.dualstack;
            config.fips = o.fips;
            config.accelerate = o.accelerate;
            config.expiry_policy = o.expiry_policy;
        }
        let s3 = S3Presigner::new(config)?;
        unsafe { write_out(out, boxed(presigner_s3 { inner: s3 })) };
        Ok(())
    })
}

/// Frees an S3 presigner. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn presigner_s3_free(s3: *mut presigner_s3) {
    unsafe { free_handle(s3) }
}

fn options_or_default<'a>(o: *const presigner_presign_options) -> &'a PresignOptions {
    static DEFAULT_OPTIONS: std::sync::OnceLock<PresignOptions> = std::sync::OnceLock::new();
    // SAFETY: the caller passes NULL or a live handle.
    match unsafe { o.as_ref() } {
        Some(o) => &o.inner,
        None => DEFAULT_OPTIONS.get_or_init(PresignOptions::default),
    }
}

/// Presigns `method` on `bucket`/`key` (the key is taken literally). `options` may be NULL
/// (3600 s, the system clock). Thread-safe: `s3` and `options` are only read.
#[no_mangle]
pub unsafe extern "C" fn presigner_s3_presign(
    s3: *const presigner_s3,
    method: *const c_char,
    method_len: usize,
    bucket: *const c_char,
    bucket_len: usize,
    key: *const c_char,
    key_len: usize,
    options: *const presigner_presign_options,
    out: *mut *mut presigner_presigned,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let s3 = unsafe { handle(s3, "s3") }?;
        let method = unsafe { str_arg(method, method_len, "method") }?;
        let bucket = unsafe { str_arg(bucket, bucket_len, "bucket") }?;
        let key = unsafe { str_arg(key, key_len, "key") }?;
        let r = s3
            .inner
            .presign_with(method, bucket, key, options_or_default(options), |v| {
                presigner_presigned::from(v)
            })?;
        unsafe { write_out(out, boxed(r)) };
        Ok(())
    })
}

/// Presigns `method` on `bucket`/`key` like `presigner_s3_presign` but computes and returns
/// only the URL (faster: no canonical request, headers or other fields are kept). `*out` is a
/// list holding that one URL (`presigner_url_list_get(list, 0, …)`).
#[no_mangle]
pub unsafe extern "C" fn presigner_s3_presign_url_only(
    s3: *const presigner_s3,
    method: *const c_char,
    method_len: usize,
    bucket: *const c_char,
    bucket_len: usize,
    key: *const c_char,
    key_len: usize,
    options: *const presigner_presign_options,
    out: *mut *mut presigner_url_list,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let s3 = unsafe { handle(s3, "s3") }?;
        let method = unsafe { str_arg(method, method_len, "method") }?;
        let bucket = unsafe { str_arg(bucket, bucket_len, "bucket") }?;
        let key = unsafe { str_arg(key, key_len, "key") }?;
        let url = s3
            .inner
            .presign_url_only(method, bucket, key, options_or_default(options))?;
        let list = presigner_url_list {
            urls: vec![OutStr::new(&url)],
        };
        unsafe { write_out(out, boxed(list)) };
        Ok(())
    })
}

/// Copies `s` into the caller's buffer `buf` (capacity `buf_cap`) and stores its length in
/// `*len`; when it does not fit, stores the needed length, leaves `buf` untouched and fails
/// with `PRESIGNER_STATUS_BUFFER_TOO_SMALL`.
unsafe fn copy_into_buffer(
    s: &[u8],
    buf: *mut c_char,
    buf_cap: usize,
    len: *mut usize,
) -> FfiResult<()> {
    if s.len() > buf_cap {
        // SAFETY: `len` was checked non-NULL by the caller.
        unsafe { write_out(len, s.len()) };
        return Err(FfiError::new(
            presigner_status::BufferTooSmall,
            format!(
                "buffer too small: {} bytes needed, capacity {buf_cap}",
                s.len()
            ),
        ));
    }
    if !s.is_empty() {
        // SAFETY: `buf` is non-NULL (checked by the caller when `buf_cap > 0`, and
        // `s.len() <= buf_cap`) and has `buf_cap` writable bytes; Rust memory never overlaps it.
        unsafe { std::ptr::copy_nonoverlapping(s.as_ptr(), buf.cast::<u8>(), s.len()) };
    }
    unsafe { write_out(len, s.len()) };
    Ok(())
}

/// A caller buffer argument: NULL is allowed only with capacity 0.
fn check_buffer(buf: *mut c_char, buf_cap: usize) -> FfiResult<()> {
    if buf.is_null() && buf_cap != 0 {
        return Err(FfiError::new(
            presigner_status::NullArgument,
            format!("buf must not be NULL when buf_cap ({buf_cap}) is not 0"),
        ));
    }
    Ok(())
}

/// Presigns `method` on `bucket`/`key` (the key is taken literally) and writes only the URL
/// into the caller's buffer, in one call and without a handle to free.
///
/// `expires_in` is the lifetime in seconds (1..=604800); the signing time is `now_unix` when
/// `has_now` is true, else the system clock. `options` may be NULL (no headers, query, version
/// id or response overrides); when given, its headers, query, version id and response
/// overrides are used and its own expires_in and now are ignored (the scalars win). `s3` and
/// `options` are only read (thread-safe).
///
/// On success the URL (UTF-8, not NUL-terminated) is in `buf[0 .. *url_len]`. When `buf_cap`
/// is less than the URL's length the call returns `PRESIGNER_STATUS_BUFFER_TOO_SMALL`, stores
/// the needed length in `*url_len` (the caller-buffer exception to the Outputs rule) and leaves
/// `buf` untouched: call again with a buffer of at least that size (the same inputs and
/// signing time give the same URL). `buf` may be NULL when `buf_cap` is 0 (to ask for the
/// length). `url_len` must not be NULL.
#[no_mangle]
pub unsafe extern "C" fn presigner_s3_presign_url_into(
    s3: *const presigner_s3,
    method: *const c_char,
    method_len: usize,
    bucket: *const c_char,
    bucket_len: usize,
    key: *const c_char,
    key_len: usize,
    expires_in: i64,
    has_now: bool,
    now_unix: i64,
    options: *const presigner_presign_options,
    buf: *mut c_char,
    buf_cap: usize,
    url_len: *mut usize,
) -> presigner_status {
    shim(|| {
        check_out(url_len, "url_len")?;
        check_buffer(buf, buf_cap)?;
        let s3 = unsafe { handle(s3, "s3") }?;
        let method = unsafe { str_arg(method, method_len, "method") }?;
        let bucket = unsafe { str_arg(bucket, bucket_len, "bucket") }?;
        let key = unsafe { str_arg(key, key_len, "key") }?;
        let now = has_now.then(|| unix_time(now_unix));
        // SAFETY: the caller passes NULL or a live handle.
        let url = match unsafe { options.as_ref() } {
            None => {
                let o = PresignOptions {
                    expires_in,
                    now,
                    ..PresignOptions::default()
                };
                s3.inner.presign_url_only(method, bucket, key, &o)?
            }
            Some(o) if o.inner.expires_in == expires_in && o.inner.now == now => {
                s3.inner.presign_url_only(method, bucket, key, &o.inner)?
            }
            Some(o) => {
                let o = PresignOptions {
                    expires_in,
                    now,
                    ..o.inner.clone()
                };
                s3.inner.presign_url_only(method, bucket, key, &o)?
            }
        };
        unsafe { copy_into_buffer(url.as_bytes(), buf, buf_cap, url_len) }
    })
}

/// Presigns the same request for `keys_len` keys at one signing time; stops at the first
/// invalid key. `keys` may be NULL when `keys_len` is 0.
#[no_mangle]
pub unsafe extern "C" fn presigner_s3_presign_many(
    s3: *const presigner_s3,
    method: *const c_char,
    method_len: usize,
    bucket: *const c_char,
    bucket_len: usize,
    keys: *const presigner_str,
    keys_len: usize,
    options: *const presigner_presign_options,
    out: *mut *mut presigner_url_list,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let s3 = unsafe { handle(s3, "s3") }?;
        let method = unsafe { str_arg(method, method_len, "method") }?;
        let bucket = unsafe { str_arg(bucket, bucket_len, "bucket") }?;
        let raw = unsafe { array_arg(keys, keys_len, "keys") }?;
        let keys = raw
            .iter()
            .enumerate()
            .map(|(i, k)| unsafe { view_arg(k, &format!("keys[{i}]")) })
            .collect::<FfiResult<Vec<&str>>>()?;
        let urls = s3
            .inner
            .presign_many(method, bucket, &keys, options_or_default(options))?;
        let list = presigner_url_list {
            urls: urls.iter().map(|u| OutStr::new(u)).collect(),
        };
        unsafe { write_out(out, boxed(list)) };
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// Per-request options
// ---------------------------------------------------------------------------------------------

/// New options: expires_in 3600, no headers/query/version/overrides, the system clock.
#[no_mangle]
pub unsafe extern "C" fn presigner_presign_options_new(
    out: *mut *mut presigner_presign_options,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let o = presigner_presign_options {
            inner: PresignOptions::default(),
        };
        unsafe { write_out(out, boxed(o)) };
        Ok(())
    })
}

/// Seconds the URL stays valid (checked when presigning: 1..=604800).
#[no_mangle]
pub unsafe extern "C" fn presigner_presign_options_set_expires_in(
    options: *mut presigner_presign_options,
    expires_in: i64,
) -> presigner_status {
    shim(|| {
        unsafe { handle_mut(options, "options") }?.inner.expires_in = expires_in;
        Ok(())
    })
}

/// The signing time as Unix seconds (instead of the system clock).
#[no_mangle]
pub unsafe extern "C" fn presigner_presign_options_set_now(
    options: *mut presigner_presign_options,
    unix_seconds: i64,
) -> presigner_status {
    shim(|| {
        unsafe { handle_mut(options, "options") }?.inner.now = Some(unix_time(unix_seconds));
        Ok(())
    })
}

/// Adds a header to sign; the client must send it with exactly this value.
#[no_mangle]
pub unsafe extern "C" fn presigner_presign_options_add_header(
    options: *mut presigner_presign_options,
    name: *const c_char,
    name_len: usize,
    value: *const c_char,
    value_len: usize,
) -> presigner_status {
    shim(|| {
        let o = unsafe { handle_mut(options, "options") }?;
        let n = unsafe { str_arg(name, name_len, "header name") }?;
        let v = unsafe { str_arg(value, value_len, "header value") }?;
        o.inner.headers.push((n.to_owned(), v.to_owned()));
        Ok(())
    })
}

/// Adds a raw (unencoded) query parameter, e.g. partNumber / uploadId.
#[no_mangle]
pub unsafe extern "C" fn presigner_presign_options_add_query(
    options: *mut presigner_presign_options,
    name: *const c_char,
    name_len: usize,
    value: *const c_char,
    value_len: usize,
) -> presigner_status {
    shim(|| {
        let o = unsafe { handle_mut(options, "options") }?;
        let n = unsafe { str_arg(name, name_len, "query name") }?;
        let v = unsafe { str_arg(value, value_len, "query value") }?;
        o.inner.query.push((n.to_owned(), v.to_owned()));
        Ok(())
    })
}

/// The object version (`versionId`); NULL clears it.
#[no_mangle]
pub unsafe extern "C" fn presigner_presign_options_set_version_id(
    options: *mut presigner_presign_options,
    version_id: *const c_char,
    version_id_len: usize,
) -> presigner_status {
    shim(|| {
        let o = unsafe { handle_mut(options, "options") }?;
        let v = unsafe { opt_str_arg(version_id, version_id_len, "version_id") }?;
        o.inner.version_id = v.map(str::to_owned);
        Ok(())
    })
}

/// Sets a `response-*` override: `name` is one of "content-type", "content-disposition",
/// "content-language", "content-encoding", "cache-control", "expires" (a "response-" prefix
/// is accepted). A NULL `value` clears it. Unknown names → PRESIGNER_STATUS_INVALID_OPTION.
#[no_mangle]
pub unsafe extern "C" fn presigner_presign_options_set_response_override(
    options: *mut presigner_presign_options,
    name: *const c_char,
    name_len: usize,
    value: *const c_char,
    value_len: usize,
) -> presigner_status {
    shim(|| {
        let o = unsafe { handle_mut(options, "options") }?;
        let n = unsafe { str_arg(name, name_len, "override name") }?;
        let v = unsafe { opt_str_arg(value, value_len, "override value") }?.map(str::to_owned);
        let r = &mut o.inner.response;
        let field = match n.strip_prefix("response-").unwrap_or(n) {
            "content-type" => &mut r.content_type,
            "content-disposition" => &mut r.content_disposition,
            "content-language" => &mut r.content_language,
            "content-encoding" => &mut r.content_encoding,
            "cache-control" => &mut r.cache_control,
            "expires" => &mut r.expires,
            other => {
                return Err(FfiError::new(
                    presigner_status::InvalidOption,
                    format!(
                        "invalid option response override: unknown name {other:?} (expected \
                         content-type, content-disposition, content-language, content-encoding, \
                         cache-control or expires)"
                    ),
                ))
            }
        };
        *field = v;
        Ok(())
    })
}

/// How many entries of `lens` follow the header and query pairs in
/// `presigner_presign_options_new_packed`: the version id and the six response overrides.
pub const PRESIGNER_PACKED_OPTIONAL_FIELDS: usize = 7;

/// Builds options in one call from strings packed into one buffer (for bindings that would
/// otherwise make one call per field; the buffers hold no pointers).
///
/// `strings` (`strings_len` bytes, may be NULL when 0) holds every string back to back, UTF-8,
/// no separators; `lens` (`lens_len` entries) gives their lengths in this order:
///   - `header_count` pairs: header name, header value (as `presigner_presign_options_add_header`);
///   - `query_count` pairs: query name, raw value (as `presigner_presign_options_add_query`);
///   - `PRESIGNER_PACKED_OPTIONAL_FIELDS` (7) optional strings, a length of 0 leaving the field
///     unset: version id, then the response overrides content-type, content-disposition,
///     content-language, content-encoding, cache-control, expires.
///
/// So `lens_len` must be `2 * header_count + 2 * query_count + 7` and the lengths must add up
/// to `strings_len`, else PRESIGNER_STATUS_INVALID_OPTION. `expires_in` and the signing time
/// (`now_unix` when `has_now`, else the system clock) are set as by the setters. The result
/// equals a handle made with `presigner_presign_options_new` and those setters; free it with
/// `presigner_presign_options_free`.
#[no_mangle]
pub unsafe extern "C" fn presigner_presign_options_new_packed(
    expires_in: i64,
    has_now: bool,
    now_unix: i64,
    strings: *const c_char,
    strings_len: usize,
    lens: *const usize,
    lens_len: usize,
    header_count: usize,
    query_count: usize,
    out: *mut *mut presigner_presign_options,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let o = unsafe {
            unpack_options(
                expires_in,
                has_now,
                now_unix,
                strings,
                strings_len,
                lens,
                lens_len,
                header_count,
                query_count,
            )
        }?;
        unsafe { write_out(out, boxed(presigner_presign_options { inner: o })) };
        Ok(())
    })
}

/// The options of `presigner_presign_options_new_packed` (see there for the layout).
#[allow(clippy::too_many_arguments)]
unsafe fn unpack_options(
    expires_in: i64,
    has_now: bool,
    now_unix: i64,
    strings: *const c_char,
    strings_len: usize,
    lens: *const usize,
    lens_len: usize,
    header_count: usize,
    query_count: usize,
) -> FfiResult<PresignOptions> {
    let bytes = unsafe { bytes_arg(strings.cast::<u8>(), strings_len, "strings") }?;
    let lens = unsafe { array_arg(lens, lens_len, "lens") }?;
    let expected = header_count
        .checked_add(query_count)
        .and_then(|n| n.checked_mul(2))
        .and_then(|n| n.checked_add(PRESIGNER_PACKED_OPTIONAL_FIELDS));
    if expected != Some(lens_len) {
        return Err(FfiError::new(
            presigner_status::InvalidOption,
            format!(
                "packed options: {lens_len} lengths for {header_count} headers \
                 and {query_count} query parameters (expected 2 * (headers + query) + 7)"
            ),
        ));
    }
    let mut rest = bytes;
    let mut next = |len: usize, what: &str| -> FfiResult<&str> {
        if len > rest.len() {
            return Err(FfiError::new(
                presigner_status::InvalidOption,
                format!("packed options: the lengths exceed strings_len ({strings_len})"),
            ));
        }
        let (head, tail) = rest.split_at(len);
        rest = tail;
        // SAFETY: `head` is a slice of the caller's buffer, valid for this call.
        unsafe { str_arg(head.as_ptr().cast(), head.len(), what) }
    };
    let mut o = PresignOptions {
        expires_in,
        now: has_now.then(|| unix_time(now_unix)),
        ..PresignOptions::default()
    };
    let mut it = lens.iter().copied();
    let mut pairs = |count: usize, n: &str, v: &str| -> FfiResult<Vec<(String, String)>> {
        let mut out = Vec::with_capacity(count);
        for _ in 0..count {
            let name = next(it.next().unwrap_or(0), n)?.to_owned();
            let value = next(it.next().unwrap_or(0), v)?.to_owned();
            out.push((name, value));
        }
        Ok(out)
    };
    o.headers = pairs(header_count, "header name", "header value")?;
    o.query = pairs(query_count, "query name", "query value")?;
    let mut optional = |what: &str| -> FfiResult<Option<String>> {
        let s = next(it.next().unwrap_or(0), what)?;
        Ok((!s.is_empty()).then(|| s.to_owned()))
    };
    o.version_id = optional("version_id")?;
    let r = &mut o.response;
    r.content_type = optional("override value")?;
    r.content_disposition = optional("override value")?;
    r.content_language = optional("override value")?;
    r.content_encoding = optional("override value")?;
    r.cache_control = optional("override value")?;
    r.expires = optional("override value")?;
    if !rest.is_empty() {
        return Err(FfiError::new(
            presigner_status::InvalidOption,
            format!("packed options: the lengths add up to less than strings_len ({strings_len})"),
        ));
    }
    Ok(o)
}

/// Frees options. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn presigner_presign_options_free(options: *mut presigner_presign_options) {
    unsafe { free_handle(options) }
}

// ---------------------------------------------------------------------------------------------
// Generic signing: parameters, presign_url, sign_request
// ---------------------------------------------------------------------------------------------

/// New signing parameters for `region` and `service` (checked when signing). The settings
/// start as the service's preset (S3: path as sent, UNSIGNED-PAYLOAD; others: normalized,
/// double-encoded path, SHA-256 of the body); the setters change one setting of it. While no
/// setter was called, `presigner_sign_request` of S3 signs the SHA-256 of the body (with
/// x-amz-content-sha256), as the AWS SDKs do.
#[no_mangle]
pub unsafe extern "C" fn presigner_signing_params_new(
    region: *const c_char,
    region_len: usize,
    service: *const c_char,
    service_len: usize,
    out: *mut *mut presigner_signing_params,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let region = unsafe { str_arg(region, region_len, "region") }?;
        let service = unsafe { str_arg(service, service_len, "service") }?;
        let p = presigner_signing_params {
            region: region.to_owned(),
            service: service.to_owned(),
            now: None,
            settings: None,
            expiry_policy: ExpiryPolicy::Error,
        };
        unsafe { write_out(out, boxed(p)) };
        Ok(())
    })
}

unsafe fn settings_mut<'a>(p: *mut presigner_signing_params) -> FfiResult<&'a mut SigningSettings> {
    let p = unsafe { handle_mut(p, "params") }?;
    let service = p.service.clone();
    Ok(p.settings
        .get_or_insert_with(|| SigningSettings::for_service(&service)))
}

/// The signing time as Unix seconds (instead of the system clock).
#[no_mangle]
pub unsafe extern "C" fn presigner_signing_params_set_now(
    params: *mut presigner_signing_params,
    unix_seconds: i64,
) -> presigner_status {
    shim(|| {
        unsafe { handle_mut(params, "params") }?.now = Some(unix_time(unix_seconds));
        Ok(())
    })
}

/// Remove dot segments and empty segments from the path before signing.
#[no_mangle]
pub unsafe extern "C" fn presigner_signing_params_set_normalize_path(
    params: *mut presigner_signing_params,
    value: bool,
) -> presigner_status {
    shim(|| {
        unsafe { settings_mut(params) }?.normalize_path = value;
        Ok(())
    })
}

/// Percent-encode the (already encoded) path once more.
#[no_mangle]
pub unsafe extern "C" fn presigner_signing_params_set_double_encode(
    params: *mut presigner_signing_params,
    value: bool,
) -> presigner_status {
    shim(|| {
        unsafe { settings_mut(params) }?.double_encode = value;
        Ok(())
    })
}

/// Uses a precomputed payload hash: 64 hex digits, "UNSIGNED-PAYLOAD" or another upper-case
/// marker; NULL goes back to hashing the body (SHA-256 of the empty body when presigning).
#[no_mangle]
pub unsafe extern "C" fn presigner_signing_params_set_payload_hash(
    params: *mut presigner_signing_params,
    payload_hash: *const c_char,
    payload_hash_len: usize,
) -> presigner_status {
    shim(|| {
        let v = unsafe { opt_str_arg(payload_hash, payload_hash_len, "payload_hash") }?;
        let hash = match v {
            Some(v) => PayloadHash::precomputed(v)?,
            None => PayloadHash::Body,
        };
        unsafe { settings_mut(params) }?.payload_hash = hash;
        Ok(())
    })
}

/// true: the session token is added after signing instead of being signed (IoT WebSockets).
#[no_mangle]
pub unsafe extern "C" fn presigner_signing_params_set_omit_session_token(
    params: *mut presigner_signing_params,
    value: bool,
) -> presigner_status {
    shim(|| {
        unsafe { settings_mut(params) }?.session_token = if value {
            SessionTokenMode::AppendAfterSigning
        } else {
            SessionTokenMode::Signed
        };
        Ok(())
    })
}

/// Header signing only: add and sign x-amz-content-sha256.
#[no_mangle]
pub unsafe extern "C" fn presigner_signing_params_set_content_sha256_header(
    params: *mut presigner_signing_params,
    value: bool,
) -> presigner_status {
    shim(|| {
        unsafe { settings_mut(params) }?.content_sha256_header = value;
        Ok(())
    })
}

/// Expiry policy for `presigner_presign_url`: "error", "clamp" or "allow".
#[no_mangle]
pub unsafe extern "C" fn presigner_signing_params_set_expiry_policy(
    params: *mut presigner_signing_params,
    policy: *const c_char,
    policy_len: usize,
) -> presigner_status {
    shim(|| {
        let p = unsafe { handle_mut(params, "params") }?;
        let v = unsafe { str_arg(policy, policy_len, "expiry_policy") }?;
        p.expiry_policy = v.parse()?;
        Ok(())
    })
}

/// Frees signing parameters. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn presigner_signing_params_free(params: *mut presigner_signing_params) {
    unsafe { free_handle(params) }
}

/// Presigns any AWS request given as a URL (path percent-encoded as on the wire). From
/// `options` (may be NULL) it uses expires_in, headers, query and now (which, when set, wins
/// over the params' now); a version id or response override there is
/// PRESIGNER_STATUS_INVALID_OPTION.
#[no_mangle]
pub unsafe extern "C" fn presigner_presign_url(
    method: *const c_char,
    method_len: usize,
    url: *const c_char,
    url_len: usize,
    creds: *const presigner_credentials,
    params: *const presigner_signing_params,
    options: *const presigner_presign_options,
    out: *mut *mut presigner_presigned,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let method = unsafe { str_arg(method, method_len, "method") }?;
        let url = unsafe { str_arg(url, url_len, "url") }?;
        let creds = unsafe { handle(creds, "creds") }?;
        let p = unsafe { handle(params, "params") }?;
        let o = options_or_default(options);
        if o.version_id.is_some() || o.response != Default::default() {
            return Err(FfiError::new(
                presigner_status::InvalidOption,
                "invalid option version_id/response overrides: only S3 presigning takes them",
            ));
        }
        let url_opts = UrlPresignOptions {
            expires_in: o.expires_in,
            headers: o.headers.clone(),
            query: o.query.clone(),
            expiry_policy: p.expiry_policy,
        };
        let sp = SigningParams {
            credentials: &creds.inner,
            region: &p.region,
            service: &p.service,
            now: o.now.or(p.now),
            settings: p.settings.clone(),
        };
        let r = presigner::presign_url(method, url, &sp, &url_opts)?;
        unsafe { write_out(out, boxed(presigner_presigned::from(r))) };
        Ok(())
    })
}

/// Signs a request with an Authorization header. `headers` (may be NULL when `headers_len`
/// is 0) are the request's headers; `body` (may be NULL when `body_len` is 0) is hashed unless
/// a payload hash was set. The result lists the headers to add.
#[no_mangle]
pub unsafe extern "C" fn presigner_sign_request(
    method: *const c_char,
    method_len: usize,
    url: *const c_char,
    url_len: usize,
    headers: *const presigner_header,
    headers_len: usize,
    body: *const u8,
    body_len: usize,
    creds: *const presigner_credentials,
    params: *const presigner_signing_params,
    out: *mut *mut presigner_signed,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let method = unsafe { str_arg(method, method_len, "method") }?;
        let url = unsafe { str_arg(url, url_len, "url") }?;
        let raw = unsafe { array_arg(headers, headers_len, "headers") }?;
        let mut hs: Vec<(&str, &str)> = Vec::with_capacity(raw.len());
        for (i, h) in raw.iter().enumerate() {
            let n = unsafe { view_arg(&h.name, &format!("headers[{i}].name")) }?;
            let v = unsafe { view_arg(&h.value, &format!("headers[{i}].value")) }?;
            hs.push((n, v));
        }
        let body = unsafe { bytes_arg(body, body_len, "body") }?;
        let creds = unsafe { handle(creds, "creds") }?;
        let p = unsafe { handle(params, "params") }?;
        let sp = SigningParams {
            credentials: &creds.inner,
            region: &p.region,
            service: &p.service,
            now: p.now,
            settings: p.settings.clone(),
        };
        let r = presigner::sign_request(method, url, &hs, body, &sp)?;
        unsafe { write_out(out, boxed(presigner_signed::from(r))) };
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// Result accessors
// ---------------------------------------------------------------------------------------------

/// The presigned URL, exactly as signed.
#[no_mangle]
pub unsafe extern "C" fn presigner_presigned_url(
    presigned: *const presigner_presigned,
    out: *mut presigner_str,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let h = unsafe { handle(presigned, "presigned") }?;
        unsafe { write_out(out, h.url.view()) };
        Ok(())
    })
}

/// The HTTP method the URL is valid for (upper-case).
#[no_mangle]
pub unsafe extern "C" fn presigner_presigned_method(
    presigned: *const presigner_presigned,
    out: *mut presigner_str,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let h = unsafe { handle(presigned, "presigned") }?;
        unsafe { write_out(out, h.method.view()) };
        Ok(())
    })
}

/// The hex signature (also the X-Amz-Signature parameter).
#[no_mangle]
pub unsafe extern "C" fn presigner_presigned_signature(
    presigned: *const presigner_presigned,
    out: *mut presigner_str,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let h = unsafe { handle(presigned, "presigned") }?;
        unsafe { write_out(out, h.signature.view()) };
        Ok(())
    })
}

/// The canonical request that was signed.
#[no_mangle]
pub unsafe extern "C" fn presigner_presigned_canonical_request(
    presigned: *const presigner_presigned,
    out: *mut presigner_str,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let h = unsafe { handle(presigned, "presigned") }?;
        unsafe { write_out(out, h.canonical_request.view()) };
        Ok(())
    })
}

/// The string-to-sign.
#[no_mangle]
pub unsafe extern "C" fn presigner_presigned_string_to_sign(
    presigned: *const presigner_presigned,
    out: *mut presigner_str,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let h = unsafe { handle(presigned, "presigned") }?;
        unsafe { write_out(out, h.string_to_sign.view()) };
        Ok(())
    })
}

/// Unix seconds of X-Amz-Date.
#[no_mangle]
pub unsafe extern "C" fn presigner_presigned_signed_at(
    presigned: *const presigner_presigned,
    out: *mut i64,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let h = unsafe { handle(presigned, "presigned") }?;
        unsafe { write_out(out, h.signed_at) };
        Ok(())
    })
}

/// Unix seconds when the URL stops working (signing time + X-Amz-Expires, or the
/// credentials' expiry when that comes first under policy "allow").
#[no_mangle]
pub unsafe extern "C" fn presigner_presigned_expires_at(
    presigned: *const presigner_presigned,
    out: *mut i64,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let h = unsafe { handle(presigned, "presigned") }?;
        unsafe { write_out(out, h.expires_at) };
        Ok(())
    })
}

/// How many headers the client must send with the URL (every signed header but host).
#[no_mangle]
pub unsafe extern "C" fn presigner_presigned_header_count(
    presigned: *const presigner_presigned,
    out: *mut usize,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let h = unsafe { handle(presigned, "presigned") }?;
        unsafe { write_out(out, h.headers.len()) };
        Ok(())
    })
}

/// Header `index` (< header_count) the client must send, exactly as given.
#[no_mangle]
pub unsafe extern "C" fn presigner_presigned_header(
    presigned: *const presigner_presigned,
    index: usize,
    out: *mut presigner_header,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let h = unsafe { handle(presigned, "presigned") }?;
        unsafe { write_out(out, header_at(&h.headers, index)?) };
        Ok(())
    })
}

/// How many header names were signed (host included).
#[no_mangle]
pub unsafe extern "C" fn presigner_presigned_signed_header_count(
    presigned: *const presigner_presigned,
    out: *mut usize,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let h = unsafe { handle(presigned, "presigned") }?;
        unsafe { write_out(out, h.signed_headers.len()) };
        Ok(())
    })
}

/// Signed header name `index`: lower-case, sorted.
#[no_mangle]
pub unsafe extern "C" fn presigner_presigned_signed_header(
    presigned: *const presigner_presigned,
    index: usize,
    out: *mut presigner_str,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let h = unsafe { handle(presigned, "presigned") }?;
        unsafe { write_out(out, str_at(&h.signed_headers, index, "signed_headers")?) };
        Ok(())
    })
}

/// Every scalar and string field at once (one call instead of nine).
#[no_mangle]
pub unsafe extern "C" fn presigner_presigned_get_fields(
    presigned: *const presigner_presigned,
    out: *mut presigner_presigned_fields,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let p = unsafe { handle(presigned, "presigned") }?;
        let f = presigner_presigned_fields {
            url: p.url.view(),
            method: p.method.view(),
            signature: p.signature.view(),
            canonical_request: p.canonical_request.view(),
            string_to_sign: p.string_to_sign.view(),
            header_count: p.headers.len(),
            signed_header_count: p.signed_headers.len(),
            signed_at: p.signed_at,
            expires_at: p.expires_at,
        };
        unsafe { write_out(out, f) };
        Ok(())
    })
}

/// Number of 64-bit words before the per-header lengths in `presigner_presigned_fields_into`.
pub const PRESIGNER_PRESIGNED_FIELDS_WORDS: usize = 9;

impl presigner_presigned {
    /// The strings in the order of the `presigner_presigned_fields_into` layout.
    fn layout_strings(&self) -> impl Iterator<Item = &str> + Clone {
        [
            &self.url,
            &self.method,
            &self.signature,
            &self.canonical_request,
            &self.string_to_sign,
        ]
        .into_iter()
        .chain(self.headers.iter().flat_map(|(n, v)| [n, v]))
        .chain(self.signed_headers.iter())
        .map(|s| &s.0[..s.0.len() - 1])
    }
}

/// The strings of a presigned view in the order of the `presigner_presigned_fields_into` layout.
fn view_layout_strings<'a>(v: &PresignedView<'a>) -> impl Iterator<Item = &'a str> + Clone + 'a {
    [
        v.url,
        v.method,
        v.signature,
        v.canonical_request,
        v.string_to_sign,
    ]
    .into_iter()
    .chain(v.headers().flat_map(|(n, v)| [n, v]))
    .chain(v.signed_headers())
}

/// Writes the `presigner_presigned_fields_into` layout into the caller's buffer (or the
/// needed length and BUFFER_TOO_SMALL).
unsafe fn write_fields<'a>(
    times: [i64; 2],
    header_count: usize,
    signed_header_count: usize,
    strings: impl Iterator<Item = &'a str> + Clone,
    buf: *mut c_char,
    buf_cap: usize,
    len: *mut usize,
) -> FfiResult<()> {
    let words = PRESIGNER_PRESIGNED_FIELDS_WORDS + 2 * header_count + signed_header_count;
    let text: usize = strings.clone().map(str::len).sum();
    let need = words * 8 + text;
    if need > buf_cap {
        unsafe { write_out(len, need) };
        return Err(FfiError::new(
            presigner_status::BufferTooSmall,
            format!("buffer too small: {need} bytes needed, capacity {buf_cap}"),
        ));
    }
    // SAFETY: `buf` is non-NULL (need > 0 and need <= buf_cap, checked by `check_buffer`)
    // with `buf_cap` writable bytes that no Rust reference aliases.
    let dst = unsafe { std::slice::from_raw_parts_mut(buf.cast::<u8>(), need) };
    let (head, tail) = dst.split_at_mut(words * 8);
    let mut w = head.chunks_exact_mut(8);
    let mut put = |v: u64| {
        if let Some(c) = w.next() {
            c.copy_from_slice(&v.to_le_bytes());
        }
    };
    put(times[0] as u64);
    put(times[1] as u64);
    put(header_count as u64);
    put(signed_header_count as u64);
    let mut at = 0;
    for s in strings {
        put(s.len() as u64);
        tail[at..at + s.len()].copy_from_slice(s.as_bytes());
        at += s.len();
    }
    unsafe { write_out(len, need) };
    Ok(())
}

/// Every field of a presigned request serialized into one caller buffer, for bindings that
/// copy the result out in one call (one allocation on their side).
///
/// Layout (all integers 64-bit little-endian, no padding, no NULs; H = header count, N =
/// signed header count), `PRESIGNER_PRESIGNED_FIELDS_WORDS` (9) words first:
///   - word 0 signed_at, word 1 expires_at (signed Unix seconds), word 2 H, word 3 N,
///   - words 4..=8 the byte lengths of url, method, signature, canonical_request,
///     string_to_sign;
///   - 2 * H words: the lengths of header 0 name, header 0 value, header 1 name, …;
///   - N words: the lengths of the signed header names;
///   - then the UTF-8 bytes of every string in the same order (url, method, signature,
///     canonical_request, string_to_sign, header names and values, signed header names).
///
/// The total is `8 * (9 + 2 * H + N)` plus the string lengths; on success it is stored in
/// `*len`. A buffer that is too small gives PRESIGNER_STATUS_BUFFER_TOO_SMALL with the needed
/// length in `*len` and `buf` untouched (`buf` may be NULL when `buf_cap` is 0).
#[no_mangle]
pub unsafe extern "C" fn presigner_presigned_fields_into(
    presigned: *const presigner_presigned,
    buf: *mut c_char,
    buf_cap: usize,
    len: *mut usize,
) -> presigner_status {
    shim(|| {
        check_out(len, "len")?;
        check_buffer(buf, buf_cap)?;
        let p = unsafe { handle(presigned, "presigned") }?;
        unsafe {
            write_fields(
                [p.signed_at, p.expires_at],
                p.headers.len(),
                p.signed_headers.len(),
                p.layout_strings(),
                buf,
                buf_cap,
                len,
            )
        }
    })
}

/// Presigns like `presigner_s3_presign` and writes every field of the result into the
/// caller's buffer in the `presigner_presigned_fields_into` layout, in one call and without a
/// handle. `options` may be NULL (3600 s, the system clock); `s3` and `options` are only read.
///
/// When `buf_cap` is too small: PRESIGNER_STATUS_BUFFER_TOO_SMALL, the needed length in `*len`,
/// `buf` untouched; the request was signed for nothing, so call again with a larger buffer
/// (with a fixed signing time the result is the same; with the clock it may be signed at a
/// later second). `buf` may be NULL when `buf_cap` is 0.
#[no_mangle]
pub unsafe extern "C" fn presigner_s3_presign_fields_into(
    s3: *const presigner_s3,
    method: *const c_char,
    method_len: usize,
    bucket: *const c_char,
    bucket_len: usize,
    key: *const c_char,
    key_len: usize,
    options: *const presigner_presign_options,
    buf: *mut c_char,
    buf_cap: usize,
    len: *mut usize,
) -> presigner_status {
    shim(|| {
        check_out(len, "len")?;
        check_buffer(buf, buf_cap)?;
        let s3 = unsafe { handle(s3, "s3") }?;
        let method = unsafe { str_arg(method, method_len, "method") }?;
        let bucket = unsafe { str_arg(bucket, bucket_len, "bucket") }?;
        let key = unsafe { str_arg(key, key_len, "key") }?;
        unsafe {
            presign_fields(
                s3,
                method,
                bucket,
                key,
                options_or_default(options),
                buf,
                buf_cap,
                len,
            )
        }
    })
}

/// Presigns and writes the `presigner_presigned_fields_into` layout into the caller's buffer.
#[allow(clippy::too_many_arguments)]
unsafe fn presign_fields(
    s3: &presigner_s3,
    method: &str,
    bucket: &str,
    key: &str,
    options: &PresignOptions,
    buf: *mut c_char,
    buf_cap: usize,
    len: *mut usize,
) -> FfiResult<()> {
    // SAFETY (closure): the caller's buffer contract is the exported function's.
    s3.inner
        .presign_with(method, bucket, key, options, |v| unsafe {
            write_fields(
                [
                    system_time_to_unix(v.signed_at),
                    system_time_to_unix(v.expires_at),
                ],
                v.headers().len(),
                v.signed_header_count(),
                view_layout_strings(v),
                buf,
                buf_cap,
                len,
            )
        })?
}

/// `presigner_s3_presign_fields_into` with the options given packed as in
/// `presigner_presign_options_new_packed` instead of as a handle: one call from arguments to the
/// serialized result, for bindings whose options are plain values (no handle to make and free).
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn presigner_s3_presign_packed_fields_into(
    s3: *const presigner_s3,
    method: *const c_char,
    method_len: usize,
    bucket: *const c_char,
    bucket_len: usize,
    key: *const c_char,
    key_len: usize,
    expires_in: i64,
    has_now: bool,
    now_unix: i64,
    strings: *const c_char,
    strings_len: usize,
    lens: *const usize,
    lens_len: usize,
    header_count: usize,
    query_count: usize,
    buf: *mut c_char,
    buf_cap: usize,
    len: *mut usize,
) -> presigner_status {
    shim(|| {
        check_out(len, "len")?;
        check_buffer(buf, buf_cap)?;
        let s3 = unsafe { handle(s3, "s3") }?;
        let method = unsafe { str_arg(method, method_len, "method") }?;
        let bucket = unsafe { str_arg(bucket, bucket_len, "bucket") }?;
        let key = unsafe { str_arg(key, key_len, "key") }?;
        let options = unsafe {
            unpack_options(
                expires_in,
                has_now,
                now_unix,
                strings,
                strings_len,
                lens,
                lens_len,
                header_count,
                query_count,
            )
        }?;
        unsafe { presign_fields(s3, method, bucket, key, &options, buf, buf_cap, len) }
    })
}

/// Frees a presigned request (and every string borrowed from it). NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn presigner_presigned_free(presigned: *mut presigner_presigned) {
    unsafe { free_handle(presigned) }
}

/// The hex signature.
#[no_mangle]
pub unsafe extern "C" fn presigner_signed_signature(
    signed: *const presigner_signed,
    out: *mut presigner_str,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let h = unsafe { handle(signed, "signed") }?;
        unsafe { write_out(out, h.signature.view()) };
        Ok(())
    })
}

/// The Authorization header value.
#[no_mangle]
pub unsafe extern "C" fn presigner_signed_authorization(
    signed: *const presigner_signed,
    out: *mut presigner_str,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let h = unsafe { handle(signed, "signed") }?;
        unsafe { write_out(out, h.authorization.view()) };
        Ok(())
    })
}

/// The canonical request that was signed.
#[no_mangle]
pub unsafe extern "C" fn presigner_signed_canonical_request(
    signed: *const presigner_signed,
    out: *mut presigner_str,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let h = unsafe { handle(signed, "signed") }?;
        unsafe { write_out(out, h.canonical_request.view()) };
        Ok(())
    })
}

/// The string-to-sign.
#[no_mangle]
pub unsafe extern "C" fn presigner_signed_string_to_sign(
    signed: *const presigner_signed,
    out: *mut presigner_str,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let h = unsafe { handle(signed, "signed") }?;
        unsafe { write_out(out, h.string_to_sign.view()) };
        Ok(())
    })
}

/// Unix seconds of X-Amz-Date.
#[no_mangle]
pub unsafe extern "C" fn presigner_signed_signed_at(
    signed: *const presigner_signed,
    out: *mut i64,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let h = unsafe { handle(signed, "signed") }?;
        unsafe { write_out(out, h.signed_at) };
        Ok(())
    })
}

/// How many headers to add to the request (Authorization, X-Amz-Date, and when they apply
/// X-Amz-Security-Token and x-amz-content-sha256).
#[no_mangle]
pub unsafe extern "C" fn presigner_signed_header_count(
    signed: *const presigner_signed,
    out: *mut usize,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let h = unsafe { handle(signed, "signed") }?;
        unsafe { write_out(out, h.headers.len()) };
        Ok(())
    })
}

/// Header `index` (< header_count) to add to the request.
#[no_mangle]
pub unsafe extern "C" fn presigner_signed_header(
    signed: *const presigner_signed,
    index: usize,
    out: *mut presigner_header,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let h = unsafe { handle(signed, "signed") }?;
        unsafe { write_out(out, header_at(&h.headers, index)?) };
        Ok(())
    })
}

/// How many header names were signed.
#[no_mangle]
pub unsafe extern "C" fn presigner_signed_signed_header_count(
    signed: *const presigner_signed,
    out: *mut usize,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let h = unsafe { handle(signed, "signed") }?;
        unsafe { write_out(out, h.signed_headers.len()) };
        Ok(())
    })
}

/// Signed header name `index`: lower-case, sorted.
#[no_mangle]
pub unsafe extern "C" fn presigner_signed_signed_header(
    signed: *const presigner_signed,
    index: usize,
    out: *mut presigner_str,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let h = unsafe { handle(signed, "signed") }?;
        unsafe { write_out(out, str_at(&h.signed_headers, index, "signed_headers")?) };
        Ok(())
    })
}

/// Frees a signed request. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn presigner_signed_free(signed: *mut presigner_signed) {
    unsafe { free_handle(signed) }
}

/// How many URLs the list holds (the number of keys).
#[no_mangle]
pub unsafe extern "C" fn presigner_url_list_count(
    list: *const presigner_url_list,
    out: *mut usize,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let h = unsafe { handle(list, "list") }?;
        unsafe { write_out(out, h.urls.len()) };
        Ok(())
    })
}

/// URL `index` (< count), for the key at the same index.
#[no_mangle]
pub unsafe extern "C" fn presigner_url_list_get(
    list: *const presigner_url_list,
    index: usize,
    out: *mut presigner_str,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let h = unsafe { handle(list, "list") }?;
        unsafe { write_out(out, str_at(&h.urls, index, "urls")?) };
        Ok(())
    })
}

/// Frees a URL list. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn presigner_url_list_free(list: *mut presigner_url_list) {
    unsafe { free_handle(list) }
}

// ---------------------------------------------------------------------------------------------
// Verification (server side): keyring, options, verify_presigned / verify_request, results
// ---------------------------------------------------------------------------------------------

/// A C lookup called by a keyring for an access key id it does not hold. On a hit it returns
/// true and stores in `*out` credentials made with `presigner_credentials_new` (ownership passes
/// to the library, which frees them); on a miss it returns false (`*out` is then ignored, and
/// freed if not NULL). `access_key_id` is not NUL-terminated. It may be called concurrently
/// from every thread that verifies with the keyring, and must not unwind or longjmp.
pub type presigner_lookup_fn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        access_key_id: *const c_char,
        access_key_id_len: usize,
        out: *mut *mut presigner_credentials,
    ) -> bool,
>;

/// The secrets a verifier accepts, by access key id (each with an optional session token that
/// a request must then carry), and optionally a C lookup for the ids it does not hold. Built
/// with `presigner_keyring_add*` from one thread; once built it may be shared by any number of
/// threads verifying at the same time (adding must not race with verifying).
pub struct presigner_keyring {
    keys: HashMap<String, Credentials>,
    callback: presigner_lookup_fn,
    user_data: *mut c_void,
}

impl CredentialLookup for presigner_keyring {
    fn lookup(&self, access_key_id: &str) -> Option<Credentials> {
        if let Some(c) = self.keys.get(access_key_id) {
            return Some(c.clone());
        }
        let f = self.callback?;
        let mut out: *mut presigner_credentials = std::ptr::null_mut();
        // SAFETY: the function and its user data were given together by the caller, who
        // guarantees they stay valid while the keyring is used.
        let hit = unsafe {
            f(
                self.user_data,
                access_key_id.as_ptr().cast(),
                access_key_id.len(),
                &mut out,
            )
        };
        if out.is_null() {
            return None;
        }
        // SAFETY: `out` was made by presigner_credentials_new; ownership came to us.
        let creds = unsafe { Box::from_raw(out) };
        hit.then(|| creds.inner.clone())
    }
}

/// What to expect of a verified request besides its signature: the time to check against,
/// the expected region and service, the clock skew tolerated and the canonicalization
/// settings. A builder like `presigner_presign_options`.
pub struct presigner_verify_options {
    inner: VerifyOptions,
}

/// A request that verified: who signed it, for what, and until when it is valid. Immutable.
pub struct presigner_verified {
    access_key_id: OutStr,
    region: OutStr,
    service: OutStr,
    signed_headers: Vec<OutStr>,
    signed_at: i64,
    expires_at: i64,
}

impl From<Verified> for presigner_verified {
    fn from(v: Verified) -> Self {
        presigner_verified {
            access_key_id: OutStr::new(&v.access_key_id),
            region: OutStr::new(&v.region),
            service: OutStr::new(&v.service),
            signed_headers: v.signed_headers.iter().map(|s| OutStr::new(s)).collect(),
            signed_at: system_time_to_unix(v.signed_at),
            expires_at: system_time_to_unix(v.expires_at),
        }
    }
}

/// New empty keyring (no keys, no lookup function).
#[no_mangle]
pub unsafe extern "C" fn presigner_keyring_new(
    out: *mut *mut presigner_keyring,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let k = presigner_keyring {
            keys: HashMap::new(),
            callback: None,
            user_data: std::ptr::null_mut(),
        };
        unsafe { write_out(out, boxed(k)) };
        Ok(())
    })
}

/// Adds (or replaces) the secret of `access_key_id`. `session_token` may be NULL; when given,
/// only requests that carry exactly this token verify with this key.
#[no_mangle]
pub unsafe extern "C" fn presigner_keyring_add(
    keyring: *mut presigner_keyring,
    access_key_id: *const c_char,
    access_key_id_len: usize,
    secret_access_key: *const c_char,
    secret_access_key_len: usize,
    session_token: *const c_char,
    session_token_len: usize,
) -> presigner_status {
    shim(|| {
        let k = unsafe { handle_mut(keyring, "keyring") }?;
        let akid = unsafe { str_arg(access_key_id, access_key_id_len, "access_key_id") }?;
        let secret = unsafe {
            str_arg(
                secret_access_key,
                secret_access_key_len,
                "secret_access_key",
            )
        }?;
        let token = unsafe { opt_str_arg(session_token, session_token_len, "session_token") }?;
        let c = Credentials::with_session(akid, secret, token.map(str::to_owned), None)?;
        k.keys.insert(akid.to_owned(), c);
        Ok(())
    })
}

/// Adds (or replaces) a copy of `creds` under its access key id (its session token, if any,
/// is then required; its expiry is not checked). `creds` may be freed right after.
#[no_mangle]
pub unsafe extern "C" fn presigner_keyring_add_credentials(
    keyring: *mut presigner_keyring,
    creds: *const presigner_credentials,
) -> presigner_status {
    shim(|| {
        let k = unsafe { handle_mut(keyring, "keyring") }?;
        let c = unsafe { handle(creds, "creds") }?;
        k.keys
            .insert(c.inner.access_key_id().to_owned(), c.inner.clone());
        Ok(())
    })
}

/// Sets the lookup function called for access key ids the keyring does not hold (see
/// `presigner_lookup_fn`); `user_data` is passed to it as is and must stay valid while the
/// keyring is used. A NULL `lookup` removes it.
#[no_mangle]
pub unsafe extern "C" fn presigner_keyring_set_lookup(
    keyring: *mut presigner_keyring,
    lookup: presigner_lookup_fn,
    user_data: *mut c_void,
) -> presigner_status {
    shim(|| {
        let k = unsafe { handle_mut(keyring, "keyring") }?;
        k.callback = lookup;
        k.user_data = if lookup.is_some() {
            user_data
        } else {
            std::ptr::null_mut()
        };
        Ok(())
    })
}

/// How many access key ids the keyring holds (the lookup function is not counted).
#[no_mangle]
pub unsafe extern "C" fn presigner_keyring_count(
    keyring: *const presigner_keyring,
    out: *mut usize,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let k = unsafe { handle(keyring, "keyring") }?;
        unsafe { write_out(out, k.keys.len()) };
        Ok(())
    })
}

/// Frees a keyring. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn presigner_keyring_free(keyring: *mut presigner_keyring) {
    unsafe { free_handle(keyring) }
}

/// New verification options: the system clock, any region and service, 900 seconds of clock
/// skew, the canonicalization preset of the scope's service.
#[no_mangle]
pub unsafe extern "C" fn presigner_verify_options_new(
    out: *mut *mut presigner_verify_options,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let o = presigner_verify_options {
            inner: VerifyOptions::default(),
        };
        unsafe { write_out(out, boxed(o)) };
        Ok(())
    })
}

/// Checks against this time (Unix seconds) instead of the system clock.
#[no_mangle]
pub unsafe extern "C" fn presigner_verify_options_set_now(
    options: *mut presigner_verify_options,
    unix_seconds: i64,
) -> presigner_status {
    shim(|| {
        unsafe { handle_mut(options, "options") }?.inner.now = Some(unix_time(unix_seconds));
        Ok(())
    })
}

/// Checks against the system clock again (the default).
#[no_mangle]
pub unsafe extern "C" fn presigner_verify_options_use_clock(
    options: *mut presigner_verify_options,
) -> presigner_status {
    shim(|| {
        unsafe { handle_mut(options, "options") }?.inner.now = None;
        Ok(())
    })
}

/// Rejects scopes for another region (PRESIGNER_STATUS_SCOPE_MISMATCH). NULL accepts any.
#[no_mangle]
pub unsafe extern "C" fn presigner_verify_options_set_region(
    options: *mut presigner_verify_options,
    region: *const c_char,
    region_len: usize,
) -> presigner_status {
    shim(|| {
        let o = unsafe { handle_mut(options, "options") }?;
        let v = unsafe { opt_str_arg(region, region_len, "region") }?;
        o.inner.region = v.map(str::to_owned);
        Ok(())
    })
}

/// Rejects scopes for another service (PRESIGNER_STATUS_SCOPE_MISMATCH). NULL accepts any.
#[no_mangle]
pub unsafe extern "C" fn presigner_verify_options_set_service(
    options: *mut presigner_verify_options,
    service: *const c_char,
    service_len: usize,
) -> presigner_status {
    shim(|| {
        let o = unsafe { handle_mut(options, "options") }?;
        let v = unsafe { opt_str_arg(service, service_len, "service") }?;
        o.inner.service = v.map(str::to_owned);
        Ok(())
    })
}

/// How many seconds X-Amz-Date may lie in the future (and, for header auth, in the past);
/// 0..=604800, else PRESIGNER_STATUS_INVALID_OPTION. Default 900.
#[no_mangle]
pub unsafe extern "C" fn presigner_verify_options_set_max_skew(
    options: *mut presigner_verify_options,
    seconds: i64,
) -> presigner_status {
    shim(|| {
        let o = unsafe { handle_mut(options, "options") }?;
        if !(0..=MAX_EXPIRES_IN as i64).contains(&seconds) {
            return Err(FfiError::new(
                presigner_status::InvalidOption,
                format!(
                    "invalid option max_skew: {seconds} is outside 0..={MAX_EXPIRES_IN} seconds"
                ),
            ));
        }
        o.inner.max_skew = Duration::from_secs(seconds as u64);
        Ok(())
    })
}

/// Verifies with the canonicalization settings of `params` (normalize path, double encode,
/// payload hash, session token mode; the params' region, service and time are not used): the
/// settings its setters changed, else the preset of its service. NULL goes back to the preset
/// of each request's scope service (the default). The settings are copied.
#[no_mangle]
pub unsafe extern "C" fn presigner_verify_options_set_settings(
    options: *mut presigner_verify_options,
    params: *const presigner_signing_params,
) -> presigner_status {
    shim(|| {
        let o = unsafe { handle_mut(options, "options") }?;
        o.inner.settings = unsafe { params.as_ref() }.map(|p| {
            p.settings
                .clone()
                .unwrap_or_else(|| SigningSettings::for_service(&p.service))
        });
        Ok(())
    })
}

/// Frees verification options. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn presigner_verify_options_free(options: *mut presigner_verify_options) {
    unsafe { free_handle(options) }
}

fn options_or_default_verify<'a>(o: *const presigner_verify_options) -> &'a VerifyOptions {
    static DEFAULT: std::sync::OnceLock<VerifyOptions> = std::sync::OnceLock::new();
    // SAFETY: the caller passes NULL or a live handle.
    match unsafe { o.as_ref() } {
        Some(o) => &o.inner,
        None => DEFAULT.get_or_init(VerifyOptions::default),
    }
}

unsafe fn header_args<'a>(
    headers: *const presigner_header,
    headers_len: usize,
) -> FfiResult<Vec<(&'a str, &'a str)>> {
    let raw = unsafe { array_arg(headers, headers_len, "headers") }?;
    let mut hs: Vec<(&str, &str)> = Vec::with_capacity(raw.len());
    for (i, h) in raw.iter().enumerate() {
        let n = unsafe { view_arg(&h.name, &format!("headers[{i}].name")) }?;
        let v = unsafe { view_arg(&h.value, &format!("headers[{i}].value")) }?;
        hs.push((n, v));
    }
    Ok(hs)
}

/// Verifies a presigned URL as a server received it: `method`, the full URL (scheme, host, the
/// path and query exactly as sent) and the request's headers (`headers` may be NULL when
/// `headers_len` is 0; include `Host` when the URL's authority is not what the client sent).
/// The secret comes from `keyring`; `options` may be NULL (the clock, any region/service, 900 s
/// skew). On success `*out` receives who signed it and until when it is valid; a failed check
/// returns its own status (SIGNATURE_MISMATCH, REQUEST_EXPIRED, UNKNOWN_ACCESS_KEY, …), and a
/// server should answer every one of them with 403. Thread-safe: the handles are only read.
#[no_mangle]
pub unsafe extern "C" fn presigner_verify_presigned(
    method: *const c_char,
    method_len: usize,
    url: *const c_char,
    url_len: usize,
    headers: *const presigner_header,
    headers_len: usize,
    keyring: *const presigner_keyring,
    options: *const presigner_verify_options,
    out: *mut *mut presigner_verified,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let method = unsafe { str_arg(method, method_len, "method") }?;
        let url = unsafe { str_arg(url, url_len, "url") }?;
        let hs = unsafe { header_args(headers, headers_len) }?;
        let k = unsafe { handle(keyring, "keyring") }?;
        let v =
            presigner::verify_presigned(method, url, &hs, k, options_or_default_verify(options))?;
        unsafe { write_out(out, boxed(presigner_verified::from(v))) };
        Ok(())
    })
}

/// Verifies a request signed with an Authorization header (same arguments as
/// `presigner_verify_presigned`). `payload_hash` (optional, NULL when absent) is the hex
/// SHA-256 the server computed of the body it received (or "UNSIGNED-PAYLOAD"); when NULL the
/// request's x-amz-content-sha256 header is used, else the settings' default.
#[no_mangle]
pub unsafe extern "C" fn presigner_verify_request(
    method: *const c_char,
    method_len: usize,
    url: *const c_char,
    url_len: usize,
    headers: *const presigner_header,
    headers_len: usize,
    payload_hash: *const c_char,
    payload_hash_len: usize,
    keyring: *const presigner_keyring,
    options: *const presigner_verify_options,
    out: *mut *mut presigner_verified,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let method = unsafe { str_arg(method, method_len, "method") }?;
        let url = unsafe { str_arg(url, url_len, "url") }?;
        let hs = unsafe { header_args(headers, headers_len) }?;
        let hash = unsafe { opt_str_arg(payload_hash, payload_hash_len, "payload_hash") }?;
        let k = unsafe { handle(keyring, "keyring") }?;
        let v = presigner::verify_request(
            method,
            url,
            &hs,
            hash,
            k,
            options_or_default_verify(options),
        )?;
        unsafe { write_out(out, boxed(presigner_verified::from(v))) };
        Ok(())
    })
}

/// The access key id that signed the request.
#[no_mangle]
pub unsafe extern "C" fn presigner_verified_access_key_id(
    verified: *const presigner_verified,
    out: *mut presigner_str,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let h = unsafe { handle(verified, "verified") }?;
        unsafe { write_out(out, h.access_key_id.view()) };
        Ok(())
    })
}

/// The region of the credential scope.
#[no_mangle]
pub unsafe extern "C" fn presigner_verified_region(
    verified: *const presigner_verified,
    out: *mut presigner_str,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let h = unsafe { handle(verified, "verified") }?;
        unsafe { write_out(out, h.region.view()) };
        Ok(())
    })
}

/// The service of the credential scope.
#[no_mangle]
pub unsafe extern "C" fn presigner_verified_service(
    verified: *const presigner_verified,
    out: *mut presigner_str,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let h = unsafe { handle(verified, "verified") }?;
        unsafe { write_out(out, h.service.view()) };
        Ok(())
    })
}

/// How many header names were signed (host included).
#[no_mangle]
pub unsafe extern "C" fn presigner_verified_signed_header_count(
    verified: *const presigner_verified,
    out: *mut usize,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let h = unsafe { handle(verified, "verified") }?;
        unsafe { write_out(out, h.signed_headers.len()) };
        Ok(())
    })
}

/// Signed header name `index` (< signed_header_count): lower-case, sorted.
#[no_mangle]
pub unsafe extern "C" fn presigner_verified_signed_header(
    verified: *const presigner_verified,
    index: usize,
    out: *mut presigner_str,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let h = unsafe { handle(verified, "verified") }?;
        unsafe { write_out(out, str_at(&h.signed_headers, index, "signed_headers")?) };
        Ok(())
    })
}

/// Unix seconds of X-Amz-Date.
#[no_mangle]
pub unsafe extern "C" fn presigner_verified_signed_at(
    verified: *const presigner_verified,
    out: *mut i64,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let h = unsafe { handle(verified, "verified") }?;
        unsafe { write_out(out, h.signed_at) };
        Ok(())
    })
}

/// Unix seconds when the request stops being valid: X-Amz-Date + X-Amz-Expires for a
/// presigned URL, X-Amz-Date + the skew tolerance for header auth.
#[no_mangle]
pub unsafe extern "C" fn presigner_verified_expires_at(
    verified: *const presigner_verified,
    out: *mut i64,
) -> presigner_status {
    shim(|| {
        check_out(out, "out")?;
        let h = unsafe { handle(verified, "verified") }?;
        unsafe { write_out(out, h.expires_at) };
        Ok(())
    })
}

/// Frees a verification result (and every string borrowed from it). NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn presigner_verified_free(verified: *mut presigner_verified) {
    unsafe { free_handle(verified) }
}

#[cfg(test)]
mod tests;
