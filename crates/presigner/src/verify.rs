//! Server side: check a presigned URL or an `Authorization`-signed request.
//!
//! The signature is recomputed with the same canonicalization code that signs, so a URL this
//! crate (or botocore, the JS SDK, aws-sdk-go-v2) makes verifies here exactly when S3 would
//! accept it. Every check has its own error kind so a gateway can log why it refused; callers
//! should answer all of them the same way (403), as S3 does. Comparison is constant-time.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use subtle::ConstantTimeEq;
use time::macros::format_description;
use time::PrimitiveDateTime;
use zeroize::Zeroizing;

use crate::canonical::{
    canonical_header_value, canonical_uri, parse_url, ParsedUrl, PreparedHeaders, QueryParams,
};
use crate::credentials::{Credentials, MAX_EXPIRES_IN};
use crate::error::{Error, Result};
use crate::signing_key::SigningKey;
use crate::sigv4::{
    build_canonical_request, sign_canonical, signing_time, SessionTokenMode, SettingsOverrides,
    SigningSettings, ALGORITHM,
};
use crate::timestamp::{format_unix_rfc3339, unix_to_system_time, SigningTime};

/// The clock skew tolerated by default, as S3 does: 15 minutes.
pub const DEFAULT_MAX_SKEW: Duration = Duration::from_secs(15 * 60);

/// Finds the credentials (secret, and optionally the session token that must accompany it)
/// for an access key id. Implemented for maps, slices and closures.
pub trait CredentialLookup {
    fn lookup(&self, access_key_id: &str) -> Option<Credentials>;
}

impl<F: Fn(&str) -> Option<Credentials>> CredentialLookup for F {
    fn lookup(&self, access_key_id: &str) -> Option<Credentials> {
        self(access_key_id)
    }
}

impl CredentialLookup for HashMap<String, Credentials> {
    fn lookup(&self, access_key_id: &str) -> Option<Credentials> {
        self.get(access_key_id).cloned()
    }
}

impl CredentialLookup for [Credentials] {
    fn lookup(&self, access_key_id: &str) -> Option<Credentials> {
        self.iter()
            .find(|c| c.access_key_id() == access_key_id)
            .cloned()
    }
}

impl CredentialLookup for Vec<Credentials> {
    fn lookup(&self, access_key_id: &str) -> Option<Credentials> {
        self.as_slice().lookup(access_key_id)
    }
}

/// What to expect of a request besides a valid signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyOptions {
    /// The time to check against; `None` reads the system clock.
    pub now: Option<SystemTime>,
    /// Reject scopes for another region (`None` accepts any).
    pub region: Option<String>,
    /// Reject scopes for another service (`None` accepts any).
    pub service: Option<String>,
    /// How far in the future `X-Amz-Date` may be (and, for header auth, in the past).
    pub max_skew: Duration,
    /// Canonicalization; `None` → [`SigningSettings::for_service`] of the scope's service.
    pub settings: Option<SigningSettings>,
    /// Applied on top of `settings` (or of the scope service's preset when `settings` is `None`).
    pub overrides: SettingsOverrides,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            now: None,
            region: None,
            service: None,
            max_skew: DEFAULT_MAX_SKEW,
            settings: None,
            overrides: SettingsOverrides::default(),
        }
    }
}

/// A request that verified: who signed it, for what, and until when it is valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    pub access_key_id: String,
    pub region: String,
    pub service: String,
    pub signed_headers: Vec<String>,
    pub signed_at: SystemTime,
    /// Presigned: `X-Amz-Date + X-Amz-Expires`. Header auth: `X-Amz-Date` + the skew tolerance.
    pub expires_at: SystemTime,
}

/// The parts of a credential scope `AKID/yyyymmdd/region/service/aws4_request`.
struct Scope<'a> {
    access_key_id: &'a str,
    date: &'a str,
    region: &'a str,
    service: &'a str,
}

