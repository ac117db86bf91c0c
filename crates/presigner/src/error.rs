//! One error type for the whole crate.
//!
//! Bindings never match on messages: they match on [`ErrorKind`] (exhaustively, so a new kind
//! breaks their build instead of silently falling into a generic bucket) and expose
//! [`ErrorKind::code`] as the stable, machine-readable code. Messages are for humans: each names
//! the offending field and the limit it broke. Secrets never appear in either.

use std::fmt;

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong while building, signing or checking a request.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// `expires_in` outside 1..=604800 seconds.
    #[error("expires_in must be between 1 and 604800 seconds (7 days), got {value}")]
    InvalidExpiry { value: i128 },
    /// A bucket name S3 would reject (or that cannot be put in a URL safely).
    #[error("invalid bucket name {bucket:?}: {reason}")]
    InvalidBucket { bucket: String, reason: String },
    /// An object key that is empty or longer than S3 allows.
    #[error("invalid object key: {reason}")]
    InvalidKey { reason: String },
    /// A region that cannot go into a credential scope or a host name.
    #[error("invalid region {region:?}: {reason}")]
    InvalidRegion { region: String, reason: String },
    /// A custom endpoint URL that is not a plain `http(s)://host[:port][/path]`.
    #[error("invalid endpoint_url {endpoint:?}: {reason}")]
    InvalidEndpoint { endpoint: String, reason: String },
    /// A header name or value that cannot be signed or sent as given.
    #[error("invalid header {name:?}: {reason}")]
    InvalidHeader { name: String, reason: String },
    /// A query parameter that cannot be signed as given.
    #[error("invalid query parameter {name:?}: {reason}")]
    InvalidQuery { name: String, reason: String },
    /// A URL that cannot be parsed or signed.
    #[error("invalid url: {reason}")]
    InvalidUrl { reason: String },
    /// An HTTP method that is not a valid token.
    #[error("invalid method {method:?}: {reason}")]
    InvalidMethod { method: String, reason: String },
    /// A service name that cannot go into a credential scope.
    #[error("invalid service {service:?}: {reason}")]
    InvalidService { service: String, reason: String },
    /// A signing time or timestamp that is unparsable or out of range.
    #[error("invalid time {value:?}: {reason}")]
    InvalidTime { value: String, reason: String },
    /// A setting that is unknown or contradicts another one (e.g. `accelerate` with `fips`).
    #[error("invalid option {option}: {reason}")]
    InvalidOption { option: String, reason: String },
    /// Credentials present but unusable (empty access key id or secret).
    #[error("invalid credentials: {reason}")]
    InvalidCredentials { reason: String },
    /// No credentials could be found in the places that were searched.
    #[error("no credentials found: {reason}")]
    MissingCredentials { reason: String },
    /// A shared config/credentials file that could not be read or names no such profile.
    #[error("profile error: {reason}")]
    Profile { reason: String },
    /// The credentials had already expired at the signing time.
    #[error("credentials expired at {expired_at} (signing time {now})")]
    CredentialsExpired { expired_at: String, now: String },
    /// The credentials expire before the URL would, under [`crate::ExpiryPolicy::Error`].
    #[error(
        "credentials expire at {credentials_expire_at}, before the URL would at {url_expires_at}; \
         shorten expires_in or use expiry_policy \"clamp\" or \"allow\""
    )]
    CredentialsExpireBeforeUrl {
        credentials_expire_at: String,
        url_expires_at: String,
    },
    /// Verification: the request is not signed with `AWS4-HMAC-SHA256`.
    #[error("unsupported signing algorithm {algorithm:?}: only AWS4-HMAC-SHA256 is accepted")]
    UnsupportedAlgorithm { algorithm: String },
    /// Verification: a signing parameter or header is missing or unparsable.
    #[error("malformed signed request: {reason}")]
    MalformedRequest { reason: String },
    /// Verification: the credential scope is not `AKID/yyyymmdd/region/service/aws4_request`
    /// or its date is not the day of `X-Amz-Date`.
    #[error("invalid credential scope {scope:?}: {reason}")]
    InvalidCredentialScope { scope: String, reason: String },
    /// Verification: the scope names another region or service than the one expected.
    #[error("credential scope {field} is {actual:?}, expected {expected:?}")]
    ScopeMismatch {
        field: String,
        expected: String,
        actual: String,
    },
    /// Verification: an authentication parameter appears more than once.
    #[error("authentication parameter {name} appears more than once")]
    DuplicateParameter { name: String },
    /// Verification: `host` is not signed, or a signed header is absent from the request.
    #[error("signed header {name:?}: {reason}")]
    MissingSignedHeader { name: String, reason: String },
    /// Verification: the lookup knows no secret for this access key id.
    #[error("unknown access key id {access_key_id:?}")]
    UnknownAccessKey { access_key_id: String },
    /// Verification: the session token is missing or not the one expected for the key.
    #[error("session token missing or not the one issued with access key id {access_key_id:?}")]
    InvalidSessionToken { access_key_id: String },
    /// Verification: the URL's lifetime is over.
    #[error("request expired at {expired_at} (now {now})")]
    RequestExpired { expired_at: String, now: String },
    /// Verification: `X-Amz-Date` lies further in the future than the allowed clock skew.
    #[error("request is dated {signed_at}, more than {max_skew_seconds} s after now ({now})")]
    RequestNotYetValid {
        signed_at: String,
        now: String,
        max_skew_seconds: u64,
    },
    /// Verification: the signature is not the one the secret gives for this request.
    #[error(
        "signature does not match the request (recomputed with the secret of {access_key_id:?})"
    )]
    SignatureMismatch { access_key_id: String },
}

