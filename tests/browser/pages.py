"""Steps the browser tests share: signing in, uploading through the demo page, reading the console."""

from __future__ import annotations

import time
from pathlib import Path

from tests.browser.conftest import TIMEOUT_MS


def submit_sign_in(page, *, code: str | None = None, token: str | None = None) -> None:
    """Fill and submit the code form or the pasted-token form."""
    field, form = ("#code", "#code-form") if code is not None else ("#pasted-token", "#token-form")
    page.fill(field, code if code is not None else token or "")
    page.click(f"{form} button")


def sign_in_error(page) -> str:
    return page.wait_for_selector("#signin-error:not([hidden])").inner_text()


def sign_in(page, base_url: str, path: str, name: str) -> None:
    """Open `path` and sign in with the WeChat test code for `name`."""
    page.goto(base_url + path)
    submit_sign_in(page, code=f"test-{name}")
    page.wait_for_selector("#signed-in:not([hidden])")
    assert page.inner_text("#who") == f"o-{name}"


def upload(page, file: Path, path_choice: str, timeout: float = TIMEOUT_MS) -> None:
    """Upload `file` on the demo page through one path and wait until the page reports the end."""
    page.set_input_files("#file", str(file))
    page.check(f"input[name=path][value={path_choice}]")
    page.click("#upload-button")
    page.wait_for_selector("#upload-form[data-state=uploaded], #upload-form[data-state=failed]",
                           timeout=timeout)


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def wait_until(page, expression: str, arg=None, timeout: float = 5.0) -> None:
    """Poll a JS expression until it is truthy. (Playwright's wait_for_function compiles strings with
    eval, which the pages' CSP rightly forbids.)"""
    deadline = time.monotonic() + timeout
    while not (page.evaluate(expression, arg) if arg is not None else page.evaluate(expression)):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {expression}")
        page.wait_for_timeout(50)
