"""OSS (FC) and COS (SCF) trigger invocations for objects created in the emulated upload buckets.

The functions come from template.yaml: every function with an `oss` trigger
(provider aliyun) watches the emulated OSS upload bucket, every function with a
`cos` trigger (provider tencent) the emulated COS upload bucket. The bucket name
in the template is what deployment uses (usually a `${UPVEND_..._BUCKET}`
deploy-time variable), so locally it is not compared; the trigger's events,
prefix and suffix filters apply as written. Invocations go through the gateway's
invoke endpoint; a failed invocation is retried, as the platforms do.
"""

from __future__ import annotations

import fnmatch
import os
import re
import secrets
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

from devtools.emulator.aliyun.config import ACCOUNT_ID
from devtools.emulator.notices.schedule import Notice, NoticeScheduler, SendResult
from devtools.template import StorageTrigger, Template, load_template

# The short region codes SCF puts in COS events (`cosBucket.region`).
COS_REGION_CODES = {"ap-guangzhou": "gz", "ap-shanghai": "sh", "ap-beijing": "bj", "ap-chengdu": "cd",
                    "ap-chongqing": "cq", "ap-nanjing": "nj", "ap-hongkong": "hk"}
_OSS_EVENTS = {"PutObject": "ObjectCreated:PutObject", "PostObject": "ObjectCreated:PostObject",
               "CompleteMultipartUpload": "ObjectCreated:CompleteMultipartUpload"}
_COS_EVENTS = {"PutObject": "cos:ObjectCreated:Put", "PostObject": "cos:ObjectCreated:Post",
               "CompleteMultipartUpload": "cos:ObjectCreated:CompleteMultipartUpload"}


def expand(text: str) -> str:
    """Fill `${UPVEND_...}` deploy-time variables from the local settings, as deployment fills them."""
    import upvend.uploads  # noqa: F401  (declares UPLOAD_PREFIX)
    from upvend import settings

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        declared = settings.declared().get(name[len(settings.PREFIX):]) if name.startswith(settings.PREFIX) else None
        return str(settings.get(declared.name)) if declared else os.environ.get(name, "")

    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", value, text)


def watches(spec: StorageTrigger, event_name: str, key: str) -> bool:
    """Whether a trigger's events (e.g. `oss:ObjectCreated:*`) and key filters take this object."""
    return (key.startswith(expand(spec.prefix)) and key.endswith(expand(spec.suffix))
            and any(fnmatch.fnmatchcase(event_name, pattern) for pattern in spec.events))


def oss_trigger_event(obj: Any, event_name: str, region: str) -> dict[str, Any]:
    """FC's OSS trigger payload for one created object (eventName without `oss:`, uppercase eTag)."""
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return {"events": [{
        "eventName": event_name, "eventSource": "acs:oss", "eventTime": stamp, "eventVersion": "1.0",
        "region": region,
        "oss": {"bucket": {"arn": f"acs:oss:{region}:{ACCOUNT_ID}:{obj.bucket}", "name": obj.bucket,
                           "ownerIdentity": ACCOUNT_ID, "virtualBucket": ""},
                "object": {"deltaSize": obj.size, "eTag": obj.etag.upper(), "key": obj.key, "size": obj.size},
                "ossSchemaVersion": "1.0", "ruleId": secrets.token_hex(20)},
        "requestParameters": {"sourceIPAddress": "127.0.0.1"},
        "responseElements": {"requestId": uuid.uuid4().hex[:24].upper()},
        "userIdentity": {"principalId": ACCOUNT_ID}}]}


def cos_trigger_event(obj: Any, event_name: str, region: str, secret_id: str, function: str) -> dict[str, Any]:
    """SCF's COS trigger payload: key `/<appid>/<short bucket>/<key>`, bucket name without `-<appid>`."""
    short, appid = obj.bucket.rsplit("-", 1)
    code = COS_REGION_CODES.get(region, region)
    meta = {"x-cos-request-id": uuid.uuid4().hex, "Content-Type": obj.content_type,
            **{k: v for k, v in obj.metadata.items() if k.lower().startswith("x-cos-meta-")}}
    return {"Records": [{
        "cos": {"cosSchemaVersion": "1.0",
                "cosObject": {"url": f"http://{obj.bucket}.cos.{region}.myqcloud.com/{quote(obj.key)}",
                              "key": f"/{appid}/{short}/{obj.key}", "size": obj.size, "vid": "", "meta": meta},
                "cosBucket": {"region": code, "name": short, "appid": appid}, "cosNotificationId": "unkown"},
        "event": {"eventName": event_name, "eventVersion": "1.0", "eventTime": int(time.time()),
                  "eventSource": "qcs::cos",
                  "requestParameters": {"requestSourceIP": "127.0.0.1",
                                        "requestHeaders": {"Authorization": f"q-sign-algorithm=sha1&q-ak={secret_id}"}},
                  "eventQueue": f"qcs:0:lambda:{code}:appid/{appid}:default.{function}.$LATEST",
                  "reservedInfo": "", "reqid": secrets.randbelow(10**9)}}]}


class StorageTriggers:
    """Invokes the template's OSS / COS trigger functions for objects stored in the upload buckets."""

    def __init__(self, emulator: Any, scheduler: NoticeScheduler, template_path: Path) -> None:
        self.emulator = emulator
        self.scheduler = scheduler
        self.template_path = template_path
        self._template: Template | None = None

    @property
    def template(self) -> Template:
        if self._template is None:
            self._template = load_template(self.template_path)
        return self._template

    def functions(self, kind: str, event_name: str, key: str) -> list[str]:
        """Names of the functions whose `kind` trigger takes this object."""
        return [fn.name for fn in self.template.functions
                if fn.trigger is not None and getattr(fn.trigger, kind) is not None
                and watches(getattr(fn.trigger, kind), event_name, key)]

    def __call__(self, event: Any) -> None:
        obj = event.obj
        if (event.provider, event.service) == ("aliyun", "oss"):
            aliyun = self.emulator.service("aliyun-oss").state.dev
            name = _OSS_EVENTS.get(event.operation)
            if name is None or obj.bucket != aliyun.oss_bucket:
                return None
            payload = oss_trigger_event(obj, name, aliyun.region)
            self._invoke([(fn, payload) for fn in self.functions("oss", "oss:" + name, obj.key)], name, obj)
        elif (event.provider, event.service) == ("tencent", "cos"):
            account = self.emulator.tencent.account
            name = _COS_EVENTS.get(event.operation)
            if name is None or obj.bucket != account.bucket:
                return None
            region = event.details.get("region") or account.region
            self._invoke([(fn, cos_trigger_event(obj, name, region, event.details.get("secretId", ""), fn))
                          for fn in self.functions("cos", name, obj.key)], name, obj)
        return None

    def _invoke(self, targets: list[tuple[str, dict[str, Any]]], name: str, obj: Any) -> None:
        for function, payload in targets:
            def send(attempt: int, function: str = function, payload: dict[str, Any] = payload) -> SendResult:
                answer = self.emulator.deliverer.invoke(function, payload)
                return answer.status == 200, str(answer.status or "unreachable")

            self.scheduler.plan([Notice(f"{function} {name} {obj.bucket}/{obj.key}", send)])
