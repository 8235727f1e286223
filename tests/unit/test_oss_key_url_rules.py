"""Where the OSS callback public key may come from, and how it is fetched: exact URLs, redirects, size."""

from __future__ import annotations

import base64
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

import pytest

from upvend import settings
from upvend.errors import ConfigurationError, Forbidden, UpstreamError
from upvend.notices.oss_callback import PublicKeyCache, trusted_key_url

PEM = b"""-----BEGIN PUBLIC KEY-----
MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAKs/JBGzwUB2aVht4crBx3oIPBLNsjGs
C0fTXv+nvlmklvkcolvpvXLTjaxUHR3W9LXxQ2EHXAJfCB+6H2YF1k8CAwEAAQ==
-----END PUBLIC KEY-----
"""


@pytest.fixture(autouse=True)
def documented_key_urls(monkeypatch):
    """The default trust: OSS's documented key URL (the local stack trusts the emulator's instead)."""
    monkeypatch.delenv("UPVEND_OSS_PUBKEY_URLS", raising=False)


def encoded(url: str) -> str:
    return base64.b64encode(url.encode()).decode()


@pytest.mark.parametrize("url", [
    "https://gosspublic.alicdn.com/\\evil.example/key.pem",
    "https://gosspublic.alicdn.com/keys\\..\\..\\evil.pem",
    "http://gosspublic.alicdn.com/\\\\evil.example\\key.pem",
])
def test_a_backslash_anywhere_is_refused(url):
    """Some clients read '\\' as '/', so a backslash could step out of the trusted path or host."""
    with pytest.raises(Forbidden) as caught:
        trusted_key_url(encoded(url))
    assert caught.value.code == "untrusted_key_url"


def test_a_configured_url_with_user_info_is_refused_as_configuration(monkeypatch):
    """A look-alike entry (alicdn user info, evil.example host) must not lend its trust to evil.example."""
    monkeypatch.setenv("UPVEND_OSS_PUBKEY_URLS", "https://gosspublic.alicdn.com@evil.example/key.pem")
    with pytest.raises(ConfigurationError):
        trusted_key_url(encoded("https://gosspublic.alicdn.com@evil.example/key.pem"))


@pytest.mark.parametrize("url", [
    "https://gosspublic.alicdn.com/callback_pub_key_v1.pem",
    "http://gosspublic.alicdn.com/callback_pub_key_v1.pem",
])
def test_official_urls_are_trusted_as_they_are(url):
    assert trusted_key_url(encoded(url)) == url


def test_other_urls_on_the_official_host_are_not_trusted():
    """Every distinct trusted URL could cost a fetch; only the documented key is needed."""
    with pytest.raises(Forbidden) as caught:
        trusted_key_url(encoded("https://gosspublic.alicdn.com/a/b/c.pem"))
    assert caught.value.code == "untrusted_key_url"


@pytest.mark.parametrize("raw, expected", [("0.05", 0.1), ("0.1", 0.1), ("2.5", 2.5), ("4", 4.0), ("4.5", 4.0)])
def test_key_fetch_timeout_is_kept_between_a_tenth_and_four_seconds(monkeypatch, raw, expected):
    """OSS waits 5 s for the whole callback: the key fetch must leave time for the rest."""
    monkeypatch.setenv("UPVEND_OSS_PUBKEY_TIMEOUT_SECONDS", raw)
    assert settings.get("OSS_PUBKEY_TIMEOUT_SECONDS") == expected


