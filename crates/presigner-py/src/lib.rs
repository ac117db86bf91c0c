//! Python binding of presigner (`presigner._native`).
//!
//! Glue only: Python arguments are converted to the core's types, the core does every check and
//! all the signing, and its errors are mapped to the exception classes of `presigner._types`.
//! Wrong Python types raise `TypeError`; a panic becomes a `PresignerError` instead of taking
//! the interpreter down.

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use presigner::timestamp::system_time_to_unix;
use presigner::{
    check_expires_in, AddressingStyle, Credentials, Environment, Error, ErrorKind, ExpiryPolicy,
    PayloadHash, PresignOptions, PresignedRequest, ResponseOverrides, S3Config, S3Presigner,
    SessionTokenMode, SettingsOverrides, SigningParams, SigningSettings, UrlPresignOptions,
    Verified, VerifyOptions,
};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType,
};

/// The pure-Python module holding the exception classes and `SignedHeaders`.
const TYPES_MODULE: &str = "presigner._types";

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// The exception class (in `presigner._types`) raised for a core error kind.
fn error_class_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::InvalidExpiry => "InvalidExpiryError",
        ErrorKind::InvalidBucket => "InvalidBucketError",
        ErrorKind::InvalidKey => "InvalidKeyError",
        ErrorKind::InvalidRegion => "InvalidRegionError",
        ErrorKind::InvalidEndpoint => "InvalidEndpointError",
        ErrorKind::InvalidHeader => "InvalidHeaderError",
        ErrorKind::InvalidQuery => "InvalidQueryError",
        ErrorKind::InvalidUrl => "InvalidUrlError",
        ErrorKind::InvalidMethod => "InvalidMethodError",
        ErrorKind::InvalidService => "InvalidServiceError",
        ErrorKind::InvalidTime => "InvalidTimeError",
        ErrorKind::InvalidOption => "InvalidOptionError",
        ErrorKind::InvalidCredentials => "InvalidCredentialsError",
        ErrorKind::MissingCredentials => "MissingCredentialsError",
        ErrorKind::Profile => "ProfileError",
        ErrorKind::CredentialsExpired => "CredentialsExpiredError",
        ErrorKind::CredentialsExpireBeforeUrl => "CredentialsExpireBeforeUrlError",
        ErrorKind::UnsupportedAlgorithm => "UnsupportedAlgorithmError",
        ErrorKind::MalformedRequest => "MalformedRequestError",
        ErrorKind::InvalidCredentialScope => "InvalidCredentialScopeError",
        ErrorKind::ScopeMismatch => "ScopeMismatchError",
        ErrorKind::DuplicateParameter => "DuplicateParameterError",
        ErrorKind::MissingSignedHeader => "MissingSignedHeaderError",
        ErrorKind::UnknownAccessKey => "UnknownAccessKeyError",
        ErrorKind::InvalidSessionToken => "InvalidSessionTokenError",
        ErrorKind::RequestExpired => "RequestExpiredError",
        ErrorKind::RequestNotYetValid => "RequestNotYetValidError",
        ErrorKind::SignatureMismatch => "SignatureMismatchError",
        // `ErrorKind` is #[non_exhaustive], so a wildcard is required here. A kind added to the
        // core falls back to the base class until it is mapped above;
        // tests/python/test_errors.py fails for any kind of `ErrorKind::ALL` that lands here.
        _ => "PresignerError",
    }
}

/// What can go wrong inside a core call.
enum Failure {
    Core(Error),
    Panic(String),
}

impl Failure {
    fn into_pyerr(self, py: Python<'_>) -> PyErr {
        match self {
            Failure::Core(e) => core_error(py, &e),
            Failure::Panic(msg) => raise(
                py,
                "PresignerError",
                &format!("internal error (a bug in presigner, please report it): {msg}"),
                "internal_error",
            ),
        }
    }
}

fn core_error(py: Python<'_>, e: &Error) -> PyErr {
    raise(py, error_class_name(e.kind()), &e.to_string(), e.code())
}

/// Instantiates `presigner._types.<class_name>(message, code)`.
fn raise(py: Python<'_>, class_name: &str, message: &str, code: &str) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let cls = py.import(TYPES_MODULE)?.getattr(class_name)?;
        Ok(PyErr::from_value(cls.call1((message, code))?))
    };
    build().unwrap_or_else(|e| e)
}

/// Runs a core call, turning a panic into a [`Failure`] instead of unwinding into Python.
fn run<T>(f: impl FnOnce() -> presigner::Result<T>) -> Result<T, Failure> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(Failure::Core(e)),
        Err(payload) => Err(Failure::Panic(
            payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".into()),
        )),
    }
}

/// [`run`] with the error converted for Python.
fn call<T>(py: Python<'_>, f: impl FnOnce() -> presigner::Result<T>) -> PyResult<T> {
    run(f).map_err(|e| e.into_pyerr(py))
}

// ---------------------------------------------------------------------------------------------
// Argument conversion
// ---------------------------------------------------------------------------------------------

static DATETIME: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static UTC: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static EPOCH: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn utc(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    UTC.get_or_try_init(py, || {
        Ok::<_, PyErr>(
            py.import("datetime")?
                .getattr("timezone")?
                .getattr("utc")?
                .unbind(),
        )
    })
    .map(|u| u.bind(py))
}

