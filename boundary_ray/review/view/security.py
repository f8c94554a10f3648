"""Who may ask the view what, and what the browser may do with the answer (ASGI middleware).

- **Token.** With ``--token`` every request carries it: ``Authorization: Bearer TOKEN``, the
  header ``X-Boundary-Token``, or the cookie that a first visit to ``/?token=TOKEN`` sets
  (``HttpOnly``, ``SameSite=Strict``; the visit is redirected to the same address without the
  token, so it leaves the address bar and the history). Anything else is a 401. Binding beyond
  loopback without a token is refused before the server starts (``server.py``).
- **Host.** Without a token the server answers only requests addressed to a loopback name
  (``Host: 127.0.0.1:PORT``, ``localhost``, ``[::1]``): a web page whose domain an attacker
  points at 127.0.0.1 (DNS rebinding) gets a 403, not the lake.
- **Writes.** Anything but GET and HEAD must be ``application/json`` (a form of another site
  cannot send that without a CORS preflight, which this server never grants) and must come
  from this server's own pages (an ``Origin`` equal to its own) or carry the token in a header;
  otherwise 403/415. The only write is ``POST /api/labels``.
- **The answer.** Every response forbids what the pages never need: a Content-Security-Policy
  that runs only this server's own script files (no inline script, no ``eval`` except on the
  overview, whose Vega charts compile their expressions; no object, no frame, no base, forms
  only to itself), ``nosniff``, no referrer, no framing, no caching of lake data.

Model output is also kept inert where it is written: templates escape every value (Jinja2
autoescape, nothing marked safe), scripts set ``textContent`` only, and KaTeX runs with
``trust: false``.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode

COOKIE = "boundary_token"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")
SAFE_METHODS = ("GET", "HEAD")
CSP = (
    "default-src 'none'; script-src 'self'{eval}; style-src 'self' 'unsafe-inline';"
    " img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none';"
    " form-action 'self'; frame-ancestors 'none'"
)
EVAL_PATHS = ("/",)  # vega compiles its expressions with Function()

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) stays on this machine."""
    import ipaddress

    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _host_name(host_header: str) -> str:
    """``127.0.0.1:8000`` -> ``127.0.0.1``; ``[::1]:8000`` -> ``[::1]``."""
    if host_header.startswith("["):
        return host_header[: host_header.find("]") + 1]
    return host_header.rsplit(":", 1)[0] if ":" in host_header else host_header


class Guard:
    """The ASGI middleware of the module docstring around ``app``."""

    def __init__(self, app: Any, token: str | None) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        if self.token is None and not is_loopback(_host_name(host)):
            await _refuse(
                send, 403, f"this server answers only at a loopback address, not {host!r}"
            )
            return
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        if self.token is not None:
            if "token" in query and self._matches(query["token"]):
                await _set_cookie_and_redirect(send, scope, query, self.token)
                return
            header_token = self._header_token(headers)
            if not (self._matches(header_token) or self._matches(self._cookie(headers))):
                await _refuse(
                    send,
                    401,
                    "a token is required: open the address `boundary view` printed"
                    " (…/?token=…), or send Authorization: Bearer TOKEN",
                )
                return
        if scope["method"] not in SAFE_METHODS:
            problem = self._write_problem(scope, headers)
            if problem:
                await _refuse(send, *problem)
                return
        path = scope.get("path", "")

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                extra = [
                    (b"content-security-policy", _csp(path).encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                ]
                if not path.startswith("/static/"):
                    extra.append((b"cache-control", b"no-store"))
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _matches(self, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(given.encode(), self.token.encode())  # type: ignore[union-attr]

    @staticmethod
    def _header_token(headers: dict[str, str]) -> str | None:
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:].strip()
        return headers.get("x-boundary-token")

    @staticmethod
    def _cookie(headers: dict[str, str]) -> str | None:
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # a malformed Cookie header is no token
            return None
        morsel = cookie.get(COOKIE)
        return morsel.value if morsel else None

    def _write_problem(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str] | None:
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            return 415, "writes take a JSON body (Content-Type: application/json)"
        origin = headers.get("origin")
        own = f"{scope.get('scheme', 'http')}://{headers.get('host', '')}"
        if origin is not None and origin != own:
            return 403, f"a write from another origin ({origin[:100]}) is refused"
        if origin is None and not (self.token and self._matches(self._header_token(headers))):
            return 403, (
                "a write must come from this server's pages (an Origin header of this server)"
                " or carry the token in an Authorization header"
            )
        return None


def _csp(path: str) -> str:
    return CSP.format(eval=" 'unsafe-eval'" if path in EVAL_PATHS else "")


async def _refuse(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"content-security-policy", _csp("").encode()),
                (b"x-content-type-options", b"nosniff"),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _set_cookie_and_redirect(
    send: Send, scope: Scope, query: dict[str, str], token: str
) -> None:
    rest = {k: v for k, v in query.items() if k != "token"}
    raw = scope.get("raw_path") or scope.get("path", "/").encode()
    path = "/" + raw.decode("latin-1").lstrip("/")  # never "//host": that leaves this server
    location = path + ("?" + urlencode(rest) if rest else "")
    cookie = f"{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict"
    await send(
        {
            "type": "http.response.start",
            "status": 303,
            "headers": [
                (b"location", location.encode("latin-1", "replace")),
                (b"set-cookie", cookie.encode("latin-1")),
                (b"content-length", b"0"),
                (b"cache-control", b"no-store"),
                (b"referrer-policy", b"no-referrer"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": b""})
