"""The console function: pages and assets with their content types and a strict CSP, and its config."""

from __future__ import annotations

import re

import pytest

from upvend.uploads import upload_types

PAGES = ["/console", "/console/upload"]
ASSETS = {"console.js": "text/javascript", "upload.js": "text/javascript", "common.js": "text/javascript",
          "upload_paths.js": "text/javascript", "sdk_paths.js": "text/javascript", "style.css": "text/css",
          "vendor-cos-js-sdk-v5-1.10.1.min.js": "text/javascript", "vendor-ali-oss-6.23.0.LICENSE.txt": "text/plain"}


def csp_directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("provider", ["aliyun", "tencent"])
def test_pages_are_html_with_a_strict_csp_and_no_inline_code(gateway, path, provider):
    response = gateway.get(path, headers={"X-Upvend-Provider": provider})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["x-content-type-options"] == "nosniff"
    csp = csp_directives(response.headers["content-security-policy"])
    assert csp["default-src"] == ["'none'"]
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in value for values in csp.values() for value in values)
    html = response.text
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts and all('src="/console/assets/' in attrs and not body.strip() for attrs, body in scripts)
    assert not re.search(r"\son[a-z]+=", html), "inline event handlers would be blocked by the CSP"
    assert "<style" not in html and 'style="' not in html
    assert not re.search(r"""(src|href)=["']https?://""", html), "the pages load nothing from elsewhere"


def test_the_local_stack_lets_the_pages_reach_the_emulator(gateway, stack):
    csp = csp_directives(gateway.get("/console").headers["content-security-policy"])
    assert stack.emulator_url in csp["connect-src"] and stack.emulator_url in csp["img-src"]
    assert "'self'" in csp["connect-src"] and "https://*.aliyuncs.com" in csp["connect-src"]


@pytest.mark.parametrize("name,content_type", ASSETS.items())
def test_assets_have_their_content_types(gateway, name, content_type):
    response = gateway.get(f"/console/assets/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == content_type
    assert response.headers["cache-control"] == "no-cache"
    assert "content-security-policy" in response.headers


@pytest.mark.parametrize("name", ["missing.js", "..%2Findex.py", "index.py", ".hidden.js"])
def test_unknown_assets_are_404_json(gateway, name):
    response = gateway.get(f"/console/assets/{name}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_config_names_the_api_base(gateway, monkeypatch):
    assert gateway.get("/console/config.json").json() == {"apiBase": "", "uploadTypes": upload_types()}
    monkeypatch.setenv("UPVEND_CONSOLE_API_BASE", "https://api.example.com/")
    response = gateway.get("/console/config.json")
    assert response.json()["apiBase"] == "https://api.example.com"
    assert "https://api.example.com" in csp_directives(response.headers["content-security-policy"])["connect-src"]


def test_a_malformed_setting_is_a_clear_configuration_error(gateway, monkeypatch):
    monkeypatch.setenv("UPVEND_CONSOLE_MEDIA_ORIGINS", "https://cdn.example.com/path")
    response = gateway.get("/console")
    assert response.status_code == 500
    assert "UPVEND_CONSOLE_MEDIA_ORIGINS" in response.json()["error"]["message"]


def test_only_get_is_served(gateway):
    assert gateway.post("/console").status_code == 405
