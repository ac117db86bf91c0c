//! Where an S3 object lives: bucket rules, endpoints, and virtual-hosted vs path-style URLs.
//!
//! Host names follow the S3 endpoint documentation and botocore: `{bucket}.s3.amazonaws.com` in
//! us-east-1, `{bucket}.s3.{region}.amazonaws.com` elsewhere (`.amazonaws.com.cn` in China), the
//! `dualstack`, `s3-fips` and `s3-accelerate` variants, and path style for buckets whose dots
//! would break the TLS wildcard certificate.

use std::ops::Range;
use std::str::FromStr;

use crate::canonical::parse_authority;
use crate::encoding::encode_path_into;
use crate::error::{Error, Result};

/// The longest object key S3 accepts, in UTF-8 bytes.
pub const MAX_KEY_BYTES: usize = 1024;

/// How the bucket is put into the URL.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum AddressingStyle {
    /// Virtual-hosted for DNS-compatible buckets without dots on AWS; path style on custom
    /// endpoints (what MinIO, Ceph and most S3-compatible servers expect).
    #[default]
    Auto,
    /// `https://{bucket}.{host}/{key}` (falls back to path style for dotted buckets over https).
    Virtual,
    /// `https://{host}/{bucket}/{key}`.
    Path,
}

impl AddressingStyle {
    pub fn as_str(self) -> &'static str {
        match self {
            AddressingStyle::Auto => "auto",
            AddressingStyle::Virtual => "virtual",
            AddressingStyle::Path => "path",
        }
    }
}

impl FromStr for AddressingStyle {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "auto" => Ok(AddressingStyle::Auto),
            "virtual" => Ok(AddressingStyle::Virtual),
            "path" => Ok(AddressingStyle::Path),
            other => Err(Error::option(
                "addressing_style",
                format!("expected \"auto\", \"virtual\" or \"path\", got {other:?}"),
            )),
        }
    }
}

/// Checks a bucket name against S3's naming rules (3–63 characters of `a-z 0-9 . -`, starting
/// and ending with a letter or digit, no `..`, not an IP address).
pub fn validate_bucket(bucket: &str) -> Result<()> {
    let b = bucket.as_bytes();
    if !(3..=63).contains(&b.len()) {
        return Err(Error::bucket(
            bucket,
            format!("must be 3 to 63 characters long, got {}", b.len()),
        ));
    }
    if let Some(&c) = b
        .iter()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || **c == b'.' || **c == b'-'))
    {
        return Err(Error::bucket(
            bucket,
            format!(
                "may only contain lower-case letters, digits, '.' and '-', found {:?}",
                c as char
            ),
        ));
    }
    let alnum = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    if !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return Err(Error::bucket(
            bucket,
            "must begin and end with a letter or digit",
        ));
    }
    if bucket.contains("..") {
        return Err(Error::bucket(
            bucket,
            "must not contain two adjacent periods",
        ));
    }
    if is_ipv4(bucket) {
        return Err(Error::bucket(
            bucket,
            "must not be formatted as an IP address",
        ));
    }
    Ok(())
}

fn is_ipv4(s: &str) -> bool {
    let mut parts = 0;
    s.split('.').all(|p| {
        parts += 1;
        !p.is_empty() && p.len() <= 3 && p.bytes().all(|c| c.is_ascii_digit())
    }) && parts == 4
}

/// Checks an object key: 1..=1024 bytes of UTF-8, taken literally.
pub fn validate_key(key: &str) -> Result<()> {
    if key.is_empty() {
        return Err(Error::key("must not be empty"));
    }
    if key.len() > MAX_KEY_BYTES {
        return Err(Error::key(format!(
            "must be at most {MAX_KEY_BYTES} bytes of UTF-8, got {} bytes",
            key.len()
        )));
    }
    Ok(())
}

/// A resolved S3 endpoint: either AWS's (per region and flags) or the caller's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Endpoint {
    scheme: &'static str,
    /// Host (and port) for path style, and the suffix for virtual-hosted style.
    authority: String,
    /// Path prefix of a custom endpoint (`""` or `/prefix`, never ending in `/`).
    base_path: String,
    custom: bool,
    accelerate: bool,
    /// The host is an IP address literal (no virtual hosting possible).
    ip_host: bool,
    style: AddressingStyle,
}

/// The flags that pick an AWS endpoint.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EndpointFlags {
    pub dualstack: bool,
    pub fips: bool,
    pub accelerate: bool,
}

