"""Debian's chromium for the web SDK tests: DNS-like host mapping, an HTTPS front, and the test page.

The SDKs run as published. The only things arranged around them are what a real deployment's network
provides: the cloud hostnames the SDKs use resolve to the local emulator (Chromium's
--host-resolver-rules, like a hosts-file entry; every other name fails, so nothing leaves loopback), and
vod2.qcloud.com, which vod-js-sdk-v6 always calls over https, is served with a self-signed certificate
the browser context accepts. The page and the SDK builds are served by the test itself from its own
loopback origin, which is added where a site owner adds theirs: the API's UPVEND_CORS_ORIGINS and the
buckets' CORS rule.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Iterator

import pytest

from starlette.applications import Starlette
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from devtools.serving import ServerThread, bind
from tests.browser.conftest import ARGS, CHROMIUM
from tests.clients.node_support import CLIENTS, NODE_MODULES
from tests.conftest import IN_CI

SCRIPTS = {
    "cos-js-sdk-v5.min.js": NODE_MODULES / "cos-js-sdk-v5" / "dist" / "cos-js-sdk-v5.min.js",
    "vod-js-sdk-v6.js": NODE_MODULES / "vod-js-sdk-v6" / "dist" / "vod-js-sdk-v6.js",
    "stack_client.js": CLIENTS / "stack_client.js",
    "web_sdk_page.js": CLIENTS / "web_sdk_page.js",
}
PAGE = "<!doctype html><meta charset=utf-8><title>web SDK test</title>" + "".join(
    f'<script src="{name}"></script>' for name in SCRIPTS)


def self_signed_certificate(folder: Path, host: str) -> tuple[Path, Path]:
    """A throwaway certificate for `host` (the context that uses it ignores certificate errors)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def require_browser() -> None:
    problem = None
    if not CHROMIUM.exists():
        problem = f"{CHROMIUM} is not installed (apt-get install chromium)"
    elif not all(path.exists() for path in SCRIPTS.values()):
        problem = "the web SDK builds are not installed (make client-deps)"
    if problem:
        if IN_CI:
            pytest.fail(f"{problem} under CI=true")
        pytest.skip(problem)


def page_app() -> Starlette:
    """The test page and the SDK builds it loads, as a site would serve them."""
    async def script(request) -> Response:
        path = SCRIPTS.get(request.path_params["name"])
        if path is None:
            return Response(status_code=404)
        return Response(path.read_bytes(), media_type="text/javascript")

    async def index(request) -> HTMLResponse:
        return HTMLResponse(PAGE)

    return Starlette(routes=[Route("/", index), Route("/{name}", script)])


@pytest.fixture(scope="module")
def web_sdk_browser(stack, tmp_path_factory) -> Iterator[object]:
    """Chromium whose DNS maps the Tencent upload hosts to the emulator (vod2.qcloud.com over HTTPS)."""
    require_browser()
    from playwright.sync_api import sync_playwright

    cert, key = self_signed_certificate(tmp_path_factory.mktemp("tls"), "vod2.qcloud.com")
    https = ServerThread(stack.emulator.app, bind(), ssl_certfile=str(cert), ssl_keyfile=str(key)).start()
    site = ServerThread(page_app(), bind()).start()
    bucket_cors, origins = stack.emulator.app, stack.emulator.app.origins
    bucket_cors.origins = origins | {site.url}
    patch = pytest.MonkeyPatch()
    patch.setenv("UPVEND_CORS_ORIGINS", ",".join(filter(None, [stack.settings.get("UPVEND_CORS_ORIGINS"),
                                                               site.url])))
    emulator_port = stack.emulator_url.rsplit(":", 1)[1]
    rules = (f"MAP vod2.qcloud.com 127.0.0.1:{https.port}, MAP *.myqcloud.com 127.0.0.1:{emulator_port}, "
             "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1")
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=[*ARGS, f"--host-resolver-rules={rules}"])
            try:
                yield browser, site.url
            finally:
                browser.close()
    finally:
        patch.undo()
        bucket_cors.origins = origins
        site.stop()
        https.stop()


@pytest.fixture
def sdk_page(web_sdk_browser):
    """The test page with the SDK builds, ready for page.evaluate."""
    browser, site = web_sdk_browser
    context = browser.new_context(ignore_https_errors=True)
    context.set_default_timeout(60_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(site + "/")
    page.wait_for_function("() => window.COS && window.TcVod && window.runCosJs && window.stackClient")
    page.errors = errors
    yield page
    context.close()
