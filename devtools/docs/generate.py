"""Write (or check) the generated documents: docs/settings.md and docs/http-api.md."""

from __future__ import annotations

from pathlib import Path

from devtools.gateway.registry import REPO, Registry, ensure_layer_on_path
from devtools.template import load_template


def generated(repo: Path = REPO) -> dict[Path, str]:
    """Each generated document's path and the text the code says it should hold."""
    ensure_layer_on_path()
    from devtools.docs.http_reference import render_http_api
    from devtools.docs.settings_reference import load_declarations, render_settings
    from devtools.gateway.openapi import openapi_document

    template = load_template(repo / "template.yaml")
    document = openapi_document(Registry(template))
    return {repo / "docs" / "settings.md": render_settings(load_declarations(), template),
            repo / "docs" / "http-api.md": render_http_api(document)}


def stale(repo: Path = REPO) -> list[Path]:
    """Generated documents whose file differs from what the code would write."""
    return [path for path, text in generated(repo).items()
            if not path.is_file() or path.read_text(encoding="utf-8") != text]


def write(repo: Path = REPO) -> list[Path]:
    """Rewrite every generated document that is out of date; returns those written."""
    written = []
    for path, text in generated(repo).items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
