//! Credentials and the policy for credentials that expire before the URL would.
//!
//! The secret and session token live in zeroizing buffers and never reach `Debug`, `Display`
//! or an error message: a presigner is often logged, and a leaked secret outlives any URL.

use std::fmt;
use std::str::FromStr;
use std::time::SystemTime;

use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::timestamp::{format_unix_rfc3339, system_time_to_unix, SigningTime};

/// The longest lifetime SigV4 allows a presigned URL: 7 days.
pub const MAX_EXPIRES_IN: u64 = 604_800;

/// AWS credentials: an access key id, its secret, and optionally a session token and expiry.
#[derive(Clone)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: Zeroizing<String>,
    session_token: Option<Zeroizing<String>>,
    expires_at: Option<SystemTime>,
}

impl Credentials {
    /// Long-term credentials (no session token, no expiry).
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
    ) -> Result<Self> {
        Self::with_session(access_key_id, secret_access_key, None, None)
    }

    /// Credentials with an optional session token (temporary credentials) and expiry.
    pub fn with_session(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
        expires_at: Option<SystemTime>,
    ) -> Result<Self> {
        let access_key_id = access_key_id.into();
        let secret_access_key = Zeroizing::new(secret_access_key.into());
        let session_token = session_token.map(Zeroizing::new);
        if access_key_id.is_empty() {
            return Err(invalid("access_key_id must not be empty"));
        }
        if access_key_id.len() > 128 {
            return Err(invalid("access_key_id must be at most 128 bytes"));
        }
        if let Some(bad) = access_key_id
            .chars()
            .find(|c| c.is_whitespace() || c.is_control() || *c == '/')
        {
            return Err(invalid(format!(
                "access_key_id must not contain whitespace, control characters or '/', found {bad:?}"
            )));
        }
        if secret_access_key.is_empty() {
            return Err(invalid("secret_access_key must not be empty"));
        }
        if let Some(token) = &session_token {
            if token.is_empty() {
                return Err(invalid("session_token must not be empty when given"));
            }
            if token.bytes().any(|b| b.is_ascii_control()) {
                return Err(invalid("session_token must not contain control characters"));
            }
        }
        Ok(Credentials {
            access_key_id,
            secret_access_key,
            session_token,
            expires_at,
        })
    }

    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret. Handle with care: never log it.
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref().map(String::as_str)
    }

    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expires_at
    }

    /// Reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_CREDENTIAL_EXPIRATION`.
    pub fn from_env() -> Result<Self> {
        crate::sources::Environment::from_process().credentials_from_env()
    }

    /// Reads a profile from the shared credentials and config files (`None` → `AWS_PROFILE` or `default`).
    pub fn from_profile(name: Option<&str>) -> Result<Self> {
        crate::sources::Environment::from_process().credentials_from_profile(name)
    }

    /// The default chain: environment, then the shared files' profile.
    pub fn from_default_chain() -> Result<Self> {
        crate::sources::Environment::from_process().default_credentials()
    }

    /// Applies `policy` to a URL valid for `expires_in` seconds from `now`: returns the
    /// `X-Amz-Expires` to sign and the moment the URL will actually stop working.
    pub(crate) fn effective_expiry(
        &self,
        now: &SigningTime,
        expires_in: u64,
        policy: ExpiryPolicy,
    ) -> Result<(u64, i64)> {
        let url_expires = now.unix() + expires_in as i64;
        let Some(cred_exp) = self.expires_at.map(system_time_to_unix) else {
            return Ok((expires_in, url_expires));
        };
        if cred_exp <= now.unix() {
            return Err(Error::CredentialsExpired {
                expired_at: format_unix_rfc3339(cred_exp),
                now: format_unix_rfc3339(now.unix()),
            });
        }
        if cred_exp >= url_expires {
            return Ok((expires_in, url_expires));
        }
        match policy {
            ExpiryPolicy::Error => Err(Error::CredentialsExpireBeforeUrl {
                credentials_expire_at: format_unix_rfc3339(cred_exp),
                url_expires_at: format_unix_rfc3339(url_expires),
            }),
            ExpiryPolicy::Clamp => Ok(((cred_exp - now.unix()) as u64, cred_exp)),
            ExpiryPolicy::Allow => Ok((expires_in, cred_exp)),
        }
    }
}

