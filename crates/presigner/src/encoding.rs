//! SigV4's one percent-encoding rule: keep `A-Z a-z 0-9 - _ . ~`, write every other byte of the
//! UTF-8 form as `%XX` with upper-case hex. Paths additionally keep `/`.
//!
//! This is stricter than `encodeURIComponent` (which keeps `!*'()`) and than form encoding
//! (which writes a space as `+`); either difference breaks the signature.

use percent_encoding::{percent_decode, percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Bytes encoded in query names and values (and every single-encoded component).
pub const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Bytes encoded in a path: as [`UNRESERVED`], keeping `/`.
pub const PATH: &AsciiSet = &UNRESERVED.remove(b'/');

/// Appends `bytes` percent-encoded with the unreserved set.
#[inline]
pub fn encode_into(out: &mut String, bytes: &[u8]) {
    for chunk in percent_encode(bytes, UNRESERVED) {
        out.push_str(chunk);
    }
}

/// Appends `bytes` percent-encoded with the path set (`/` kept).
#[inline]
pub fn encode_path_into(out: &mut String, bytes: &[u8]) {
    for chunk in percent_encode(bytes, PATH) {
        out.push_str(chunk);
    }
}

/// Percent-encodes with the unreserved set.
pub fn encode(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() + 8);
    encode_into(&mut s, bytes);
    s
}

/// Decodes `%XX` escapes (no `+` → space: URLs here are RFC 3986, not forms).
/// Returns `None` when a `%` is not followed by two hex digits.
pub fn decode_strict(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    if !b.contains(&b'%') {
        return Some(b.to_vec());
    }
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            if i + 2 >= b.len() || !(b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit()) {
                return None;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    Some(percent_decode(b).collect())
}

/// Lower-case hex of `bytes` appended to `out`.
#[inline]
pub fn hex_into(out: &mut String, bytes: &[u8]) {
    let mut buf = [0u8; 128];
    let n = bytes.len() * 2;
    if n <= buf.len() {
        hex::encode_to_slice(bytes, &mut buf[..n]).expect("sized above");
        out.push_str(std::str::from_utf8(&buf[..n]).expect("hex is ascii"));
    } else {
        out.push_str(&hex::encode(bytes));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreserved_rules() {
        assert_eq!(encode(b"AZaz09-_.~"), "AZaz09-_.~");
        assert_eq!(encode(b" !*'()+=&/"), "%20%21%2A%27%28%29%2B%3D%26%2F");
        assert_eq!(encode("ሴ".as_bytes()), "%E1%88%B4");
        let mut p = String::new();
        encode_path_into(&mut p, b"/a b/c%");
        assert_eq!(p, "/a%20b/c%25");
    }

    #[test]
    fn strict_decoding() {
        assert_eq!(decode_strict("a%20b+c").unwrap(), b"a b+c");
        assert_eq!(decode_strict("%e1%88%b4").unwrap(), "ሴ".as_bytes());
        assert!(decode_strict("%").is_none());
        assert!(decode_strict("%2").is_none());
        assert!(decode_strict("%zz").is_none());
        assert!(decode_strict("a%2").is_none());
    }
}
