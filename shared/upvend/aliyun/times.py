"""UTC timestamps as Aliyun writes them and as upvend answers them."""

from __future__ import annotations

from datetime import datetime, timezone


def parse_utc(text: str) -> datetime:
    """An Aliyun UTC timestamp (`2015-04-09T11:52:19Z`, optionally with fractions) as an aware datetime."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def iso_z(value: datetime) -> str:
    """`2025-01-01T12:00:00Z` (aware datetimes only; naive ones are a bug)."""
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
