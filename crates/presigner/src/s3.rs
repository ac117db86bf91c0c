//! The S3 presigner: bucket + key + method + expiry → a URL anyone can use until it expires.
//!
//! Configuration is resolved once (endpoint, credential scope pieces, the signing-key cache) so
//! that each presign is one SHA-256 and one HMAC. It never adds a parameter or header the caller
//! did not ask for: SDK-added checksum parameters are a known cause of presigned PUTs failing.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::SystemTime;

use zeroize::Zeroizing;

use crate::canonical::{normalize_method, prepare_headers, PreparedHeaders, QueryParams};
use crate::credentials::{check_expires_in, Credentials, ExpiryPolicy};
use crate::encoding::encode;
use crate::error::Result;
use crate::request::{PresignedRequest, PresignedView};
use crate::s3_url::{validate_bucket, validate_key, AddressingStyle, EndpointFlags, S3Endpoint};
use crate::signing_key::{DayCache, SigningKey};
use crate::sigv4::{
    check_region, presign_target, signing_time, CredentialScope, PresignOutput, PresignScope,
    ScopeInputs, SessionTokenMode, Target, UNSIGNED_PAYLOAD,
};
use crate::timestamp::{unix_to_system_time, SigningTime};

/// How to reach S3 and who signs.
#[derive(Clone, Debug)]
pub struct S3Config {
    pub region: String,
    pub credentials: Credentials,
    /// A custom endpoint such as `http://127.0.0.1:9000` (MinIO) or an R2 account URL.
    pub endpoint_url: Option<String>,
    pub addressing_style: AddressingStyle,
    pub dualstack: bool,
    pub fips: bool,
    pub accelerate: bool,
    pub expiry_policy: ExpiryPolicy,
}

impl S3Config {
    /// A config for `region` with every other setting at its default.
    pub fn new(region: impl Into<String>, credentials: Credentials) -> Self {
        S3Config {
            region: region.into(),
            credentials,
            endpoint_url: None,
            addressing_style: AddressingStyle::Auto,
            dualstack: false,
            fips: false,
            accelerate: false,
            expiry_policy: ExpiryPolicy::Error,
        }
    }
}

/// The `response-*` parameters that make S3 answer a GET with other response headers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResponseOverrides {
    pub content_type: Option<String>,
    pub content_disposition: Option<String>,
    pub content_language: Option<String>,
    pub content_encoding: Option<String>,
    pub cache_control: Option<String>,
    pub expires: Option<String>,
}

impl ResponseOverrides {
    fn push_into(&self, q: &mut QueryParams) {
        let pairs = [
            ("response-cache-control", &self.cache_control),
            ("response-content-disposition", &self.content_disposition),
            ("response-content-encoding", &self.content_encoding),
            ("response-content-language", &self.content_language),
            ("response-content-type", &self.content_type),
            ("response-expires", &self.expires),
        ];
        for (name, value) in pairs {
            if let Some(v) = value {
                q.push_raw(name.as_bytes(), v.as_bytes());
            }
        }
    }
}

/// Per-URL options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PresignOptions {
    /// Seconds the URL stays valid, 1..=604800 (default 3600).
    pub expires_in: i64,
    /// Headers to sign (`Content-Type`, `Content-MD5`, `x-amz-meta-*`, SSE, ACL, checksums…);
    /// the client must send them with exactly these values.
    pub headers: Vec<(String, String)>,
    /// Extra raw query parameters (e.g. `uploadId` and `partNumber` for multipart parts).
    pub query: Vec<(String, String)>,
    pub version_id: Option<String>,
    pub response: ResponseOverrides,
    /// The signing time; `None` reads the system clock.
    pub now: Option<SystemTime>,
}

impl Default for PresignOptions {
    fn default() -> Self {
        PresignOptions {
            expires_in: 3600,
            headers: Vec::new(),
            query: Vec::new(),
            version_id: None,
            response: ResponseOverrides::default(),
            now: None,
        }
    }
}

/// Presigns S3 requests. `Send + Sync`: share one per process.
#[derive(Debug)]
pub struct S3Presigner {
    region: String,
    credentials: Credentials,
    endpoint: S3Endpoint,
    expiry_policy: ExpiryPolicy,
    /// The session token, percent-encoded once.
    token: Option<Zeroizing<String>>,
    days: DayCache<Day>,
}

/// What changes only once a day: the signing key and the credential scope.
struct Day {
    key: SigningKey,
    scope: CredentialScope,
}

/// What is shared by every URL of one call (one time, one header set, one query set).
struct Prepared<'a> {
    method: Cow<'a, str>,
    time: SigningTime,
    expires_in: u64,
    expires_at: i64,
    headers: PreparedHeaders<'a>,
    day: Arc<Day>,
}

