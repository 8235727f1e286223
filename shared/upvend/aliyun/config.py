"""Aliyun settings (`UPVEND_ALIYUN_*`) and the endpoints derived from them."""

from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from upvend import settings

MAX_POST_POLICY_SECONDS = 900


def _region(raw: str) -> str:
    if not re.fullmatch(r"[a-z]{2}-[a-z0-9-]+", raw):
        raise ValueError("must look like cn-shanghai")
    return raw




def _bucket(raw: str) -> str:
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]", raw):
        raise ValueError("must be a valid OSS bucket name")
    return raw


def _role_arn(raw: str) -> str:
    if not re.fullmatch(r"acs:ram::\d+:role/[A-Za-z0-9.@_/-]+", raw):
        raise ValueError("must look like acs:ram::<account-id>:role/<name>")
    return raw




_OPTIONAL = None
settings.declare("ALIYUN_REGION", _region, doc="Region of OSS, VOD and STS, e.g. cn-shanghai.")
settings.declare("ALIYUN_OSS_BUCKET", _bucket, doc="Bucket that receives direct uploads.")
settings.declare("ALIYUN_STS_ROLE_ARN", _role_arn, doc="Role assumed for /aliyun/sts tokens (a token may do what "
                 "the role allows and the per-caller session policy allows).")
settings.declare("ALIYUN_STS_DURATION_SECONDS", settings.int_between(900, 43200), 900,
                 doc="Lifetime of /aliyun/sts tokens (900 to the role's maximum).")
settings.declare("ALIYUN_STS_ENDPOINT", settings.http_origin, _OPTIONAL, doc="STS endpoint (default "
                 "https://sts.<region>.aliyuncs.com; the scheme decides http or https).")
settings.declare("ALIYUN_VOD_ENDPOINT", settings.http_origin, _OPTIONAL, doc="VOD endpoint (default "
                 "https://vod.<region>.aliyuncs.com; the scheme decides http or https).")
settings.declare("ALIYUN_OSS_ENDPOINT", settings.http_origin, _OPTIONAL,
                 doc="OSS endpoint for SDK clients (default https://oss-<region>.aliyuncs.com).")
settings.declare("ALIYUN_OSS_HOST", settings.http_url, _OPTIONAL,
                 doc="Form-post URL for PostObject, e.g. a custom domain (default https://<bucket>.<endpoint-host>, "
                     "or path-style /<bucket> for an IP endpoint).")
settings.declare("ALIYUN_OSS_CALLBACK_URL", settings.http_url, _OPTIONAL,
                 doc="URL OSS calls after a form upload, without a "
                 "query string; when set, each policy pins an upload callback (bucket, object, etag, size, mimeType, "
                 "imageInfo, and the literal uid and binding).")
settings.declare("ALIYUN_POST_POLICY_SECONDS", settings.int_between(60, MAX_POST_POLICY_SECONDS), 600,
                 doc="Validity of a PostObject policy (at most 900 s).")
settings.declare("ALIYUN_TIMEOUT_SECONDS", settings.seconds_between(0, 60), 5.0,
                 doc="Timeout of each STS / VOD call, in seconds (no "
                 "automatic retry).")
settings.declare("ALIYUN_VOD_TEMPLATE_GROUP_ID", default=_OPTIONAL, doc="VOD transcoding template group.")
settings.declare("ALIYUN_VOD_WORKFLOW_ID", default=_OPTIONAL, doc="VOD workflow (wins over the template group).")
settings.declare("ALIYUN_VOD_CATE_ID", lambda raw: int(raw), _OPTIONAL, doc="VOD category id.")
settings.declare("ALIYUN_VOD_STORAGE_LOCATION", default=_OPTIONAL, doc="VOD storage address.")
settings.declare("ALIYUN_VOD_APP_ID", default=_OPTIONAL, doc="VOD application id.")


@dataclass(frozen=True)
class Endpoint:
    """Where an Aliyun API lives: scheme (http/https) and host[:port]."""

    scheme: str
    netloc: str

    @classmethod
    def parse(cls, url: str) -> "Endpoint":
        return _parsed_endpoint(url)

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.netloc}"


# Requests parse the same few endpoint URLs over and over; an Endpoint is immutable.
@functools.lru_cache(maxsize=64)
def _parsed_endpoint(url: str) -> Endpoint:
    parts = urlsplit(url)
    return Endpoint(parts.scheme, parts.netloc)


def region() -> str:
    return settings.get("ALIYUN_REGION")


def sts_endpoint() -> Endpoint:
    return Endpoint.parse(settings.get("ALIYUN_STS_ENDPOINT") or f"https://sts.{region()}.aliyuncs.com")


def vod_endpoint() -> Endpoint:
    return Endpoint.parse(settings.get("ALIYUN_VOD_ENDPOINT") or f"https://vod.{region()}.aliyuncs.com")


def oss_endpoint() -> Endpoint:
    return Endpoint.parse(settings.get("ALIYUN_OSS_ENDPOINT") or f"https://oss-{region()}.aliyuncs.com")


@functools.lru_cache(maxsize=64)  # asked on every form; a host name costs two failed address parses
def is_ip_or_localhost(netloc: str) -> bool:
    """Whether a host[:port] is an IP address or localhost (addressed path-style, as the OSS SDKs do)."""
    host = netloc.rsplit(":", 1)[0].strip("[]") if not netloc.endswith("]") else netloc.strip("[]")
    if host == "localhost":
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def oss_form_host(bucket: str) -> str:
    """The URL a PostObject form goes to: the override, else the bucket's host on the endpoint.

    Like the OSS SDKs, an IP or localhost endpoint is addressed path-style (`/<bucket>`).
    """
    override = settings.get("ALIYUN_OSS_HOST")
    if override:
        return override
    return bucket_url(oss_endpoint(), bucket)


def bucket_url(endpoint: Endpoint, bucket: str) -> str:
    """A bucket's URL on an OSS endpoint: `<bucket>.<host>`, or path-style for an IP or localhost."""
    if is_ip_or_localhost(endpoint.netloc):
        return f"{endpoint.url}/{bucket}"
    return f"{endpoint.scheme}://{bucket}.{endpoint.netloc}"