/// The kind of an [`Error`], with a stable code string. Bindings map these exhaustively.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    InvalidExpiry,
    InvalidBucket,
    InvalidKey,
    InvalidRegion,
    InvalidEndpoint,
    InvalidHeader,
    InvalidQuery,
    InvalidUrl,
    InvalidMethod,
    InvalidService,
    InvalidTime,
    InvalidOption,
    InvalidCredentials,
    MissingCredentials,
    Profile,
    CredentialsExpired,
    CredentialsExpireBeforeUrl,
    UnsupportedAlgorithm,
    MalformedRequest,
    InvalidCredentialScope,
    ScopeMismatch,
    DuplicateParameter,
    MissingSignedHeader,
    UnknownAccessKey,
    InvalidSessionToken,
    RequestExpired,
    RequestNotYetValid,
    SignatureMismatch,
}

impl ErrorKind {
    /// Every kind, in a fixed order (bindings and tests iterate over it).
    pub const ALL: &'static [ErrorKind] = &[
        ErrorKind::InvalidExpiry,
        ErrorKind::InvalidBucket,
        ErrorKind::InvalidKey,
        ErrorKind::InvalidRegion,
        ErrorKind::InvalidEndpoint,
        ErrorKind::InvalidHeader,
        ErrorKind::InvalidQuery,
        ErrorKind::InvalidUrl,
        ErrorKind::InvalidMethod,
        ErrorKind::InvalidService,
        ErrorKind::InvalidTime,
        ErrorKind::InvalidOption,
        ErrorKind::InvalidCredentials,
        ErrorKind::MissingCredentials,
        ErrorKind::Profile,
        ErrorKind::CredentialsExpired,
        ErrorKind::CredentialsExpireBeforeUrl,
        ErrorKind::UnsupportedAlgorithm,
        ErrorKind::MalformedRequest,
        ErrorKind::InvalidCredentialScope,
        ErrorKind::ScopeMismatch,
        ErrorKind::DuplicateParameter,
        ErrorKind::MissingSignedHeader,
        ErrorKind::UnknownAccessKey,
        ErrorKind::InvalidSessionToken,
        ErrorKind::RequestExpired,
        ErrorKind::RequestNotYetValid,
        ErrorKind::SignatureMismatch,
    ];

    /// The stable machine-readable code; never changes once released.
    pub const fn code(self) -> &'static str {
        match self {
            ErrorKind::InvalidExpiry => "invalid_expiry",
            ErrorKind::InvalidBucket => "invalid_bucket",
            ErrorKind::InvalidKey => "invalid_key",
            ErrorKind::InvalidRegion => "invalid_region",
            ErrorKind::InvalidEndpoint => "invalid_endpoint",
            ErrorKind::InvalidHeader => "invalid_header",
            ErrorKind::InvalidQuery => "invalid_query",
            ErrorKind::InvalidUrl => "invalid_url",
            ErrorKind::InvalidMethod => "invalid_method",
            ErrorKind::InvalidService => "invalid_service",
            ErrorKind::InvalidTime => "invalid_time",
            ErrorKind::InvalidOption => "invalid_option",
            ErrorKind::InvalidCredentials => "invalid_credentials",
            ErrorKind::MissingCredentials => "missing_credentials",
            ErrorKind::Profile => "profile_error",
            ErrorKind::CredentialsExpired => "credentials_expired",
            ErrorKind::CredentialsExpireBeforeUrl => "credentials_expire_before_url",
            ErrorKind::UnsupportedAlgorithm => "unsupported_algorithm",
            ErrorKind::MalformedRequest => "malformed_request",
            ErrorKind::InvalidCredentialScope => "invalid_credential_scope",
            ErrorKind::ScopeMismatch => "scope_mismatch",
            ErrorKind::DuplicateParameter => "duplicate_parameter",
            ErrorKind::MissingSignedHeader => "missing_signed_header",
            ErrorKind::UnknownAccessKey => "unknown_access_key",
            ErrorKind::InvalidSessionToken => "invalid_session_token",
            ErrorKind::RequestExpired => "request_expired",
            ErrorKind::RequestNotYetValid => "request_not_yet_valid",
            ErrorKind::SignatureMismatch => "signature_mismatch",
        }
    }

    /// True for mistakes in the caller's input (bindings also raise `ValueError` / `ArgumentException` for these).
    pub const fn is_invalid_input(self) -> bool {
        !self.is_credentials_problem() && !self.is_verification_failure()
    }

    /// Credentials that are missing, unreadable or expired.
    pub const fn is_credentials_problem(self) -> bool {
        matches!(
            self,
            ErrorKind::MissingCredentials
                | ErrorKind::Profile
                | ErrorKind::CredentialsExpired
                | ErrorKind::CredentialsExpireBeforeUrl
        )
    }

    /// A request that failed verification (server side): reject it, typically with 403.
    pub const fn is_verification_failure(self) -> bool {
        matches!(
            self,
            ErrorKind::UnsupportedAlgorithm
                | ErrorKind::MalformedRequest
                | ErrorKind::InvalidCredentialScope
                | ErrorKind::ScopeMismatch
                | ErrorKind::DuplicateParameter
                | ErrorKind::MissingSignedHeader
                | ErrorKind::UnknownAccessKey
                | ErrorKind::InvalidSessionToken
                | ErrorKind::RequestExpired
                | ErrorKind::RequestNotYetValid
                | ErrorKind::SignatureMismatch
        )
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Error {
    /// The kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidExpiry { .. } => ErrorKind::InvalidExpiry,
            Error::InvalidBucket { .. } => ErrorKind::InvalidBucket,
            Error::InvalidKey { .. } => ErrorKind::InvalidKey,
            Error::InvalidRegion { .. } => ErrorKind::InvalidRegion,
            Error::InvalidEndpoint { .. } => ErrorKind::InvalidEndpoint,
            Error::InvalidHeader { .. } => ErrorKind::InvalidHeader,
            Error::InvalidQuery { .. } => ErrorKind::InvalidQuery,
            Error::InvalidUrl { .. } => ErrorKind::InvalidUrl,
            Error::InvalidMethod { .. } => ErrorKind::InvalidMethod,
            Error::InvalidService { .. } => ErrorKind::InvalidService,
            Error::InvalidTime { .. } => ErrorKind::InvalidTime,
            Error::InvalidOption { .. } => ErrorKind::InvalidOption,
            Error::InvalidCredentials { .. } => ErrorKind::InvalidCredentials,
            Error::MissingCredentials { .. } => ErrorKind::MissingCredentials,
            Error::Profile { .. } => ErrorKind::Profile,
            Error::CredentialsExpired { .. } => ErrorKind::CredentialsExpired,
            Error::CredentialsExpireBeforeUrl { .. } => ErrorKind::CredentialsExpireBeforeUrl,
            Error::UnsupportedAlgorithm { .. } => ErrorKind::UnsupportedAlgorithm,
            Error::MalformedRequest { .. } => ErrorKind::MalformedRequest,
            Error::InvalidCredentialScope { .. } => ErrorKind::InvalidCredentialScope,
            Error::ScopeMismatch { .. } => ErrorKind::ScopeMismatch,
            Error::DuplicateParameter { .. } => ErrorKind::DuplicateParameter,
            Error::MissingSignedHeader { .. } => ErrorKind::MissingSignedHeader,
            Error::UnknownAccessKey { .. } => ErrorKind::UnknownAccessKey,
            Error::InvalidSessionToken { .. } => ErrorKind::InvalidSessionToken,
            Error::RequestExpired { .. } => ErrorKind::RequestExpired,
            Error::RequestNotYetValid { .. } => ErrorKind::RequestNotYetValid,
            Error::SignatureMismatch { .. } => ErrorKind::SignatureMismatch,
        }
    }

    /// Shorthand for `self.kind().code()`.
    pub fn code(&self) -> &'static str {
        self.kind().code()
    }

    pub(crate) fn bucket(bucket: &str, reason: impl Into<String>) -> Self {
        Error::InvalidBucket {
            bucket: bucket.to_owned(),
            reason: reason.into(),
        }
    }
    pub(crate) fn key(reason: impl Into<String>) -> Self {
        Error::InvalidKey {
            reason: reason.into(),
        }
    }
    pub(crate) fn region(region: &str, reason: impl Into<String>) -> Self {
        Error::InvalidRegion {
            region: region.to_owned(),
            reason: reason.into(),
        }
    }
    pub(crate) fn endpoint(endpoint: &str, reason: impl Into<String>) -> Self {
        Error::InvalidEndpoint {
            endpoint: endpoint.to_owned(),
            reason: reason.into(),
        }
    }
    pub(crate) fn header(name: &str, reason: impl Into<String>) -> Self {
        Error::InvalidHeader {
            name: name.to_owned(),
            reason: reason.into(),
        }
    }
    pub(crate) fn query(name: &str, reason: impl Into<String>) -> Self {
        Error::InvalidQuery {
            name: name.to_owned(),
            reason: reason.into(),
        }
    }
    pub(crate) fn url(reason: impl Into<String>) -> Self {
        Error::InvalidUrl {
            reason: reason.into(),
        }
    }
    pub(crate) fn time(value: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidTime {
            value: value.into(),
            reason: reason.into(),
        }
    }
    pub(crate) fn malformed(reason: impl Into<String>) -> Self {
        Error::MalformedRequest {
            reason: reason.into(),
        }
    }
    pub(crate) fn option(option: &str, reason: impl Into<String>) -> Self {
        Error::InvalidOption {
            option: option.to_owned(),
            reason: reason.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for k in ErrorKind::ALL {
            assert!(seen.insert(k.code()), "duplicate code {}", k.code());
            assert!(k
                .code()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_'));
        }
    }
}
