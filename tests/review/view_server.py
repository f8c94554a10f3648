"""The real ``boundary view`` on loopback for the tests: started as ``scripts/screenshot_view.py``
starts it (a child process on a free port), asked over HTTP, stopped with Ctrl-C (helpers, not
tests; imported by name, not from ``conftest``, which several test folders have)."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from screenshot_view import CHROMIUM, CHROMIUM_ARGS, start_view, stop_view  # noqa: E402

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "Server"]


class Server:
    """A running ``boundary view``: its address and process."""

    def __init__(self, lake: str, *extra: str) -> None:
        self.lake = lake
        self.proc, self.url = start_view(lake, *extra)
        self.base = self.url.split("?")[0].rstrip("/")

    def stop(self) -> int:
        """Ctrl-C; the exit status."""
        return stop_view(self.proc)

    def request(
        self,
        path: str,
        data: Any = None,
        headers: dict[str, str] | None = None,
        method: str | None = None,
        raw: bytes | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        """One HTTP request (``data``: a JSON body); status, headers, body."""
        body = raw if raw is not None else (json.dumps(data).encode() if data is not None else None)
        request = urllib.request.Request(
            self.base + path, data=body, headers=headers or {}, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def json(self, path: str) -> Any:
        status, _, body = self.request(path)
        assert status == 200, (path, status, body[:500])
        return json.loads(body)
