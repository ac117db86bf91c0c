"""Type stubs of the native module (checked against the built module by mypy.stubtest)."""

import datetime
from typing import Callable, Iterable, List, Mapping, Optional, Tuple, Union, final

from ._types import SignedHeaders, Verified

__all__ = [
    "Credentials",
    "S3Presigner",
    "PresignedRequest",
    "presign_url",
    "sign_request",
    "verify_presigned",
    "verify_request",
    "_error_classes",
    "_panic_for_test",
    "__version__",
]

__version__: str

# A mapping, or (name, value) pairs when a name repeats.
_Pairs = Union[Mapping[str, str], Iterable[Tuple[str, str]]]
# An aware datetime or epoch seconds; a naive datetime raises InvalidTimeError.
_Time = Union[datetime.datetime, int, float]
_Body = Union[bytes, bytearray, str]
# Verifier credentials: access key id -> secret or Credentials, Credentials, or a lookup callable.
_Lookup = Union[
    Mapping[str, Union[str, Credentials]],
    Iterable[Credentials],
    Credentials,
    Callable[[str], Union[Credentials, str, None]],
]
# max_skew: seconds or a timedelta.
_Skew = Union[int, float, datetime.timedelta]

@final
class Credentials:
    def __new__(
        cls,
        access_key_id: str,
        secret_access_key: str,
        session_token: Optional[str] = None,
        expires_at: Optional[Union[_Time, str]] = None,
    ) -> Credentials: ...
    @staticmethod
    def from_env() -> Credentials: ...
    @staticmethod
    def from_profile(name: Optional[str] = None) -> Credentials: ...
    @property
    def access_key_id(self) -> str: ...
    @property
    def has_session_token(self) -> bool: ...
    @property
    def expires_at(self) -> Optional[datetime.datetime]: ...

@final
class PresignedRequest:
    @property
    def url(self) -> str: ...
    @property
    def method(self) -> str: ...
    @property
    def headers(self) -> dict[str, str]: ...
    @property
    def signed_headers(self) -> List[str]: ...
    @property
    def expires_at(self) -> datetime.datetime: ...
    @property
    def signed_at(self) -> datetime.datetime: ...
    @property
    def signature(self) -> str: ...
    @property
    def canonical_request(self) -> str: ...
    @property
    def string_to_sign(self) -> str: ...

@final
class S3Presigner:
    def __new__(
        cls,
        region: Optional[str] = None,
        *,
        credentials: Optional[Credentials] = None,
        endpoint_url: Optional[str] = None,
        addressing_style: str = ...,
        dualstack: bool = False,
        fips: bool = False,
        accelerate: bool = False,
        expiry_policy: str = ...,
    ) -> S3Presigner: ...
    @property
    def region(self) -> str: ...
    @property
    def expiry_policy(self) -> str: ...
    @property
    def credentials(self) -> Credentials: ...
    def presign(
        self,
        method: str,
        bucket: str,
        key: str,
        *,
        expires_in: int = 3600,
        headers: Optional[_Pairs] = None,
        query: Optional[_Pairs] = None,
        version_id: Optional[str] = None,
        response_content_disposition: Optional[str] = None,
        response_content_type: Optional[str] = None,
        response_cache_control: Optional[str] = None,
        response_content_language: Optional[str] = None,
        response_content_encoding: Optional[str] = None,
        response_expires: Optional[str] = None,
        now: Optional[_Time] = None,
    ) -> PresignedRequest: ...
    def presign_get(
        self,
        bucket: str,
        key: str,
        *,
        expires_in: int = 3600,
        headers: Optional[_Pairs] = None,
        query: Optional[_Pairs] = None,
        version_id: Optional[str] = None,
        response_content_disposition: Optional[str] = None,
        response_content_type: Optional[str] = None,
        response_cache_control: Optional[str] = None,
        response_content_language: Optional[str] = None,
        response_content_encoding: Optional[str] = None,
        response_expires: Optional[str] = None,
        now: Optional[_Time] = None,
    ) -> str: ...
    def presign_put(
        self,
        bucket: str,
        key: str,
        *,
        content_type: Optional[str] = None,
        expires_in: int = 3600,
        headers: Optional[_Pairs] = None,
        query: Optional[_Pairs] = None,
        version_id: Optional[str] = None,
        response_content_disposition: Optional[str] = None,
        response_content_type: Optional[str] = None,
        response_cache_control: Optional[str] = None,
        response_content_language: Optional[str] = None,
        response_content_encoding: Optional[str] = None,
        response_expires: Optional[str] = None,
        now: Optional[_Time] = None,
    ) -> PresignedRequest: ...
    def presign_many(
        self,
        method: str,
        bucket: str,
        keys: Iterable[str],
        *,
        expires_in: int = 3600,
        headers: Optional[_Pairs] = None,
        query: Optional[_Pairs] = None,
        version_id: Optional[str] = None,
        response_content_disposition: Optional[str] = None,
        response_content_type: Optional[str] = None,
        response_cache_control: Optional[str] = None,
        response_content_language: Optional[str] = None,
        response_content_encoding: Optional[str] = None,
        response_expires: Optional[str] = None,
        now: Optional[_Time] = None,
    ) -> List[str]: ...

def presign_url(
    method: str,
    url: str,
    *,
    service: str,
    region: Optional[str] = None,
    credentials: Optional[Credentials] = None,
    expires_in: int = 3600,
    headers: Optional[_Pairs] = None,
    query: Optional[_Pairs] = None,
    now: Optional[_Time] = None,
    normalize_path: Optional[bool] = None,
    double_encode: Optional[bool] = None,
    payload_hash: Optional[str] = None,
    omit_session_token: bool = False,
    expiry_policy: str = ...,
) -> PresignedRequest: ...
def sign_request(
    method: str,
    url: str,
    *,
    service: str,
    region: Optional[str] = None,
    credentials: Optional[Credentials] = None,
    headers: Optional[_Pairs] = None,
    body: Optional[_Body] = None,
    now: Optional[_Time] = None,
    normalize_path: Optional[bool] = None,
    double_encode: Optional[bool] = None,
    payload_hash: Optional[str] = None,
    omit_session_token: bool = False,
    content_sha256_header: Optional[bool] = None,
) -> SignedHeaders: ...
def verify_presigned(
    method: str,
    url: str,
    headers: Optional[_Pairs] = None,
    *,
    credentials: _Lookup,
    region: Optional[str] = None,
    service: Optional[str] = None,
    now: Optional[_Time] = None,
    max_skew: _Skew = 900,
    normalize_path: Optional[bool] = None,
    double_encode: Optional[bool] = None,
    payload_hash: Optional[str] = None,
    omit_session_token: bool = False,
) -> Verified: ...
def verify_request(
    method: str,
    url: str,
    headers: _Pairs,
    *,
    payload_hash: Optional[str] = None,
    credentials: _Lookup,
    region: Optional[str] = None,
    service: Optional[str] = None,
    now: Optional[_Time] = None,
    max_skew: _Skew = 900,
    normalize_path: Optional[bool] = None,
    double_encode: Optional[bool] = None,
    omit_session_token: bool = False,
) -> Verified: ...
def _error_classes() -> List[Tuple[str, str, bool]]: ...
def _panic_for_test() -> None: ...
