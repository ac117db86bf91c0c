//! # presigner
//!
//! AWS Signature Version 4 in one small, fast, dependency-light core that every language binding
//! of the project shares, so that Python, Node.js, Go, .NET, C and the CLI produce the same bytes.
//!
//! * [`S3Presigner`] makes presigned S3 URLs (`GET` links, `PUT` uploads, multipart parts) for
//!   AWS and S3-compatible servers (MinIO, Cloudflare R2, Ceph).
//! * [`presign_url`] presigns any AWS request (STS, RDS IAM auth tokens, API Gateway).
//! * [`sign_request`] signs a request with an `Authorization` header.
//! * [`verify_presigned`] and [`verify_request`] check them on the server side.
//!
//! Signing never touches the network and never reads a clock you did not ask it to read:
//! pass `now` for reproducible output.
//!
//! ```
//! use presigner::{Credentials, PresignOptions, S3Config, S3Presigner};
//! let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")?;
//! let s3 = S3Presigner::new(S3Config::new("us-east-1", creds))?;
//! let opts = PresignOptions {
//!     expires_in: 86400,
//!     now: Some(presigner::parse_rfc3339("2013-05-24T00:00:00Z")?),
//!     ..Default::default()
//! };
//! let url = s3.presign_get("examplebucket", "test.txt", &opts)?;
//! assert!(url.ends_with("X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"));
//! # Ok::<(), presigner::Error>(())
//! ```

pub mod canonical;
pub mod credentials;
pub mod encoding;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod request;
pub mod s3;
pub mod s3_url;
pub mod signing_key;
pub mod sigv4;
pub mod sources;
pub mod timestamp;
pub mod verify;

pub use credentials::{check_expires_in, Credentials, ExpiryPolicy, MAX_EXPIRES_IN};
pub use error::{Error, ErrorKind, Result};
pub use request::{PresignedRequest, PresignedView, SignedRequest};
pub use s3::{PresignOptions, ResponseOverrides, S3Config, S3Presigner};
pub use s3_url::{validate_bucket, validate_key, AddressingStyle, MAX_KEY_BYTES};
pub use sigv4::{
    presign_url, sign_request, PayloadHash, SessionTokenMode, SettingsOverrides, SigningParams,
    SigningSettings, UrlPresignOptions, EMPTY_SHA256, UNSIGNED_PAYLOAD,
};
pub use sources::Environment;
pub use timestamp::{format_rfc3339, parse_rfc3339};
pub use verify::{
    verify_presigned, verify_request, CredentialLookup, Verified, Verifier, VerifyOptions,
    DEFAULT_MAX_SKEW,
};