class KeyServer(BaseHTTPRequestHandler):
    """/keys/key.pem: the key; /keys/moved.pem: a redirect to it; /keys/padded-N.pem: the key ending at byte N;
    /keys/slow.pem, /keys/missing.pem: the key, or a 404, after 0.3 s. Every GET is counted in `fetches`."""

    fetches: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        self.fetches.append(self.path)
        if self.path in ("/keys/slow.pem", "/keys/missing.pem"):
            time.sleep(0.3)
        if self.path == "/keys/missing.pem":
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/keys/moved.pem":
            self.send_response(302)
            self.send_header("Location", "/keys/key.pem")
            self.end_headers()
            return
        if self.path.startswith("/keys/padded-"):
            size = int(self.path.rsplit("-", 1)[1].split(".")[0])
            key = PEM.rstrip(b"\n")  # so that one byte less is a broken key
            body = b"#" * (size - len(key) - 1) + b"\n" + key
        else:
            body = PEM
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def key_server(monkeypatch) -> Iterator[str]:
    KeyServer.fetches = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), KeyServer)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/keys/"
    names = ("key.pem", "moved.pem", "slow.pem", "missing.pem", f"padded-{16 * 1024}.pem",
             f"padded-{16 * 1024 + 1}.pem")
    monkeypatch.setenv("UPVEND_OSS_PUBKEY_URLS", ",".join(base + name for name in names))
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()


def test_the_key_is_fetched_from_a_trusted_url(key_server):
    url = trusted_key_url(encoded(key_server + "key.pem"))
    assert PublicKeyCache().get(url).key_size == 512


def test_a_redirect_from_a_trusted_url_is_not_followed(key_server):
    """The redirect stays on the same server here; it would be refused just the same if it left the allow-list."""
    url = trusted_key_url(encoded(key_server + "moved.pem"))
    with pytest.raises(UpstreamError) as caught:
        PublicKeyCache().get(url)
    assert "302" in caught.value.message


@pytest.mark.parametrize("size, accepted", [(16 * 1024, True), (16 * 1024 + 1, False)])
def test_a_key_document_is_read_up_to_16_kib(key_server, size, accepted):
    url = trusted_key_url(encoded(f"{key_server}padded-{size}.pem"))
    if accepted:
        assert PublicKeyCache().get(url).key_size == 512
    else:
        with pytest.raises(Forbidden):
            PublicKeyCache().get(url)


def concurrently(calls: int, call) -> list[object]:
    """Run `call` from `calls` threads at once; each result or the error code it raised."""
    def one(_: int) -> object:
        try:
            return call()
        except (Forbidden, UpstreamError) as exc:
            return exc.code
    with ThreadPoolExecutor(calls) as pool:
        return list(pool.map(one, range(calls)))


def test_concurrent_callbacks_needing_one_key_make_one_fetch(key_server):
    keys = PublicKeyCache()
    url = trusted_key_url(encoded(key_server + "slow.pem"))
    results = concurrently(40, lambda: keys.get(url).key_size)
    assert KeyServer.fetches == ["/keys/slow.pem"]
    assert results == [512] * 40


def test_concurrent_callbacks_share_a_failed_fetch_which_is_retried_later(key_server):
    now = [0.0]
    keys = PublicKeyCache(retry_after=60, clock=lambda: now[0])
    url = trusted_key_url(encoded(key_server + "missing.pem"))
    results = concurrently(40, lambda: keys.get(url))
    assert KeyServer.fetches == ["/keys/missing.pem"]
    assert results == ["upstream_error"] * 40
    now[0] = 61.0
    concurrently(10, lambda: keys.get(url))
    assert KeyServer.fetches == ["/keys/missing.pem"] * 2


class Fetcher:
    def __init__(self, fail: bool = False) -> None:
        self.urls: list[str] = []
        self.fail = fail

    def __call__(self, url: str) -> bytes:
        self.urls.append(url)
        if self.fail:
            raise UpstreamError("OSS public key is unreachable.", code="upstream_unreachable")
        return PEM


@pytest.mark.parametrize("urls, refetched", [(32, False), (33, True)])
def test_the_default_cache_keeps_32_keys(urls, refetched):
    fetcher = Fetcher()
    keys = PublicKeyCache(fetcher)
    for i in range(urls):
        keys.get(f"https://gosspublic.alicdn.com/k{i}.pem")
    keys.get("https://gosspublic.alicdn.com/k0.pem")
    assert fetcher.urls.count("https://gosspublic.alicdn.com/k0.pem") == (2 if refetched else 1)