impl S3Endpoint {
    /// Resolves the endpoint for a region, an optional custom endpoint URL, a style and flags.
    pub fn resolve(
        region: &str,
        endpoint_url: Option<&str>,
        style: AddressingStyle,
        flags: EndpointFlags,
    ) -> Result<Self> {
        if flags.accelerate && style == AddressingStyle::Path {
            return Err(Error::option(
                "accelerate",
                "Transfer Acceleration only works with virtual-hosted style, not addressing_style \"path\"",
            ));
        }
        if flags.accelerate && flags.fips {
            return Err(Error::option(
                "accelerate",
                "S3 has no FIPS endpoint for Transfer Acceleration",
            ));
        }
        if let Some(url) = endpoint_url {
            if flags.dualstack || flags.fips || flags.accelerate {
                return Err(Error::option(
                    "endpoint_url",
                    "dualstack, fips and accelerate select AWS endpoints and cannot be combined with a custom endpoint_url",
                ));
            }
            return Self::custom(url, style);
        }
        let china = region.starts_with("cn-");
        if flags.fips && china {
            return Err(Error::option(
                "fips",
                format!("S3 has no FIPS endpoint in {region}"),
            ));
        }
        let suffix = if china {
            "amazonaws.com.cn"
        } else {
            "amazonaws.com"
        };
        let authority = if flags.accelerate {
            if flags.dualstack {
                "s3-accelerate.dualstack.amazonaws.com".to_owned()
            } else {
                "s3-accelerate.amazonaws.com".to_owned()
            }
        } else {
            let service = if flags.fips { "s3-fips" } else { "s3" };
            if flags.dualstack {
                format!("{service}.dualstack.{region}.{suffix}")
            } else if region == "us-east-1" && !flags.fips {
                format!("s3.{suffix}")
            } else {
                format!("{service}.{region}.{suffix}")
            }
        };
        Ok(S3Endpoint {
            scheme: "https",
            authority,
            base_path: String::new(),
            custom: false,
            accelerate: flags.accelerate,
            ip_host: false,
            style,
        })
    }

    fn custom(url: &str, style: AddressingStyle) -> Result<Self> {
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| Error::endpoint(url, "must start with http:// or https://"))?;
        let scheme = match scheme.to_ascii_lowercase().as_str() {
            "https" => "https",
            "http" => "http",
            _ => return Err(Error::endpoint(url, "scheme must be http or https")),
        };
        if rest.contains('?') || rest.contains('#') {
            return Err(Error::endpoint(url, "must not contain a query or fragment"));
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let authority = parse_authority(authority, scheme).map_err(|r| Error::endpoint(url, r))?;
        if let Some(bad) = path
            .bytes()
            .find(|b| !(b.is_ascii_alphanumeric() || b"-._~/".contains(b)))
        {
            return Err(Error::endpoint(
                url,
                format!(
                    "path may only contain unreserved characters and '/', found {:?}",
                    bad as char
                ),
            ));
        }
        let host = authority
            .rsplit_once(':')
            .map_or(authority.as_str(), |(h, _)| h);
        let ip_host = authority.starts_with('[') || is_ipv4(host);
        Ok(S3Endpoint {
            scheme,
            authority,
            base_path: path.trim_end_matches('/').to_owned(),
            custom: true,
            accelerate: false,
            ip_host,
            style,
        })
    }