/// An aware UTC `datetime` for whole seconds since the epoch.
fn to_datetime(py: Python<'_>, t: SystemTime) -> PyResult<Bound<'_, PyAny>> {
    let cls = DATETIME.import(py, "datetime", "datetime")?;
    cls.call_method1("fromtimestamp", (system_time_to_unix(t), utc(py)?))
}

fn time_error(value: String, reason: &str) -> Error {
    Error::InvalidTime {
        value,
        reason: reason.into(),
    }
}

/// `now` / `expires_at`: an aware `datetime` or epoch seconds (`int` or `float`).
/// A naive `datetime` is an error: guessing its zone silently shifts every signature.
fn to_system_time(
    py: Python<'_>,
    obj: &Bound<'_, PyAny>,
    what: &str,
) -> PyResult<Option<SystemTime>> {
    if obj.is_none() {
        return Ok(None);
    }
    let unix_secs = |secs: Duration, value: String| {
        UNIX_EPOCH
            .checked_add(secs)
            .ok_or_else(|| core_error(py, &time_error(value, "is out of range")))
    };
    if obj.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err(format!(
            "{what} must be an aware datetime or epoch seconds, got bool"
        )));
    }
    if obj.is_instance_of::<PyInt>() {
        let v: i128 = obj.extract()?;
        if v < 0 || v > u64::MAX as i128 {
            return Err(core_error(
                py,
                &time_error(
                    v.to_string(),
                    "must be between 0 and 253402300799 epoch seconds",
                ),
            ));
        }
        return unix_secs(Duration::from_secs(v as u64), v.to_string()).map(Some);
    }
    if obj.is_instance_of::<PyFloat>() {
        let v: f64 = obj.extract()?;
        if !v.is_finite() || !(0.0..1e15).contains(&v) {
            return Err(core_error(
                py,
                &time_error(
                    v.to_string(),
                    "must be between 0 and 253402300799 epoch seconds",
                ),
            ));
        }
        return unix_secs(Duration::from_secs_f64(v), v.to_string()).map(Some);
    }
    let datetime = DATETIME.import(py, "datetime", "datetime")?;
    if obj.is_instance(datetime)? {
        if obj.call_method0("utcoffset")?.is_none() {
            return Err(core_error(
                py,
                &time_error(
                    obj.str()?.to_string(),
                    "naive datetime: give it a tzinfo (e.g. datetime.timezone.utc) or pass epoch seconds",
                ),
            ));
        }
        let epoch = EPOCH.get_or_try_init(py, || {
            Ok::<_, PyErr>(datetime.call1((1970, 1, 1, 0, 0, 0, 0, utc(py)?))?.unbind())
        })?;
        let delta = obj.sub(epoch.bind(py))?;
        let days: i64 = delta.getattr("days")?.extract()?;
        let seconds: i64 = delta.getattr("seconds")?.extract()?;
        let unix = days * 86_400 + seconds;
        if unix < 0 {
            return Err(core_error(
                py,
                &time_error(
                    obj.str()?.to_string(),
                    "must not be before 1970-01-01T00:00:00Z",
                ),
            ));
        }
        return unix_secs(Duration::from_secs(unix as u64), unix.to_string()).map(Some);
    }
    Err(PyTypeError::new_err(format!(
        "{what} must be an aware datetime.datetime or epoch seconds (int or float), got {}",
        obj.get_type().name()?
    )))
}

fn opt_time(
    py: Python<'_>,
    obj: Option<&Bound<'_, PyAny>>,
    what: &str,
) -> PyResult<Option<SystemTime>> {
    match obj {
        None => Ok(None),
        Some(o) => to_system_time(py, o, what),
    }
}

fn pair_str(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    match obj.cast::<PyString>() {
        Ok(s) => Ok(s.to_cow()?.into_owned()),
        Err(_) => Err(PyTypeError::new_err(format!(
            "{what} names and values must be str, got {}",
            obj.get_type().name()?
        ))),
    }
}

/// `headers` / `query`: a mapping, or an iterable of `(name, value)` pairs (repeats allowed).
fn pairs(obj: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Vec<(String, String)>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    if let Ok(d) = obj.cast::<PyDict>() {
        for (k, v) in d.iter() {
            out.push((pair_str(&k, what)?, pair_str(&v, what)?));
        }
        return Ok(out);
    }
    if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyBytes>() {
        return Err(PyTypeError::new_err(format!(
            "{what} must be a mapping or an iterable of (name, value) pairs, got {}",
            obj.get_type().name()?
        )));
    }
    let items = if obj.hasattr("items")? {
        obj.call_method0("items")?
    } else {
        obj.clone()
    };
    let iter = items.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "{what} must be a mapping or an iterable of (name, value) pairs"
        ))
    })?;
    for item in iter {
        let item = item?;
        // A 2-tuple, or a 2-list as JSON gives them.
        let pair = match item.cast::<PyList>() {
            Ok(l) => l.to_tuple(),
            Err(_) => item.cast_into::<PyTuple>().map_err(|_| {
                PyTypeError::new_err(format!("{what} items must be (name, value) pairs"))
            })?,
        };
        if pair.len() != 2 {
            return Err(PyTypeError::new_err(format!(
                "{what} items must be (name, value) pairs, got {} items",
                pair.len()
            )));
        }
        let (k, v) = (pair.get_item(0)?, pair.get_item(1)?);
        out.push((pair_str(&k, what)?, pair_str(&v, what)?));
    }
    Ok(out)
}

