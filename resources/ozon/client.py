"""``OzonClient``: one HTTP client for the Ozon Seller API, with auth, limits and retries.

Every method of every service goes through ``_post``, so auth headers, rate limiting, retries,
logging and error mapping exist exactly once. The Api-Key is held as a ``SecretStr`` and only
unwrapped into the request headers; it never reaches logs, reprs or exception text.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import logging
import threading
import time
from collections.abc import Hashable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, SecretStr, ValidationError

from resources.ozon import constants
from resources.ozon.acts import ActsService
from resources.ozon.carriages import CarriagesService
from resources.ozon.catalog import CatalogService
from resources.ozon.errors import (
    OzonError,
    OzonRateLimitedError,
    OzonResponseError,
    OzonTransportError,
    error_from_response,
)
from resources.ozon.exemplars import ExemplarsService
from resources.ozon.labels import LabelsService
from resources.ozon.postings import PostingsService
from resources.ozon.prices import PricesService
from resources.ozon.products import ProductsService
from resources.ozon.ratelimit import Clock, RateLimiter, Reservation, shared_limiter
from resources.ozon.retries import retrying
from resources.ozon.returns import ReturnsService
from resources.ozon.stocks import StocksService
from resources.ozon.warehouses import WarehousesService

logger = logging.getLogger(constants.LOGGER_NAME)

ResponseT = TypeVar("ResponseT", bound=BaseModel)


class OzonClient:
    """Typed access to the Ozon Seller API for one seller account (Client-Id).

    Args:
        base_url: Ozon's API root, or a sandbox's.
        client_id: The seller's Client-Id.
        api_key: The seller's Api-Key.
        http: An ``httpx.Client`` to send through; the client makes (and closes) its own if None.
        time_scale: Speed of Ozon's clock; every limit window and backoff is divided by it.
        timeout: Seconds per HTTP attempt.
        max_attempts: Attempts per call, the first included, before a transient error is raised.
        limiter: Rate limiter to use; by default the one shared by all clients of this account.
        clock: Monotonic clock and sleep for the limiter and retry waits (tests inject one).
    """

    def __init__(
        self,
        base_url: str,
        client_id: str,
        api_key: SecretStr | str,
        *,
        http: httpx.Client | None = None,
        time_scale: float = 1.0,
        timeout: float = constants.DEFAULT_TIMEOUT_S,
        max_attempts: int = constants.DEFAULT_MAX_ATTEMPTS,
        limiter: RateLimiter | None = None,
        clock: Clock | None = None,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.base_url = base_url.rstrip("/")
        self.client_id = str(client_id)
        self._api_key = api_key if isinstance(api_key, SecretStr) else SecretStr(api_key)
        self.time_scale = time_scale
        self.timeout = timeout
        self.max_attempts = max_attempts
        if limiter is None:
            limiter = (
                RateLimiter(time_scale=time_scale, clock=clock)
                if clock is not None
                else shared_limiter(self.base_url, self.client_id, time_scale)
            )
        self.limiter = limiter
        self._clock: Clock = clock or limiter.clock
        # The last slot each thread took, settled when its attempt ends (see RateLimiter.settle).
        self._local = threading.local()
        # Paths that got a 429 since a service last learned their limits (it clears them).
        self.rate_limited_paths: set[str] = set()
        # Ozon's time by its last reply's Date header, and when (monotonic) that reply came.
        self._server_time: tuple[datetime, float] | None = None
        self._owns_http = http is None
        self._http = http if http is not None else httpx.Client(timeout=timeout)

        self.warehouses = WarehousesService(self)
        self.products = ProductsService(self)
        self.stocks = StocksService(self)
        self.prices = PricesService(self)
        self.acts = ActsService(self)
        self.carriages = CarriagesService(self)
        self.returns = ReturnsService(self)
        self.catalog = CatalogService(self)
        self.postings = PostingsService(self)
        self.exemplars = ExemplarsService(self)
        self.labels = LabelsService(self)

    def __repr__(self) -> str:
        return (
            f"OzonClient(base_url={self.base_url!r}, client_id={self.client_id!r}, "
            f"api_key={self._api_key!r})"
        )

    def __enter__(self) -> OzonClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP client if this client created it."""
        if self._owns_http:
            self._http.close()

    def server_now(self) -> datetime | None:
        """Ozon's current time by its replies' ``Date`` header; None before the first reply.

        Deadlines Ozon sets (cut-offs, pack-by times) are on its clock, which in a sandbox may
        run ``time_scale`` times faster than ours; the time since that reply is scaled so.
        """
        seen = self._server_time
        if seen is None:
            return None
        moment, at = seen
        return moment + timedelta(seconds=(time.monotonic() - at) * self.time_scale)

    def ozon_now(self, probe: bool = True) -> datetime:
        """Ozon's now (``server_now``), for every comparison with a time Ozon sets or keeps.

        Before the first reply, ``probe`` asks once (one warehouse, a cheap read), so a step that
        compares Ozon's times with now before its first call still uses Ozon's clock, which a
        sandbox may run faster or move by hand. Without ``probe`` (figures that must never cost
        a request), or when Ozon cannot be reached, it is our own clock.
        """
        seen = self.server_now()
        if seen is None and probe:
            # An error reply carries the Date too; no reply at all leaves our clock.
            with contextlib.suppress(OzonError):
                next(self.warehouses.pages(page_size=1).pages(), None)
            seen = self.server_now()
        return seen or datetime.now(UTC)

    def _note_server_time(self, value: str | None) -> None:
        if not value:
            return
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        self._server_time = (moment, time.monotonic())

    def _headers(self) -> dict[str, str]:
        return {
            "Client-Id": self.client_id,
            "Api-Key": self._api_key.get_secret_value(),
            "Content-Type": "application/json",
        }

    def _reserve(self, path: str, keys: Sequence[Hashable]) -> Reservation:
        """Take the rate-limit slots for one call carrying items with these per-item keys."""
        reservation = self.limiter.reserve(path, keys)
        admitted = [keys[i] for i in reservation.admitted] if keys else []
        self._local.slot = (path, reservation.stamp, admitted)
        return reservation

    def _settle(self, path: str) -> None:
        slot = getattr(self._local, "slot", None)
        if slot is not None and slot[0] == path:
            self.limiter.settle(path, slot[1], slot[2])
        self._local.slot = None

    def _reserve_resend(self, path: str, item_keys: Sequence[Hashable]) -> None:
        """Re-take the slots of items whose lost attempt Ozon may have applied."""
        logger.info("re-reserving %d item(s) of %s before resending", len(item_keys), path)
        reservation = self._reserve(path, item_keys)
        if reservation.deferred:
            # A DEFER rule's window is full; the body is resent as it was, and Ozon's per-item
            # reply says which of these it refused.
            logger.warning(
                "resending %d item(s) of %s over their per-item limit",
                len(reservation.deferred),
                path,
            )

    def _note_rate_limited(self, path: str) -> None:
        """Ozon's limiter disagreed with ours: services re-learn limits they cached."""
        self.rate_limited_paths.add(path)

    def _post(
        self,
        path: str,
        body: BaseModel | Mapping[str, Any],
        response_model: type[ResponseT],
        *,
        reserved: bool = False,
        item_keys: Sequence[Hashable] = (),
    ) -> ResponseT:
        """POST ``body`` to ``path`` within the limits, retrying transient failures.

        ``reserved`` says the caller already took this call's first rate-limit slot (together
        with per-item slots for ``item_keys``, the keys of the items in ``body``); retries always
        take a new request slot. A retry after a timeout or connection error re-reserves
        ``item_keys`` too: Ozon may have applied the lost attempt, so the resend must wait out
        the items' windows as if it were a new write. After an HTTP error reply (429, 5xx) Ozon
        applied nothing and the items' slots still hold.
        """
        if isinstance(body, BaseModel):
            payload = body.model_dump(mode="json", exclude_none=True)
        else:
            payload = dict(body)
        data: Any = None
        maybe_applied = False
        for attempt in retrying(
            path,
            max_attempts=self.max_attempts,
            time_scale=self.time_scale,
            sleep=self._clock.sleep,
        ):
            with attempt:
                number = attempt.retry_state.attempt_number
                if number == 1 and not reserved:
                    self._reserve(path, item_keys)
                elif number > 1 and maybe_applied and item_keys:
                    self._reserve_resend(path, item_keys)
                elif number > 1:
                    self._reserve(path, ())
                try:
                    try:
                        data = self._send(path, payload, number)
                    finally:
                        self._settle(path)
                except OzonTransportError:
                    maybe_applied = True
                    raise
                except OzonRateLimitedError as exc:
                    maybe_applied = False
                    self._note_rate_limited(path)
                    if exc.retry_after is None:
                        # Ozon's window holds calls we did not count (another process, a run
                        # just before ours): wait it out in full rather than retry at once.
                        self.limiter.note_rejected(path, exc.message)
                    raise
                except Exception:
                    maybe_applied = False
                    raise
        try:
            return response_model.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "<root>"
            raise OzonResponseError(
                f"unexpected response shape: {exc.error_count()} problem(s), "
                f"first at {where}: {first['msg']}",
                path=path,
                status=200,
            ) from None

    def _post_bytes(self, path: str, body: BaseModel | Mapping[str, Any]) -> bytes:
        """POST like :meth:`_post` for methods answering with a file (PDF, PNG): its bytes.

        Ozon sends such files as the raw body; the spec also models them as JSON
        ``{content_type, file_name, file_content}``, so that form is unwrapped too.
        """
        if isinstance(body, BaseModel):
            payload = body.model_dump(mode="json", exclude_none=True)
        else:
            payload = dict(body)
        content = b""
        for attempt in retrying(
            path,
            max_attempts=self.max_attempts,
            time_scale=self.time_scale,
            sleep=self._clock.sleep,
        ):
            with attempt:
                number = attempt.retry_state.attempt_number
                self.limiter.acquire(path)
                content = self._send(path, payload, number, raw=True)
        return unwrap_file(content, path)

    def _send(self, path: str, payload: dict[str, Any], attempt: int, *, raw: bool = False) -> Any:
        """One HTTP attempt: the decoded JSON body (``raw``: the bytes), or the ``OzonError``."""
        started = time.perf_counter()
        try:
            response = self._http.post(
                f"{self.base_url}{path}",
                json=payload,
                headers=self._headers(),
                timeout=self.timeout,
            )
        except httpx.TimeoutException as exc:
            logger.warning("POST %s timed out (attempt %d)", path, attempt)
            raise OzonTransportError(
                f"timeout after {self.timeout}s ({type(exc).__name__})", path=path
            ) from None
        except httpx.TransportError as exc:
            logger.warning("POST %s failed to connect (attempt %d)", path, attempt)
            raise OzonTransportError(
                f"connection failed ({type(exc).__name__}: {self._redact(str(exc))})", path=path
            ) from None
        elapsed_ms = (time.perf_counter() - started) * 1000
        self._note_server_time(response.headers.get("date"))
        logger.debug(
            "POST %s -> %d in %.0f ms (attempt %d)",
            path,
            response.status_code,
            elapsed_ms,
            attempt,
        )
        if not response.is_success:
            raise error_from_response(
                path,
                response.status_code,
                response.text,
                response.headers,
                secret=self._api_key.get_secret_value(),
            )
        if raw:
            return response.content
        try:
            return response.json()
        except ValueError:
            raise OzonResponseError(
                f"response is not JSON: {self._redact(response.text[:200])!r}",
                path=path,
                status=response.status_code,
            ) from None

    def _redact(self, text: str) -> str:
        secret = self._api_key.get_secret_value()
        return text.replace(secret, "***") if secret else text


def unwrap_file(content: bytes, path: str = "") -> bytes:
    """A file body as bytes, also when it arrives as JSON ``{"file_content": ...}``.

    ``file_content`` is base64 per the spec's ``format: byte``; text that is not base64 is taken
    as the file's bytes written one character per byte.
    """
    head = content[:1]
    if head not in (b"{", b"["):
        return content
    try:
        data = json.loads(content)
    except ValueError:
        return content
    if not isinstance(data, dict) or not isinstance(data.get("file_content"), str):
        raise OzonResponseError("expected a file, got JSON without file_content", path=path)
    text: str = data["file_content"]
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return text.encode("latin-1", errors="replace")
