"""Decoding JSON that a client or a platform event controls."""

from __future__ import annotations

import json
from typing import Any


def loads_untrusted(raw: str | bytes) -> Any:
    """`json.loads` where every way the input can be bad is a ValueError.

    Besides syntax errors (and bad UTF-8, both ValueErrors already), deep nesting
    raises RecursionError and integers over Python's digit limit raise a plain
    ValueError; callers turn the ValueError into their own 4xx.
    """
    try:
        return json.loads(raw)
    except RecursionError:
        raise ValueError("JSON is nested too deeply") from None
