//! What signing returns.
//!
//! Every result carries its canonical request and string-to-sign: when S3 answers
//! `SignatureDoesNotMatch` it returns its own two, and diffing them is the fastest way to find
//! out which byte differs.

use std::time::SystemTime;

use crate::canonical::PreparedHeaders;

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

/// A presigned request borrowed from the signer's working memory, for callers that copy it
/// somewhere else anyway (the language bindings): the same fields as [`PresignedRequest`]
/// without allocating each of them. See [`crate::S3Presigner::presign_with`].
pub struct PresignedView<'a> {
    pub url: &'a str,
    pub method: &'a str,
    pub signature: &'a str,
    pub canonical_request: &'a str,
    pub string_to_sign: &'a str,
    pub signed_at: SystemTime,
    pub expires_at: SystemTime,
    pub(crate) headers: &'a PreparedHeaders<'a>,
}

impl<'a> PresignedView<'a> {
    /// As [`PresignedRequest::headers`].
    pub fn headers(&self) -> impl ExactSizeIterator<Item = (&'a str, &'a str)> + Clone + 'a {
        self.headers.to_send.iter().map(|(n, v)| (*n, v.as_ref()))
    }

    /// As [`PresignedRequest::signed_headers`].
    pub fn signed_headers(&self) -> impl Iterator<Item = &'a str> + Clone + 'a {
        self.headers.canonical("").map(|(n, _)| n)
    }

    /// The number of signed headers (`host` included).
    pub fn signed_header_count(&self) -> usize {
        self.headers.others.len() + 1
    }

    pub fn to_owned(&self) -> PresignedRequest {
        PresignedRequest {
            url: self.url.to_owned(),
            method: self.method.to_owned(),
            headers: self.headers.to_send_owned(),
            signed_headers: self.headers.signed_names(),
            signed_at: self.signed_at,
            expires_at: self.expires_at,
            signature: self.signature.to_owned(),
            canonical_request: self.canonical_request.to_owned(),
            string_to_sign: self.string_to_sign.to_owned(),
        }
    }
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
