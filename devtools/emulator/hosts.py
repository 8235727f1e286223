"""Host-style names for the emulated clouds, under `localhost`, so SDKs address buckets by Host as on a cloud.

A real bucket lives at `<bucket>.oss-<region>.aliyuncs.com` or `<bucket>.cos.<region>.myqcloud.com`, and the
SDKs build those names from an endpoint. The local stack hands out the same shapes under `localhost`
(`http://oss-cn-shanghai.localhost:8001`, `http://<bucket>.cos.<region>.localhost:8001`): browsers resolve every
`*.localhost` name to loopback (RFC 6761 section 6.3), so a page reaches the emulator with the bucket in the Host
header, using only the options it would set for a real endpoint. Path-style (`http://127.0.0.1:8001/<bucket>/...`)
keeps working. Processes whose resolver does not know `*.localhost` (glibc without nss-myhostname: Python, Node)
map it to loopback themselves, as `devtools.loopback_names` does for the tests.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request

LOCAL_PARENT = "localhost"
# The parent domains a bucket host may sit under: the cloud's own (sent with a Host override) and the local one.
ALIYUN_PARENTS = ("aliyuncs.com", LOCAL_PARENT)
TENCENT_PARENTS = ("myqcloud.com", LOCAL_PARENT)


def local_name_url(base_url: str, name: str) -> str:
    """`http://127.0.0.1:8001` and `oss-cn-shanghai` → `http://oss-cn-shanghai.localhost:8001`."""
    parts = urlsplit(base_url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme or 'http'}://{name}.{LOCAL_PARENT}{port}"


def request_host(request: Request) -> str:
    """The Host header's name, lowercased, without port or trailing dot."""
    host = request.headers.get("host", "").strip().lower()
    if host.startswith("["):
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0].rstrip(".") if host.count(":") <= 1 else host


def name_under(host: str, parents: tuple[str, ...]) -> str | None:
    """The labels of `host` in front of one of `parents` (`a.b.localhost` → `a.b`), else None."""
    for parent in parents:
        if host.endswith("." + parent) and len(host) > len(parent) + 1:
            return host[: -len(parent) - 1]
    return None