fn checked_expires_in(py: Python<'_>, value: i128) -> PyResult<i64> {
    // The core checks the range; it reports the caller's value even when it does not fit an i64.
    call(py, || check_expires_in(value)).map(|v| v as i64)
}

/// The process environment, captured only when a region or credentials must come from it.
fn environment_if_needed(needed: bool) -> Environment {
    if needed {
        Environment::from_process()
    } else {
        Environment::default()
    }
}

fn credentials_or_default(
    py: Python<'_>,
    credentials: Option<&Bound<'_, PyCredentials>>,
    env: &Environment,
) -> PyResult<Credentials> {
    match credentials {
        Some(c) => Ok(c.get().inner.clone()),
        None => call(py, || env.default_credentials()),
    }
}

fn region_or_default(
    py: Python<'_>,
    region: Option<String>,
    env: &Environment,
) -> PyResult<String> {
    if let Some(r) = region {
        return Ok(r);
    }
    call(py, || {
        env.region(None)?.ok_or_else(|| Error::InvalidRegion {
            region: String::new(),
            reason: "no region given and none found in AWS_REGION, AWS_DEFAULT_REGION or the profile's config".into(),
        })
    })
}

fn settings(
    base: SigningSettings,
    normalize_path: Option<bool>,
    double_encode: Option<bool>,
    payload_hash: Option<&str>,
    omit_session_token: bool,
    content_sha256_header: Option<bool>,
) -> presigner::Result<SigningSettings> {
    Ok(overrides(
        normalize_path,
        double_encode,
        payload_hash,
        omit_session_token,
        content_sha256_header,
    )?
    .apply(base))
}

/// The keyword arguments that change a preset, as the core's field-by-field overrides.
fn overrides(
    normalize_path: Option<bool>,
    double_encode: Option<bool>,
    payload_hash: Option<&str>,
    omit_session_token: bool,
    content_sha256_header: Option<bool>,
) -> presigner::Result<SettingsOverrides> {
    Ok(SettingsOverrides {
        normalize_path,
        double_encode,
        payload_hash: payload_hash.map(PayloadHash::precomputed).transpose()?,
        session_token: omit_session_token.then_some(SessionTokenMode::AppendAfterSigning),
        content_sha256_header,
    })
}

// ---------------------------------------------------------------------------------------------
// Classes
// ---------------------------------------------------------------------------------------------

/// AWS credentials. `repr()` never shows the secret or the session token.
#[pyclass(frozen, module = "presigner", name = "Credentials")]
struct PyCredentials {
    inner: Credentials,
}

#[pymethods]
impl PyCredentials {
    #[new]
    #[pyo3(signature = (access_key_id, secret_access_key, session_token=None, expires_at=None))]
    fn new(
        py: Python<'_>,
        access_key_id: String,
        secret_access_key: String,
        session_token: Option<String>,
        expires_at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let expires_at = match expires_at {
            Some(s) if s.is_instance_of::<PyString>() => {
                let text = s.cast::<PyString>()?.to_cow()?.into_owned();
                Some(call(py, || presigner::parse_rfc3339(&text))?)
            }
            other => opt_time(py, other, "expires_at")?,
        };
        let inner = call(py, || {
            Credentials::with_session(access_key_id, secret_access_key, session_token, expires_at)
        })?;
        Ok(PyCredentials { inner })
    }

    /// Reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION.
    #[staticmethod]
    fn from_env(py: Python<'_>) -> PyResult<Self> {
        let inner = call(py, Credentials::from_env)?;
        Ok(PyCredentials { inner })
    }

    /// Reads a profile of the shared credentials/config files (None: AWS_PROFILE or "default").
    #[staticmethod]
    #[pyo3(signature = (name=None))]
    fn from_profile(py: Python<'_>, name: Option<String>) -> PyResult<Self> {
        let inner = call(py, || Credentials::from_profile(name.as_deref()))?;
        Ok(PyCredentials { inner })
    }

    #[getter]
    fn access_key_id(&self) -> &str {
        self.inner.access_key_id()
    }

    #[getter]
    fn has_session_token(&self) -> bool {
        self.inner.session_token().is_some()
    }

    #[getter]
    fn expires_at<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.inner
            .expires_at()
            .map(|t| to_datetime(py, t))
            .transpose()
    }

    fn __repr__(&self) -> String {
        format!(
            "Credentials(access_key_id={:?}, secret_access_key=<redacted>, session_token={}, expires_at={})",
            self.inner.access_key_id(),
            if self.inner.session_token().is_some() {
                "<redacted>"
            } else {
                "None"
            },
            self.inner
                .expires_at()
                .map_or_else(|| "None".into(), presigner::format_rfc3339)
        )
    }
}

/// A presigned request: the URL and what the client must send with it.
#[pyclass(frozen, module = "presigner", name = "PresignedRequest")]
struct PyPresignedRequest {
    inner: PresignedRequest,
}

