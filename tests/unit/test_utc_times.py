"""Aliyun's timestamps read and written as UTC, whatever the machine's zone (also run under UTC+8)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from upvend.aliyun.times import iso_z, parse_utc

NOON_UTC = datetime(2015, 4, 9, 11, 52, 19, tzinfo=timezone.utc)


@pytest.mark.parametrize("text", ["2015-04-09T11:52:19Z", "2015-04-09T11:52:19", " 2015-04-09T19:52:19+08:00 "])
def test_a_timestamp_without_a_zone_is_utc(text):
    parsed = parse_utc(text)
    assert parsed == NOON_UTC and parsed.utcoffset() == timedelta(0)


def test_fractions_are_kept():
    assert parse_utc("2015-04-09T11:52:19.250Z") == NOON_UTC + timedelta(milliseconds=250)


def test_answers_are_written_in_utc_with_a_z():
    assert iso_z(NOON_UTC.astimezone(timezone(timedelta(hours=8)))) == "2015-04-09T11:52:19Z"
    with pytest.raises(ValueError):
        iso_z(datetime(2015, 4, 9, 11, 52, 19))
