"""Exception classes and the ``dict`` that :func:`presigner.sign_request` returns.

Pure Python so that the exceptions can derive from both :class:`PresignerError` and
:class:`ValueError`; the native module raises them by name (one class per core error code).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Dict, Iterable, List, Mapping, Optional, Tuple, Union

__all__ = [
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
    "VerificationError",
    "UnsupportedAlgorithmError",
    "MalformedRequestError",
    "InvalidCredentialScopeError",
    "ScopeMismatchError",
    "DuplicateParameterError",
    "MissingSignedHeaderError",
    "UnknownAccessKeyError",
    "InvalidSessionTokenError",
    "RequestExpiredError",
    "RequestNotYetValidError",
    "SignatureMismatchError",
    "SignedHeaders",
    "Verified",
]


class PresignerError(Exception):
    """Base class of every error presigner raises; ``code`` is the core's stable code."""

    code: str = "presigner_error"

    def __init__(self, message: str, code: Optional[str] = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class InvalidExpiryError(PresignerError, ValueError):
    code = "invalid_expiry"


class InvalidBucketError(PresignerError, ValueError):
    code = "invalid_bucket"


class InvalidKeyError(PresignerError, ValueError):
    code = "invalid_key"


class InvalidRegionError(PresignerError, ValueError):
    code = "invalid_region"


class InvalidEndpointError(PresignerError, ValueError):
    code = "invalid_endpoint"


class InvalidHeaderError(PresignerError, ValueError):
    code = "invalid_header"


class InvalidQueryError(PresignerError, ValueError):
    code = "invalid_query"


class InvalidUrlError(PresignerError, ValueError):
    code = "invalid_url"


class InvalidMethodError(PresignerError, ValueError):
    code = "invalid_method"


class InvalidServiceError(PresignerError, ValueError):
    code = "invalid_service"


class InvalidTimeError(PresignerError, ValueError):
    code = "invalid_time"


class InvalidOptionError(PresignerError, ValueError):
    code = "invalid_option"


class CredentialsError(PresignerError):
    """Credentials that are missing, unreadable, expired or expire too early."""

    code = "credentials_error"


class InvalidCredentialsError(CredentialsError, ValueError):
    code = "invalid_credentials"


class MissingCredentialsError(CredentialsError):
    code = "missing_credentials"


class ProfileError(CredentialsError):
    code = "profile_error"


class CredentialsExpiredError(CredentialsError):
    code = "credentials_expired"


class CredentialsExpireBeforeUrlError(CredentialsError):
    code = "credentials_expire_before_url"


class VerificationError(PresignerError):
    """A request that failed verification (:func:`presigner.verify_presigned`,
    :func:`presigner.verify_request`): answer 403. Not a ``ValueError``: the caller's input is
    fine, the request it describes is not."""

    code = "verification_error"


class UnsupportedAlgorithmError(VerificationError):
    """The algorithm is not AWS4-HMAC-SHA256."""

    code = "unsupported_algorithm"


class MalformedRequestError(VerificationError):
    """Auth parameters or headers missing, unparsable or inconsistent."""

    code = "malformed_request"


class InvalidCredentialScopeError(VerificationError):
    """A credential scope that is not AKID/yyyymmdd/region/service/aws4_request, or whose date is not X-Amz-Date's day."""

    code = "invalid_credential_scope"


class ScopeMismatchError(VerificationError):
    """The scope's region or service is not the expected one."""

    code = "scope_mismatch"


class DuplicateParameterError(VerificationError):
    """An auth parameter or header given twice."""

    code = "duplicate_parameter"


class MissingSignedHeaderError(VerificationError):
    """``host`` is not signed, or a signed header is absent from the request."""

    code = "missing_signed_header"


class UnknownAccessKeyError(VerificationError):
    """The credentials lookup does not know the access key id."""

    code = "unknown_access_key"


class InvalidSessionTokenError(VerificationError):
    """The session token is missing or not the one the credentials require."""

    code = "invalid_session_token"


class RequestExpiredError(VerificationError):
    """The request's validity has ended."""

    code = "request_expired"


class RequestNotYetValidError(VerificationError):
    """X-Amz-Date is further in the future than the skew tolerance."""

    code = "request_not_yet_valid"


class SignatureMismatchError(VerificationError):
    """The signature does not match the request (wrong secret or a modified request)."""

    code = "signature_mismatch"


_HeaderSource = Union[Mapping[str, str], Iterable[Tuple[str, str]]]


class SignedHeaders(Dict[str, str]):
    """The headers to add to the request (``Authorization``, ``X-Amz-Date``, …), with the
    signing details as attributes. ``repr`` redacts ``X-Amz-Security-Token``."""

    __slots__ = (
        "signature",
        "signed_headers",
        "canonical_request",
        "string_to_sign",
        "authorization",
        "signed_at",
    )
    signature: str
    signed_headers: List[str]
    canonical_request: str
    string_to_sign: str
    authorization: str
    signed_at: datetime.datetime

    def __init__(
        self,
        headers: _HeaderSource,
        *,
        signature: str,
        signed_headers: List[str],
        canonical_request: str,
        string_to_sign: str,
        authorization: str,
        signed_at: datetime.datetime,
    ) -> None:
        super().__init__(headers)
        self.signature = signature
        self.signed_headers = signed_headers
        self.canonical_request = canonical_request
        self.string_to_sign = string_to_sign
        self.authorization = authorization
        self.signed_at = signed_at

    def __repr__(self) -> str:
        shown = {
            k: ("<redacted>" if k.lower() == "x-amz-security-token" else v) for k, v in self.items()
        }
        return f"SignedHeaders({shown!r})"


@dataclass(frozen=True)
class Verified:
    """A request that verified: who signed it, for what, and until when it is valid
    (``expires_at``: X-Amz-Date + X-Amz-Expires for a presigned URL, X-Amz-Date + the skew
    tolerance for a header-signed request). Times are aware UTC datetimes."""

    access_key_id: str
    region: str
    service: str
    signed_headers: List[str]
    signed_at: datetime.datetime
    expires_at: datetime.datetime
