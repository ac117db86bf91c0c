//! SigV4 for any AWS request: presigning (query-string auth) and `Authorization`-header signing.
//!
//! Defaults follow botocore so that URLs match the official SDKs byte for byte: `s3` signs the
//! path as sent with `UNSIGNED-PAYLOAD`; every other service normalizes the path, encodes it a
//! second time and signs the SHA-256 of the (empty) body.

use std::borrow::Cow;
use std::ops::Range;
use std::time::SystemTime;

use crate::canonical::{
    canonical_uri, normalize_method, parse_url, prepare_headers, PreparedHeaders, QueryParams,
};
use crate::credentials::{check_expires_in, Credentials, ExpiryPolicy};
use crate::encoding::encode_into;
use crate::error::{Error, Result};
use crate::request::{PresignedRequest, SignedRequest};
use crate::signing_key::{sha256, sha256_hex, Hex64, Sha256Stream, SigningKey};
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

/// The credential scope of one (access key, day, region, service): `date/region/service/aws4_request`
/// and its encoded `X-Amz-Credential` form. An S3 presigner builds it once a day.
pub(crate) struct CredentialScope {
    pub scope: String,
    pub credential: String,
}

impl CredentialScope {
    pub fn new(access_key_id: &str, time: &SigningTime, region: &str, service: &str) -> Self {
        let mut scope = String::with_capacity(region.len() + service.len() + 24);
        push_scope(&mut scope, time, region, service);
        // AKID%2Fyyyymmdd%2Fregion%2Fservice%2Faws4_request
        let mut credential = String::with_capacity(access_key_id.len() + scope.len() + 16);
        encode_into(&mut credential, access_key_id.as_bytes());
        for part in scope.split('/') {
            credential.push_str("%2F");
            encode_into(&mut credential, part.as_bytes());
        }
        CredentialScope { scope, credential }
    }
}

/// What a presign needs besides the path and host, already validated.
pub(crate) struct ScopeInputs<'a> {
    /// Caller parameters, encoded (the auth parameters are merged in when writing).
    pub query: QueryParams,
    pub headers: &'a PreparedHeaders<'a>,
    pub scope: &'a CredentialScope,
    pub time: &'a SigningTime,
    pub expires_in: u64,
    /// The session token, already percent-encoded.
    pub session_token: Option<&'a str>,
    pub token_mode: SessionTokenMode,
}

/// The parts of a presign that do not depend on the path or the host: the canonical query
/// string (auth parameters included) and the string-to-sign's scope. A batch of URLs for one
/// bucket computes them once.
pub(crate) struct PresignScope<'a> {
    pub canonical_query: String,
    pub appended_token: Option<&'a str>,
    pub signed_list: Cow<'a, str>,
    pub scope: &'a str,
    pub time: SigningTime,
}