impl S3Presigner {
    /// Validates the configuration and resolves the endpoint.
    pub fn new(config: S3Config) -> Result<Self> {
        check_region(&config.region)?;
        let endpoint = S3Endpoint::resolve(
            &config.region,
            config.endpoint_url.as_deref(),
            config.addressing_style,
            EndpointFlags {
                dualstack: config.dualstack,
                fips: config.fips,
                accelerate: config.accelerate,
            },
        )?;
        let token = config
            .credentials
            .session_token()
            .map(|t| Zeroizing::new(encode(t.as_bytes())));
        Ok(S3Presigner {
            region: config.region,
            credentials: config.credentials,
            endpoint,
            expiry_policy: config.expiry_policy,
            token,
            days: DayCache::new(),
        })
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    pub fn expiry_policy(&self) -> ExpiryPolicy {
        self.expiry_policy
    }

    /// Validates everything but the key; returns the shared parts and the caller's parameters.
    fn prepare<'a>(
        &self,
        method: &'a str,
        bucket: &str,
        options: &'a PresignOptions,
    ) -> Result<(Prepared<'a>, QueryParams)> {
        let method = normalize_method(method)?;
        validate_bucket(bucket)?;
        let expires_in = check_expires_in(options.expires_in as i128)?;
        let time = signing_time(options.now)?;
        let (expires_in, expires_at) =
            self.credentials
                .effective_expiry(&time, expires_in, self.expiry_policy)?;
        let headers = prepare_headers(&options.headers)?;
        let mut query = QueryParams::default();
        query.push_user(&options.query)?;
        if let Some(v) = &options.version_id {
            query.push_raw(b"versionId", v.as_bytes());
        }
        options.response.push_into(&mut query);
        let day = self.days.get(&time, || Day {
            key: SigningKey::derive(
                self.credentials.secret_access_key(),
                time.date(),
                &self.region,
                "s3",
            ),
            scope: CredentialScope::new(
                self.credentials.access_key_id(),
                &time,
                &self.region,
                "s3",
            ),
        });
        let prepared = Prepared {
            method,
            time,
            expires_in,
            expires_at,
            headers,
            day,
        };
        Ok((prepared, query))
    }

