"""OSS upload callbacks: RSA-MD5 verification with an allow-listed, cached public key, and the body's fields.

OSS signs `url_decode(path) + raw_query + "\\n" + body` with its private key and
names the public key's URL (base64) in `x-oss-pub-key-url`. Only the exact URLs
of UPVEND_OSS_PUBKEY_URLS (OSS's documented key by default) are trusted and
fetched; anyone else could host a key of their own and forge callbacks. FC's HTTP event keeps no raw
query string, so configure the callback URL without one.
"""

from __future__ import annotations

import base64
import binascii
import threading
import time
from typing import Any, Callable, Mapping
from urllib.parse import parse_qsl, unquote, urlsplit

from pydantic import BaseModel, ConfigDict, Field

from upvend import outbound, settings
from upvend.aliyun.callback_binding import verify_callback_binding
from upvend.aliyun import config as _aliyun_config  # noqa: F401  (declares ALIYUN_OSS_BUCKET)
from upvend.errors import BadRequest, Forbidden, UpstreamUnavailable, UpvendError, ValidationFailed
from upvend.http.body import parse_model
from upvend.notices.object_keys import kind_of, upload_key
from upvend.storage.media import object_media_id
from upvend.storage.notices import MediaNotice
from upvend.json_input import loads_untrusted
from upvend.uploads import refused_object

OFFICIAL_KEY_URLS = ("https://gosspublic.alicdn.com/callback_pub_key_v1.pem",
                     "http://gosspublic.alicdn.com/callback_pub_key_v1.pem")


def _key_urls(raw: str) -> tuple[str, ...]:
    urls = tuple(u.strip() for u in raw.split(",") if u.strip())
    for url in urls:
        parts = urlsplit(url)
        if (parts.scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc or "\\" in url
                or parts.path in ("", "/") or parts.query or parts.fragment):
            raise ValueError("each entry must be a whole http(s) key URL: host and path, no user, query or fragment")
    if not urls:
        raise ValueError("name at least one key URL")
    return urls


settings.declare("OSS_PUBKEY_URLS", _key_urls, OFFICIAL_KEY_URLS,
                 doc="The exact x-oss-pub-key-url values trusted for OSS upload callbacks, comma-separated "
                     "(default: OSS's documented key, https://gosspublic.alicdn.com/callback_pub_key_v1.pem, "
                     "and its http form; the local stack adds the emulator's). Any other URL is refused "
                     "before a fetch.")
settings.declare("ALIYUN_OSS_CALLBACK_BUCKETS", lambda raw: tuple(b.strip() for b in raw.split(",") if b.strip()),
                 (), doc="Buckets besides UPVEND_ALIYUN_OSS_BUCKET whose pinned callbacks are accepted.")
settings.declare("OSS_PUBKEY_TIMEOUT_SECONDS", lambda raw: max(0.1, min(float(raw), 4.0)), 2.0,
                 doc="Timeout of the one-time fetch of the OSS callback public key, in seconds "
                     "(0.1 to 4; keys are cached; OSS waits 5 s in all).")

MAX_KEY_BYTES = 16 * 1024
KeyFetcher = Callable[[str], bytes]


def _header(headers: Mapping[str, str], name: str) -> str:
    return next((v for k, v in headers.items() if k.lower() == name), "").strip()


