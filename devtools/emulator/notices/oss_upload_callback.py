"""The OSS upload callback: after a PostObject or PutObject that carries `callback`, OSS calls the app server.

The body template's variables are filled in (`${bucket}`, `${object}`, `${etag}`,
`${size}`, `${mimeType}`, `${imageInfo.*}`, `${x:name}`), URL-encoded for the
form body type or JSON-escaped for `application/json`; the request is signed
with the emulator's RSA key (RSA-MD5) and must answer 200 with JSON within 5 s.
That JSON goes back to the uploader. Anything else gives the uploader
203 CallbackFailed, while the object stays stored; OSS does not retry.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any, Callable
from urllib.parse import quote, urlsplit

from devtools.emulator.aliyun.oss_errors import OssError

OSS_TIMEOUT_SECONDS = 5.0
MAX_URLS = 5
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
FORM = "application/x-www-form-urlencoded"


class CallbackSpecError(ValueError):
    """A `callback` / `callback-var` value OSS would refuse (not Base64 JSON, no URL, no body...)."""


def decode_b64_json(value: str, what: str) -> dict[str, Any]:
    try:
        data = json.loads(base64.b64decode(value, validate=True))
    except (binascii.Error, ValueError):
        raise CallbackSpecError(f"The {what} is not Base64 of JSON.") from None
    if not isinstance(data, dict):
        raise CallbackSpecError(f"The {what} must be a JSON object.")
    return data


def callback_variables(obj: Any, custom: dict[str, str]) -> dict[str, str]:
    """The values OSS substitutes: system variables of the stored object plus the `x:` variables."""
    image = obj.content_type.startswith("image/")
    values = {"bucket": obj.bucket, "object": obj.key, "etag": obj.etag, "size": str(obj.size),
              "mimeType": obj.content_type, "imageInfo.height": "", "imageInfo.width": "",
              "imageInfo.format": obj.content_type.split("/", 1)[1] if image else ""}
    values.update({k: str(v) for k, v in custom.items() if k.startswith("x:")})
    return values


def render_body(template: str, body_type: str, values: dict[str, str]) -> bytes:
    """Substitute `${name}` in the body template as OSS does for the body type."""
    if body_type == FORM:
        def encode(value: str) -> str:
            return quote(value, safe="")
    else:
        def encode(value: str) -> str:
            return json.dumps(value, ensure_ascii=False)[1:-1]
    return _VARIABLE.sub(lambda m: encode(values.get(m.group(1), "")), template).encode("utf-8")


class OssUploadCallback:
    """The upload listener that performs OSS callbacks and answers the uploader with their result."""

    def __init__(self, emulator: Any, log: Callable[[dict[str, Any]], None]) -> None:
        self.emulator = emulator
        self.log = log

    def __call__(self, event: Any) -> Any:
        from devtools.emulator.app import UploadReply  # app imports this package

        if event.provider != "aliyun" or not event.details.get("callback"):
            return None
        try:
            spec = decode_b64_json(event.details["callback"], "callback")
            custom = dict(event.details.get("callbackVars") or {})
            if event.details.get("callbackVar"):
                custom.update(decode_b64_json(event.details["callbackVar"], "callback-var"))
            urls, body_type, template = self._parse(spec)
        except CallbackSpecError as exc:
            return _error_reply("InvalidArgument", str(exc), 400)
        body = render_body(template, body_type, callback_variables(event.obj, custom))
        signer = self.emulator.service("oss-callback-key")
        failure = "The callback was not sent."
        for url in urls:
            headers = {"Content-Type": body_type, **signer.sign(url, body)}
            if spec.get("callbackHost"):
                headers["Host"] = str(spec["callbackHost"])
            answer = self.emulator.deliverer.post(url, body, headers, timeout=OSS_TIMEOUT_SECONDS)
            failure = self._failure(answer)
            self.log({"notice": f"oss-callback {event.obj.bucket}/{event.obj.key}", "url": url,
                      "delivered": failure is None, "outcome": failure or str(answer.status)})
            if failure is None:
                return UploadReply(200, answer.body, "application/json")
        return _error_reply("CallbackFailed", failure, 203)

    @staticmethod
    def _parse(spec: dict[str, Any]) -> tuple[list[str], str, str]:
        urls = [u.strip() for u in str(spec.get("callbackUrl") or "").split(";") if u.strip()]
        if not urls or len(urls) > MAX_URLS or any(urlsplit(u).scheme not in ("http", "https") for u in urls):
            raise CallbackSpecError("The callbackUrl is missing or invalid.")
        template = str(spec.get("callbackBody") or "")
        if not template:
            raise CallbackSpecError("The callbackBody is empty.")
        body_type = str(spec.get("callbackBodyType") or FORM)
        if body_type not in (FORM, "application/json"):
            raise CallbackSpecError("The callbackBodyType is not supported.")
        return urls, body_type, template

    @staticmethod
    def _failure(answer: Any) -> str | None:
        """None when OSS accepts the answer (200 with a JSON body), else the CallbackFailed message."""
        if answer.status == 0:
            return "Error status : -1. The callback server is unreachable or did not answer in time."
        if answer.status != 200:
            return f"Error status : {answer.status}."
        try:
            json.loads(answer.body)
        except ValueError:
            return "Response body is not valid json format."
        return None


def _error_reply(code: str, message: str, status: int) -> Any:
    from devtools.emulator.app import UploadReply  # app imports this package

    return UploadReply(status, bytes(OssError(code, message, status).response().body), "application/xml")
