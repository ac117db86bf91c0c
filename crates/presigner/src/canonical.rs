//! The pieces of a SigV4 canonical request: URI, query, headers.
//!
//! Both the generic signer and the S3 presigner feed these functions, so one set of rules
//! (pinned by the AWS test suites) covers every entry point.

use std::borrow::Cow;

use crate::encoding::{encode_into, encode_path_into};
use crate::error::{Error, Result};

/// Headers SDKs never sign: proxies and clients add, drop or rewrite them in flight.
const UNSIGNABLE: &[&str] = &[
    "authorization",
    "connection",
    "expect",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "x-amzn-trace-id",
];

/// Headers and query parameters only the signer may set.
const SIGNER_HEADERS: &[&str] = &["x-amz-date", "x-amz-security-token"];
const AUTH_PARAMS: &[&str] = &[
    "x-amz-algorithm",
    "x-amz-credential",
    "x-amz-date",
    "x-amz-expires",
    "x-amz-security-token",
    "x-amz-signature",
    "x-amz-signedheaders",
];

/// Bytes allowed in an RFC 7230 token (header names, methods), as a table: it is checked for
/// every byte of every signed header name.
const TCHAR: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            );
        i += 1;
    }
    t
};

fn is_tchar(b: u8) -> bool {
    TCHAR[b as usize]
}

/// Validates an HTTP method and returns it upper-cased (servers compare it case-sensitively and
/// every client sends upper case, so `put` would only ever produce a URL that fails).
pub fn normalize_method(method: &str) -> Result<Cow<'_, str>> {
    if method.is_empty() {
        return Err(Error::InvalidMethod {
            method: method.into(),
            reason: "must not be empty".into(),
        });
    }
    if method.len() > 32 || !method.bytes().all(is_tchar) {
        return Err(Error::InvalidMethod {
            method: method.into(),
            reason: "must be an HTTP token of at most 32 characters, such as GET or PUT".into(),
        });
    }
    Ok(ascii_case(
        method,
        u8::is_ascii_lowercase,
        str::to_ascii_uppercase,
    ))
}

/// `s` itself when no byte needs changing, else the changed copy.
fn ascii_case(s: &str, needs: fn(&u8) -> bool, change: fn(&str) -> String) -> Cow<'_, str> {
    if s.bytes().any(|b| needs(&b)) {
        Cow::Owned(change(s))
    } else {
        Cow::Borrowed(s)
    }
}

/// The canonical form of a header value: trimmed, inner runs of spaces/tabs collapsed to one space.
pub fn canonical_header_value(value: &str, out: &mut String) {
    let mut pending_space = false;
    for part in value.split([' ', '\t']) {
        if part.is_empty() {
            continue;
        }
        if pending_space {
            out.push(' ');
        }
        out.push_str(part);
        pending_space = true;
    }
}

/// [`canonical_header_value`], borrowing `value` when it is canonical already (the usual case).
fn canonical_header_cow(value: &str) -> Cow<'_, str> {
    let b = value.as_bytes();
    let canonical = !b.contains(&b'\t')
        && b.first() != Some(&b' ')
        && b.last() != Some(&b' ')
        && !b.windows(2).any(|w| w == b"  ");
    if canonical {
        Cow::Borrowed(value)
    } else {
        let mut v = String::with_capacity(value.len());
        canonical_header_value(value, &mut v);
        Cow::Owned(v)
    }
}

/// Headers after validation: what goes into the canonical request and what the client sends.
/// Borrows from the caller's headers wherever no change is needed.
#[derive(Debug, Default, Clone)]
pub struct PreparedHeaders<'a> {
    /// `(lower-case name, canonical value)` of every signed header but `host`, sorted by name.
    pub others: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// A caller-given `host` header (canonical form), which overrides the URL's authority.
    pub host_override: Option<Cow<'a, str>>,
    /// `(name as first given, exact value)` for every signed header but `host`; repeated names
    /// joined with `,` as HTTP allows.
    pub to_send: Vec<(&'a str, Cow<'a, str>)>,
}

