//! The SigV4 signing key and the final HMAC.
//!
//! The key is `HMAC("AWS4"+secret, date) → region → service → "aws4_request"`: four HMACs that
//! depend only on the secret, the day, the region and the service. A presigner signs thousands of
//! URLs a day with one key, so [`KeyCache`] keeps the last day's key and only the final HMAC of
//! the string-to-sign is paid per URL.

use std::sync::{Arc, RwLock};

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, Zeroizing};

use crate::encoding::hex_into;
use crate::timestamp::SigningTime;

type HmacSha256 = Hmac<Sha256>;

/// A derived signing key (zeroized on drop).
///
/// Besides the key it keeps the two SHA-256 states of HMAC after the padded key block
/// (`key ^ ipad`, `key ^ opad`), so each signature costs the message blocks and one outer
/// block instead of two more key blocks: the per-URL HMAC is most of a presign's hashing.
#[derive(Clone)]
pub struct SigningKey {
    key: Zeroizing<[u8; 32]>,
    inner: Zeroizing<[u32; 8]>,
    outer: Zeroizing<[u32; 8]>,
}

impl SigningKey {
    /// Derives the key for one (secret, date, region, service).
    pub fn derive(secret: &str, date: &str, region: &str, service: &str) -> Self {
        let mut k_secret = Zeroizing::new(Vec::with_capacity(4 + secret.len()));
        k_secret.extend_from_slice(b"AWS4");
        k_secret.extend_from_slice(secret.as_bytes());
        let k_date = hmac(&k_secret, date.as_bytes());
        let k_region = hmac(&k_date[..], region.as_bytes());
        let k_service = hmac(&k_region[..], service.as_bytes());
        Self::from_key(hmac(&k_service[..], b"aws4_request"))
    }

    fn from_key(key: Zeroizing<[u8; 32]>) -> Self {
        let pad_state = |pad: u8| {
            let mut block = Zeroizing::new([pad; 64]);
            for (b, k) in block.iter_mut().zip(key.iter()) {
                *b ^= k;
            }
            let mut state = Zeroizing::new(SHA256_IV);
            compress(&mut state, &block);
            state
        };
        SigningKey {
            inner: pad_state(0x36),
            outer: pad_state(0x5c),
            key,
        }
    }

    /// The key bytes (for the documented signing-key vectors).
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.key
    }

    /// Starts an HMAC of a string-to-sign given in pieces.
    pub(crate) fn signer(&self) -> Signer {
        Signer(Sha256Stream::resume(*self.inner, 64))
    }

    /// Appends the hex signature of `string_to_sign` to `out`.
    pub fn sign_into(&self, string_to_sign: &[u8], out: &mut String) {
        let mut s = self.signer();
        s.update(string_to_sign);
        out.push_str(s.finish_hex(self).as_str());
    }
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

/// An HMAC-SHA256 in progress under a [`SigningKey`].
pub(crate) struct Signer(Sha256Stream);

impl Signer {
    pub fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    /// The signature as 64 lower-case hex digits.
    pub fn finish_hex(self, key: &SigningKey) -> Hex64 {
        let inner = self.0.finish();
        let mut outer = Sha256Stream::resume(*key.outer, 64);
        outer.update(&inner);
        Hex64::new(&outer.finish())
    }
}

/// A SHA-256 or HMAC-SHA256 result as 64 lower-case hex digits, on the stack.
#[derive(Clone, Copy)]
pub(crate) struct Hex64([u8; 64]);

impl Hex64 {
    pub fn new(digest: &[u8; 32]) -> Self {
        let mut b = [0u8; 64];
        hex::encode_to_slice(digest, &mut b).expect("64 = 2 * 32");
        Hex64(b)
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("hex is ascii")
    }
}

/// FIPS 180-4 initial hash value of SHA-256.
const SHA256_IV: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

fn compress(state: &mut [u32; 8], block: &[u8; 64]) {
    sha2::compress256(state, std::slice::from_ref(block.into()));
}

/// SHA-256 over `sha2`'s block function, resumable from a saved state (which `sha2`'s hasher
/// cannot do). Zeroized on drop: under a signing key its state is as secret as the key.
pub(crate) struct Sha256Stream {
    state: [u32; 8],
    buf: [u8; 64],
    buffered: usize,
    total: u64,
}

impl Sha256Stream {
    pub fn new() -> Self {
        Self::resume(SHA256_IV, 0)
    }

    /// Continues from `state`, reached after `consumed` bytes (a multiple of 64).
    fn resume(state: [u32; 8], consumed: u64) -> Self {
        Sha256Stream {
            state,
            buf: [0; 64],
            buffered: 0,
            total: consumed,
        }
    }