    fn scope<'a>(&'a self, p: &'a Prepared<'_>, query: QueryParams) -> PresignScope<'a> {
        PresignScope::new(ScopeInputs {
            query,
            headers: &p.headers,
            scope: &p.day.scope,
            time: &p.time,
            expires_in: p.expires_in,
            session_token: self.token.as_deref().map(String::as_str),
            token_mode: SessionTokenMode::Signed,
        })
    }

    fn presign_prepared(
        &self,
        p: &Prepared<'_>,
        scope: &PresignScope<'_>,
        bucket: &str,
        key: &str,
        keep: bool,
    ) -> Result<PresignOutput> {
        validate_key(key)?;
        // Room for the encoded key (three bytes per byte at worst), the query and the signature.
        let mut url = String::with_capacity(
            self.endpoint.location_len_hint(bucket) + 3 * key.len() + scope.url_tail_len(),
        );
        let (authority, wire_path) = self.endpoint.write_location(bucket, key, &mut url)?;
        let target = Target {
            method: &p.method,
            url,
            authority,
            wire_path,
            canonical_uri: None,
            payload_hash: UNSIGNED_PAYLOAD,
        };
        Ok(presign_target(scope, &p.headers, target, &p.day.key, keep))
    }

    /// Presigns one request for `bucket`/`key` (the key is taken literally: no normalization).
    pub fn presign(
        &self,
        method: &str,
        bucket: &str,
        key: &str,
        options: &PresignOptions,
    ) -> Result<PresignedRequest> {
        let (p, query) = self.prepare(method, bucket, options)?;
        let scope = self.scope(&p, query);
        let out = self.presign_prepared(&p, &scope, bucket, key, true)?;
        drop(scope);
        Ok(PresignedRequest {
            signed_headers: p.headers.signed_names(),
            headers: p.headers.to_send_owned(),
            method: p.method.into_owned(),
            signed_at: p.time.system_time(),
            expires_at: unix_to_system_time(p.expires_at),
            signature: out.signature.as_str().to_owned(),
            canonical_request: out.canonical_request.unwrap_or_default(),
            string_to_sign: out.string_to_sign.unwrap_or_default(),
            url: out.url,
        })
    }

    /// [`Self::presign`] handing the result to `f` as a borrowed view instead of an owned
    /// [`PresignedRequest`]: for callers that copy the fields out anyway (the C ABI writes them
    /// into the caller's buffer), it saves an allocation per field.
    pub fn presign_with<R>(
        &self,
        method: &str,
        bucket: &str,
        key: &str,
        options: &PresignOptions,
        f: impl FnOnce(&PresignedView<'_>) -> R,
    ) -> Result<R> {
        let (p, query) = self.prepare(method, bucket, options)?;
        let scope = self.scope(&p, query);
        let out = self.presign_prepared(&p, &scope, bucket, key, true)?;
        Ok(f(&PresignedView {
            url: &out.url,
            method: &p.method,
            signature: out.signature.as_str(),
            canonical_request: out.canonical_request.as_deref().unwrap_or_default(),
            string_to_sign: out.string_to_sign.as_deref().unwrap_or_default(),
            signed_at: p.time.system_time(),
            expires_at: unix_to_system_time(p.expires_at),
            headers: &p.headers,
        }))
    }

    /// A presigned GET URL.
    pub fn presign_get(&self, bucket: &str, key: &str, options: &PresignOptions) -> Result<String> {
        self.presign_url_only("GET", bucket, key, options)
    }

    /// Only the URL of [`Self::presign`] (skips assembling the rest of the result).
    pub fn presign_url_only(
        &self,
        method: &str,
        bucket: &str,
        key: &str,
        options: &PresignOptions,
    ) -> Result<String> {
        let (p, query) = self.prepare(method, bucket, options)?;
        let scope = self.scope(&p, query);
        Ok(self.presign_prepared(&p, &scope, bucket, key, false)?.url)
    }

    /// A presigned PUT; `content_type`, when given, is signed and must be sent as is.
    pub fn presign_put(
        &self,
        bucket: &str,
        key: &str,
        content_type: Option<&str>,
        options: &PresignOptions,
    ) -> Result<PresignedRequest> {
        match content_type {
            None => self.presign("PUT", bucket, key, options),
            Some(ct) => {
                let mut o = options.clone();
                o.headers.push(("Content-Type".into(), ct.into()));
                self.presign("PUT", bucket, key, &o)
            }
        }
    }

    /// Presigns the same request for many keys at one signing time; returns the URLs in order.
    /// Stops at the first invalid key.
    pub fn presign_many<K: AsRef<str>>(
        &self,
        method: &str,
        bucket: &str,
        keys: &[K],
        options: &PresignOptions,
    ) -> Result<Vec<String>> {
        let (p, query) = self.prepare(method, bucket, options)?;
        let scope = self.scope(&p, query);
        let mut urls = Vec::with_capacity(keys.len());
        for key in keys {
            urls.push(
                self.presign_prepared(&p, &scope, bucket, key.as_ref(), false)?
                    .url,
            );
        }
        Ok(urls)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timestamp::parse_rfc3339;

    fn doc_presigner() -> S3Presigner {
        let creds = Credentials::new(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        )
        .unwrap();
        S3Presigner::new(S3Config::new("us-east-1", creds)).unwrap()
    }

    #[test]
    fn s3_documentation_example() {
        let s3 = doc_presigner();
        let opts = PresignOptions {
            expires_in: 86400,
            now: Some(parse_rfc3339("2013-05-24T00:00:00Z").unwrap()),
            ..Default::default()
        };
        let r = s3
            .presign("GET", "examplebucket", "test.txt", &opts)
            .unwrap();
        assert_eq!(
            r.signature,
            "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
        );
        assert_eq!(
            r.url,
            "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
        );
        let many = s3
            .presign_many("GET", "examplebucket", &["test.txt", "test.txt"], &opts)
            .unwrap();
        assert_eq!(many, vec![r.url.clone(), r.url]);
    }

    #[test]
    fn host_header_overrides_authority() {
        let s3 = doc_presigner();
        let opts = PresignOptions {
            headers: vec![("Host".into(), "examplebucket.localhost:9000".into())],
            now: Some(parse_rfc3339("2013-05-24T00:00:00Z").unwrap()),
            ..Default::default()
        };
        let r = s3.presign("GET", "examplebucket", "k", &opts).unwrap();
        assert!(r
            .canonical_request
            .contains("\nhost:examplebucket.localhost:9000\n"));
        assert!(r.headers.is_empty());
        assert_eq!(r.signed_headers, vec!["host"]);
    }

    /// The borrowed view holds exactly what the owned result holds.
    #[test]
    fn view_matches_owned_result() {
        let s3 = doc_presigner();
        let now = Some(parse_rfc3339("2013-05-24T00:00:00Z").unwrap());
        let cases = [
            PresignOptions {
                now,
                ..Default::default()
            },
            PresignOptions {
                now,
                headers: vec![
                    ("Content-Type".into(), "text/plain".into()),
                    ("x-amz-meta-a".into(), " b  c ".into()),
                    ("X-Amz-Meta-A".into(), "d".into()),
                    ("Host".into(), "h.example".into()),
                ],
                query: vec![("partNumber".into(), "1".into())],
                version_id: Some("v1".into()),
                ..Default::default()
            },
        ];
        for o in &cases {
            for method in ["GET", "put"] {
                let owned = s3.presign(method, "examplebucket", "a b/c", o).unwrap();
                let viewed = s3
                    .presign_with(method, "examplebucket", "a b/c", o, |v| {
                        assert_eq!(v.headers().len(), owned.headers.len());
                        assert_eq!(v.signed_header_count(), owned.signed_headers.len());
                        v.to_owned()
                    })
                    .unwrap();
                assert_eq!(viewed, owned);
            }
        }
    }

    #[test]
    fn send_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<S3Presigner>();
        assert_send_sync::<Credentials>();
    }
}
