"""Decoding JSON that a client or a platform event controls."""

from __future__ import annotations

import json
from typing import Any

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def _int64(text: str) -> int:
    value = int(text)
    if not INT64_MIN <= value <= INT64_MAX:
        raise ValueError("JSON integer outside the signed 64-bit range")
    return value


def unencodable_text(value: Any) -> bool:
    """True if a string anywhere in `value` (keys included) cannot be UTF-8 (a lone surrogate)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return False


_DECODER = json.JSONDecoder(parse_int=_int64)


def loads_untrusted(raw: str | bytes) -> Any:
    """`json.loads` where every way the input can be bad is a ValueError.

    Besides syntax errors (and bad UTF-8, both ValueErrors already), deep nesting
    raises RecursionError and integers over Python's digit limit raise a plain
    ValueError. Values no database column or text encoding can hold are refused
    here too: integers outside 64 bits and `\\ud800`-style lone surrogates.
    Callers turn the ValueError into their own 4xx.
    """
    try:
        if isinstance(raw, (bytes, bytearray)):  # as json.loads reads bytes
            raw = raw.decode(json.detect_encoding(raw), "surrogatepass")
        value = _DECODER.decode(raw)
    except RecursionError:
        raise ValueError("JSON is nested too deeply") from None
    if _may_hold_surrogates(raw) and unencodable_text(value):
        raise ValueError("JSON text holds a lone surrogate, which is not Unicode text")
    return value


def _may_hold_surrogates(raw: str | bytes) -> bool:
    """False when no decoded string can hold a lone surrogate: the text has no `\\u` escape and no
    surrogate code point (a UTF-8 surrogate always starts with byte 0xED). Saves walking every event."""
    if isinstance(raw, (bytes, bytearray)):
        return json.detect_encoding(raw) != "utf-8" or b"\\u" in raw or b"\xed" in raw
    if "\\u" in raw:
        return True
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
