//! Where credentials and the region come from, offline: environment variables and the shared
//! `~/.aws/credentials` / `~/.aws/config` files, with the precedence the AWS SDKs use.
//!
//! The environment is captured into an [`Environment`] value instead of being read ad hoc, so
//! that tests (and embedders) can inject one; nothing here touches the network (no IMDS, no SSO).

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::credentials::Credentials;
use crate::error::{Error, Result};
use crate::timestamp::parse_rfc3339;

/// A snapshot of the variables and home directory credential lookup depends on.
#[derive(Clone, Default)]
pub struct Environment {
    vars: HashMap<String, String>,
    home: Option<PathBuf>,
}

impl fmt::Debug for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Values may be secrets: show names only.
        let mut names: Vec<&String> = self.vars.keys().collect();
        names.sort();
        f.debug_struct("Environment")
            .field("vars", &names)
            .field("home", &self.home)
            .finish()
    }
}

impl Environment {
    /// The current process's environment.
    pub fn from_process() -> Self {
        let vars: HashMap<String, String> = std::env::vars().collect();
        let home = vars
            .get("HOME")
            .or_else(|| vars.get("USERPROFILE"))
            .filter(|h| !h.is_empty())
            .map(PathBuf::from);
        Environment { vars, home }
    }

    /// An environment made of the given variables (no home directory unless `HOME` is among them).
    pub fn from_vars<K: Into<String>, V: Into<String>>(
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let vars: HashMap<String, String> = vars
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        let home = vars
            .get("HOME")
            .filter(|h| !h.is_empty())
            .map(PathBuf::from);
        Environment { vars, home }
    }

    /// A variable's value; empty values count as unset, as in the AWS SDKs.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// `AWS_PROFILE`, or `default`.
    pub fn profile_name(&self) -> String {
        self.var("AWS_PROFILE").unwrap_or("default").to_owned()
    }

    fn file_path(&self, var: &str, default_name: &str) -> Option<PathBuf> {
        if let Some(p) = self.var(var) {
            return Some(expand_home(p, self.home.as_deref()));
        }
        self.home
            .as_ref()
            .map(|h| h.join(".aws").join(default_name))
    }

    /// `AWS_SHARED_CREDENTIALS_FILE`, or `~/.aws/credentials`.
    pub fn credentials_file(&self) -> Option<PathBuf> {
        self.file_path("AWS_SHARED_CREDENTIALS_FILE", "credentials")
    }

    /// `AWS_CONFIG_FILE`, or `~/.aws/config`.
    pub fn config_file(&self) -> Option<PathBuf> {
        self.file_path("AWS_CONFIG_FILE", "config")
    }

    /// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`
    /// and `AWS_CREDENTIAL_EXPIRATION` (RFC 3339).
    pub fn credentials_from_env(&self) -> Result<Credentials> {
        let akid = self
            .var("AWS_ACCESS_KEY_ID")
            .ok_or_else(|| Error::MissingCredentials {
                reason: "AWS_ACCESS_KEY_ID is not set".into(),
            })?;
        let secret =
            self.var("AWS_SECRET_ACCESS_KEY")
                .ok_or_else(|| Error::MissingCredentials {
                    reason: "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not".into(),
                })?;
        let token = self
            .var("AWS_SESSION_TOKEN")
            .or_else(|| self.var("AWS_SECURITY_TOKEN"))
            .map(str::to_owned);
        let expires = self
            .var("AWS_CREDENTIAL_EXPIRATION")
            .map(parse_rfc3339)
            .transpose()?;
        Credentials::with_session(akid, secret, token, expires)
    }

