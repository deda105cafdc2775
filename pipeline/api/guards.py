"""What stands between the network and the API: host check, bearer token, body size and time
limits, short error bodies, JSON that always encodes, and the uvicorn settings to match.

Order of the ASGI layers, outermost first: trusted ``Host`` (DNS rebinding) → bearer token
(before a byte of the body is read) → body limit (``Content-Length`` checked before reading,
streamed bytes counted, a deadline on the whole body) → the FastAPI app.
"""

from __future__ import annotations

import asyncio
import json
import math
import secrets
from typing import Any

import h11
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

OPEN_PATHS = frozenset({"/v1/health", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"})
MAX_DETAIL_CHARS = 200
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


class SafeJSONResponse(JSONResponse):
    """JSON that always encodes: ASCII escapes (a lone surrogate in an echoed string cannot
    break UTF-8 encoding) and non-finite floats as ``null`` (JSON has no NaN)."""

    def render(self, content: Any) -> bytes:
        try:
            text = json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
        except ValueError:
            text = json.dumps(_finite(content), ensure_ascii=True, separators=(",", ":"))
        return text.encode("ascii")


def short(text: object) -> str:
    """``text`` cut to :data:`MAX_DETAIL_CHARS` characters: error bodies never echo inputs."""
    text = str(text)
    return text if len(text) <= MAX_DETAIL_CHARS else text[: MAX_DETAIL_CHARS - 1] + "…"


def validation_errors(errors: Any) -> list[dict[str, Any]]:
    """Pydantic/FastAPI validation errors without the offending input: location, message,
    type, at most 10 of them."""
    out = []
    for error in list(errors)[:10]:
        loc = [short(part) if isinstance(part, str) else part for part in error.get("loc", ())]
        out.append({"loc": loc, "msg": short(error.get("msg", "")), "type": error.get("type")})
    return out


async def _reply(send: Send, status: int, detail: str, headers: dict[str, str] | None = None):
    body = SafeJSONResponse({"detail": detail}).body
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    raw.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value
    return None


class BearerAuthMiddleware:
    """401 unless ``Authorization: Bearer <token>`` matches (bytes, constant time); health
    and the OpenAPI docs stay open. No token configured: everything passes."""

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self.token = token.encode("utf-8") if token else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.token is None or scope["type"] != "http" or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        scheme, _, credentials = (_header(scope, b"authorization") or b"").partition(b" ")
        if scheme.lower() == b"bearer" and secrets.compare_digest(credentials.strip(), self.token):
            await self.app(scope, receive, send)
            return
        await _reply(send, 401, "missing or wrong bearer token", {"WWW-Authenticate": "Bearer"})


class BodyLimitMiddleware:
    """413 for a body over ``max_bytes`` (declared or streamed), 408 when the whole body has
    not arrived within ``timeout_seconds``; the app then gets the body in one message."""

    def __init__(self, app: ASGIApp, max_bytes: int, timeout_seconds: float) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                await _reply(send, 400, "invalid Content-Length")
                return
            if int(declared) > self.max_bytes:
                await _reply(send, 413, f"request body over {self.max_bytes} bytes")
                return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        chunks: list[bytes] = []
        size = 0
        while True:
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - loop.time()))
            except TimeoutError:
                await _reply(send, 408, f"request body not received within {self.timeout:g} s")
                return
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await _reply(send, 413, f"request body over {self.max_bytes} bytes")
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class QdpH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline on request headers: a client that has not sent
    complete headers within ``timeout_keep_alive`` seconds of connecting (or of the previous
    response) is disconnected. uvicorn alone restarts its timer on every byte received."""

    _header_deadline: asyncio.TimerHandle | None = None

    def _arm_header_deadline(self) -> None:
        self._cancel_header_deadline()
        self._header_deadline = self.loop.call_later(self.timeout_keep_alive, self._too_slow)

    def _cancel_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _too_slow(self) -> None:
        self._header_deadline = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_deadline()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._cancel_header_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm_header_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_deadline()
        super().connection_lost(exc)


def uvicorn_options(timeout_seconds: float) -> dict[str, Any]:
    """The uvicorn keyword arguments of every qdp server (``qdp serve`` and the tests)."""
    return {
        "http": QdpH11Protocol,
        "timeout_keep_alive": timeout_seconds,
        "h11_max_incomplete_event_size": 16 * 1024,  # request line + headers
    }


def is_loopback(host: str) -> bool:
    """True for an address that only this machine can reach."""
    import ipaddress

    if host.strip("[]") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