impl<'a> PreparedHeaders<'a> {
    /// The `host` value to sign: the caller's override or the URL's authority.
    pub fn host<'s>(&'s self, authority: &'s str) -> &'s str {
        self.host_override.as_deref().unwrap_or(authority)
    }

    /// Every signed `(name, value)` in canonical order, `host` merged in.
    pub fn canonical<'s>(
        &'s self,
        host: &'s str,
    ) -> impl Iterator<Item = (&'s str, &'s str)> + Clone {
        let split = self.others.partition_point(|(n, _)| n.as_ref() < "host");
        self.others[..split]
            .iter()
            .map(|(n, v)| (n.as_ref(), v.as_ref()))
            .chain(std::iter::once(("host", host)))
            .chain(
                self.others[split..]
                    .iter()
                    .map(|(n, v)| (n.as_ref(), v.as_ref())),
            )
    }

    /// The signed header names in canonical order.
    pub fn signed_names(&self) -> Vec<String> {
        self.canonical("").map(|(n, _)| n.to_owned()).collect()
    }

    /// `content-type;host;…` in canonical order.
    pub fn signed_header_list(&self) -> String {
        let mut s = String::with_capacity(self.others.len() * 16 + 4);
        for (i, (n, _)) in self.canonical("").enumerate() {
            if i > 0 {
                s.push(';');
            }
            s.push_str(n);
        }
        s
    }

    /// The headers to send, owned (for a result).
    pub fn to_send_owned(&self) -> Vec<(String, String)> {
        self.to_send
            .iter()
            .map(|(n, v)| ((*n).to_owned(), v.as_ref().to_owned()))
            .collect()
    }

    /// Adds a header the signer itself sets (already canonical), keeping the order.
    pub fn insert_signer_header(&mut self, name: &'static str, value: impl Into<Cow<'a, str>>) {
        let pos = self.others.partition_point(|(n, _)| n.as_ref() < name);
        self.others.insert(pos, (Cow::Borrowed(name), value.into()));
    }

    pub fn has(&self, lower_name: &str) -> bool {
        self.others.iter().any(|(n, _)| n == lower_name)
    }
}

/// Validates caller headers and builds the canonical set. A `host` header overrides `host`
/// (useful when the URL names an address and the server is reached through a virtual host).
pub fn prepare_headers<N: AsRef<str>, V: AsRef<str>>(
    headers: &[(N, V)],
) -> Result<PreparedHeaders<'_>> {
    let mut out = PreparedHeaders::default();
    // `others` and `to_send` stay index-aligned until the final sort.
    out.others.reserve(headers.len() + 3);
    out.to_send.reserve(headers.len());
    for (name, value) in headers {
        let (name, value) = (name.as_ref(), value.as_ref());
        if name.is_empty() || !name.bytes().all(is_tchar) {
            return Err(Error::header(
                name,
                "name must be a non-empty HTTP token (letters, digits and !#$%&'*+-.^_`|~)",
            ));
        }
        if let Some(bad) = value
            .bytes()
            .find(|&b| (b < 0x20 && b != b'\t') || b == 0x7f)
        {
            return Err(Error::header(
                name,
                format!("value must not contain control characters such as CR or LF (found byte 0x{bad:02x})"),
            ));
        }
        let lower = ascii_case(name, u8::is_ascii_uppercase, str::to_ascii_lowercase);
        if UNSIGNABLE.contains(&lower.as_ref()) {
            continue;
        }
        if SIGNER_HEADERS.contains(&lower.as_ref()) {
            return Err(Error::header(
                name,
                "is set by the signer (pass the signing time as `now` and the token in the credentials)",
            ));
        }
        if lower == "host" {
            let v = canonical_header_cow(value);
            if v.is_empty() {
                return Err(Error::header(name, "host must not be empty"));
            }
            out.host_override = Some(v);
            continue;
        }
        // Repeated headers: each value canonicalized, then joined with ','.
        match out.others.iter().position(|(l, _)| *l == lower) {
            Some(i) => {
                let canon = out.others[i].1.to_mut();
                canon.push(',');
                canonical_header_value(value, canon);
                let exact = out.to_send[i].1.to_mut();
                exact.push(',');
                exact.push_str(value);
            }
            None => {
                out.others.push((lower, canonical_header_cow(value)));
                out.to_send.push((name, Cow::Borrowed(value)));
            }
        }
    }
    out.others.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Percent-encoded query parameters, sorted canonically on [`QueryParams::sort`].
