"""Vega, Vega-Lite and vega-embed as one script for the overview's chart, offline.

``vl_convert`` (a dependency already: it renders every chart's PNG/SVG/PDF) bundles the three
libraries, in the versions its own renderer runs, into one script with no further imports
(``javascript_bundle()``): nothing loads from a CDN. Building it takes a few seconds of one
core and holds Python's GIL all along (measured: a thread beside it ran once in 25 s on a busy
machine), so it is built in a child process, once per vl-convert version, and kept under the
cache folder (``settings.cache_dir()/view/``); the server reads the file.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

BUILD = "import sys, vl_convert; sys.stdout.write(vl_convert.javascript_bundle())"


def bundle_path() -> Path:
    """Where the bundle of the installed vl-convert lives."""
    import vl_convert as vlc

    from boundary_ray import settings

    return settings.cache_dir() / "view" / f"vega-bundle-{vlc.__version__}.js"


class VegaBundle:
    """The bundle, read from the cache or built there by a child process on a thread that
    starts with the server; ``script()`` waits for it."""

    def __init__(self) -> None:
        self._done = threading.Event()
        self._script = b""
        self.error: str | None = None
        threading.Thread(target=self._load, name="vega-bundle", daemon=True).start()

    def _load(self) -> None:
        try:
            path = bundle_path()
            if not path.is_file():
                done = subprocess.run(
                    [sys.executable, "-c", BUILD], capture_output=True, timeout=600, check=False
                )
                if done.returncode != 0 or not done.stdout:
                    self.error = done.stderr.decode(errors="replace")[-500:] or "no output"
                    return
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
                tmp.write_bytes(done.stdout)
                tmp.replace(path)
            self._script = path.read_bytes()
        except (OSError, subprocess.SubprocessError) as exc:
            self.error = str(exc)
        finally:
            self._done.set()

    def script(self) -> bytes:
        """The bundle's bytes (empty when it could not be built: ``error`` says why)."""
        self._done.wait()
        return self._script