#[pymethods]
impl PyPresignedRequest {
    #[getter]
    fn url(&self) -> &str {
        &self.inner.url
    }
    #[getter]
    fn method(&self) -> &str {
        &self.inner.method
    }
    /// Headers the client must send with exactly these values.
    #[getter]
    fn headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (k, v) in &self.inner.headers {
            d.set_item(k, v)?;
        }
        Ok(d)
    }
    #[getter]
    fn signed_headers(&self) -> Vec<String> {
        self.inner.signed_headers.clone()
    }
    #[getter]
    fn expires_at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_datetime(py, self.inner.expires_at)
    }
    #[getter]
    fn signed_at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_datetime(py, self.inner.signed_at)
    }
    #[getter]
    fn signature(&self) -> &str {
        &self.inner.signature
    }
    #[getter]
    fn canonical_request(&self) -> &str {
        &self.inner.canonical_request
    }
    #[getter]
    fn string_to_sign(&self) -> &str {
        &self.inner.string_to_sign
    }

    /// Shows where the URL points, not the query: the URL is a bearer credential and may carry
    /// a session token.
    fn __repr__(&self) -> String {
        let base = self.inner.url.split('?').next().unwrap_or_default();
        format!(
            "PresignedRequest(method={:?}, url=\"{}?…\", signed_headers={:?}, expires_at={:?})",
            self.inner.method,
            base,
            self.inner.signed_headers,
            presigner::format_rfc3339(self.inner.expires_at)
        )
    }
}

/// Presigns S3 requests. Thread-safe: share one per process.
#[pyclass(frozen, module = "presigner", name = "S3Presigner")]
struct PyS3Presigner {
    inner: S3Presigner,
    endpoint_url: Option<String>,
    addressing_style: AddressingStyle,
}

/// The per-URL keyword options every S3 method shares.
#[allow(clippy::too_many_arguments)]
fn presign_options(
    py: Python<'_>,
    expires_in_value: i128,
    headers: Option<&Bound<'_, PyAny>>,
    query: Option<&Bound<'_, PyAny>>,
    version_id: Option<String>,
    response_content_disposition: Option<String>,
    response_content_type: Option<String>,
    response_cache_control: Option<String>,
    response_content_language: Option<String>,
    response_content_encoding: Option<String>,
    response_expires: Option<String>,
    now: Option<&Bound<'_, PyAny>>,
) -> PyResult<PresignOptions> {
    Ok(PresignOptions {
        expires_in: checked_expires_in(py, expires_in_value)?,
        headers: pairs(headers, "headers")?,
        query: pairs(query, "query")?,
        version_id,
        response: ResponseOverrides {
            content_type: response_content_type,
            content_disposition: response_content_disposition,
            content_language: response_content_language,
            content_encoding: response_content_encoding,
            cache_control: response_cache_control,
            expires: response_expires,
        },
        now: opt_time(py, now, "now")?,
    })
}