impl<'a> PresignScope<'a> {
    pub fn new(p: ScopeInputs<'a>) -> Self {
        let signed_list = if p.headers.others.is_empty() {
            Cow::Borrowed("host")
        } else {
            Cow::Owned(p.headers.signed_header_list())
        };
        let mut expires = itoa_buf();
        let expires = fmt_u64(p.expires_in, &mut expires);
        let (signed_token, appended_token) = match (p.session_token, p.token_mode) {
            (Some(t), SessionTokenMode::Signed) => (Some(t), None),
            (Some(t), SessionTokenMode::AppendAfterSigning) => (None, Some(t)),
            (None, _) => (None, None),
        };
        // Already in canonical (bytewise) order. The signed list is encoded as it is written;
        // comparing it unencoded is fine because no caller parameter may have an auth name.
        let auth: [(&str, Option<&str>); 6] = [
            ("X-Amz-Algorithm", Some(ALGORITHM)),
            ("X-Amz-Credential", Some(&p.scope.credential)),
            ("X-Amz-Date", Some(p.time.amz_date())),
            ("X-Amz-Expires", Some(expires)),
            ("X-Amz-Security-Token", signed_token),
            ("X-Amz-SignedHeaders", Some(&signed_list)),
        ];
        let mut user = p.query;
        user.sort();
        let mut canonical_query = String::with_capacity(
            user.len_hint()
                + p.scope.credential.len()
                + signed_token.map_or(0, str::len)
                + 3 * signed_list.len()
                + 160,
        );
        let mut user_pairs = user.pairs().peekable();
        let mut put = |n: &str, v: &str, encode: bool| {
            if !canonical_query.is_empty() {
                canonical_query.push('&');
            }
            canonical_query.push_str(n);
            canonical_query.push('=');
            if encode {
                encode_into(&mut canonical_query, v.as_bytes());
            } else {
                canonical_query.push_str(v);
            }
        };
        for (name, value) in auth {
            let Some(value) = value else { continue };
            while let Some((n, v)) = user_pairs.next_if(|&(n, v)| (n, v) < (name, value)) {
                put(n, v, false);
            }
            put(name, value, name == "X-Amz-SignedHeaders");
        }
        for (n, v) in user_pairs {
            put(n, v, false);
        }
        PresignScope {
            canonical_query,
            appended_token,
            signed_list,
            scope: &p.scope.scope,
            time: *p.time,
        }
    }
}

impl PresignScope<'_> {
    /// What [`presign_target`] appends to the URL: `?`, the query, the token, the signature.
    pub fn url_tail_len(&self) -> usize {
        self.canonical_query.len() + self.appended_token.map_or(0, |t| t.len() + 22) + 84
    }
}

fn itoa_buf() -> [u8; 20] {
    [0; 20]
}

/// Decimal digits of `n` without going through `fmt`.
fn fmt_u64(mut n: u64, buf: &mut [u8; 20]) -> &str {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[i..]).expect("ascii digits")
}

/// Where one presigned request goes: `url` already holds `scheme://authority/path`.
pub(crate) struct Target<'a> {
    pub method: &'a str,
    pub url: String,
    pub authority: Range<usize>,
    pub wire_path: Range<usize>,
    /// `None`: the wire path as is.
    pub canonical_uri: Option<&'a str>,
    pub payload_hash: &'a str,
}

/// The outputs of one presign.
pub(crate) struct PresignOutput {
    pub url: String,
    /// Kept only when asked for (a URL-only presign hashes them without storing them).
    pub canonical_request: Option<String>,
    pub string_to_sign: Option<String>,
    pub signature: Hex64,
}

/// Where canonical-request text goes: a string kept for the result, or straight into SHA-256.
pub(crate) trait Sink {
    fn put(&mut self, s: &str);
}

impl Sink for String {
    fn put(&mut self, s: &str) {
        self.push_str(s);
    }
}

impl Sink for Sha256Stream {
    fn put(&mut self, s: &str) {
        self.update(s.as_bytes());
    }
}

/// Builds the canonical request, signs it and completes the URL (the canonical query string,
/// which is already sorted and encoded, followed by the signature). `keep` keeps the canonical
/// request and string-to-sign.
pub(crate) fn presign_target(
    scope: &PresignScope<'_>,
    headers: &PreparedHeaders<'_>,
    t: Target<'_>,
    key: &SigningKey,
    keep: bool,
) -> PresignOutput {
    let mut url = t.url;
    let host = headers.host(&url[t.authority.clone()]);
    let uri = t.canonical_uri.unwrap_or(&url[t.wire_path.clone()]);
    let parts = CanonicalParts {
        method: t.method,
        canonical_uri: uri,
        canonical_query: &scope.canonical_query,
        headers,
        host,
        signed_list: &scope.signed_list,
        payload_hash: t.payload_hash,
    };
    let (canonical_request, hash) = if keep {
        let creq = parts.build();
        let hash = Hex64::new(&sha256(creq.as_bytes()));
        (Some(creq), hash)
    } else {
        let mut h = Sha256Stream::new();
        parts.write(&mut h);
        (None, Hex64::new(&h.finish()))
    };
    let (string_to_sign, signature) = sign_hash(key, &scope.time, scope.scope, hash.as_str(), keep);
    url.reserve(scope.url_tail_len());
    url.push('?');
    url.push_str(&scope.canonical_query);
    if let Some(token) = scope.appended_token {
        url.push_str("&X-Amz-Security-Token=");
        url.push_str(token);
    }
    url.push_str("&X-Amz-Signature=");
    url.push_str(signature.as_str());
    PresignOutput {
        url,
        canonical_request,
        string_to_sign,
        signature,
    }
}