    pub fn scheme(&self) -> &'static str {
        self.scheme
    }

    /// Whether `bucket` goes into the host name.
    fn virtual_hosted(&self, bucket: &str) -> Result<bool> {
        let dotted = bucket.contains('.');
        if self.accelerate {
            if dotted {
                return Err(Error::bucket(
                    bucket,
                    "Transfer Acceleration requires a bucket name without '.'",
                ));
            }
            return Ok(true);
        }
        match self.style {
            AddressingStyle::Path => Ok(false),
            AddressingStyle::Auto => Ok(!self.custom && !dotted),
            AddressingStyle::Virtual => {
                if self.ip_host {
                    return Err(Error::option(
                        "addressing_style",
                        "virtual-hosted style needs an endpoint with a DNS name, not an IP address",
                    ));
                }
                // A dotted bucket cannot match the `*.host` TLS certificate: path style, as botocore does.
                Ok(!(dotted && self.scheme == "https"))
            }
        }
    }

    /// The length of `scheme://authority/path` without the key, at most.
    pub fn location_len_hint(&self, bucket: &str) -> usize {
        self.scheme.len() + self.authority.len() + self.base_path.len() + bucket.len() + 6
    }

    /// Writes `scheme://authority/path` for `bucket`/`key` (both already validated) into `out`
    /// and returns where the authority and the path are in it.
    pub fn write_location(
        &self,
        bucket: &str,
        key: &str,
        out: &mut String,
    ) -> Result<(Range<usize>, Range<usize>)> {
        let virtual_hosted = self.virtual_hosted(bucket)?;
        out.reserve(self.location_len_hint(bucket) + 3 * key.len());
        out.push_str(self.scheme);
        out.push_str("://");
        let authority_start = out.len();
        if virtual_hosted {
            out.push_str(bucket);
            out.push('.');
        }
        out.push_str(&self.authority);
        let path_start = out.len();
        out.push_str(&self.base_path);
        if !virtual_hosted {
            out.push('/');
            out.push_str(bucket);
        }
        out.push('/');
        encode_path_into(out, key.as_bytes());
        Ok((authority_start..path_start, path_start..out.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(
        region: &str,
        endpoint: Option<&str>,
        style: AddressingStyle,
        flags: EndpointFlags,
        bucket: &str,
    ) -> String {
        let e = S3Endpoint::resolve(region, endpoint, style, flags).unwrap();
        let mut out = String::new();
        e.write_location(bucket, "k", &mut out).unwrap();
        out
    }

    #[test]
    fn aws_hosts() {
        let d = EndpointFlags::default();
        use AddressingStyle::*;
        assert_eq!(
            url("us-east-1", None, Auto, d, "b1b"),
            "https://b1b.s3.amazonaws.com/k"
        );
        assert_eq!(
            url("eu-west-1", None, Auto, d, "b1b"),
            "https://b1b.s3.eu-west-1.amazonaws.com/k"
        );
        assert_eq!(
            url("cn-north-1", None, Auto, d, "b1b"),
            "https://b1b.s3.cn-north-1.amazonaws.com.cn/k"
        );
        assert_eq!(
            url("eu-west-1", None, Path, d, "b1b"),
            "https://s3.eu-west-1.amazonaws.com/b1b/k"
        );
        assert_eq!(
            url("eu-west-1", None, Auto, d, "a.b.c"),
            "https://s3.eu-west-1.amazonaws.com/a.b.c/k"
        );
        assert_eq!(
            url("eu-west-1", None, Virtual, d, "a.b.c"),
            "https://s3.eu-west-1.amazonaws.com/a.b.c/k"
        );
        let ds = EndpointFlags {
            dualstack: true,
            ..d
        };
        assert_eq!(
            url("us-east-1", None, Auto, ds, "bkt"),
            "https://bkt.s3.dualstack.us-east-1.amazonaws.com/k"
        );
        let f = EndpointFlags { fips: true, ..d };
        assert_eq!(
            url("us-east-1", None, Auto, f, "bkt"),
            "https://bkt.s3-fips.us-east-1.amazonaws.com/k"
        );
        let fd = EndpointFlags {
            fips: true,
            dualstack: true,
            ..d
        };
        assert_eq!(
            url("us-gov-west-1", None, Auto, fd, "bkt"),
            "https://bkt.s3-fips.dualstack.us-gov-west-1.amazonaws.com/k"
        );
        let a = EndpointFlags {
            accelerate: true,
            ..d
        };
        assert_eq!(
            url("eu-west-1", None, Auto, a, "bkt"),
            "https://bkt.s3-accelerate.amazonaws.com/k"
        );
        let ad = EndpointFlags {
            accelerate: true,
            dualstack: true,
            ..d
        };
        assert_eq!(
            url("eu-west-1", None, Auto, ad, "bkt"),
            "https://bkt.s3-accelerate.dualstack.amazonaws.com/k"
        );
    }

    #[test]
    fn custom_endpoints() {
        let d = EndpointFlags::default();
        use AddressingStyle::*;
        assert_eq!(
            url("auto", Some("http://127.0.0.1:9000"), Auto, d, "bkt"),
            "http://127.0.0.1:9000/bkt/k"
        );
        assert_eq!(
            url(
                "auto",
                Some("https://acct.r2.cloudflarestorage.com/"),
                Auto,
                d,
                "bkt"
            ),
            "https://acct.r2.cloudflarestorage.com/bkt/k"
        );
        assert_eq!(
            url(
                "us-east-1",
                Some("http://localhost:8014"),
                Virtual,
                d,
                "bkt"
            ),
            "http://bkt.localhost:8014/k"
        );
        assert_eq!(
            url(
                "us-east-1",
                Some("https://x.example:443/base/"),
                Path,
                d,
                "bkt"
            ),
            "https://x.example/base/bkt/k"
        );
        let e = S3Endpoint::resolve("r", Some("http://127.0.0.1:9000"), Virtual, d).unwrap();
        assert_eq!(
            e.write_location("bkt", "k", &mut String::new())
                .unwrap_err()
                .kind(),
            crate::ErrorKind::InvalidOption
        );
        for bad in [
            "127.0.0.1:9000",
            "ftp://x",
            "http://x/?a=b",
            "http://x/#f",
            "http://u@x/",
        ] {
            assert_eq!(
                S3Endpoint::resolve("r", Some(bad), Auto, d)
                    .unwrap_err()
                    .kind(),
                crate::ErrorKind::InvalidEndpoint,
                "{bad}"
            );
        }
    }

    #[test]
    fn bucket_rules() {
        for ok in ["abc", "my-bucket.v2", "a".repeat(63).as_str(), "1bucket"] {
            validate_bucket(ok).unwrap();
        }
        for bad in [
            "",
            "ab",
            &"a".repeat(64),
            "MyBucket",
            "my_bucket",
            "-abc",
            "abc-",
            "a..b",
            "192.168.1.1",
            "a b",
        ] {
            assert_eq!(
                validate_bucket(bad).unwrap_err().kind(),
                crate::ErrorKind::InvalidBucket,
                "{bad}"
            );
        }
    }
}