#[derive(Debug, Default, Clone)]
pub struct QueryParams {
    pairs: Vec<(Cow<'static, str>, Cow<'static, str>)>,
}

impl QueryParams {
    pub fn with_capacity(n: usize) -> Self {
        QueryParams {
            pairs: Vec::with_capacity(n),
        }
    }

    /// Adds a parameter given raw (unencoded).
    pub fn push_raw(&mut self, name: &[u8], value: &[u8]) {
        let mut n = String::with_capacity(name.len() + 4);
        encode_into(&mut n, name);
        let mut v = String::with_capacity(value.len() + 8);
        encode_into(&mut v, value);
        self.pairs.push((Cow::Owned(n), Cow::Owned(v)));
    }

    /// Adds a parameter whose name and value are already encoded.
    pub fn push_encoded(&mut self, name: &'static str, value: impl Into<Cow<'static, str>>) {
        self.pairs.push((Cow::Borrowed(name), value.into()));
    }

    /// Adds caller-supplied parameters, refusing the ones only the signer may set.
    pub fn push_user<N: AsRef<str>, V: AsRef<str>>(&mut self, params: &[(N, V)]) -> Result<()> {
        for (name, value) in params {
            check_user_param(name.as_ref())?;
            self.push_raw(name.as_ref().as_bytes(), value.as_ref().as_bytes());
        }
        Ok(())
    }

    /// Adds the parameters of a URL query string (RFC 3986: `+` is a plus, `%XX` decoded),
    /// refusing the ones only the signer may set.
    pub fn push_query_string(&mut self, query: &str) -> Result<()> {
        self.push_query_string_inner(query, true)
    }

    /// As [`Self::push_query_string`], accepting authentication parameters (verification).
    pub fn push_query_string_unchecked(&mut self, query: &str) -> Result<()> {
        self.push_query_string_inner(query, false)
    }

    fn push_query_string_inner(&mut self, query: &str, check: bool) -> Result<()> {
        for part in query.split('&') {
            if part.is_empty() {
                continue;
            }
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            let bad = || Error::url(format!("bad percent-escape in query parameter {part:?}"));
            let dn = crate::encoding::decode_strict(name).ok_or_else(bad)?;
            let dv = crate::encoding::decode_strict(value).ok_or_else(bad)?;
            if check {
                check_user_param(&String::from_utf8_lossy(&dn))?;
            }
            self.push_raw(&dn, &dv);
        }
        Ok(())
    }

    /// Removes every parameter with this (encoded) name.
    pub fn remove_encoded(&mut self, name: &str) {
        self.pairs.retain(|(n, _)| n != name);
    }

    /// Sorts by encoded name, then encoded value, bytewise.
    pub fn sort(&mut self) {
        self.pairs.sort_unstable();
    }

