"""multipart/form-data parsing for form uploads, keeping field order (COS wants `file` last)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_DISPOSITION_PARAM = re.compile(r';\s*([a-zA-Z*]+)="((?:[^"\\]|\\.)*)"')


class MalformedForm(ValueError):
    pass


@dataclass
class FormPart:
    name: str
    value: bytes
    filename: str | None = None
    content_type: str | None = None

    @property
    def text(self) -> str:
        return self.value.decode("utf-8", "replace")


def parse_form(content_type: str, body: bytes) -> list[FormPart]:
    """Split a multipart/form-data body into its parts, in order."""
    match = re.search(r'boundary="?([^";]+)"?', content_type or "")
    if not content_type.lower().startswith("multipart/form-data") or not match:
        raise MalformedForm("the body must be multipart/form-data with a boundary")
    delimiter = b"--" + match.group(1).encode("latin-1")
    chunks = body.split(delimiter)
    if len(chunks) < 3 or not chunks[-1].startswith(b"--"):
        raise MalformedForm("the multipart body is not terminated")
    parts = []
    for chunk in chunks[1:-1]:
        if not chunk.startswith(b"\r\n") or not chunk.endswith(b"\r\n"):
            raise MalformedForm("a multipart part is not framed by CRLF")
        head, sep, value = chunk[2:-2].partition(b"\r\n\r\n")
        if not sep:
            raise MalformedForm("a multipart part has no header end")
        headers = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, _, text = line.partition(":")
            headers[name.strip().lower()] = text.strip()
        params = dict(_DISPOSITION_PARAM.findall(headers.get("content-disposition", "")))
        if "name" not in params:
            raise MalformedForm("a multipart part has no name")
        parts.append(FormPart(params["name"], value, params.get("filename"), headers.get("content-type")))
    return parts
