"""Authentication: X-Auth-Token against DLOCR_TOKENS, and Huawei's SDK-HMAC-SHA256 AK/SK signature.

The signature is recomputed exactly as huaweicloudsdkcore 3.1.219's Signer builds it (shared/reference/cloud-apis.md
§8): from the received path, query, the headers named in SignedHeaders, and the exact body bytes.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qsl, quote, unquote

from server.errors import ApiError

logger = logging.getLogger(__name__)

ALGORITHM = "SDK-HMAC-SHA256"
DATE_HEADER = "x-sdk-date"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
CLOCK_WINDOW_S = 15 * 60
"""APIG rejects an X-Sdk-Date more than 15 minutes from its clock."""
LOCKOUT_FAILURES = 5
LOCKOUT_S = 5 * 60
"""APIG locks an access key for 5 minutes after 5 bad signatures in a row."""
EMPTY_BODY_SHA256 = hashlib.sha256(b"").hexdigest()


@dataclass(frozen=True)
class SignedRequest:
    """What the signature covers, as received. `headers` keys are lower-case."""

    method: str
    path: str
    """The path as sent on the wire, still percent-encoded."""
    query: str
    headers: Mapping[str, str]
    body: bytes


def canonical_request(request: SignedRequest, signed_headers: list[str]) -> str:
    segments = [quote(segment, safe="~") for segment in unquote(request.path).split("/")]
    path = "/".join(segments)
    if not path.endswith("/"):
        path += "/"  # the SDK always signs a trailing slash, though it sends none
    pairs = sorted(parse_qsl(request.query, keep_blank_values=True))
    query = "&".join(f"{quote(key, safe='~')}={quote(value, safe='~')}" for key, value in pairs)
    headers = "".join(f"{name}:{request.headers[name].strip()}\n" for name in signed_headers)
    payload_hash = request.headers.get("x-sdk-content-sha256") or hashlib.sha256(request.body).hexdigest()
    return "\n".join([request.method.upper(), path, query, headers, ";".join(signed_headers), payload_hash])


def signature(request: SignedRequest, signed_headers: list[str], secret_key: str) -> str:
    digest = hashlib.sha256(canonical_request(request, signed_headers).encode("utf-8")).hexdigest()
    string_to_sign = "\n".join([ALGORITHM, request.headers[DATE_HEADER], digest])
    return hmac.new(secret_key.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def _denied(detail: str) -> ApiError:
    return ApiError("APIG.0301", detail)


@dataclass
class _Failures:
    count: int = 0
    locked_until: float = 0.0


class Authenticator:
    """Checks one request; thread-safe. With neither tokens nor access keys configured, everything is allowed."""

    def __init__(
        self,
        tokens: frozenset[str],
        access_keys: Mapping[str, str],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._tokens = [token.encode("utf-8") for token in sorted(tokens)]
        self._access_keys = dict(access_keys)
        self._clock = clock
        self._failures: dict[str, _Failures] = {}
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return bool(self._tokens or self._access_keys)

    def authenticate(self, request: SignedRequest) -> str | None:
        """The caller's identity for logs (an access key, or "token"); raises ApiError APIG.0301 otherwise."""
        if not self.enabled:
            return None
        token = request.headers.get("x-auth-token")
        if token is not None and self._tokens:
            return self._check_token(token)
        authorization = request.headers.get("authorization")
        if authorization is not None and self._access_keys:
            return self._check_signature(request, authorization)
        raise _denied("x-auth-token not found" if self._tokens else "Authorization header not found")

    def _check_token(self, token: str) -> str:
        candidate = token.encode("utf-8")
        matched = False
        for known in self._tokens:  # no early exit: the time taken does not tell which token came close
            matched |= hmac.compare_digest(known, candidate)
        if not matched:
            raise _denied("decrypt token fail")
        return "token"

    def _check_signature(self, request: SignedRequest, authorization: str) -> str:
        access_key, signed_headers, given = _parse_authorization(authorization)
        secret_key = self._access_keys.get(access_key)
        if secret_key is None:
            raise _denied("verify aksk signature fail")
        now = self._clock()
        self._refuse_if_locked(access_key, now)
        if DATE_HEADER not in signed_headers or DATE_HEADER not in request.headers:
            raise _denied("Header x-sdk-date not found")
        try:
            signed_at = datetime.strptime(request.headers[DATE_HEADER], DATE_FORMAT).replace(tzinfo=UTC).timestamp()
        except ValueError as error:
            raise _denied("Header x-sdk-date is not in the format YYYYMMDDTHHMMSSZ") from error
        if abs(now - signed_at) > CLOCK_WINDOW_S:
            raise _denied("Signature expired")
        missing = [name for name in signed_headers if name not in request.headers]
        expected = "" if missing else signature(request, signed_headers, secret_key)
        if missing or not hmac.compare_digest(expected.encode("ascii"), given.encode("utf-8")):
            self._record_failure(access_key, now)
            raise _denied("verify aksk signature fail")
        with self._lock:
            self._failures.pop(access_key, None)
        return access_key

    def _refuse_if_locked(self, access_key: str, now: float) -> None:
        with self._lock:
            failures = self._failures.get(access_key)
            if failures is not None and failures.locked_until > now:
                raise _denied("AK access failed to reach the limit,forbidden")

    def _record_failure(self, access_key: str, now: float) -> None:
        with self._lock:
            failures = self._failures.setdefault(access_key, _Failures())
            if failures.locked_until and failures.locked_until <= now:
                failures.count, failures.locked_until = 0, 0.0  # the lock-out is over: a fresh count
            failures.count += 1
            if failures.count >= LOCKOUT_FAILURES:
                failures.locked_until = now + LOCKOUT_S
                logger.warning(
                    "access key %s locked for %d s after %d bad signatures", access_key, LOCKOUT_S, failures.count
                )


def _parse_authorization(value: str) -> tuple[str, list[str], str]:
    """`SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex` -> (AK, [a, b], hex)."""
    algorithm, _, rest = value.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise _denied(f"verify aksk signature fail: the algorithm must be {ALGORITHM}")
    parts = {}
    for part in rest.split(","):
        key, sep, item = part.strip().partition("=")
        if sep:
            parts[key.strip()] = item.strip()
    access_key, signed, given = parts.get("Access", ""), parts.get("SignedHeaders", ""), parts.get("Signature", "")
    if not access_key or not signed or not given:
        raise _denied("verify aksk signature fail: malformed Authorization header")
    return access_key, [name.strip().lower() for name in signed.split(";") if name.strip()], given
