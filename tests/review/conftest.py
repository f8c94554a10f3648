"""Fixtures of the browser view's tests: lakes, the real server on loopback, a real Chromium."""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from view_lakes import write_hostile_lake, write_view_lake
from view_server import CHROMIUM, CHROMIUM_ARGS, Server


@pytest.fixture(scope="session")
def view_lake(tmp_path_factory) -> str:
    """The realistic lake (``view_lakes.write_view_lake``); tests must not write to it."""
    lake = str(tmp_path_factory.mktemp("view") / "lake")
    write_view_lake(lake)
    return lake


@pytest.fixture(scope="session")
def hostile_lake(tmp_path_factory) -> str:
    """A lake whose every shown text is a script payload (``view_lakes.PAYLOADS``)."""
    lake = str(tmp_path_factory.mktemp("hostile") / "lake")
    write_hostile_lake(lake)
    return lake


@pytest.fixture
def writable_lake(view_lake: str, tmp_path: Path) -> str:
    """A copy of the realistic lake that a test may write to."""
    lake = tmp_path / "lake"
    shutil.copytree(view_lake, lake)
    return str(lake)


@pytest.fixture(scope="session")
def view_server(view_lake: str) -> Iterator[Server]:
    """``boundary view`` over the realistic lake, for the whole session (read only)."""
    server = Server(view_lake)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def hostile_server(hostile_lake: str) -> Iterator[Server]:
    server = Server(hostile_lake)
    yield server
    server.stop()


def _chromium_ready() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install -e '.[dev]')"
    if not Path(CHROMIUM).exists():
        return f"no {CHROMIUM} (scripts/install.sh installs the Debian package chromium)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """The system's headless Chromium, driven by Playwright. Per module, not per session: while
    Playwright's sync API runs, the main thread has a running event loop, and every later test
    that starts one of its own (``asyncio.run``, inspect-ai's eval) would fail."""
    why = _chromium_ready()
    if why:
        pytest.skip(why)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watched:
    """A page with every dialog it opened and every script error it raised recorded."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: self.errors.append(str(error)))


@pytest.fixture
def page(browser: Any) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    watched = Watched(context.new_page())
    watched.page.set_default_timeout(60_000)
    yield watched
    context.close()
