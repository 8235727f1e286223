"""Each function works with only the environment template.yaml gives it, and reads no setting outside it.

A deployed function sees exactly its template `env` (plus the platform's role credentials). Each function
runs here in a clean interpreter with only those variables (dev values pointing at the emulator), serves
one ordinary successful request, and reports every `UPVEND_*` setting it read: a setting read but not
declared could not be configured by a deployer, and one without a default would fail in the cloud.
The cloud API calls the emulator saw during the run must all be in the function's `permissions`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlencode

import pytest

from devtools.local_env import DEV_TENCENT_VOD_CALLBACK_TOKEN
from devtools.template import load_template
from tests.conftest import bearer
from tests.functional.aliyun_support import vod_bucket
from tests.functional.media_rows import unique, vod_headers
from tests.functional.notices_support import wait_idle
from tests.functional.test_notices_tencent_e2e import ugc_upload
from tests.functional.test_storage_triggers import cos_event, oss_event
from tests.functional.test_tencent_vod_callback import new_file
from upvend import settings
from upvend.aliyun.callback_binding import callback_binding

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = load_template(REPO / "template.yaml")
PLATFORM_CREDENTIALS = {"aliyun": ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
                                   "ALIBABA_CLOUD_SECURITY_TOKEN"),
                        "tencent": ("TENCENTCLOUD_SECRETID", "TENCENTCLOUD_SECRETKEY", "TENCENTCLOUD_SESSIONTOKEN")}
JSON = ("content-type", "application/json")


def post(path: str, body: Any, *headers: tuple[str, str]) -> dict[str, Any]:
    return {"method": "POST", "path": path, "body": json.dumps(body), "headers": [JSON, *headers]}


def authorized(request: dict[str, Any], token: str) -> dict[str, Any]:
    request["headers"] = [*request.get("headers", []), *bearer(token).items()]
    return request


# function -> job builder(ctx); ctx has the stack, a gateway client and a logged-in token.
def _vod_callback(ctx) -> dict:
    # A video VOD has (the function reads it back), uploaded as the upload SDKs do.
    made = ctx.gateway.post("/aliyun/vod/upload-video", json={"title": "clip", "fileName": "clip.mp4", "fileSize": 1000},
                            headers=bearer(ctx.token))
    assert made.status_code == 200, made.text
    bucket, key = vod_bucket(made.json()["uploadAddress"], made.json()["uploadAuth"])
    assert bucket.put_object(key, b"\x00\x00\x00\x18ftypmp42 env check").status == 200
    url = ctx.stack.settings["UPVEND_ALIYUN_VOD_CALLBACK_URL"]
    event = {"Status": "success", "EventTime": unique("2024-05-01T08:00:00Z-"), "EventType": "FileUploadComplete",
             "VideoId": made.json()["videoId"], "Size": 10, "Extend": json.dumps({"uid": "o-envcheck"})}
    return {"request": post("/aliyun/vod/callback", event, *vod_headers(url).items())}


def _tencent_vod_callback(ctx) -> dict:
    file_id = ugc_upload(ctx.gateway, ctx.stack, ctx.token)["fileId"]  # a file VOD has: it is read back
    return {"request": post(f"/tencent/vod/callback/{DEV_TENCENT_VOD_CALLBACK_TOKEN}",
                            new_file(file_id, owner="o-envcheck"))}


def _oss_callback(ctx) -> dict:
    path = "/aliyun/oss/callback"
    key = f"uploads/o-envcheck/2024/05/{unique('')}.jpg"
    body = urlencode({"bucket": "upvend-dev", "object": key, "etag": "D8E8FCA2DC0F896FD7CB4CB0031BA249", "size": "5",
                      "mimeType": "image/jpeg", "uid": "o-envcheck",
                      "binding": callback_binding("upvend-dev", key, "o-envcheck")})
    signed = ctx.stack.emulator.service("oss-callback-key").sign(ctx.stack.gateway_url + path, body.encode())
    return {"request": {"method": "POST", "path": path, "body": body,
                        "headers": [("content-type", "application/x-www-form-urlencoded"), *signed.items()]}}


def _refresh(ctx) -> dict:
    made = ctx.gateway.post("/aliyun/vod/upload-video", json={"title": "clip", "fileName": "clip.mp4", "fileSize": 1000},
                            headers=bearer(ctx.token))
    assert made.status_code == 200, made.text
    return {"request": authorized(post("/aliyun/vod/upload-video/refresh", {"videoId": made.json()["videoId"]}),
                                  ctx.token)}


def _explain(ctx) -> dict:
    signed = ctx.gateway.post("/tencent/vod/signature", json={}, headers=bearer(ctx.token))
    assert signed.status_code == 200, signed.text
    return {"request": authorized(post("/tencent/vod/signature/explain", {"signature": signed.json()["signature"]}),
                                  ctx.token)}


def _as_user(path: str, body: Any = None, method: str = "POST") -> Callable[[Any], dict]:
    def build(ctx) -> dict:
        request = post(path, body) if method == "POST" else {"method": method, "path": path}
        return {"request": authorized(request, ctx.token)}
    return build


def _media_of(provider: str) -> Callable[[Any], dict]:
    """GET /media for a user owning a ready object-storage row and a ready VOD row of `provider`."""
    def build(ctx) -> dict:
        from upvend.storage.media import MediaRepository
        from upvend.storage.notices import MediaNotice

        bucket = ctx.stack.settings["UPVEND_ALIYUN_OSS_BUCKET" if provider == "aliyun" else
                                    "UPVEND_TENCENT_COS_BUCKET"]
        key = f"uploads/o-envcheck/2024/05/{unique('')}.jpg"
        vod_id = unique("v")
        for media_id, kind, fields in ((f"{bucket}/{key}", "image", {"bucket": bucket, "object_key": key}),
                                       (vod_id, "video", {"media_url": f"{ctx.stack.emulator_url}/vod/{vod_id}.mp4"})):
            MediaRepository().apply(MediaNotice(dedupe_key=unique("envcheck"), event_type="envcheck",
                                                provider=provider, media_id=media_id, kind=kind, status="ready",
                                                owner="o-envcheck", **fields))
        return _as_user("/media", method="GET")(ctx)
    return build


def _lapsed_vod_reservation(ctx) -> dict:
    """A VOD reservation whose lapse time passed, so the timer releases it (DeleteVideo) and expires it."""
    from datetime import datetime, timedelta, timezone

    from upvend.storage.media import MediaRepository

    answer = ctx.gateway.post("/aliyun/vod/upload-video", json={"title": "gone", "fileName": "gone.mp4",
                                                                "fileSize": 10}, headers=bearer(ctx.token))
    assert answer.status_code == 200, answer.text
    db = MediaRepository().db
    db.execute("UPDATE {media} SET expires_at = ? WHERE media_id = ?",
               (db.dialect.time_param(datetime.now(timezone.utc) - timedelta(seconds=1)), answer.json()["videoId"]))
    return {"event": {"triggerTime": "2024-05-01T00:00:00Z", "triggerName": "timer", "payload": ""}}


IMAGE = {"fileName": "cat.jpg", "contentType": "image/jpeg", "size": 100}
JOBS: dict[str, Callable[[Any], dict]] = {
    "auth-wechat": lambda ctx: {"request": post("/auth/wechat", {"code": "test-envcheck"})},
    "auth-wechat-scf": lambda ctx: {"request": post("/auth/wechat", {"code": "test-envcheck"})},
    "aliyun-vod-upload-video": _as_user("/aliyun/vod/upload-video", {"title": "clip", "fileName": "clip.mp4",
                                                                      "fileSize": 1000}),
    "aliyun-vod-refresh-video": _refresh,
    "aliyun-vod-upload-image": _as_user("/aliyun/vod/upload-image", {"imageType": "cover", "imageExt": "jpg", "fileSize": 1000}),
    "aliyun-sts": _as_user("/aliyun/sts", {}),
    "aliyun-oss-post-policy": _as_user("/aliyun/oss/post-policy", IMAGE),
    "tencent-vod-signature": _as_user("/tencent/vod/signature", {}),
    "tencent-cos-sts": _as_user("/tencent/cos/sts", {}),
    "tencent-cos-post-policy": _as_user("/tencent/cos/post-policy", IMAGE),
    "tencent-vod-explain": _explain,
    "aliyun-vod-callback": _vod_callback,
    "aliyun-oss-callback": _oss_callback,
    "aliyun-oss-trigger": lambda ctx: {"event": oss_event(f"uploads/o-envcheck/2024/05/{unique('')}.jpg")},
    "tencent-vod-callback": _tencent_vod_callback,
    "tencent-cos-trigger": lambda ctx: {"event": cos_event(f"uploads/o-envcheck/2024/05/{unique('')}.mp4")},
    "tencent-vod-pull": lambda ctx: {"event": {"Type": "Timer", "TriggerName": "pull-vod-events",
                                               "Time": "2024-05-01T00:00:00Z", "Message": ""}},
    "media-query": _media_of("aliyun"),
    "media-query-scf": _media_of("tencent"),
    "media-expiry": lambda ctx: _lapsed_vod_reservation(ctx),
    "media-expiry-scf": lambda ctx: {"event": {"Type": "Timer", "TriggerName": "media-expiry",
                                               "Time": "2024-05-01T00:00:00Z", "Message": ""}},
    "console": lambda ctx: {"request": {"method": "GET", "path": "/console"}},
    "console-scf": lambda ctx: {"request": {"method": "GET", "path": "/console"}},
}


class Context:
    def __init__(self, stack, gateway, token: str) -> None:
        self.stack, self.gateway, self.token = stack, gateway, token


def cloud_calls(emulator) -> Counter:
    """(provider, service:Action) -> calls so far, as the emulated clouds counted them."""
    aliyun = emulator.get("/_emulator/aliyun/calls").json()
    tencent = emulator.get("/_emulator/tencent/stats").json()["counts"]

    def qualified(action: str) -> str:
        return action if ":" in action else ("sts:" if action == "AssumeRole" else "vod:") + action

    return Counter({**{("aliyun", qualified(a)): n for a, n in aliyun.items()},
                    **{("tencent", qualified(a)): n for a, n in tencent.items()}})


def run_isolated(job: dict, environ: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "tests.deploy.isolated_function"], input=json.dumps(job),
                          capture_output=True, text=True, cwd=REPO, env=environ, timeout=60)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_every_template_function_has_a_job_here():
    assert set(JOBS) == {fn.name for fn in TEMPLATE.functions}


@pytest.mark.parametrize("name", sorted(JOBS))
def test_function_runs_on_its_template_environment_alone(name, stack, gateway, emulator, login):
    fn = TEMPLATE.function(name)
    declared = {e.name for e in fn.env}
    dev_values = {**stack.settings}
    environ = {n: dev_values[n] for n in declared if n in dev_values}
    environ.update({n: dev_values[n] for n in PLATFORM_CREDENTIALS[fn.provider]})
    job = {"function": name, **JOBS[name](Context(stack, gateway, login("envcheck")))}
    wait_idle(emulator)  # the emulated clouds' own notices for the set-up (and their read-backs) are done
    before = cloud_calls(emulator)
    result = run_isolated(job, environ)
    called = {action for (provider, action) in cloud_calls(emulator) - before if provider == fn.provider}
    assert 200 <= result["status"] < 300, result["body"]
    undeclared = sorted(set(result["read"]) - declared)
    assert undeclared == [], f"{name} reads {undeclared}, which template.yaml does not give it"
    assert called <= set(fn.permissions), f"{name} called {sorted(called)}; permissions: {fn.permissions}"
    secrets = {e.name for e in fn.env if e.secret}
    unused = sorted(secrets - set(result["read"]))
    assert unused == [], f"{name} is given secret(s) {unused} it never reads"


def test_secret_settings_are_secret_in_the_template():
    secret = {s.env_name for s in settings.declared().values() if s.secret}
    for fn in TEMPLATE.functions:
        loose = sorted(e.name for e in fn.env if e.name in secret and not e.secret)
        assert loose == [], f"{fn.name}: {loose} must be `secret: true`"
