"""Debian's chromium driven by Playwright (never a downloaded browser), one page per test.

Outside CI the browser tests skip when /usr/bin/chromium is missing; with CI=true they fail instead,
because `.ci/run` installs chromium and a missing browser there is a broken set-up.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import Iterator

import pytest

from tests.conftest import IN_CI

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT_MS = 8000



def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if IN_CI:
        pytest.fail(f"{CHROMIUM} is missing under CI=true: .ci/run should have installed Debian's chromium")
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """One browser per test module. While Playwright's sync driver is open, this thread counts as running
    its event loop, so it must be closed before other tests call handlers (which run a loop) here."""
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


class PageErrors:
    """Console errors and uncaught exceptions a page produced."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def console(self, message) -> None:
        if message.type == "error":
            self.messages.append(f"console: {message.text}")

    def exception(self, error) -> None:
        self.messages.append(f"pageerror: {error}")


@pytest.fixture
def page_errors() -> PageErrors:
    return PageErrors()


def open_page(chromium, page_errors: PageErrors, *, width: int = 1280, height: int = 900):
    context = chromium.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("console", page_errors.console)
    page.on("pageerror", page_errors.exception)
    return context, page


@pytest.fixture
def page(chromium, page_errors):
    context, page = open_page(chromium, page_errors)
    yield page
    context.close()


@pytest.fixture
def phone(chromium, page_errors):
    context, page = open_page(chromium, page_errors, width=375, height=740)
    yield page
    context.close()


def png_bytes(width: int = 24, height: int = 16, rgb: tuple[int, int, int] = (200, 40, 90)) -> bytes:
    """A real PNG image (so a browser can decode and show it)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@pytest.fixture
def image_file(tmp_path: Path) -> Path:
    path = tmp_path / "sunset.png"
    path.write_bytes(png_bytes())
    return path