/// The pieces of a canonical request.
pub(crate) struct CanonicalParts<'a> {
    pub method: &'a str,
    pub canonical_uri: &'a str,
    pub canonical_query: &'a str,
    pub headers: &'a PreparedHeaders<'a>,
    pub host: &'a str,
    pub signed_list: &'a str,
    pub payload_hash: &'a str,
}

impl CanonicalParts<'_> {
    pub fn write(&self, out: &mut impl Sink) {
        out.put(self.method);
        out.put("\n");
        out.put(self.canonical_uri);
        out.put("\n");
        out.put(self.canonical_query);
        out.put("\n");
        for (n, v) in self.headers.canonical(self.host) {
            out.put(n);
            out.put(":");
            out.put(v);
            out.put("\n");
        }
        out.put("\n");
        out.put(self.signed_list);
        out.put("\n");
        out.put(self.payload_hash);
    }

    /// The canonical request as one string.
    pub fn build(&self) -> String {
        let mut s = String::with_capacity(self.len());
        self.write(&mut s);
        s
    }

    fn len(&self) -> usize {
        let headers: usize = self
            .headers
            .others
            .iter()
            .map(|(n, v)| n.len() + v.len() + 2)
            .sum();
        self.method.len()
            + self.canonical_uri.len()
            + self.canonical_query.len()
            + headers
            + self.host.len()
            + 6
            + self.signed_list.len()
            + self.payload_hash.len()
            + 8
    }
}

pub(crate) fn build_canonical_request(
    method: &str,
    canonical_uri: &str,
    canonical_query: &str,
    headers: &PreparedHeaders<'_>,
    host: &str,
    signed_list: &str,
    payload_hash: &str,
) -> String {
    CanonicalParts {
        method,
        canonical_uri,
        canonical_query,
        headers,
        host,
        signed_list,
        payload_hash,
    }
    .build()
}

/// Signs `AWS4-HMAC-SHA256\n{X-Amz-Date}\n{scope}\n{hash}`; with `keep`, also returns it.
pub(crate) fn sign_hash(
    key: &SigningKey,
    time: &SigningTime,
    scope: &str,
    hash_hex: &str,
    keep: bool,
) -> (Option<String>, Hex64) {
    let pieces = [
        ALGORITHM,
        "\n",
        time.amz_date(),
        "\n",
        scope,
        "\n",
        hash_hex,
    ];
    let mut signer = key.signer();
    for p in pieces {
        signer.update(p.as_bytes());
    }
    let sts = keep.then(|| pieces.concat());
    (sts, signer.finish_hex(key))
}