fn parse_scope(credential: &str) -> Result<Scope<'_>> {
    let bad = |reason: &str| Error::InvalidCredentialScope {
        scope: credential.to_owned(),
        reason: reason.to_owned(),
    };
    let parts: Vec<&str> = credential.split('/').collect();
    let [akid, date, region, service, terminator] = parts[..] else {
        return Err(bad(
            "expected ACCESS_KEY_ID/yyyymmdd/region/service/aws4_request",
        ));
    };
    if terminator != "aws4_request" {
        return Err(bad("must end with /aws4_request"));
    }
    if akid.is_empty() || region.is_empty() || service.is_empty() {
        return Err(bad("access key id, region and service must not be empty"));
    }
    if date.len() != 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad("date must be yyyymmdd"));
    }
    Ok(Scope {
        access_key_id: akid,
        date,
        region,
        service,
    })
}

fn parse_amz_date(value: &str) -> Result<SigningTime> {
    let fmt = format_description!("[year][month][day]T[hour][minute][second]Z");
    let dt = PrimitiveDateTime::parse(value, &fmt)
        .map_err(|_| Error::malformed(format!("X-Amz-Date {value:?} is not yyyymmddThhmmssZ")))?;
    SigningTime::from_unix(dt.assume_utc().unix_timestamp())
        .map_err(|_| Error::malformed(format!("X-Amz-Date {value:?} is out of range")))
}

/// Request headers by lower-case name, repeated ones joined with `,` (values canonicalized).
fn header_map<N: AsRef<str>, V: AsRef<str>>(headers: &[(N, V)]) -> Result<HashMap<String, String>> {
    let mut map: HashMap<String, String> = HashMap::with_capacity(headers.len());
    for (n, v) in headers {
        let (n, v) = (n.as_ref(), v.as_ref());
        if v.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
            return Err(Error::malformed(format!(
                "header {n:?} contains CR, LF or NUL"
            )));
        }
        let mut canon = String::with_capacity(v.len());
        canonical_header_value(v, &mut canon);
        map.entry(n.to_ascii_lowercase())
            .and_modify(|e| {
                e.push(',');
                e.push_str(&canon);
            })
            .or_insert(canon);
    }
    Ok(map)
}

fn parse_signed_headers(list: &str) -> Result<Vec<String>> {
    let names: Vec<String> = list.split(';').map(str::to_owned).collect();
    let well_formed = names
        .iter()
        .all(|n| !n.is_empty() && !n.bytes().any(|b| b.is_ascii_uppercase()))
        && names.windows(2).all(|w| w[0] < w[1]);
    if !well_formed {
        return Err(Error::malformed(format!(
            "signed headers {list:?} must be lower-case names, sorted, unique, separated by ';'"
        )));
    }
    if !names.iter().any(|n| n == "host") {
        return Err(Error::MissingSignedHeader {
            name: "host".into(),
            reason: "must be signed".into(),
        });
    }
    Ok(names)
}

/// Everything both verifiers share once the auth parameters are extracted.
struct Claim<'a> {
    method: &'a str,
    parsed: &'a ParsedUrl<'a>,
    credential: &'a str,
    amz_date: &'a str,
    signed_headers: &'a str,
    signature: &'a str,
    session_token: Option<String>,
}