#[pymethods]
impl PyS3Presigner {
    #[new]
    #[pyo3(signature = (region=None, *, credentials=None, endpoint_url=None, addressing_style="auto".to_owned(), dualstack=false, fips=false, accelerate=false, expiry_policy="error".to_owned()))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        region: Option<String>,
        credentials: Option<&Bound<'_, PyCredentials>>,
        endpoint_url: Option<String>,
        addressing_style: String,
        dualstack: bool,
        fips: bool,
        accelerate: bool,
        expiry_policy: String,
    ) -> PyResult<Self> {
        let env = environment_if_needed(region.is_none() || credentials.is_none());
        let region = region_or_default(py, region, &env)?;
        let credentials = credentials_or_default(py, credentials, &env)?;
        let style: AddressingStyle = call(py, || addressing_style.parse())?;
        let policy: ExpiryPolicy = call(py, || expiry_policy.parse())?;
        let config = S3Config {
            region,
            credentials,
            endpoint_url: endpoint_url.clone(),
            addressing_style: style,
            dualstack,
            fips,
            accelerate,
            expiry_policy: policy,
        };
        let inner = call(py, || S3Presigner::new(config))?;
        Ok(PyS3Presigner {
            inner,
            endpoint_url,
            addressing_style: style,
        })
    }

    #[getter]
    fn region(&self) -> &str {
        self.inner.region()
    }

    #[getter]
    fn expiry_policy(&self) -> &'static str {
        self.inner.expiry_policy().as_str()
    }

    #[getter]
    fn credentials(&self) -> PyCredentials {
        PyCredentials {
            inner: self.inner.credentials().clone(),
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "S3Presigner(region={:?}, endpoint_url={}, addressing_style={:?}, access_key_id={:?}, expiry_policy={:?})",
            self.inner.region(),
            self.endpoint_url
                .as_deref()
                .map_or_else(|| "None".to_owned(), |u| format!("{u:?}")),
            self.addressing_style.as_str(),
            self.inner.credentials().access_key_id(),
            self.inner.expiry_policy().as_str(),
        )
    }

    /// Presigns one request for `bucket`/`key`.
    #[pyo3(signature = (method, bucket, key, *, expires_in=3600, headers=None, query=None, version_id=None, response_content_disposition=None, response_content_type=None, response_cache_control=None, response_content_language=None, response_content_encoding=None, response_expires=None, now=None))]
    #[allow(clippy::too_many_arguments)]
    fn presign(
        &self,
        py: Python<'_>,
        method: String,
        bucket: String,
        key: String,
        expires_in: i128,
        headers: Option<&Bound<'_, PyAny>>,
        query: Option<&Bound<'_, PyAny>>,
        version_id: Option<String>,
        response_content_disposition: Option<String>,
        response_content_type: Option<String>,
        response_cache_control: Option<String>,
        response_content_language: Option<String>,
        response_content_encoding: Option<String>,
        response_expires: Option<String>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyPresignedRequest> {
        let opts = presign_options(
            py,
            expires_in,
            headers,
            query,
            version_id,
            response_content_disposition,
            response_content_type,
            response_cache_control,
            response_content_language,
            response_content_encoding,
            response_expires,
            now,
        )?;
        let inner = call(py, || self.inner.presign(&method, &bucket, &key, &opts))?;
        Ok(PyPresignedRequest { inner })
    }

    /// A presigned GET URL.
    #[pyo3(signature = (bucket, key, *, expires_in=3600, headers=None, query=None, version_id=None, response_content_disposition=None, response_content_type=None, response_cache_control=None, response_content_language=None, response_content_encoding=None, response_expires=None, now=None))]
    #[allow(clippy::too_many_arguments)]
    fn presign_get(
        &self,
        py: Python<'_>,
        bucket: String,
        key: String,
        expires_in: i128,
        headers: Option<&Bound<'_, PyAny>>,
        query: Option<&Bound<'_, PyAny>>,
        version_id: Option<String>,
        response_content_disposition: Option<String>,
        response_content_type: Option<String>,
        response_cache_control: Option<String>,
        response_content_language: Option<String>,
        response_content_encoding: Option<String>,
        response_expires: Option<String>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let opts = presign_options(
            py,
            expires_in,
            headers,
            query,
            version_id,
            response_content_disposition,
            response_content_type,
            response_cache_control,
            response_content_language,
            response_content_encoding,
            response_expires,
            now,
        )?;
        call(py, || {
            self.inner.presign_url_only("GET", &bucket, &key, &opts)
        })
    }

    /// A presigned PUT; `content_type`, when given, is signed and must be sent as is.
    #[pyo3(signature = (bucket, key, *, content_type=None, expires_in=3600, headers=None, query=None, version_id=None, response_content_disposition=None, response_content_type=None, response_cache_control=None, response_content_language=None, response_content_encoding=None, response_expires=None, now=None))]
    #[allow(clippy::too_many_arguments)]
    fn presign_put(
        &self,
        py: Python<'_>,
        bucket: String,
        key: String,
        content_type: Option<String>,
        expires_in: i128,
        headers: Option<&Bound<'_, PyAny>>,
        query: Option<&Bound<'_, PyAny>>,
        version_id: Option<String>,
        response_content_disposition: Option<String>,
        response_content_type: Option<String>,
        response_cache_control: Option<String>,
        response_content_language: Option<String>,
        response_content_encoding: Option<String>,
        response_expires: Option<String>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyPresignedRequest> {
        let opts = presign_options(
            py,
            expires_in,
            headers,
            query,
            version_id,
            response_content_disposition,
            response_content_type,
            response_cache_control,
            response_content_language,
            response_content_encoding,
            response_expires,
            now,
        )?;
        let inner = call(py, || {
            self.inner
                .presign_put(&bucket, &key, content_type.as_deref(), &opts)
        })?;
        Ok(PyPresignedRequest { inner })
    }

    /// Presigns the same request for many keys at one signing time, without holding the GIL.
    #[pyo3(signature = (method, bucket, keys, *, expires_in=3600, headers=None, query=None, version_id=None, response_content_disposition=None, response_content_type=None, response_cache_control=None, response_content_language=None, response_content_encoding=None, response_expires=None, now=None))]
    #[allow(clippy::too_many_arguments)]
    fn presign_many(
        &self,
        py: Python<'_>,
        method: String,
        bucket: String,
        keys: &Bound<'_, PyAny>,
        expires_in: i128,
        headers: Option<&Bound<'_, PyAny>>,
        query: Option<&Bound<'_, PyAny>>,
        version_id: Option<String>,
        response_content_disposition: Option<String>,
        response_content_type: Option<String>,
        response_cache_control: Option<String>,
        response_content_language: Option<String>,
        response_content_encoding: Option<String>,
        response_expires: Option<String>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<String>> {
        if keys.is_instance_of::<PyString>() || keys.is_instance_of::<PyBytes>() {
            return Err(PyTypeError::new_err(
                "keys must be an iterable of str (a list of keys), not a single str",
            ));
        }
        let mut owned: Vec<String> = Vec::with_capacity(keys.len().unwrap_or(0));
        for k in keys.try_iter()? {
            owned.push(
                pair_str(&k?, "keys")
                    .map_err(|_| PyTypeError::new_err("keys must be an iterable of str"))?,
            );
        }
        let opts = presign_options(
            py,
            expires_in,
            headers,
            query,
            version_id,
            response_content_disposition,
            response_content_type,
            response_cache_control,
            response_content_language,
            response_content_encoding,
            response_expires,
            now,
        )?;
        let inner = &self.inner;
        py.detach(|| run(|| inner.presign_many(&method, &bucket, &owned, &opts)))
            .map_err(|e| e.into_pyerr(py))
    }
}

// ---------------------------------------------------------------------------------------------
// Functions
// ---------------------------------------------------------------------------------------------

/// Presigns any AWS request given as a URL (STS, RDS IAM auth tokens, API Gateway, S3, ...).
#[pyfunction]
#[pyo3(signature = (method, url, *, service, region=None, credentials=None, expires_in=3600, headers=None, query=None, now=None, normalize_path=None, double_encode=None, payload_hash=None, omit_session_token=false, expiry_policy="error".to_owned()))]
#[allow(clippy::too_many_arguments)]
fn presign_url(
    py: Python<'_>,
    method: String,
    url: String,
    service: String,
    region: Option<String>,
    credentials: Option<&Bound<'_, PyCredentials>>,
    expires_in: i128,
    headers: Option<&Bound<'_, PyAny>>,
    query: Option<&Bound<'_, PyAny>>,
    now: Option<&Bound<'_, PyAny>>,
    normalize_path: Option<bool>,
    double_encode: Option<bool>,
    payload_hash: Option<String>,
    omit_session_token: bool,
    expiry_policy: String,
) -> PyResult<PyPresignedRequest> {
    let env = environment_if_needed(region.is_none() || credentials.is_none());
    let region = region_or_default(py, region, &env)?;
    let credentials = credentials_or_default(py, credentials, &env)?;
    let options = UrlPresignOptions {
        expires_in: checked_expires_in(py, expires_in)?,
        headers: pairs(headers, "headers")?,
        query: pairs(query, "query")?,
        expiry_policy: call(py, || expiry_policy.parse())?,
    };
    let now = opt_time(py, now, "now")?;
    let inner = call(py, || {
        let params = SigningParams {
            credentials: &credentials,
            region: &region,
            service: &service,
            now,
            settings: Some(settings(
                SigningSettings::for_service(&service),
                normalize_path,
                double_encode,
                payload_hash.as_deref(),
                omit_session_token,
                None,
            )?),
        };
        presigner::presign_url(&method, &url, &params, &options)
    })?;
    Ok(PyPresignedRequest { inner })
}

/// Signs a request with an `Authorization` header; returns the headers to add as a
/// `SignedHeaders` dict (which also carries the signature and canonical request).
#[pyfunction]
#[pyo3(signature = (method, url, *, service, region=None, credentials=None, headers=None, body=None, now=None, normalize_path=None, double_encode=None, payload_hash=None, omit_session_token=false, content_sha256_header=None))]
#[allow(clippy::too_many_arguments)]
fn sign_request<'py>(
    py: Python<'py>,
    method: String,
    url: String,
    service: String,
    region: Option<String>,
    credentials: Option<&Bound<'py, PyCredentials>>,
    headers: Option<&Bound<'py, PyAny>>,
    body: Option<&Bound<'py, PyAny>>,
    now: Option<&Bound<'py, PyAny>>,
    normalize_path: Option<bool>,
    double_encode: Option<bool>,
    payload_hash: Option<String>,
    omit_session_token: bool,
    content_sha256_header: Option<bool>,
) -> PyResult<Bound<'py, PyAny>> {
    let env = environment_if_needed(region.is_none() || credentials.is_none());
    let region = region_or_default(py, region, &env)?;
    let credentials = credentials_or_default(py, credentials, &env)?;
    let headers = pairs(headers, "headers")?;
    let body: Vec<u8> = match body {
        None => Vec::new(),
        Some(b) if b.is_none() => Vec::new(),
        Some(b) => {
            if let Ok(bytes) = b.cast::<PyBytes>() {
                bytes.as_bytes().to_vec()
            } else if let Ok(ba) = b.cast::<PyByteArray>() {
                ba.to_vec()
            } else if let Ok(s) = b.cast::<PyString>() {
                s.to_cow()?.as_bytes().to_vec()
            } else {
                return Err(PyTypeError::new_err(format!(
                    "body must be bytes, bytearray or str, got {}",
                    b.get_type().name()?
                )));
            }
        }
    };
    let now = opt_time(py, now, "now")?;
    let signed = call(py, || {
        let params = SigningParams {
            credentials: &credentials,
            region: &region,
            service: &service,
            now,
            settings: Some(settings(
                SigningSettings::for_service_headers(&service),
                normalize_path,
                double_encode,
                payload_hash.as_deref(),
                omit_session_token,
                content_sha256_header,
            )?),
        };
        presigner::sign_request(&method, &url, &headers, &body, &params)
    })?;
    let out = PyDict::new(py);
    for (k, v) in &signed.headers {
        out.set_item(k, v)?;
    }
    let kwargs = PyDict::new(py);
    kwargs.set_item("signature", &signed.signature)?;
    kwargs.set_item("signed_headers", &signed.signed_headers)?;
    kwargs.set_item("canonical_request", &signed.canonical_request)?;
    kwargs.set_item("string_to_sign", &signed.string_to_sign)?;
    kwargs.set_item("authorization", &signed.authorization)?;
    kwargs.set_item("signed_at", to_datetime(py, signed.signed_at)?)?;
    py.import(TYPES_MODULE)?
        .getattr("SignedHeaders")?
        .call((out,), Some(&kwargs))
}

