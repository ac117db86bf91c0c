//! SigV4 for any AWS request: presigning (query-string auth) and `Authorization`-header signing.
//!
//! Defaults follow botocore so that URLs match the official SDKs byte for byte: `s3` signs the
//! path as sent with `UNSIGNED-PAYLOAD`; every other service normalizes the path, encodes it a
//! second time and signs the SHA-256 of the (empty) body.

use std::borrow::Cow;
use std::time::SystemTime;

use crate::canonical::{
    canonical_uri, normalize_method, parse_url, prepare_headers, PreparedHeaders, QueryParams,
};
use crate::credentials::{check_expires_in, Credentials, ExpiryPolicy};
use crate::encoding::encode_into;
use crate::error::{Error, Result};
use crate::request::{PresignedRequest, SignedRequest};
use crate::signing_key::{sha256_hex, sha256_hex_into, SigningKey};
use crate::timestamp::{unix_to_system_time, SigningTime};

/// The only algorithm SigV4 (as opposed to SigV4A) uses.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// Payload marker for presigned S3 URLs: the body is not known when the URL is made.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// SHA-256 of the empty string.
pub const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Which payload hash goes into the canonical request.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PayloadHash {
    /// `UNSIGNED-PAYLOAD` (S3).
    Unsigned,
    /// The SHA-256 of the body: of the empty body when presigning.
    Body,
    /// A hash (or marker such as `STREAMING-UNSIGNED-PAYLOAD-TRAILER`) computed by the caller.
    Precomputed(String),
}

impl PayloadHash {
    /// Parses the caller's choice: `UNSIGNED-PAYLOAD`, a 64-digit hex SHA-256, or another
    /// upper-case marker such as `STREAMING-UNSIGNED-PAYLOAD-TRAILER`.
    pub fn precomputed(value: &str) -> Result<Self> {
        let is_hex = value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit());
        let is_marker = !value.is_empty()
            && value.len() <= 64
            && value
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
        if value == UNSIGNED_PAYLOAD {
            Ok(PayloadHash::Unsigned)
        } else if is_hex {
            Ok(PayloadHash::Precomputed(value.to_ascii_lowercase()))
        } else if is_marker {
            Ok(PayloadHash::Precomputed(value.to_owned()))
        } else {
            Err(Error::option(
                "payload_hash",
                format!("expected 64 hex digits or a marker like UNSIGNED-PAYLOAD, got {value:?}"),
            ))
        }
    }

    pub(crate) fn resolve<'a>(&'a self, body: &[u8]) -> Cow<'a, str> {
        match self {
            PayloadHash::Unsigned => Cow::Borrowed(UNSIGNED_PAYLOAD),
            PayloadHash::Body if body.is_empty() => Cow::Borrowed(EMPTY_SHA256),
            PayloadHash::Body => Cow::Owned(sha256_hex(body)),
            PayloadHash::Precomputed(h) => Cow::Borrowed(h),
        }
    }
}

/// Whether the session token is part of what is signed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SessionTokenMode {
    /// Signed like any other parameter or header (nearly every service).
    #[default]
    Signed,
    /// Added after signing (IoT WebSocket URLs and a few other services).
    AppendAfterSigning,
}

/// The canonicalization settings. Use a preset: [`SigningSettings::s3`],
/// [`SigningSettings::generic`] or [`SigningSettings::for_service`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SigningSettings {
    /// Remove `.`/`..`/empty path segments before signing (never for S3: keys may contain them).
    pub normalize_path: bool,
    /// Percent-encode the (already encoded) wire path once more.
    pub double_encode: bool,
    pub payload_hash: PayloadHash,
    pub session_token: SessionTokenMode,
    /// Header signing only: add and sign `x-amz-content-sha256` (S3 requires it).
    pub content_sha256_header: bool,
}

impl SigningSettings {
    /// S3: the path as sent, single encoding, `UNSIGNED-PAYLOAD`, `x-amz-content-sha256` on requests.
    pub fn s3() -> Self {
        SigningSettings {
            normalize_path: false,
            double_encode: false,
            payload_hash: PayloadHash::Unsigned,
            session_token: SessionTokenMode::Signed,
            content_sha256_header: true,
        }
    }