/// Checks scope, time window, headers and signature. `canonical_query` is computed by the caller
/// (presigned URLs drop `X-Amz-Signature` from it). Returns `(Verified, scope date check passed)`.
#[allow(clippy::too_many_arguments)]
fn check_claim<N: AsRef<str>, V: AsRef<str>>(
    claim: &Claim<'_>,
    headers: &[(N, V)],
    canonical_query: &str,
    payload_hash: Option<&str>,
    expires_in: Option<u64>,
    lookup: &(impl CredentialLookup + ?Sized),
    options: &VerifyOptions,
    cache: Option<&DerivedKeys>,
) -> Result<Verified> {
    let scope = parse_scope(claim.credential)?;
    let time = parse_amz_date(claim.amz_date)?;
    if scope.date != time.date() {
        return Err(Error::InvalidCredentialScope {
            scope: claim.credential.to_owned(),
            reason: format!(
                "date {} is not the day of X-Amz-Date {}",
                scope.date, claim.amz_date
            ),
        });
    }
    for (field, expected, actual) in [
        ("region", options.region.as_deref(), scope.region),
        ("service", options.service.as_deref(), scope.service),
    ] {
        if let Some(expected) = expected {
            if expected != actual {
                return Err(Error::ScopeMismatch {
                    field: field.into(),
                    expected: expected.into(),
                    actual: actual.into(),
                });
            }
        }
    }
    let now = signing_time(options.now)?;
    let skew = options.max_skew.as_secs() as i64;
    if time.unix() > now.unix() + skew {
        return Err(Error::RequestNotYetValid {
            signed_at: format_unix_rfc3339(time.unix()),
            now: format_unix_rfc3339(now.unix()),
            max_skew_seconds: skew as u64,
        });
    }
    let ends = match expires_in {
        Some(e) => time.unix() + e as i64,
        None => time.unix() + skew,
    };
    if now.unix() >= ends {
        return Err(Error::RequestExpired {
            expired_at: format_unix_rfc3339(ends),
            now: format_unix_rfc3339(now.unix()),
        });
    }

    let signed = parse_signed_headers(claim.signed_headers)?;
    let parsed = claim.parsed;
    let request_headers = header_map(headers)?;
    let mut prepared = PreparedHeaders::default();
    for name in &signed {
        match (name.as_str(), request_headers.get(name)) {
            ("host", h) => {
                prepared.host_override = Some(Cow::Borrowed(
                    h.map_or(parsed.authority.as_str(), String::as_str),
                ))
            }
            (_, Some(v)) => prepared
                .others
                .push((Cow::Borrowed(name.as_str()), Cow::Borrowed(v.as_str()))),
            (_, None) => {
                return Err(Error::MissingSignedHeader {
                    name: name.clone(),
                    reason: "is signed but not present in the request".into(),
                })
            }
        }
    }

    let credentials =
        lookup
            .lookup(scope.access_key_id)
            .ok_or_else(|| Error::UnknownAccessKey {
                access_key_id: scope.access_key_id.to_owned(),
            })?;
    if let Some(expected) = credentials.session_token() {
        let given = claim.session_token.as_deref().unwrap_or("");
        if !bool::from(expected.as_bytes().ct_eq(given.as_bytes())) {
            return Err(Error::InvalidSessionToken {
                access_key_id: scope.access_key_id.to_owned(),
            });
        }
    }

    let settings = options.overrides.apply(
        options
            .settings
            .clone()
            .unwrap_or_else(|| SigningSettings::for_service(scope.service)),
    );
    let mut curi = String::with_capacity(parsed.path.len() + 16);
    canonical_uri(
        parsed.path,
        settings.normalize_path,
        settings.double_encode,
        &mut curi,
    );
    let payload = match payload_hash {
        Some(p) => p.to_owned(),
        None => settings.payload_hash.resolve(b"").into_owned(),
    };
    let host = prepared.host_override.clone().unwrap_or_default();
    let canonical_request = build_canonical_request(
        claim.method,
        &curi,
        canonical_query,
        &prepared,
        &host,
        claim.signed_headers,
        &payload,
    );
    let derive = || {
        SigningKey::derive(
            credentials.secret_access_key(),
            scope.date,
            scope.region,
            scope.service,
        )
    };
    let key = match cache {
        Some(c) => c.get(claim.credential, &credentials, derive),
        None => derive(),
    };
    let (_, expected) =
        sign_canonical(&canonical_request, &time, scope.region, scope.service, &key);
    if !bool::from(
        expected
            .as_str()
            .as_bytes()
            .ct_eq(claim.signature.as_bytes()),
    ) {
        return Err(Error::SignatureMismatch {
            access_key_id: scope.access_key_id.to_owned(),
        });
    }
    Ok(Verified {
        access_key_id: scope.access_key_id.to_owned(),
        region: scope.region.to_owned(),
        service: scope.service.to_owned(),
        signed_headers: signed,
        signed_at: time.system_time(),
        expires_at: unix_to_system_time(ends),
    })
}

/// A URL a server received that cannot be parsed is a malformed request, not a caller mistake.
fn parse_request_url(url: &str) -> Result<ParsedUrl<'_>> {
    parse_url(url).map_err(|e| match e {
        Error::InvalidUrl { reason } => Error::malformed(format!("the URL {reason}")),
        other => other,
    })
}

const AUTH_PARAMS: [&str; 7] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
    "X-Amz-Security-Token",
];