    /// Writes `a=b&c=d`.
    pub fn write_into(&self, out: &mut String) {
        for (i, (n, v)) in self.pairs.iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            out.push_str(n);
            out.push('=');
            out.push_str(v);
        }
    }

    /// The encoded `(name, value)` pairs in their current order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(n, v)| (n.as_ref(), v.as_ref()))
    }

    pub fn len_hint(&self) -> usize {
        self.pairs.iter().map(|(n, v)| n.len() + v.len() + 2).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

fn check_user_param(name: &str) -> Result<()> {
    if AUTH_PARAMS.iter().any(|p| p.eq_ignore_ascii_case(name)) {
        return Err(Error::query(
            name,
            "is a SigV4 authentication parameter that only the signer sets (is the URL already presigned?)",
        ));
    }
    Ok(())
}

/// Removes `.` and `..` segments and empty segments; keeps a leading `/` and, when segments
/// remain and the path ended in `/`, a trailing one (botocore's and the JS SDK's rule for
/// every service but S3, which never normalizes: `/a/.` → `/a`, `/a/b/` → `/a/b/`).
pub fn normalize_path(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let mut out = String::with_capacity(path.len() + 1);
    out.push('/');
    out.push_str(&segments.join("/"));
    if !segments.is_empty() && path.ends_with('/') {
        out.push('/');
    }
    out
}

/// The canonical URI of a wire path under the given settings.
pub fn canonical_uri(wire_path: &str, normalize: bool, double_encode: bool, out: &mut String) {
    let normalized;
    let path = if normalize {
        normalized = normalize_path(wire_path);
        normalized.as_str()
    } else if wire_path.is_empty() {
        "/"
    } else {
        wire_path
    };
    if double_encode {
        encode_path_into(out, path.as_bytes());
    } else {
        out.push_str(path);
    }
}

/// A URL split into the parts signing needs, without rewriting the path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedUrl<'a> {
    /// `http` or `https`.
    pub scheme: &'static str,
    /// `host` or `host:port` (default ports dropped).
    pub authority: String,
    /// The path exactly as given (`/` when empty).
    pub path: &'a str,
    /// The query string without `?`, if any.
    pub query: Option<&'a str>,
}

/// Parses `http(s)://host[:port][/path][?query]`. The path is kept byte for byte: it is what
/// goes on the wire, and SigV4 signs the wire form.
pub fn parse_url(url: &str) -> Result<ParsedUrl<'_>> {
    let (scheme, rest) = url.split_once("://").ok_or_else(|| {
        Error::url(format!(
            "{url:?} has no scheme; expected http:// or https://"
        ))
    })?;
    let scheme = if scheme.eq_ignore_ascii_case("https") {
        "https"
    } else if scheme.eq_ignore_ascii_case("http") {
        "http"
    } else {
        return Err(Error::url(format!(
            "scheme {scheme:?} is not http or https"
        )));
    };
    // One pass over the bytes: reject controls and fragments, find where the authority ends.
    let mut auth_end = None;
    for (i, &b) in rest.as_bytes().iter().enumerate() {
        match b {
            b'#' => {
                return Err(Error::url(
                    "must not contain a fragment (#...): it is never sent to the server",
                ))
            }
            0..=0x1f | 0x7f => {
                return Err(Error::url(format!(
                    "must not contain control characters (found byte 0x{b:02x})"
                )))
            }
            b'/' | b'?' if auth_end.is_none() => auth_end = Some(i),
            _ => {}
        }
    }
    let auth_end = auth_end.unwrap_or(rest.len());
    let authority_raw = &rest[..auth_end];
    let after = &rest[auth_end..];
    let (path, query) = match after.as_bytes().iter().position(|&b| b == b'?') {
        Some(q) => (&after[..q], Some(&after[q + 1..])),
        None => (after, None),
    };
    let authority = parse_authority(authority_raw, scheme).map_err(Error::url)?;
    Ok(ParsedUrl {
        scheme,
        authority,
        path: if path.is_empty() { "/" } else { path },
        query,
    })
}

