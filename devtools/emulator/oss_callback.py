"""OSS upload-callback signing: the emulator's RSA key pair, its public key URL, and the signer.

OSS signs each callback with `authorization` = base64(RSA-MD5 over url-decoded
path + `?query` + "\\n" + body) and names its public key in `x-oss-pub-key-url`
(base64). Real OSS points at gosspublic.alicdn.com; the emulator points at its
own URL, which the local stack sets as UPVEND_OSS_PUBKEY_URLS.

Every GET of a `.pem` under /_emulator/oss/ counts as a key fetch (other names
answer 404, as a CDN would), and `GET /_emulator/oss/key-fetches` tells the
count, so tests can see how many outbound fetches callbacks caused.
"""

from __future__ import annotations

import base64
import threading
from urllib.parse import unquote, urlsplit

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from devtools.emulator.config import EmulatorConfig
from devtools.emulator.service import Service

KEY_DIR = "/_emulator/oss/"
KEY_PATH = KEY_DIR + "callback_pub_key.pem"
FETCHES_PATH = KEY_DIR + "key-fetches"


class OssCallbackSigner(Service):
    """Serves the public key and signs callbacks with the private key generated at start."""

    name = "oss-callback-key"

    def __init__(self, config: EmulatorConfig) -> None:
        self._private = rsa.generate_private_key(public_exponent=65537, key_size=1024)
        self.public_pem = self._private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        self.key_url = config.public_url.rstrip("/") + KEY_PATH
        self.key_fetches = 0
        self._lock = threading.Lock()

    def matches(self, request: Request) -> bool:
        path = request.url.path
        return path == FETCHES_PATH or (path.startswith(KEY_DIR) and path.endswith(".pem"))

    async def handle(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return Response(status_code=405)
        if request.url.path == FETCHES_PATH:
            with self._lock:
                return JSONResponse({"fetches": self.key_fetches})
        with self._lock:
            self.key_fetches += 1
        if request.url.path != KEY_PATH:
            return Response(b"Not Found", status_code=404, media_type="text/plain")
        return Response(self.public_pem, media_type="application/x-pem-file")

    def sign(self, url: str, body: bytes) -> dict[str, str]:
        """The two headers OSS adds to a callback POSTed to `url` with `body`."""
        parts = urlsplit(url)
        text = (unquote(parts.path or "/") + (f"?{parts.query}" if parts.query else "") + "\n").encode() + body
        signature = self._private.sign(text, padding.PKCS1v15(), hashes.MD5())
        return {"authorization": base64.b64encode(signature).decode(),
                "x-oss-pub-key-url": base64.b64encode(self.key_url.encode()).decode()}