/// Verifies a presigned URL as received: `method`, the full URL (scheme, host, path as sent,
/// query) and the request's headers (include `Host` when the URL's authority is not what the
/// client sent).
pub fn verify_presigned<N: AsRef<str>, V: AsRef<str>>(
    method: &str,
    url: &str,
    headers: &[(N, V)],
    lookup: &(impl CredentialLookup + ?Sized),
    options: &VerifyOptions,
) -> Result<Verified> {
    presigned_inner(method, url, headers, lookup, options, None)
}

fn presigned_inner<N: AsRef<str>, V: AsRef<str>>(
    method: &str,
    url: &str,
    headers: &[(N, V)],
    lookup: &(impl CredentialLookup + ?Sized),
    options: &VerifyOptions,
    cache: Option<&DerivedKeys>,
) -> Result<Verified> {
    let parsed = parse_request_url(url)?;
    let mut auth: [Option<String>; 7] = Default::default();
    let mut query = QueryParams::with_capacity(8);
    let mut content_sha256 = None;
    for part in parsed
        .query
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (n, v) = part.split_once('=').unwrap_or((part, ""));
        let bad = || Error::malformed(format!("bad percent-escape in query parameter {part:?}"));
        let name = crate::encoding::decode_strict(n).ok_or_else(bad)?;
        let value = crate::encoding::decode_strict(v).ok_or_else(bad)?;
        if let Some(i) = AUTH_PARAMS
            .iter()
            .position(|p| p.as_bytes() == name.as_slice())
        {
            if auth[i].is_some() {
                return Err(Error::DuplicateParameter {
                    name: AUTH_PARAMS[i].to_owned(),
                });
            }
            let value = String::from_utf8(value.clone())
                .map_err(|_| Error::malformed(format!("{} is not UTF-8", AUTH_PARAMS[i])))?;
            auth[i] = Some(value);
            if i == 5 {
                continue; // X-Amz-Signature is never part of what is signed
            }
        }
        if name.as_slice() == b"X-Amz-Content-Sha256" {
            content_sha256 = Some(String::from_utf8_lossy(&value).into_owned());
        }
        query.push_raw(&name, &value);
    }
    let get = |i: usize| {
        auth[i]
            .as_deref()
            .ok_or_else(|| Error::malformed(format!("{} is missing", AUTH_PARAMS[i])))
    };
    let algorithm = get(0)?;
    if algorithm != ALGORITHM {
        return Err(Error::UnsupportedAlgorithm {
            algorithm: algorithm.to_owned(),
        });
    }
    let (credential, amz_date, expires, signed_headers, signature) =
        (get(1)?, get(2)?, get(3)?, get(4)?, get(5)?);
    let expires_in: u64 = match expires.parse::<i64>() {
        Ok(e)
            if (1..=MAX_EXPIRES_IN as i64).contains(&e)
                && expires.bytes().all(|b| b.is_ascii_digit()) =>
        {
            e as u64
        }
        Ok(e) => return Err(Error::InvalidExpiry { value: e as i128 }),
        Err(_) => {
            return Err(Error::malformed(format!(
                "X-Amz-Expires {expires:?} is not a number"
            )))
        }
    };
    // Under "append after signing" the token rides along unsigned: drop it from the canonical query.
    let token_mode = options
        .overrides
        .session_token
        .or(options.settings.as_ref().map(|s| s.session_token))
        .unwrap_or_default();
    let token_signed = token_mode == SessionTokenMode::Signed;
    if !token_signed && auth[6].is_some() {
        query.remove_encoded("X-Amz-Security-Token");
    }
    query.sort();
    let mut cq = String::with_capacity(query.len_hint());
    query.write_into(&mut cq);
    let claim = Claim {
        method,
        parsed: &parsed,
        credential,
        amz_date,
        signed_headers,
        signature,
        session_token: auth[6].clone(),
    };
    check_claim(
        &claim,
        headers,
        &cq,
        content_sha256.as_deref(),
        Some(expires_in),
        lookup,
        options,
        cache,
    )
}

/// Verifies a request signed with an `Authorization` header. `payload_hash` is the hash the
/// server computed of the body it received (`None` uses the `x-amz-content-sha256` header, which
/// S3 clients always send, or the settings' default).
pub fn verify_request<N: AsRef<str>, V: AsRef<str>>(
    method: &str,
    url: &str,
    headers: &[(N, V)],
    payload_hash: Option<&str>,
    lookup: &(impl CredentialLookup + ?Sized),
    options: &VerifyOptions,
) -> Result<Verified> {
    request_inner(method, url, headers, payload_hash, lookup, options, None)
}

