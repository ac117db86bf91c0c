//! The SigV4 signing key and the final HMAC.
//!
//! The key is `HMAC("AWS4"+secret, date) → region → service → "aws4_request"`: four HMACs that
//! depend only on the secret, the day, the region and the service. A presigner signs thousands of
//! URLs a day with one key, so [`KeyCache`] keeps the last day's key and only the final HMAC of
//! the string-to-sign is paid per URL.

use std::sync::RwLock;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::encoding::hex_into;
use crate::timestamp::SigningTime;

type HmacSha256 = Hmac<Sha256>;

/// A derived signing key (zeroized on drop).
#[derive(Clone)]
pub struct SigningKey(Zeroizing<[u8; 32]>);

impl SigningKey {
    /// Derives the key for one (secret, date, region, service).
    pub fn derive(secret: &str, date: &str, region: &str, service: &str) -> Self {
        let mut k_secret = Zeroizing::new(Vec::with_capacity(4 + secret.len()));
        k_secret.extend_from_slice(b"AWS4");
        k_secret.extend_from_slice(secret.as_bytes());
        let k_date = hmac(&k_secret, date.as_bytes());
        let k_region = hmac(&k_date[..], region.as_bytes());
        let k_service = hmac(&k_region[..], service.as_bytes());
        SigningKey(hmac(&k_service[..], b"aws4_request"))
    }

    /// The key bytes (for the documented signing-key vectors).
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Appends the hex signature of `string_to_sign` to `out`.
    pub fn sign_into(&self, string_to_sign: &[u8], out: &mut String) {
        let sig = hmac(&self.0[..], string_to_sign);
        hex_into(out, &sig[..]);
    }
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

fn hmac(key: &[u8], data: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    Zeroizing::new(mac.finalize().into_bytes().into())
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

/// The last day's signing key for a fixed (secret, region, service).
///
/// A read lock on the hot path; the write lock is taken once a day (or once per distinct day
/// when callers pass explicit times out of order, which only costs a re-derivation).
#[derive(Default)]
pub struct KeyCache {
    slot: RwLock<Option<(i64, SigningKey)>>,
}

impl KeyCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// The key for `time`'s day, derived with `derive` on a miss.
    pub fn get(&self, time: &SigningTime, derive: impl FnOnce() -> SigningKey) -> SigningKey {
        let day = time.day();
        if let Ok(guard) = self.slot.read() {
            if let Some((d, key)) = guard.as_ref() {
                if *d == day {
                    return key.clone();
                }
            }
        }
        let key = derive();
        if let Ok(mut guard) = self.slot.write() {
            *guard = Some((day, key.clone()));
        }
        key
    }
}

impl std::fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyCache(<redacted>)")
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

    #[test]
    fn cache_rederives_on_new_day() {
        let cache = KeyCache::new();
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