    /// Every other service: normalized, double-encoded path; SHA-256 of the body.
    pub fn generic() -> Self {
        SigningSettings {
            normalize_path: true,
            double_encode: true,
            payload_hash: PayloadHash::Body,
            session_token: SessionTokenMode::Signed,
            content_sha256_header: false,
        }
    }

    /// The defaults of [`sign_request`]: as [`Self::for_service`], except that S3 requests sign
    /// the SHA-256 of their body (sent as `x-amz-content-sha256`) rather than `UNSIGNED-PAYLOAD`,
    /// which S3 accepts only over https.
    pub fn for_service_headers(service: &str) -> Self {
        SigningSettings {
            payload_hash: PayloadHash::Body,
            ..Self::for_service(service)
        }
    }

    /// The defaults of presigning: [`Self::s3`] for `s3`, [`Self::generic`] otherwise (botocore's choice).
    pub fn for_service(service: &str) -> Self {
        if service == "s3" {
            Self::s3()
        } else {
            Self::generic()
        }
    }
}

/// Field-by-field changes to a preset; `None` keeps the preset's choice. Lets a caller say
/// "the service's defaults, but single encoding" without knowing the defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct SettingsOverrides {
    pub normalize_path: Option<bool>,
    pub double_encode: Option<bool>,
    pub payload_hash: Option<PayloadHash>,
    pub session_token: Option<SessionTokenMode>,
    pub content_sha256_header: Option<bool>,
}

impl SettingsOverrides {
    /// `base` with every given field replaced.
    pub fn apply(&self, mut base: SigningSettings) -> SigningSettings {
        if let Some(v) = self.normalize_path {
            base.normalize_path = v;
        }
        if let Some(v) = self.double_encode {
            base.double_encode = v;
        }
        if let Some(v) = &self.payload_hash {
            base.payload_hash = v.clone();
        }
        if let Some(v) = self.session_token {
            base.session_token = v;
        }
        if let Some(v) = self.content_sha256_header {
            base.content_sha256_header = v;
        }
        base
    }

    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Who signs, for which scope, when, and how.
#[derive(Clone, Debug)]
pub struct SigningParams<'a> {
    pub credentials: &'a Credentials,
    pub region: &'a str,
    pub service: &'a str,
    /// The signing time; `None` reads the system clock.
    pub now: Option<SystemTime>,
    /// `None` → [`SigningSettings::for_service`].
    pub settings: Option<SigningSettings>,
}

/// Options of [`presign_url`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UrlPresignOptions {
    /// Seconds the URL stays valid, 1..=604800.
    pub expires_in: i64,
    /// Headers to sign; the client must send them with these values.
    pub headers: Vec<(String, String)>,
    /// Raw (unencoded) query parameters added to the URL's own.
    pub query: Vec<(String, String)>,
    pub expiry_policy: ExpiryPolicy,
}

impl Default for UrlPresignOptions {
    fn default() -> Self {
        UrlPresignOptions {
            expires_in: 3600,
            headers: Vec::new(),
            query: Vec::new(),
            expiry_policy: ExpiryPolicy::Error,
        }
    }
}

/// Checks a region for use in a credential scope.
pub fn check_region(region: &str) -> Result<()> {
    if region.is_empty() {
        return Err(Error::region(region, "must not be empty"));
    }
    if region.len() > 64
        || !region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
    {
        return Err(Error::region(
            region,
            "must be at most 64 letters, digits, '-', '_' or '.' (no '/', no spaces)",
        ));
    }
    Ok(())
}

/// Checks a service name for use in a credential scope.
pub fn check_service(service: &str) -> Result<()> {
    if service.is_empty()
        || service.len() > 64
        || !service
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
    {
        return Err(Error::InvalidService {
            service: service.into(),
            reason: "must be 1 to 64 letters, digits, '-', '_' or '.'".into(),
        });
    }
    Ok(())
}

/// The time to sign at: the caller's or the clock's.
pub(crate) fn signing_time(now: Option<SystemTime>) -> Result<SigningTime> {
    match now {
        Some(t) => SigningTime::from_system_time(t),
        None => SigningTime::now(),
    }
}

/// What a presign needs besides the path and host, already validated.
pub(crate) struct ScopeInputs<'a> {
    /// Caller parameters, encoded; the auth parameters are added here.
    pub query: QueryParams,
    pub headers: &'a PreparedHeaders,
    pub access_key_id: &'a str,
    pub region: &'a str,
    pub service: &'a str,
    pub time: &'a SigningTime,
    pub expires_in: u64,
    pub session_token: Option<&'a str>,
    pub token_mode: SessionTokenMode,
}

