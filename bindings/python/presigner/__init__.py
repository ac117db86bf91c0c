"""presigner: AWS SigV4 presigned URLs and request signing from one shared Rust core.

>>> from presigner import Credentials, S3Presigner
>>> s3 = S3Presigner("us-east-1", credentials=Credentials("AKID", "SECRET"))
>>> url = s3.presign_get("bucket", "key.txt", expires_in=600)
"""

from ._native import (
    Credentials,
    PresignedRequest,
    S3Presigner,
    __version__,
    presign_url,
    sign_request,
)
from ._types import (
    CredentialsError,
    CredentialsExpireBeforeUrlError,
    CredentialsExpiredError,
    InvalidBucketError,
    InvalidCredentialsError,
    InvalidEndpointError,
    InvalidExpiryError,
    InvalidHeaderError,
    InvalidKeyError,
    InvalidMethodError,
    InvalidOptionError,
    InvalidQueryError,
    InvalidRegionError,
    InvalidServiceError,
    InvalidTimeError,
    InvalidUrlError,
    MissingCredentialsError,
    PresignerError,
    ProfileError,
    SignedHeaders,
)

__all__ = [
    "__version__",
    "Credentials",
    "S3Presigner",
    "PresignedRequest",
    "SignedHeaders",
    "presign_url",
    "sign_request",
    "PresignerError",
    "InvalidExpiryError",
    "InvalidBucketError",
    "InvalidKeyError",
    "InvalidRegionError",
    "InvalidEndpointError",
    "InvalidHeaderError",
    "InvalidQueryError",
    "InvalidUrlError",
    "InvalidMethodError",
    "InvalidServiceError",
    "InvalidTimeError",
    "InvalidOptionError",
    "InvalidCredentialsError",
    "CredentialsError",
    "MissingCredentialsError",
    "ProfileError",
    "CredentialsExpiredError",
    "CredentialsExpireBeforeUrlError",
]