@pytest.mark.parametrize("later, refetched", [(0.9, False), (1.0, True)])
def test_a_failed_key_url_is_retried_after_1_second_by_default(later, refetched):
    now = [500.0]
    fetcher = Fetcher(fail=True)
    keys = PublicKeyCache(fetcher, clock=lambda: now[0])
    with pytest.raises(UpstreamError):
        keys.get("https://gosspublic.alicdn.com/k.pem")
    now[0] += later
    with pytest.raises(UpstreamError):
        keys.get("https://gosspublic.alicdn.com/k.pem")
    assert len(fetcher.urls) == (2 if refetched else 1)


def test_a_key_fetched_after_a_failure_is_kept_and_the_failure_forgotten():
    now = [0.0]
    fetcher = Fetcher(fail=True)
    keys = PublicKeyCache(fetcher, clock=lambda: now[0])
    with pytest.raises(UpstreamError):
        keys.get("https://gosspublic.alicdn.com/k.pem")
    fetcher.fail, now[0] = False, 61.0
    assert keys.get("https://gosspublic.alicdn.com/k.pem").key_size == 512
    now[0] = 62.0
    keys.get("https://gosspublic.alicdn.com/k.pem")
    assert len(fetcher.urls) == 2


def test_the_failure_list_is_bounded_too():
    now = [0.0]
    fetcher = Fetcher(fail=True)
    keys = PublicKeyCache(fetcher, max_entries=2, clock=lambda: now[0])
    for name in ("a", "b", "c", "a"):
        with pytest.raises(UpstreamError):
            keys.get(f"https://gosspublic.alicdn.com/{name}.pem")
    assert [u.rsplit("/", 1)[1] for u in fetcher.urls] == ["a.pem", "b.pem", "c.pem", "a.pem"]


def test_url_list_tolerates_spaces_and_empty_entries(monkeypatch):
    monkeypatch.setenv("UPVEND_OSS_PUBKEY_URLS", " http://a.example/k/1.pem , ,https://b.example/x/2.pem ,")
    for url in ("http://a.example/k/1.pem", "https://b.example/x/2.pem"):
        assert trusted_key_url(encoded(url)) == url
    for url in ("http://a.example/k/other.pem", "https://gosspublic.alicdn.com/callback_pub_key_v1.pem"):
        with pytest.raises(Forbidden):
            trusted_key_url(encoded(url))


def test_key_fetch_timeout_defaults_to_two_seconds(monkeypatch):
    monkeypatch.delenv("UPVEND_OSS_PUBKEY_TIMEOUT_SECONDS", raising=False)
    assert settings.get("OSS_PUBKEY_TIMEOUT_SECONDS") == 2.0


A4_KEY_URL_B64 = "aHR0cDovL2dvc3NwdWJsaWMuYWxpY2RuLmNvbS9jYWxsYmFja19wdWJfa2V5X3YxLnBlbQ=="
A4_AUTHORIZATION = "kKQeGTRccDKyHB3H9vF+xYMSrmhMZjzzl2/kdD1ktNVgbWEfYTQG0G2SU/RaHBovRCE8OkQDjC3uG33esH2txA=="


def test_signature_headers_are_read_case_insensitively_and_trimmed():
    """OSS's published example (vector A4), with the header names and values as a proxy may pass them on."""
    from upvend.notices.oss_callback import verify_oss_callback

    keys = PublicKeyCache(lambda url: PEM)
    headers = {"AUTHORIZATION": f"  {A4_AUTHORIZATION} ", "X-Oss-Pub-Key-Url": f" {A4_KEY_URL_B64}\t"}
    verify_oss_callback(headers, "/index.php", "id=1&index=2", b"bucket=yonghu-test", keys)