/// The parts of a presign that do not depend on the path or the host: the canonical query
/// string (auth parameters included) and the string-to-sign up to the hash. A batch of URLs
/// for one bucket computes them once.
pub(crate) struct PresignScope {
    pub canonical_query: String,
    pub appended_token: Option<String>,
    pub signed_list: String,
    pub sts_prefix: String,
}

impl PresignScope {
    pub fn new(p: ScopeInputs<'_>) -> Self {
        let signed_list = p.headers.signed_header_list();
        // X-Amz-Credential, encoded: AKID%2Fyyyymmdd%2Fregion%2Fservice%2Faws4_request
        let mut credential = String::with_capacity(p.access_key_id.len() + p.region.len() + 48);
        encode_into(&mut credential, p.access_key_id.as_bytes());
        credential.push_str("%2F");
        credential.push_str(p.time.date());
        credential.push_str("%2F");
        encode_into(&mut credential, p.region.as_bytes());
        credential.push_str("%2F");
        encode_into(&mut credential, p.service.as_bytes());
        credential.push_str("%2Faws4_request");
        let mut signed_headers_enc = String::with_capacity(signed_list.len() + 16);
        encode_into(&mut signed_headers_enc, signed_list.as_bytes());

        let mut q = p.query;
        q.push_encoded("X-Amz-Algorithm", ALGORITHM);
        q.push_encoded("X-Amz-Credential", credential);
        q.push_encoded("X-Amz-Date", p.time.amz_date().to_owned());
        q.push_encoded("X-Amz-Expires", p.expires_in.to_string());
        let mut appended_token = None;
        if let Some(token) = p.session_token {
            let mut enc = String::with_capacity(token.len() + 32);
            encode_into(&mut enc, token.as_bytes());
            match p.token_mode {
                SessionTokenMode::Signed => q.push_encoded("X-Amz-Security-Token", enc),
                SessionTokenMode::AppendAfterSigning => appended_token = Some(enc),
            }
        }
        q.push_encoded("X-Amz-SignedHeaders", signed_headers_enc);
        q.sort();
        let mut canonical_query = String::with_capacity(q.len_hint());
        q.write_into(&mut canonical_query);
        PresignScope {
            canonical_query,
            appended_token,
            signed_list,
            sts_prefix: sts_prefix(p.time, p.region, p.service),
        }
    }
}

/// Where one presigned request goes.
pub(crate) struct Target<'a> {
    pub method: &'a str,
    pub scheme: &'a str,
    pub authority: &'a str,
    pub wire_path: &'a str,
    pub canonical_uri: &'a str,
    pub payload_hash: &'a str,
}

/// The outputs of one presign.
pub(crate) struct PresignOutput {
    pub url: String,
    pub canonical_request: String,
    pub string_to_sign: String,
    pub signature: String,
}

/// Builds the canonical request, signs it and assembles the URL (the canonical query string,
/// which is already sorted and encoded, followed by the signature).
pub(crate) fn presign_target(
    scope: &PresignScope,
    headers: &PreparedHeaders,
    t: &Target<'_>,
    key: &SigningKey,
) -> PresignOutput {
    let canonical_request = build_canonical_request(
        t.method,
        t.canonical_uri,
        &scope.canonical_query,
        headers,
        headers.host(t.authority),
        &scope.signed_list,
        t.payload_hash,
    );
    let (string_to_sign, signature) = sign_canonical(&canonical_request, &scope.sts_prefix, key);
    let cq = &scope.canonical_query;
    let mut url = String::with_capacity(
        t.scheme.len() + t.authority.len() + t.wire_path.len() + cq.len() + 96,
    );
    url.push_str(t.scheme);
    url.push_str("://");
    url.push_str(t.authority);
    url.push_str(t.wire_path);
    url.push('?');
    url.push_str(cq);
    if let Some(token) = &scope.appended_token {
        url.push_str("&X-Amz-Security-Token=");
        url.push_str(token);
    }
    url.push_str("&X-Amz-Signature=");
    url.push_str(&signature);
    PresignOutput {
        url,
        canonical_request,
        string_to_sign,
        signature,
    }
}

