"""Environment variables set for the length of a block, as a function's platform would set them."""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def overridden(values: dict[str, str]) -> Iterator[None]:
    """Set `values` in os.environ inside the block; restore what was there (or its absence) after."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