    /// Credentials of a profile (`None` → [`Self::profile_name`]): the credentials file's
    /// section wins over the config file's `[profile name]` section, key by key.
    pub fn credentials_from_profile(&self, name: Option<&str>) -> Result<Credentials> {
        let name = name.map_or_else(|| self.profile_name(), str::to_owned);
        let profile = self.load_profile(&name)?.ok_or_else(|| Error::Profile {
            reason: format!(
                "profile {name:?} not found in {} or {}",
                display(self.credentials_file()),
                display(self.config_file())
            ),
        })?;
        let get = |k: &str| profile.get(k).map(String::as_str).filter(|v| !v.is_empty());
        let akid = get("aws_access_key_id").ok_or_else(|| Error::Profile {
            reason: format!("profile {name:?} has no aws_access_key_id"),
        })?;
        let secret = get("aws_secret_access_key").ok_or_else(|| Error::Profile {
            reason: format!("profile {name:?} has no aws_secret_access_key"),
        })?;
        let token = get("aws_session_token")
            .or_else(|| get("aws_security_token"))
            .map(str::to_owned);
        let expires = get("aws_credential_expiration")
            .map(parse_rfc3339)
            .transpose()?;
        Credentials::with_session(akid, secret, token, expires)
    }

    /// The SDKs' default chain, offline part: environment, then the shared files' profile.
    pub fn default_credentials(&self) -> Result<Credentials> {
        if self.var("AWS_ACCESS_KEY_ID").is_some() {
            return self.credentials_from_env();
        }
        match self.credentials_from_profile(None) {
            Ok(c) => Ok(c),
            Err(Error::Profile { reason }) => Err(Error::MissingCredentials {
                reason: format!(
                    "AWS_ACCESS_KEY_ID is not set and the shared files gave none ({reason})"
                ),
            }),
            Err(e) => Err(e),
        }
    }

    /// The region: `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile's `region` in the config file.
    pub fn region(&self, profile: Option<&str>) -> Result<Option<String>> {
        if let Some(r) = self
            .var("AWS_REGION")
            .or_else(|| self.var("AWS_DEFAULT_REGION"))
        {
            return Ok(Some(r.to_owned()));
        }
        let name = profile.map_or_else(|| self.profile_name(), str::to_owned);
        let Some(path) = self.config_file() else {
            return Ok(None);
        };
        let sections = read_ini(&path)?;
        Ok(config_section(&sections, &name).and_then(|s| s.get("region").cloned()))
    }

    fn load_profile(&self, name: &str) -> Result<Option<HashMap<String, String>>> {
        let mut found = None::<HashMap<String, String>>;
        if let Some(path) = self.config_file() {
            let sections = read_ini(&path)?;
            if let Some(s) = config_section(&sections, name) {
                found = Some(s.clone());
            }
        }
        if let Some(path) = self.credentials_file() {
            let sections = read_ini(&path)?;
            if let Some(s) = sections.get(name) {
                let merged = found.get_or_insert_with(HashMap::new);
                for (k, v) in s {
                    merged.insert(k.clone(), v.clone());
                }
            }
        }
        Ok(found)
    }
}

fn display(p: Option<PathBuf>) -> String {
    p.map_or_else(|| "(no home directory)".into(), |p| p.display().to_string())
}

fn expand_home(p: &str, home: Option<&Path>) -> PathBuf {
    match (p.strip_prefix("~/"), home) {
        (Some(rest), Some(h)) => h.join(rest),
        _ => PathBuf::from(p),
    }
}

type Sections = HashMap<String, HashMap<String, String>>;

/// `[profile x]` (or `[default]` / `[x]` for the default profile) in the config file.
fn config_section<'a>(sections: &'a Sections, name: &str) -> Option<&'a HashMap<String, String>> {
    sections.get(&format!("profile {name}")).or_else(|| {
        if name == "default" {
            sections.get("default")
        } else {
            None
        }
    })
}

/// Reads an AWS-style INI file; a missing file is an empty one.
fn read_ini(path: &Path) -> Result<Sections> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(parse_ini(&text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Sections::new()),
        Err(e) => Err(Error::Profile {
            reason: format!("cannot read {}: {e}", path.display()),
        }),
    }
}