    pub fn update(&mut self, mut data: &[u8]) {
        self.total += data.len() as u64;
        if self.buffered > 0 {
            let take = (64 - self.buffered).min(data.len());
            self.buf[self.buffered..self.buffered + take].copy_from_slice(&data[..take]);
            self.buffered += take;
            data = &data[take..];
            if self.buffered < 64 {
                return;
            }
            compress(&mut self.state, &self.buf);
            self.buffered = 0;
        }
        let mut blocks = data.chunks_exact(64);
        for block in &mut blocks {
            compress(&mut self.state, block.try_into().expect("64-byte chunk"));
        }
        let rest = blocks.remainder();
        self.buf[..rest.len()].copy_from_slice(rest);
        self.buffered = rest.len();
    }

    pub fn finish(mut self) -> [u8; 32] {
        let bits = self.total.wrapping_mul(8);
        let n = self.buffered;
        self.buf[n] = 0x80;
        self.buf[n + 1..].fill(0);
        if n + 1 > 56 {
            compress(&mut self.state, &self.buf);
            self.buf.fill(0);
        }
        self.buf[56..].copy_from_slice(&bits.to_be_bytes());
        compress(&mut self.state, &self.buf);
        let mut out = [0u8; 32];
        for (o, w) in out.chunks_exact_mut(4).zip(self.state.iter()) {
            o.copy_from_slice(&w.to_be_bytes());
        }
        out
    }
}

impl Drop for Sha256Stream {
    fn drop(&mut self) {
        self.state.zeroize();
        self.buf.zeroize();
    }
}

fn hmac(key: &[u8], data: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    Zeroizing::new(mac.finalize().into_bytes().into())
}

/// SHA-256 of `data`.
pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// Appends the lower-case hex SHA-256 of `data` to `out`.
#[inline]
pub fn sha256_hex_into(data: &[u8], out: &mut String) {
    let digest = Sha256::digest(data);
    hex_into(out, &digest);
}

/// SHA-256 of `data` as lower-case hex.
pub fn sha256_hex(data: &[u8]) -> String {
    let mut s = String::with_capacity(64);
    sha256_hex_into(data, &mut s);
    s
}

/// What was derived for the last signing day (the signing key, the credential scope), for a
/// fixed (secret, region, service).
///
/// A read lock on the hot path; the write lock is taken once a day (or once per distinct day
/// when callers pass explicit times out of order, which only costs a re-derivation).
pub struct DayCache<T> {
    slot: RwLock<Option<(i64, Arc<T>)>>,
}

impl<T> Default for DayCache<T> {
    fn default() -> Self {
        DayCache {
            slot: RwLock::new(None),
        }
    }
}

impl<T> DayCache<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// The value for `time`'s day, made with `make` on a miss.
    pub fn get(&self, time: &SigningTime, make: impl FnOnce() -> T) -> Arc<T> {
        let day = time.day();
        if let Ok(guard) = self.slot.read() {
            if let Some((d, value)) = guard.as_ref() {
                if *d == day {
                    return Arc::clone(value);
                }
            }
        }
        let value = Arc::new(make());
        if let Ok(mut guard) = self.slot.write() {
            *guard = Some((day, Arc::clone(&value)));
        }
        value
    }
}

impl<T> std::fmt::Debug for DayCache<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DayCache(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_signing_key() {
        // AWS General Reference, "Task 4" example (see tests/vectors/documented).
        let k = SigningKey::derive(
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "20150830",
            "us-east-1",
            "iam",
        );
        assert_eq!(
            hex::encode(k.as_bytes()),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
        );
    }

    /// The pre-keyed HMAC against the `hmac` crate, across every block-boundary case.
    #[test]
    fn prekeyed_hmac_matches_hmac_crate() {
        let key = SigningKey::derive("secret", "20240101", "eu-west-1", "s3");
        let data: Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
        for len in 0..data.len() {
            let mut mac = HmacSha256::new_from_slice(key.as_bytes()).unwrap();
            mac.update(&data[..len]);
            let want = hex::encode(mac.finalize().into_bytes());
            let mut got = String::new();
            key.sign_into(&data[..len], &mut got);
            assert_eq!(got, want, "length {len}");
            // The same message fed in uneven pieces.
            let mut s = key.signer();
            for piece in data[..len].chunks(1 + len % 13) {
                s.update(piece);
            }
            assert_eq!(s.finish_hex(&key).as_str(), want, "pieces, length {len}");
        }
    }

    #[test]
    fn cache_rederives_on_new_day() {
        let cache = DayCache::new();
        let mut calls = 0;
        let t1 = SigningTime::from_unix(86_400 * 10 + 5).unwrap();
        let t2 = SigningTime::from_unix(86_400 * 10 + 500).unwrap();
        let t3 = SigningTime::from_unix(86_400 * 11).unwrap();
        for t in [&t1, &t2, &t3] {
            cache.get(t, || {
                calls += 1;
                SigningKey::derive("s", t.date(), "r", "s3")
            });
        }
        assert_eq!(calls, 2);
    }
}