// ---------------------------------------------------------------------------------------------
// Verification (server side)
// ---------------------------------------------------------------------------------------------

/// The `credentials` argument of the verifiers, resolved lazily by access key id.
enum Lookup<'py> {
    /// A `dict` or another mapping: `get(akid)`.
    Mapping(Bound<'py, PyAny>),
    /// An iterable of `Credentials` (or a single one), collected once per call.
    List(Vec<Credentials>),
    /// A callable `(akid) -> Credentials | str | None`.
    Callable(Bound<'py, PyAny>),
}

const LOOKUP_TYPES: &str = "credentials must be a mapping of access key id to secret (str) or Credentials, an iterable of Credentials, or a callable (access_key_id) -> Credentials | str | None";

impl<'py> Lookup<'py> {
    fn new(obj: &Bound<'py, PyAny>) -> PyResult<Self> {
        if obj.is_instance_of::<PyDict>() {
            return Ok(Lookup::Mapping(obj.clone()));
        }
        if let Ok(c) = obj.cast::<PyCredentials>() {
            return Ok(Lookup::List(vec![c.get().inner.clone()]));
        }
        if obj.is_callable() {
            return Ok(Lookup::Callable(obj.clone()));
        }
        if obj.is_none() || obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyBytes>() {
            return Err(PyTypeError::new_err(format!(
                "{LOOKUP_TYPES}, got {}",
                obj.get_type().name()?
            )));
        }
        if obj.hasattr("keys")? && obj.hasattr("__getitem__")? {
            return Ok(Lookup::Mapping(obj.clone()));
        }
        let iter = obj.try_iter().map_err(|_| {
            PyTypeError::new_err(format!(
                "{LOOKUP_TYPES}, got {}",
                obj.get_type()
                    .name()
                    .map(|n| n.to_string())
                    .unwrap_or_default()
            ))
        })?;
        let mut list = Vec::new();
        for item in iter {
            let item = item?;
            let c = item.cast::<PyCredentials>().map_err(|_| {
                PyTypeError::new_err(format!(
                    "an iterable of credentials must hold Credentials objects, got {}",
                    item.get_type()
                        .name()
                        .map(|n| n.to_string())
                        .unwrap_or_default()
                ))
            })?;
            list.push(c.get().inner.clone());
        }
        Ok(Lookup::List(list))
    }

    /// The credentials for `akid`; `Ok(None)` when unknown. Exceptions raised by a mapping or
    /// a callable are returned as they are.
    fn find(&self, py: Python<'py>, akid: &str) -> PyResult<Option<Credentials>> {
        let found = match self {
            Lookup::List(list) => {
                return Ok(list.iter().find(|c| c.access_key_id() == akid).cloned())
            }
            Lookup::Mapping(m) => match m.cast::<PyDict>() {
                Ok(d) => d.get_item(akid)?,
                Err(_) => Some(m.call_method1("get", (akid,))?),
            },
            Lookup::Callable(f) => Some(f.call1((akid,))?),
        };
        let Some(value) = found.filter(|v| !v.is_none()) else {
            return Ok(None);
        };
        if let Ok(c) = value.cast::<PyCredentials>() {
            return Ok(Some(c.get().inner.clone()));
        }
        if let Ok(secret) = value.cast::<PyString>() {
            let secret = secret.to_cow()?.into_owned();
            return call(py, || Credentials::new(akid, secret)).map(Some);
        }
        Err(PyTypeError::new_err(format!(
            "the credentials for an access key id must be a Credentials object, a secret (str) or None, got {}",
            value.get_type().name()?
        )))
    }
}

/// Runs a verifier with `lookup`, holding the GIL (a callable lookup runs Python code). An
/// exception raised by the lookup wins over the verifier's own error.
fn verify_with<'py>(
    py: Python<'py>,
    lookup: &Lookup<'py>,
    f: impl FnOnce(&dyn Fn(&str) -> Option<Credentials>) -> presigner::Result<Verified>,
) -> PyResult<Bound<'py, PyAny>> {
    let raised: RefCell<Option<PyErr>> = RefCell::new(None);
    let find = |akid: &str| -> Option<Credentials> {
        match lookup.find(py, akid) {
            Ok(c) => c,
            Err(e) => {
                raised.borrow_mut().get_or_insert(e);
                None
            }
        }
    };
    let result = run(|| f(&find));
    if let Some(e) = raised.into_inner() {
        return Err(e);
    }
    let v = result.map_err(|e| e.into_pyerr(py))?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("access_key_id", v.access_key_id)?;
    kwargs.set_item("region", v.region)?;
    kwargs.set_item("service", v.service)?;
    kwargs.set_item("signed_headers", v.signed_headers)?;
    kwargs.set_item("signed_at", to_datetime(py, v.signed_at)?)?;
    kwargs.set_item("expires_at", to_datetime(py, v.expires_at)?)?;
    py.import(TYPES_MODULE)?
        .getattr("Verified")?
        .call((), Some(&kwargs))
}