/// Validates `host[:port]` and drops the scheme's default port.
pub fn parse_authority(authority: &str, scheme: &str) -> std::result::Result<String, String> {
    if authority.is_empty() {
        return Err("has no host".into());
    }
    if authority.contains('@') {
        return Err("must not contain user info (user:password@)".into());
    }
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let end = rest.find(']').ok_or("has an unterminated IPv6 address")?;
        let ip = &rest[..end];
        if ip.is_empty()
            || !ip
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        {
            return Err(format!("has an invalid IPv6 address [{ip}]"));
        }
        let tail = &rest[end + 1..];
        let port = match tail.strip_prefix(':') {
            Some(p) => Some(p),
            None if tail.is_empty() => None,
            None => {
                return Err(format!(
                    "has unexpected text after the IPv6 address: {tail:?}"
                ))
            }
        };
        (&authority[..end + 2], port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Err("has no host".into());
    }
    if !host.starts_with('[')
        && !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_')
    {
        return Err(format!(
            "host {host:?} may only contain letters, digits, '-', '.' and '_'"
        ));
    }
    let port = match port {
        None => None,
        Some(p) => {
            let n: u16 = p
                .parse()
                .ok()
                .filter(|n| *n > 0 && p.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| format!("port {p:?} is not a number in 1..=65535"))?;
            let default = if scheme == "https" { 443 } else { 80 };
            (n != default).then_some(n)
        }
    };
    Ok(match port {
        Some(p) => format!("{host}:{p}"),
        None => host.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_paths_like_the_suite() {
        assert_eq!(normalize_path("/example1/example2/../.."), "/");
        assert_eq!(normalize_path("/example/.."), "/");
        assert_eq!(normalize_path("/./"), "/");
        assert_eq!(normalize_path("//example//"), "/example/");
        assert_eq!(normalize_path("/./example"), "/example");
        assert_eq!(normalize_path("/a/b/../c/"), "/a/c/");
        assert_eq!(normalize_path("/a/."), "/a");
        assert_eq!(normalize_path("/a/b/.."), "/a");
        assert_eq!(normalize_path(""), "/");
    }

    #[test]
    fn header_values_collapse() {
        let mut s = String::new();
        canonical_header_value("  \"a   b \t c\"  ", &mut s);
        assert_eq!(s, "\"a b c\"");
    }

    #[test]
    fn parses_urls() {
        let u = parse_url("https://Example.com:443/a%20b//c?x=1&y").unwrap();
        assert_eq!(u.authority, "Example.com");
        assert_eq!(u.path, "/a%20b//c");
        assert_eq!(u.query, Some("x=1&y"));
        let u = parse_url("http://127.0.0.1:9000").unwrap();
        assert_eq!(
            (u.authority.as_str(), u.path, u.query),
            ("127.0.0.1:9000", "/", None)
        );
        let u = parse_url("http://[::1]:9000/k").unwrap();
        assert_eq!(u.authority, "[::1]:9000");
        for bad in [
            "example.com/x",
            "ftp://x/",
            "https://u:p@x/",
            "https:///x",
            "https://x:0/",
            "https://x:99999/",
            "https://x/#f",
            "https://x y/",
            "https://x/\n",
        ] {
            assert_eq!(
                parse_url(bad).unwrap_err().kind(),
                crate::ErrorKind::InvalidUrl,
                "{bad}"
            );
        }
    }

    #[test]
    fn repeated_headers_join() {
        let h = prepare_headers(&[
            ("My-Header1", "value2"),
            ("my-header1", " value2"),
            ("MY-HEADER1", "value1"),
        ])
        .unwrap();
        assert_eq!(
            h.others[0],
            ("my-header1".into(), "value2,value2,value1".into())
        );
        assert_eq!(h.signed_header_list(), "host;my-header1");
        assert_eq!(
            h.to_send,
            vec![("My-Header1", "value2, value2,value1".into())]
        );
    }

    /// Borrowing when a value is already canonical must give what canonicalizing gives.
    #[test]
    fn token_table() {
        let specials = b"!#$%&'*+-.^_`|~";
        for b in 0..=255u8 {
            assert_eq!(
                is_tchar(b),
                b.is_ascii_alphanumeric() || specials.contains(&b),
                "{b:#x}"
            );
        }
    }

    #[test]
    fn canonical_value_borrow_matches_copy() {
        let pieces = ["", " ", "  ", "\t", "a", "b c", "é"];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let v = format!("{a}{b}{c}");
                    let mut want = String::new();
                    canonical_header_value(&v, &mut want);
                    assert_eq!(canonical_header_cow(&v), want, "{v:?}");
                }
            }
        }
    }
}
