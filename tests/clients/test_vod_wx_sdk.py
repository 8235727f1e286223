"""vod-wx-sdk-v2 in Node under the wx shim: from login to a ready row, through the VOD host's COS relay.

The SDK sends every COS request to vod2.qcloud.com with `Vod-Forward-Cos: <bucket host>`, slices every
file (one part below its 8 MB chunk size) and commits with the signature it applied with.
"""

from __future__ import annotations

import pytest

from devtools.emulator.tencent import vod_ugc
from tests.clients.node_support import run_node
from tests.functional.notices_support import switch  # noqa: F401
from tests.functional.tencent_support import fresh_user

MB = 1024 * 1024


def _upload(stack, size: int) -> dict:
    return run_node("vod_wx_upload.js", {"gateway": stack.gateway_url, "emulator": stack.emulator_url,
                                         "user": fresh_user(), "size": size, "name": "sea breeze"})


@pytest.mark.parametrize("size, parts", [(300 * 1024, 1), (8 * MB + 5, 2)], ids=["one-part", "two-parts"])
def test_vod_wx_upload_ends_in_a_ready_row(stack, switch, size, parts):
    completed = stack.emulator.tencent.counters.snapshot().get("cos:CompleteMultipartUpload", 0)
    result = _upload(stack, size)
    assert result["ok"], result
    row = result["row"]
    assert (row["provider"], row["kind"], row["title"], row["size"]) == ("tencent", "video", "sea breeze", size)
    assert row["mediaUrl"] == result["finish"]["videoUrl"]
    assert stack.emulator.tencent.counters.snapshot()["cos:CompleteMultipartUpload"] == completed + 1
    etag = stack.emulator.store.get(*row["mediaUrl"].split(stack.emulator_url + "/", 1)[1].split("/", 1))[0].etag
    assert etag.endswith(f"-{parts}")


def test_vod_wx_upload_with_an_expired_temporary_key_is_refused(stack, switch, monkeypatch):
    monkeypatch.setattr(vod_ugc, "TEMP_CERT_SECONDS", -1)  # the tempCertificate has run out when COS sees it
    result = _upload(stack, 300 * 1024)
    # The SDK reports its own {"code": -2, "message": "cos error"}; COS answered ExpiredToken.
    assert not result["ok"] and result["error"] == {"code": -2, "message": "cos error"}, result
    assert result["refused"] and all("<Code>ExpiredToken</Code>" in r["body"] and r["statusCode"] == 400
                                     for r in result["refused"]), result