fn invalid(reason: impl Into<String>) -> Error {
    Error::InvalidCredentials {
        reason: reason.into(),
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .field(
                "expires_at",
                &self.expires_at.map(crate::timestamp::format_rfc3339),
            )
            .finish()
    }
}

/// What to do when the credentials expire before the presigned URL would.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ExpiryPolicy {
    /// Refuse to sign (the message names both times). The default: a URL that dies early is a bug.
    #[default]
    Error,
    /// Shorten `X-Amz-Expires` to the credentials' remaining lifetime.
    Clamp,
    /// Sign as asked; the result's `expires_at` shows when the URL really stops working.
    Allow,
}

impl ExpiryPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            ExpiryPolicy::Error => "error",
            ExpiryPolicy::Clamp => "clamp",
            ExpiryPolicy::Allow => "allow",
        }
    }
}

impl FromStr for ExpiryPolicy {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "error" => Ok(ExpiryPolicy::Error),
            "clamp" => Ok(ExpiryPolicy::Clamp),
            "allow" => Ok(ExpiryPolicy::Allow),
            other => Err(Error::option(
                "expiry_policy",
                format!("expected \"error\", \"clamp\" or \"allow\", got {other:?}"),
            )),
        }
    }
}

/// Checks `expires_in` against SigV4's 1..=604800 seconds.
pub fn check_expires_in(expires_in: i128) -> Result<u64> {
    if (1..=MAX_EXPIRES_IN as i128).contains(&expires_in) {
        Ok(expires_in as u64)
    } else {
        Err(Error::InvalidExpiry { value: expires_in })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timestamp::unix_to_system_time;

    #[test]
    fn debug_hides_secrets() {
        let c = Credentials::with_session("AKID", "SUPERSECRET", Some("TOKENVALUE".into()), None)
            .unwrap();
        let dbg = format!("{c:?}");
        assert!(dbg.contains("AKID"));
        assert!(!dbg.contains("SUPERSECRET"));
        assert!(!dbg.contains("TOKENVALUE"));
    }

    #[test]
    fn rejects_empty_parts() {
        assert_eq!(
            Credentials::new("", "s").unwrap_err().kind(),
            crate::ErrorKind::InvalidCredentials
        );
        assert_eq!(
            Credentials::new("a", "").unwrap_err().kind(),
            crate::ErrorKind::InvalidCredentials
        );
        assert!(Credentials::with_session("a", "s", Some(String::new()), None).is_err());
    }

    #[test]
    fn expiry_policies() {
        let now = SigningTime::from_unix(1000).unwrap();
        let c = Credentials::with_session("a", "s", None, Some(unix_to_system_time(1600))).unwrap();
        assert_eq!(
            c.effective_expiry(&now, 600, ExpiryPolicy::Error).unwrap(),
            (600, 1600)
        );
        let e = c
            .effective_expiry(&now, 601, ExpiryPolicy::Error)
            .unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::CredentialsExpireBeforeUrl);
        assert!(e.to_string().contains("1970-01-01T00:26:40Z"));
        assert_eq!(
            c.effective_expiry(&now, 3600, ExpiryPolicy::Clamp).unwrap(),
            (600, 1600)
        );
        assert_eq!(
            c.effective_expiry(&now, 3600, ExpiryPolicy::Allow).unwrap(),
            (3600, 1600)
        );
        let late = SigningTime::from_unix(1600).unwrap();
        assert_eq!(
            c.effective_expiry(&late, 1, ExpiryPolicy::Allow)
                .unwrap_err()
                .kind(),
            crate::ErrorKind::CredentialsExpired
        );
    }

    #[test]
    fn expires_in_range() {
        assert!(check_expires_in(0).is_err());
        assert!(check_expires_in(-5).is_err());
        assert!(check_expires_in(604_801).is_err());
        assert_eq!(check_expires_in(604_800).unwrap(), 604_800);
    }
}
