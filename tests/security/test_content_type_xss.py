"""Issue 12, finding 2: stored XSS through the Content-Type a client names, replayed through the local stack.

`cat.png` with `image/svg+xml` used to be pinned into the form, and the bucket then
served the file as SVG (script runs in the bucket's origin). The server derives
the type from the extension; no form pins another one, and the cloud refuses a
form whose Content-Type differs from the pinned one.
"""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import bearer
from tests.functional.aliyun_support import fresh_name
from tests.functional.notices_support import switch, wait_idle  # noqa: F401 (fixture)
from tests.security.support import rows_of, stored_under

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.domain)"/>'
ROUTES = [("/aliyun/oss/post-policy", "host", "upvend-dev"), ("/tencent/cos/post-policy", "url", "upvend-dev-1250000000")]


@pytest.mark.parametrize("route, url_field, bucket", ROUTES)
def test_an_svg_type_for_a_png_name_is_never_pinned(gateway, emulator, stack, login, switch, route, url_field,
                                                    bucket):
    name = fresh_name("mallory")
    token = login(name)
    answer = gateway.post(route, json={"fileName": "cat.png", "contentType": "image/svg+xml", "size": 1048576}, headers=bearer(token))
    form = answer.json().get("formData", {}) if answer.status_code == 200 else {}
    if form:  # what an attacker would do with a form that pinned the type
        httpx.post(answer.json()[url_field], data=form, files={"file": ("cat.png", SVG, "image/svg+xml")}, timeout=15)
    wait_idle(emulator)
    assert stored_under(stack.emulator.store, bucket, f"uploads/o-{name}") == [] and rows_of(f"o-{name}") == []
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "content_type_mismatch"


@pytest.mark.parametrize("route, url_field, bucket", ROUTES)
def test_the_form_pins_the_extensions_type_and_the_cloud_refuses_another(gateway, emulator, stack, login, switch,
                                                                         route, url_field, bucket):
    name = fresh_name("mallory")
    token = login(name)
    answer = gateway.post(route, json={"fileName": "cat.png", "contentType": "image/png", "size": 1048576}, headers=bearer(token))
    assert answer.status_code == 200, answer.text
    policy = answer.json()
    assert policy["formData"]["Content-Type"] == "image/png"
    # Changing the form's Content-Type breaks the signed policy: nothing is stored.
    refused = httpx.post(policy[url_field], data={**policy["formData"], "Content-Type": "image/svg+xml"},
                         files={"file": ("cat.png", SVG, "image/svg+xml")}, timeout=15)
    assert refused.status_code == 403
    wait_idle(emulator)
    assert stack.emulator.store.get(bucket, policy["key"]) is None
    # Only the reservation the form made, which nothing completed.
    assert [(r["object_key"], r["status"], r["events"]) for r in rows_of(f"o-{name}")] == [
        (policy["key"], "uploading", [])]
    # What the form allows is served as what its name says, never as SVG.
    httpx.post(policy[url_field], data=policy["formData"], files={"file": ("cat.png", SVG, "image/svg+xml")},
               timeout=15)
    stored, _ = stack.emulator.store.get(bucket, policy["key"])
    assert stored.content_type == "image/png"