def trusted_key_url(encoded: str) -> str:
    """The decoded key URL if it is one of UPVEND_OSS_PUBKEY_URLS exactly; else raise Forbidden."""
    try:
        url = base64.b64decode(encoded, validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        raise Forbidden("x-oss-pub-key-url is not base64.", code="signature_invalid") from None
    if url not in settings.get("OSS_PUBKEY_URLS"):
        raise Forbidden("x-oss-pub-key-url is not a trusted OSS key URL.", code="untrusted_key_url")
    return url


def fetch_key(url: str) -> bytes:
    """GET the PEM at `url` (the URL is already allow-listed)."""
    return outbound.get_bytes(url, service="OSS public key", timeout=settings.get("OSS_PUBKEY_TIMEOUT_SECONDS"),
                              max_bytes=MAX_KEY_BYTES, follow_redirects=False)


class PublicKeyCache:
    """Loaded keys by URL, kept while warm (the key behind a URL never changes).

    One fetch per URL at a time: callbacks arriving while a key is being fetched
    wait for that fetch instead of making their own. A URL whose fetch failed is
    not fetched again for `retry_after` seconds, so a stream of callbacks naming
    it costs one outbound request a second, not one each; after that it is tried
    afresh. The pause is short because OSS never retries an upload callback:
    every callback refused on a remembered failure is lost, and one timed-out
    fetch under load must not cost an instance a minute of them.
    """

    def __init__(self, fetcher: KeyFetcher = fetch_key, *, max_entries: int = 32, retry_after: float = 1.0,
                 clock: Callable[[], float] = time.monotonic, wait_seconds: float = 5.0) -> None:
        self.fetcher = fetcher
        self.max_entries = max_entries
        self.retry_after = retry_after
        self.clock = clock
        self.wait_seconds = wait_seconds  # OSS gives up on the whole callback after 5 s
        self._keys: dict[str, Any] = {}
        self._failures: dict[str, tuple[float, UpvendError]] = {}
        self._fetching: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    def get(self, url: str) -> Any:
        with self._lock:
            key, failure = self._cached(url)
            fetching = self._fetching.get(url)
            if key is None and failure is None and fetching is None:
                self._fetching[url] = threading.Event()
        if key is not None:
            return key
        if failure is not None:
            raise failure
        if fetching is not None:
            return self._wait_for(url, fetching)
        try:
            key = self._load(url)
        except UpvendError as exc:
            with self._lock:
                self._remember(self._failures, url, (self.clock(), exc))
            raise
        else:
            with self._lock:
                self._remember(self._keys, url, key)
                self._failures.pop(url, None)
            return key
        finally:
            with self._lock:
                self._fetching.pop(url).set()

    def _cached(self, url: str) -> tuple[Any, UpvendError | None]:
        """With the lock held: (key, None), (None, the failure still remembered) or (None, None)."""
        failed = self._failures.get(url)
        recent = failed[1] if failed is not None and self.clock() - failed[0] < self.retry_after else None
        return self._keys.get(url), recent

    def _wait_for(self, url: str, fetching: threading.Event) -> Any:
        """A key another caller is fetching: its result, once that fetch ends."""
        fetching.wait(self.wait_seconds)
        with self._lock:
            key, failure = self._cached(url)
        if key is not None:
            return key
        raise failure or UpstreamUnavailable("The OSS public key is still being fetched.", code="upstream_timeout")

    def _load(self, url: str) -> Any:
        from cryptography.hazmat.primitives.serialization import load_pem_public_key

        try:
            return load_pem_public_key(self.fetcher(url))
        except ValueError:
            raise Forbidden("The OSS public key is not a PEM public key.", code="signature_invalid") from None

    def _remember(self, table: dict, url: str, value: Any) -> None:
        if url not in table and len(table) >= self.max_entries:
            table.pop(next(iter(table)))  # oldest first: dicts keep insertion order
        table[url] = value


_default_keys = PublicKeyCache()


def signed_text(path: str, raw_query: str, body: bytes) -> bytes:
    """What OSS signs: url-decoded path, `?raw query` when there is one, a newline, the raw body."""
    query = f"?{raw_query.lstrip('?')}" if raw_query.lstrip("?") else ""
    return (unquote(path) + query + "\n").encode("utf-8") + body


def verify_oss_callback(headers: Mapping[str, str], path: str, raw_query: str, body: bytes,
                        keys: PublicKeyCache | None = None) -> None:
    """Raise Forbidden unless `authorization` is OSS's RSA-MD5 signature of this request."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    authorization, key_url = _header(headers, "authorization"), _header(headers, "x-oss-pub-key-url")
    if not authorization or not key_url:
        raise Forbidden("The callback is not signed (authorization / x-oss-pub-key-url).", code="signature_missing")
    url = trusted_key_url(key_url)
    try:
        signature = base64.b64decode(authorization, validate=True)
    except binascii.Error:
        raise Forbidden("authorization is not base64.", code="signature_invalid") from None
    public_key = (keys or _default_keys).get(url)
    try:
        public_key.verify(signature, signed_text(path, raw_query, body), padding.PKCS1v15(), hashes.MD5())
    except (InvalidSignature, ValueError, TypeError, AttributeError):
        raise Forbidden("The callback signature does not verify.", code="signature_invalid") from None


class OssCallbackBody(BaseModel):
    """The fields of a pinned callback: OSS's system variables, then the server's literal owner and binding.

    `x:` variables are client-controlled and ignored.
    """

    model_config = ConfigDict(extra="ignore")

    bucket: str = Field(min_length=1, max_length=63)
    object: str = Field(min_length=1, max_length=1023)
    etag: str | None = Field(None, max_length=128)
    size: int | None = Field(None, ge=0, lt=2**63)
    mimeType: str | None = Field(None, max_length=255)
    height: int | None = Field(None, alias="imageInfo.height", ge=0, lt=2**31)
    width: int | None = Field(None, alias="imageInfo.width", ge=0, lt=2**31)
    format: str | None = Field(None, alias="imageInfo.format", max_length=32)
    uid: str | None = Field(None, max_length=256)
    binding: str | None = Field(None, max_length=128)


def parse_callback_body(body: bytes, content_type: str) -> OssCallbackBody:
    """The body as form fields (OSS's default) or JSON (callbackBodyType application/json).

    A field named twice is refused: a template that repeats `object` or `bucket`
    could otherwise shadow what OSS filled in.
    """
    try:
        text = body.decode("utf-8")
        if "json" in content_type.lower():
            data = loads_untrusted(text)
        else:
            pairs = parse_qsl(text, keep_blank_values=True)
            data = dict(pairs)
            if len(data) != len(pairs):
                raise BadRequest("The callback body names a field twice.", code="duplicate_field")
    except ValueError:
        raise BadRequest("The callback body is neither form fields nor JSON.", code="invalid_body") from None
    if not isinstance(data, dict):
        raise ValidationFailed("The callback body must be an object.")
    # Empty system variables (imageInfo.* of a non-image) mean "not known".
    return parse_model(OssCallbackBody, {k: v for k, v in data.items() if v != ""})


def accepted_buckets() -> frozenset[str]:
    """The buckets whose callbacks are recorded: the upload bucket and any configured extra ones."""
    return frozenset((settings.get("ALIYUN_OSS_BUCKET"), *settings.get("ALIYUN_OSS_CALLBACK_BUCKETS")))


def oss_notice(body: OssCallbackBody, event_type: str = "OssCallback") -> MediaNotice:
    """The row a pinned OSS callback completes; Forbidden for anything this server did not pin.

    Checked in order: the bucket is one of ours, the object is under the upload
    prefix, the literal binding is this server's HMAC over (bucket, object, owner)
    and names the key's owner, and the object keeps the upload rules.
    """
    if body.bucket not in accepted_buckets():
        raise Forbidden("The callback names a bucket this deployment does not use.", code="bucket_not_accepted")
    issued = upload_key(body.object)
    if issued is None:
        raise Forbidden("The object is not under the upload prefix.", code="object_outside_prefix")
    verify_callback_binding(body.bucket, body.object, body.uid, body.binding)
    if issued.owner != body.uid:
        raise Forbidden("The callback's owner is not the owner of its object key.", code="callback_binding_invalid")
    refused = refused_object(issued.key, body.size, body.mimeType)
    if refused is not None:
        raise Forbidden(f"The stored object breaks the upload rules ({refused}).", code="object_refused")
    etag = (body.etag or "").strip('"').upper() or None
    image = {k: v for k, v in {"width": body.width, "height": body.height, "format": body.format}.items() if v}
    return MediaNotice(
        dedupe_key=f"aliyun-oss:{event_type}:{body.bucket}/{issued.key}:{etag or body.size}",
        event_type=event_type, provider="aliyun", media_id=object_media_id(body.bucket, issued.key),
        kind=kind_of(body.mimeType, issued.key), status="ready", owner=issued.owner, size=body.size,
        mime_type=body.mimeType, bucket=body.bucket, object_key=issued.key, etag=etag, extra=image,
    )
