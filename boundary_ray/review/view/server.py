"""``boundary view``: bind, print the address, serve until Ctrl-C (uvicorn), close cleanly.

The socket is bound here, before uvicorn starts, so that ``--port 0`` (a free port) prints the
real address, and a port in use or a host that cannot be bound is one error line. Binding
beyond loopback needs ``--token``: every request then carries it (``security.py``).
"""

from __future__ import annotations

import contextlib
import re
import socket
import sys
from typing import TextIO

from boundary_ray.errors import BoundaryError
from boundary_ray.review.view.security import is_loopback

TOKEN_RE = re.compile(r"^[A-Za-z0-9._~-]{16,200}$")


def check_binding(host: str, token: str | None) -> None:
    """Refuse a non-loopback host without a token, and a token that is weak or cannot travel
    in a cookie."""
    if token is not None and not TOKEN_RE.match(token):
        raise BoundaryError(
            "--token: at least 16 characters of A-Z a-z 0-9 . _ ~ - (make one with"
            ' `python -c "import secrets; print(secrets.token_urlsafe())"`)'
        )
    if token is None and not is_loopback(host):
        raise BoundaryError(
            f"--host {host}: answering beyond this machine needs --token SECRET"
            " (every request must then carry it)"
        )


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (``port`` 0: a free one)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise BoundaryError(f"--host {host}: cannot be resolved ({exc.strerror})") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise BoundaryError(
            f"--host {host} --port {port}: cannot listen ({exc.strerror})"
        ) from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket, token: str | None) -> str:
    """The address to open: ``http://HOST:PORT/`` (``?token=…`` with a token)."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    if host in ("0.0.0.0", "::"):
        shown = socket.gethostname()
    return f"http://{shown}:{port}/" + (f"?token={token}" if token else "")


def serve(
    lake: str,
    host: str = "127.0.0.1",
    port: int = 8000,
    token: str | None = None,
    who: str | None = None,
    out: TextIO = sys.stdout,
) -> int:
    """Serve ``lake`` until interrupted; returns 0 after a clean stop."""
    import uvicorn

    from boundary_ray import settings
    from boundary_ray.lake.reader import lake_files
    from boundary_ray.review.view.app import create_app
    from boundary_ray.review.view.view_session import ViewSession

    check_binding(host, token)
    lake_files(lake)  # a lake that does not exist is an error before anything listens
    sock = bind(host, port)
    vs = ViewSession(lake)
    try:
        app = create_app(vs, who or settings.user_name(), token)
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
        server = uvicorn.Server(config)
        print(
            f"boundary view: {vs.lake} at {url_of(sock, token)} (Ctrl-C stops)",
            file=out,
            flush=True,
        )
        # uvicorn shuts down on Ctrl-C, then re-raises the signal it caught
        with contextlib.suppress(KeyboardInterrupt):
            server.run(sockets=[sock])
    finally:
        vs.close()
        sock.close()
    print("boundary view: stopped", file=out, flush=True)
    return 0