/// `max_skew`: seconds (`int`/`float`) or a `datetime.timedelta`, 0 to a week.
struct MaxSkew(Duration);

impl MaxSkew {
    const DEFAULT: MaxSkew = MaxSkew(presigner::DEFAULT_MAX_SKEW);
}

impl<'a, 'py> FromPyObject<'a, 'py> for MaxSkew {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let py = obj.py();
        let secs: f64 = if obj.is_instance_of::<PyBool>() {
            return Err(PyTypeError::new_err(
                "max_skew must be seconds (int or float) or a datetime.timedelta, got bool",
            ));
        } else if obj.is_instance_of::<PyInt>() || obj.is_instance_of::<PyFloat>() {
            obj.extract()?
        } else if obj.hasattr("total_seconds")? {
            obj.call_method0("total_seconds")?.extract()?
        } else {
            return Err(PyTypeError::new_err(format!(
                "max_skew must be seconds (int or float) or a datetime.timedelta, got {}",
                obj.get_type().name()?
            )));
        };
        if !secs.is_finite() || !(0.0..=MAX_SKEW_SECS).contains(&secs) {
            return Err(core_error(
                py,
                &Error::InvalidOption {
                    option: "max_skew".into(),
                    reason: format!("{secs} seconds is not between 0 and {MAX_SKEW_SECS}"),
                },
            ));
        }
        Ok(MaxSkew(Duration::from_secs_f64(secs)))
    }
}