/// The subset of INI the AWS CLI writes: `[section]`, `key = value`, `#`/`;` comment lines.
/// Indented lines (nested settings such as `s3 =` blocks) are not credentials and are skipped.
pub(crate) fn parse_ini(text: &str) -> Sections {
    let mut sections = Sections::new();
    let mut current: Option<String> = None;
    for raw in text.lines() {
        if raw.starts_with([' ', '\t']) {
            continue;
        }
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(inner) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let name = inner.split_whitespace().collect::<Vec<_>>().join(" ");
            sections.entry(name.clone()).or_default();
            current = Some(name);
            continue;
        }
        if let (Some(section), Some((k, v))) = (&current, line.split_once('=')) {
            sections
                .entry(section.clone())
                .or_default()
                .insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
        }
    }
    sections
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn temp_dir(tag: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("presigner-sources-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(d.join(".aws")).unwrap();
        d
    }

    #[test]
    fn env_credentials() {
        let e = Environment::from_vars([
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "SECRET"),
            ("AWS_SESSION_TOKEN", "TOKEN"),
            ("AWS_CREDENTIAL_EXPIRATION", "2030-01-01T00:00:00Z"),
        ]);
        let c = e.default_credentials().unwrap();
        assert_eq!(c.access_key_id(), "AKID");
        assert_eq!(c.session_token(), Some("TOKEN"));
        assert!(c.expires_at().is_some());
        let missing = Environment::from_vars([("AWS_ACCESS_KEY_ID", "AKID")]);
        assert_eq!(
            missing.credentials_from_env().unwrap_err().kind(),
            ErrorKind::MissingCredentials
        );
        let bad_time = Environment::from_vars([
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "S"),
            ("AWS_CREDENTIAL_EXPIRATION", "soon"),
        ]);
        assert_eq!(
            bad_time.credentials_from_env().unwrap_err().kind(),
            ErrorKind::InvalidTime
        );
        assert!(!format!("{bad_time:?}").contains("\"S\""));
    }

    #[test]
    fn shared_files() {
        let home = temp_dir("files");
        std::fs::write(
            home.join(".aws/credentials"),
            "[default]\naws_access_key_id = DEFAULTKEY\naws_secret_access_key = dsecret\n\n# comment\n[dev]\naws_access_key_id=DEVKEY\naws_secret_access_key=devsecret\naws_session_token = devtoken\n",
        )
        .unwrap();
        std::fs::write(
            home.join(".aws/config"),
            "[default]\nregion = eu-west-1\n[profile dev]\nregion = us-west-2\ns3 =\n  addressing_style = path\n[profile cfgonly]\naws_access_key_id = CFGKEY\naws_secret_access_key = cfgsecret\n",
        )
        .unwrap();
        let h = home.to_str().unwrap();
        let e = Environment::from_vars([("HOME", h)]);
        assert_eq!(
            e.default_credentials().unwrap().access_key_id(),
            "DEFAULTKEY"
        );
        assert_eq!(e.region(None).unwrap().as_deref(), Some("eu-west-1"));
        let dev = e.credentials_from_profile(Some("dev")).unwrap();
        assert_eq!(
            (dev.access_key_id(), dev.session_token()),
            ("DEVKEY", Some("devtoken"))
        );
        assert_eq!(e.region(Some("dev")).unwrap().as_deref(), Some("us-west-2"));
        assert_eq!(
            e.credentials_from_profile(Some("cfgonly"))
                .unwrap()
                .access_key_id(),
            "CFGKEY"
        );
        assert_eq!(
            e.credentials_from_profile(Some("nope")).unwrap_err().kind(),
            ErrorKind::Profile
        );
        let e2 = Environment::from_vars([
            ("HOME", h),
            ("AWS_PROFILE", "dev"),
            ("AWS_REGION", "ap-south-1"),
        ]);
        assert_eq!(e2.default_credentials().unwrap().access_key_id(), "DEVKEY");
        assert_eq!(e2.region(None).unwrap().as_deref(), Some("ap-south-1"));
        let empty = Environment::from_vars([("HOME", "/nonexistent-presigner-home")]);
        assert_eq!(
            empty.default_credentials().unwrap_err().kind(),
            ErrorKind::MissingCredentials
        );
        std::fs::remove_dir_all(home).ok();
    }
}
