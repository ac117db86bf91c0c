//! What signing returns.
//!
//! Every result carries its canonical request and string-to-sign: when S3 answers
//! `SignatureDoesNotMatch` it returns its own two, and diffing them is the fastest way to find
//! out which byte differs.

use std::time::SystemTime;

/// A presigned request: the URL plus what the client must send with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PresignedRequest {
    /// The presigned URL, exactly as signed.
    pub url: String,
    /// The HTTP method the URL is valid for.
    pub method: String,
    /// Headers the client must send with exactly these values (every signed header but `host`).
    pub headers: Vec<(String, String)>,
    /// The signed header names, lower-case and sorted (`host` first among equals).
    pub signed_headers: Vec<String>,
    /// When the URL was signed (`X-Amz-Date`).
    pub signed_at: SystemTime,
    /// When the URL stops working: signing time plus `X-Amz-Expires`, or the credentials'
    /// expiry when that comes first under `ExpiryPolicy::Allow`.
    pub expires_at: SystemTime,
    /// The hex signature (also the `X-Amz-Signature` parameter of `url`).
    pub signature: String,
    pub canonical_request: String,
    pub string_to_sign: String,
}

/// A request signed with an `Authorization` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedRequest {
    /// Headers to add to the request: `Authorization`, `X-Amz-Date`, and when they apply
    /// `X-Amz-Security-Token` and `x-amz-content-sha256`.
    pub headers: Vec<(String, String)>,
    /// The signed header names, lower-case and sorted.
    pub signed_headers: Vec<String>,
    pub signed_at: SystemTime,
    pub signature: String,
    pub authorization: String,
    pub canonical_request: String,
    pub string_to_sign: String,
}