/// Hashes the canonical request and signs the string-to-sign it ends (the path of header
/// signing and verification; presigning calls [`sign_hash`] directly). Returns the
/// string-to-sign and the signature.
pub(crate) fn sign_canonical(
    canonical_request: &str,
    time: &SigningTime,
    region: &str,
    service: &str,
    key: &SigningKey,
) -> (String, Hex64) {
    let mut scope = String::with_capacity(region.len() + service.len() + 24);
    push_scope(&mut scope, time, region, service);
    let hash = Hex64::new(&sha256(canonical_request.as_bytes()));
    let (sts, signature) = sign_hash(key, time, &scope, hash.as_str(), true);
    (sts.unwrap_or_default(), signature)
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
    let credential_scope = CredentialScope::new(
        params.credentials.access_key_id(),
        &time,
        params.region,
        params.service,
    );
    let token = params
        .credentials
        .session_token()
        .map(|t| crate::encoding::encode(t.as_bytes()));
    let scope = PresignScope::new(ScopeInputs {
        query,
        headers: &headers,
        scope: &credential_scope,
        time: &time,
        expires_in,
        session_token: token.as_deref(),
        token_mode: settings.session_token,
    });
    let mut url = String::with_capacity(url.len() + scope.url_tail_len());
    url.push_str(parsed.scheme);
    url.push_str("://");
    let authority = url.len()..url.len() + parsed.authority.len();
    url.push_str(&parsed.authority);
    let wire_path = url.len()..url.len() + parsed.path.len();
    url.push_str(parsed.path);
    let out = presign_target(
        &scope,
        &headers,
        Target {
            method: &method,
            url,
            authority,
            wire_path,
            canonical_uri: Some(&curi),
            payload_hash: &payload,
        },
        &key,
        true,
    );
    Ok(PresignedRequest {
        url: out.url,
        method: method.into_owned(),
        signed_headers: headers.signed_names(),
        headers: headers.to_send_owned(),
        signed_at: time.system_time(),
        expires_at: unix_to_system_time(expires_at),
        signature: out.signature.as_str().to_owned(),
        canonical_request: out.canonical_request.unwrap_or_default(),
        string_to_sign: out.string_to_sign.unwrap_or_default(),
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
        prepared.insert_signer_header("x-amz-content-sha256", payload.as_ref());
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
        &time,
        params.region,
        params.service,
        &key,
    );
    let signature = signature.as_str().to_owned();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canonical::prepare_headers;

    /// The auth parameters are merged into the sorted caller parameters; the result must be
    /// what sorting everything together gives, including names that sort between them.
    #[test]
    fn auth_parameters_merge_in_canonical_order() {
        let user = [
            ("X-Amz-Date-Extra", "1"),
            ("a", "2"),
            ("a", "1"),
            ("A", ""),
            ("X-Amz-B", "x"),
            ("X-Amz-Credentials", "y"),
            ("X-Amz-T", "z"),
            ("X-Amz-Security", "w"),
            ("Y", "v"),
            ("~", "u"),
            ("X-Amz-SignedHeadersX", "t"),
        ];
        let time = SigningTime::from_unix(1_704_067_200).unwrap();
        let scope = CredentialScope::new("AKID", &time, "eu-west-1", "s3");
        let headers = prepare_headers(&[("x-amz-meta-a", "b")]).unwrap();
        for token in [None, Some("tok%2Fen")] {
            for take in 0..=user.len() {
                let mut q = QueryParams::default();
                q.push_user(&user[..take]).unwrap();
                let got = PresignScope::new(ScopeInputs {
                    query: q,
                    headers: &headers,
                    scope: &scope,
                    time: &time,
                    expires_in: 600,
                    session_token: token,
                    token_mode: SessionTokenMode::Signed,
                })
                .canonical_query;

                let mut all = QueryParams::default();
                all.push_user(&user[..take]).unwrap();
                all.push_encoded("X-Amz-Algorithm", ALGORITHM);
                all.push_encoded("X-Amz-Credential", scope.credential.clone());
                all.push_encoded("X-Amz-Date", time.amz_date().to_owned());
                all.push_encoded("X-Amz-Expires", "600");
                if let Some(t) = token {
                    all.push_encoded("X-Amz-Security-Token", t.to_owned());
                }
                all.push_encoded("X-Amz-SignedHeaders", "host%3Bx-amz-meta-a");
                all.sort();
                let mut want = String::new();
                all.write_into(&mut want);
                assert_eq!(got, want, "{take} parameters, token {token:?}");
            }
        }
    }

    #[test]
    fn decimal_digits() {
        let mut b = itoa_buf();
        for n in [0, 7, 10, 3600, 604_800, u64::MAX] {
            assert_eq!(fmt_u64(n, &mut b), n.to_string());
        }
    }
}
