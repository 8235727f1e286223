"""What a user id is: a WeChat openid (or a unionid), the JWT `sub` and the folder of the user's uploads."""

from __future__ import annotations

import re

USER_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def is_user_id(value: object) -> bool:
    """True for 1 to 64 letters, digits, '-' or '_': a segment that needs no escaping anywhere."""
    return isinstance(value, str) and USER_ID_PATTERN.fullmatch(value) is not None