pub(crate) fn build_canonical_request(
    method: &str,
    canonical_uri: &str,
    canonical_query: &str,
    headers: &PreparedHeaders,
    host: &str,
    signed_list: &str,
    payload_hash: &str,
) -> String {
    let headers_len: usize = headers
        .others
        .iter()
        .map(|(n, v)| n.len() + v.len() + 2)
        .sum::<usize>()
        + host.len()
        + 6;
    let mut creq = String::with_capacity(
        method.len()
            + canonical_uri.len()
            + canonical_query.len()
            + headers_len
            + signed_list.len()
            + payload_hash.len()
            + 8,
    );
    creq.push_str(method);
    creq.push('\n');
    creq.push_str(canonical_uri);
    creq.push('\n');
    creq.push_str(canonical_query);
    creq.push('\n');
    for (n, v) in headers.canonical(host) {
        creq.push_str(n);
        creq.push(':');
        creq.push_str(v);
        creq.push('\n');
    }
    creq.push('\n');
    creq.push_str(signed_list);
    creq.push('\n');
    creq.push_str(payload_hash);
    creq
}

/// `AWS4-HMAC-SHA256\n{X-Amz-Date}\n{scope}\n`: the string-to-sign before the hash.
pub(crate) fn sts_prefix(time: &SigningTime, region: &str, service: &str) -> String {
    let mut sts = String::with_capacity(ALGORITHM.len() + region.len() + service.len() + 120);
    sts.push_str(ALGORITHM);
    sts.push('\n');
    sts.push_str(time.amz_date());
    sts.push('\n');
    push_scope(&mut sts, time, region, service);
    sts.push('\n');
    sts
}

/// Hashes the canonical request into the string-to-sign and signs that.
pub(crate) fn sign_canonical(
    canonical_request: &str,
    sts_prefix: &str,
    key: &SigningKey,
) -> (String, String) {
    let mut sts = String::with_capacity(sts_prefix.len() + 64);
    sts.push_str(sts_prefix);
    sha256_hex_into(canonical_request.as_bytes(), &mut sts);
    let mut signature = String::with_capacity(64);
    key.sign_into(sts.as_bytes(), &mut signature);
    (sts, signature)
}

fn push_scope(out: &mut String, time: &SigningTime, region: &str, service: &str) {
    out.push_str(time.date());
    out.push('/');
    out.push_str(region);
    out.push('/');
    out.push_str(service);
    out.push_str("/aws4_request");
}

/// Presigns any AWS request given as a URL (STS, RDS IAM auth tokens, API Gateway, S3, …).
///
/// The URL's path is signed as given (it should be percent-encoded, as it goes on the wire);
/// its query is read as RFC 3986 (`+` is a plus) and re-encoded canonically in the result.
pub fn presign_url(
    method: &str,
    url: &str,
    params: &SigningParams<'_>,
    options: &UrlPresignOptions,
) -> Result<PresignedRequest> {
    let method = normalize_method(method)?;
    check_region(params.region)?;
    check_service(params.service)?;
    let expires_in = check_expires_in(options.expires_in as i128)?;
    let settings = params
        .settings
        .clone()
        .unwrap_or_else(|| SigningSettings::for_service(params.service));
    let parsed = parse_url(url)?;
    let time = signing_time(params.now)?;
    let (expires_in, expires_at) =
        params
            .credentials
            .effective_expiry(&time, expires_in, options.expiry_policy)?;

    let mut query = QueryParams::with_capacity(options.query.len() + 8);
    if let Some(q) = parsed.query {
        query.push_query_string(q)?;
    }
    query.push_user(&options.query)?;
    let headers = prepare_headers(&options.headers)?;
    let mut curi = String::with_capacity(parsed.path.len() + 16);
    canonical_uri(
        parsed.path,
        settings.normalize_path,
        settings.double_encode,
        &mut curi,
    );
    let payload = settings.payload_hash.resolve(b"");
    let key = SigningKey::derive(
        params.credentials.secret_access_key(),
        time.date(),
        params.region,
        params.service,
    );
    let scope = PresignScope::new(ScopeInputs {
        query,
        headers: &headers,
        access_key_id: params.credentials.access_key_id(),
        region: params.region,
        service: params.service,
        time: &time,
        expires_in,
        session_token: params.credentials.session_token(),
        token_mode: settings.session_token,
    });
    let out = presign_target(
        &scope,
        &headers,
        &Target {
            method: &method,
            scheme: parsed.scheme,
            authority: &parsed.authority,
            wire_path: parsed.path,
            canonical_uri: &curi,
            payload_hash: &payload,
        },
        &key,
    );
    Ok(PresignedRequest {
        url: out.url,
        method,
        signed_headers: headers.signed_names(),
        headers: headers.to_send,
        signed_at: time.system_time(),
        expires_at: unix_to_system_time(expires_at),
        signature: out.signature,
        canonical_request: out.canonical_request,
        string_to_sign: out.string_to_sign,
    })
}