fn request_inner<N: AsRef<str>, V: AsRef<str>>(
    method: &str,
    url: &str,
    headers: &[(N, V)],
    payload_hash: Option<&str>,
    lookup: &(impl CredentialLookup + ?Sized),
    options: &VerifyOptions,
    cache: Option<&DerivedKeys>,
) -> Result<Verified> {
    let mut authorization = None;
    let mut amz_date = None;
    let mut token = None;
    let mut content_sha256 = None;
    for (n, v) in headers {
        let (n, v) = (n.as_ref(), v.as_ref());
        let slot = if n.eq_ignore_ascii_case("authorization") {
            &mut authorization
        } else if n.eq_ignore_ascii_case("x-amz-date") {
            &mut amz_date
        } else if n.eq_ignore_ascii_case("x-amz-security-token") {
            &mut token
        } else if n.eq_ignore_ascii_case("x-amz-content-sha256") {
            &mut content_sha256
        } else {
            continue;
        };
        if slot.replace(v.trim()).is_some() {
            return Err(Error::DuplicateParameter { name: n.to_owned() });
        }
    }
    let authorization =
        authorization.ok_or_else(|| Error::malformed("Authorization header is missing"))?;
    let amz_date = amz_date.ok_or_else(|| Error::malformed("X-Amz-Date header is missing"))?;
    let (algorithm, rest) = authorization.split_once(' ').ok_or_else(|| {
        Error::malformed("Authorization header is not 'AWS4-HMAC-SHA256 Credential=…'")
    })?;
    if algorithm != ALGORITHM {
        return Err(Error::UnsupportedAlgorithm {
            algorithm: algorithm.to_owned(),
        });
    }
    let mut fields: [Option<&str>; 3] = [None; 3];
    for item in rest.split(',') {
        let (k, v) = item.trim().split_once('=').ok_or_else(|| {
            Error::malformed(format!("Authorization item {item:?} is not key=value"))
        })?;
        let i = match k {
            "Credential" => 0,
            "SignedHeaders" => 1,
            "Signature" => 2,
            other => {
                return Err(Error::malformed(format!(
                    "unknown Authorization item {other:?}"
                )))
            }
        };
        if fields[i].replace(v).is_some() {
            return Err(Error::DuplicateParameter { name: k.to_owned() });
        }
    }
    let [Some(credential), Some(signed_headers), Some(signature)] = fields else {
        return Err(Error::malformed(
            "Authorization needs Credential, SignedHeaders and Signature",
        ));
    };
    let parsed = parse_request_url(url)?;
    let mut query = QueryParams::with_capacity(4);
    if let Some(q) = parsed.query {
        query
            .push_query_string_unchecked(q)
            .map_err(|_| Error::malformed("bad percent-escape in the query"))?;
    }
    query.sort();
    let mut cq = String::with_capacity(query.len_hint());
    query.write_into(&mut cq);
    let claim = Claim {
        method,
        parsed: &parsed,
        credential,
        amz_date,
        signed_headers,
        signature,
        session_token: token.map(str::to_owned),
    };
    let payload = payload_hash.or(content_sha256);
    check_claim(&claim, headers, &cq, payload, None, lookup, options, cache)
}

/// Derived signing keys by credential scope (`AKID/date/region/service/aws4_request`), each
/// kept with the secret it came from so that a rotated secret is never served a stale key.
#[derive(Default)]
struct DerivedKeys {
    map: Mutex<HashMap<String, (Zeroizing<String>, SigningKey)>>,
}

/// Bound on cached keys: a server sees few (key, day, region, service) combinations; a flood of
/// distinct scopes only costs re-derivations, never memory.
const MAX_CACHED_KEYS: usize = 4096;