/// The largest `max_skew` accepted: a week, as the longest a presigned URL may live.
const MAX_SKEW_SECS: f64 = 604_800.0;

/// Verifier options; canonicalization overrides apply on top of the scope service's preset.
#[allow(clippy::too_many_arguments)]
fn verify_options(
    py: Python<'_>,
    region: Option<String>,
    service: Option<String>,
    now: Option<&Bound<'_, PyAny>>,
    max_skew: MaxSkew,
    normalize_path: Option<bool>,
    double_encode: Option<bool>,
    payload_hash: Option<&str>,
    omit_session_token: bool,
) -> PyResult<VerifyOptions> {
    Ok(VerifyOptions {
        now: opt_time(py, now, "now")?,
        region,
        service,
        max_skew: max_skew.0,
        settings: None,
        overrides: call(py, || {
            overrides(
                normalize_path,
                double_encode,
                payload_hash,
                omit_session_token,
                None,
            )
        })?,
    })
}

/// Verifies a presigned URL as received (the full URL, the request's headers); returns a
/// `Verified` or raises a `VerificationError` subclass (or another `PresignerError` for input
/// that is not a URL at all).
#[pyfunction]
#[pyo3(signature = (method, url, headers=None, *, credentials, region=None, service=None, now=None, max_skew=MaxSkew::DEFAULT, normalize_path=None, double_encode=None, payload_hash=None, omit_session_token=false), text_signature = "(method, url, headers=None, *, credentials, region=None, service=None, now=None, max_skew=900, normalize_path=None, double_encode=None, payload_hash=None, omit_session_token=False)")]
#[allow(clippy::too_many_arguments)]
fn verify_presigned<'py>(
    py: Python<'py>,
    method: String,
    url: String,
    headers: Option<&Bound<'py, PyAny>>,
    credentials: &Bound<'py, PyAny>,
    region: Option<String>,
    service: Option<String>,
    now: Option<&Bound<'py, PyAny>>,
    max_skew: MaxSkew,
    normalize_path: Option<bool>,
    double_encode: Option<bool>,
    payload_hash: Option<String>,
    omit_session_token: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let headers = pairs(headers, "headers")?;
    let lookup = Lookup::new(credentials)?;
    let options = verify_options(
        py,
        region,
        service,
        now,
        max_skew,
        normalize_path,
        double_encode,
        payload_hash.as_deref(),
        omit_session_token,
    )?;
    verify_with(py, &lookup, |find| {
        presigner::verify_presigned(&method, &url, &headers, &find, &options)
    })
}

/// Verifies a request signed with an `Authorization` header. `payload_hash`: the hex SHA-256
/// of the body received (None: the `x-amz-content-sha256` header, else the service default).
#[pyfunction]
#[pyo3(signature = (method, url, headers, *, payload_hash=None, credentials, region=None, service=None, now=None, max_skew=MaxSkew::DEFAULT, normalize_path=None, double_encode=None, omit_session_token=false), text_signature = "(method, url, headers, *, payload_hash=None, credentials, region=None, service=None, now=None, max_skew=900, normalize_path=None, double_encode=None, omit_session_token=False)")]
#[allow(clippy::too_many_arguments)]
fn verify_request<'py>(
    py: Python<'py>,
    method: String,
    url: String,
    headers: &Bound<'py, PyAny>,
    payload_hash: Option<String>,
    credentials: &Bound<'py, PyAny>,
    region: Option<String>,
    service: Option<String>,
    now: Option<&Bound<'py, PyAny>>,
    max_skew: MaxSkew,
    normalize_path: Option<bool>,
    double_encode: Option<bool>,
    omit_session_token: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let headers = pairs(Some(headers), "headers")?;
    let lookup = Lookup::new(credentials)?;
    let options = verify_options(
        py,
        region,
        service,
        now,
        max_skew,
        normalize_path,
        double_encode,
        None,
        omit_session_token,
    )?;
    verify_with(py, &lookup, |find| {
        presigner::verify_request(
            &method,
            &url,
            &headers,
            payload_hash.as_deref(),
            &find,
            &options,
        )
    })
}

/// `(code, exception class name, is_invalid_input)` for every core error kind (for tests).
#[pyfunction]
fn _error_classes() -> Vec<(&'static str, &'static str, bool)> {
    ErrorKind::ALL
        .iter()
        .map(|k| (k.code(), error_class_name(*k), k.is_invalid_input()))
        .collect()
}

/// Panics inside the guard every core call goes through (for tests: must raise, not crash).
#[pyfunction]
fn _panic_for_test(py: Python<'_>) -> PyResult<()> {
    call(py, || -> presigner::Result<()> {
        panic!("deliberate test panic")
    })
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCredentials>()?;
    m.add_class::<PyS3Presigner>()?;
    m.add_class::<PyPresignedRequest>()?;
    m.add_function(wrap_pyfunction!(presign_url, m)?)?;
    m.add_function(wrap_pyfunction!(sign_request, m)?)?;
    m.add_function(wrap_pyfunction!(verify_presigned, m)?)?;
    m.add_function(wrap_pyfunction!(verify_request, m)?)?;
    m.add_function(wrap_pyfunction!(_error_classes, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_test, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