/// Signs a request with an `Authorization` header. `headers` are the request's headers (a
/// `host` header, if present, overrides the URL's host); unsignable ones (`User-Agent`, …) are
/// skipped. `settings: None` → [`SigningSettings::for_service_headers`]. Returns the headers to add.
pub fn sign_request<N: AsRef<str>, V: AsRef<str>>(
    method: &str,
    url: &str,
    headers: &[(N, V)],
    body: &[u8],
    params: &SigningParams<'_>,
) -> Result<SignedRequest> {
    let method = normalize_method(method)?;
    check_region(params.region)?;
    check_service(params.service)?;
    let settings = params
        .settings
        .clone()
        .unwrap_or_else(|| SigningSettings::for_service_headers(params.service));
    let parsed = parse_url(url)?;
    let time = signing_time(params.now)?;
    if let Some(exp) = params.credentials.expires_at() {
        if crate::timestamp::system_time_to_unix(exp) <= time.unix() {
            return Err(Error::CredentialsExpired {
                expired_at: crate::timestamp::format_rfc3339(exp),
                now: crate::timestamp::format_unix_rfc3339(time.unix()),
            });
        }
    }
    let mut query = QueryParams::with_capacity(4);
    if let Some(q) = parsed.query {
        query.push_query_string(q)?;
    }
    query.sort();
    let mut cq = String::with_capacity(query.len_hint());
    query.write_into(&mut cq);

    let mut prepared = prepare_headers(headers)?;
    let host = prepared.host(&parsed.authority).to_owned();
    let payload = settings.payload_hash.resolve(body);
    let mut added: Vec<(String, String)> = Vec::with_capacity(4);
    prepared.insert_signer_header("x-amz-date", time.amz_date());
    added.push(("X-Amz-Date".into(), time.amz_date().into()));
    if settings.content_sha256_header && !prepared.has("x-amz-content-sha256") {
        prepared.insert_signer_header("x-amz-content-sha256", &payload);
        added.push(("x-amz-content-sha256".into(), payload.to_string()));
    }
    if let Some(token) = params.credentials.session_token() {
        if settings.session_token == SessionTokenMode::Signed {
            prepared.insert_signer_header("x-amz-security-token", token);
        }
        added.push(("X-Amz-Security-Token".into(), token.into()));
    }
    let signed_list = prepared.signed_header_list();
    let mut curi = String::with_capacity(parsed.path.len() + 16);
    canonical_uri(
        parsed.path,
        settings.normalize_path,
        settings.double_encode,
        &mut curi,
    );
    let canonical_request = build_canonical_request(
        &method,
        &curi,
        &cq,
        &prepared,
        &host,
        &signed_list,
        &payload,
    );
    let key = SigningKey::derive(
        params.credentials.secret_access_key(),
        time.date(),
        params.region,
        params.service,
    );
    let (string_to_sign, signature) = sign_canonical(
        &canonical_request,
        &sts_prefix(&time, params.region, params.service),
        &key,
    );
    let mut authorization = String::with_capacity(200);
    authorization.push_str(ALGORITHM);
    authorization.push_str(" Credential=");
    authorization.push_str(params.credentials.access_key_id());
    authorization.push('/');
    push_scope(&mut authorization, &time, params.region, params.service);
    authorization.push_str(", SignedHeaders=");
    authorization.push_str(&signed_list);
    authorization.push_str(", Signature=");
    authorization.push_str(&signature);
    added.push(("Authorization".into(), authorization.clone()));
    Ok(SignedRequest {
        headers: added,
        signed_headers: prepared.signed_names(),
        signed_at: time.system_time(),
        signature,
        authorization,
        canonical_request,
        string_to_sign,
    })
}