impl DerivedKeys {
    fn get(
        &self,
        scope: &str,
        credentials: &Credentials,
        derive: impl FnOnce() -> SigningKey,
    ) -> SigningKey {
        let secret = credentials.secret_access_key().as_bytes();
        if let Ok(map) = self.map.lock() {
            if let Some((s, key)) = map.get(scope) {
                if bool::from(s.as_bytes().ct_eq(secret)) {
                    return key.clone();
                }
            }
        }
        let key = derive();
        if let Ok(mut map) = self.map.lock() {
            if map.len() >= MAX_CACHED_KEYS {
                map.clear();
            }
            map.insert(
                scope.to_owned(),
                (
                    Zeroizing::new(credentials.secret_access_key().to_owned()),
                    key.clone(),
                ),
            );
        }
        key
    }
}

/// A verifier for a server: the lookup plus a cache of derived signing keys, so that checking a
/// request costs about what signing one does (the free functions derive the key every time).
/// `Send + Sync` when the lookup is; share one.
pub struct Verifier<L> {
    lookup: L,
    keys: DerivedKeys,
}

impl<L: CredentialLookup> Verifier<L> {
    pub fn new(lookup: L) -> Self {
        Verifier {
            lookup,
            keys: DerivedKeys::default(),
        }
    }

    pub fn lookup(&self) -> &L {
        &self.lookup
    }

    /// As [`verify_presigned`].
    pub fn verify_presigned<N: AsRef<str>, V: AsRef<str>>(
        &self,
        method: &str,
        url: &str,
        headers: &[(N, V)],
        options: &VerifyOptions,
    ) -> Result<Verified> {
        presigned_inner(
            method,
            url,
            headers,
            &self.lookup,
            options,
            Some(&self.keys),
        )
    }

    /// As [`verify_request`].
    pub fn verify_request<N: AsRef<str>, V: AsRef<str>>(
        &self,
        method: &str,
        url: &str,
        headers: &[(N, V)],
        payload_hash: Option<&str>,
        options: &VerifyOptions,
    ) -> Result<Verified> {
        request_inner(
            method,
            url,
            headers,
            payload_hash,
            &self.lookup,
            options,
            Some(&self.keys),
        )
    }
}

impl<L> std::fmt::Debug for Verifier<L> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Verifier(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{PresignOptions, S3Config, S3Presigner};
    use std::time::UNIX_EPOCH;

    fn creds() -> Credentials {
        Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY").unwrap()
    }
    const T: u64 = 1_700_000_000;

    fn presigned(expires: i64) -> String {
        let s3 = S3Presigner::new(S3Config::new("eu-west-1", creds())).unwrap();
        let o = PresignOptions {
            expires_in: expires,
            now: Some(UNIX_EPOCH + Duration::from_secs(T)),
            ..Default::default()
        };
        s3.presign_get("bucket", "a b/c.txt", &o).unwrap()
    }

    fn at(secs: u64) -> VerifyOptions {
        VerifyOptions {
            now: Some(UNIX_EPOCH + Duration::from_secs(secs)),
            ..Default::default()
        }
    }

    #[test]
    fn time_window_edges() {
        let url = presigned(60);
        let keys = vec![creds()];
        let none: [(&str, &str); 0] = [];
        assert!(verify_presigned("GET", &url, &none, &keys, &at(T + 59)).is_ok());
        let e = verify_presigned("GET", &url, &none, &keys, &at(T + 60)).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::RequestExpired);
        // Signed in the future: accepted within the skew, refused beyond it.
        assert!(verify_presigned("GET", &url, &none, &keys, &at(T - 900)).is_ok());
        let e = verify_presigned("GET", &url, &none, &keys, &at(T - 901)).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::RequestNotYetValid);
    }

    #[test]
    fn cached_verifier_checks_the_secret_behind_a_cached_key() {
        let url = presigned(60);
        let none: [(&str, &str); 0] = [];
        let current = std::sync::Mutex::new(creds());
        let verifier = Verifier::new(|_: &str| Some(current.lock().unwrap().clone()));
        for _ in 0..3 {
            verifier
                .verify_presigned("GET", &url, &none, &at(T + 1))
                .unwrap();
        }
        // The secret is rotated: the cached key must not validate the old signature.
        *current.lock().unwrap() = Credentials::new("AKIDEXAMPLE", "rotated").unwrap();
        let e = verifier
            .verify_presigned("GET", &url, &none, &at(T + 1))
            .unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::SignatureMismatch);
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Verifier<Vec<Credentials>>>();
    }
}
