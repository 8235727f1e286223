"""The title a reservation takes from the client's file name: shown as is, so nothing hidden or structural."""

from __future__ import annotations

import pytest

from upvend.upload_reservations import MAX_TITLE, sanitized_title


@pytest.mark.parametrize("file_name, title", [
    ("cat.jpg", "cat.jpg"),
    ("C:\\fakepath\\My cat.jpg", "My cat.jpg"),  # what browsers put in a file input's value
    ("../../etc/passwd.jpg", "passwd.jpg"),
    ("a\x00b\x07c\x1b[31m.jpg", "abc[31m.jpg"),
    ("evil\u202egpj.exe.jpg", "evilgpj.exe.jpg"),  # a right-to-left override would show another extension
    ("zero\u200bwidth.png", "zerowidth.png"),
    ("  two\tlines\nhere  .mp4", "two lines here .mp4"),
    ("\u2028.jpg", ".jpg"),
    ("猫 咪.png", "猫 咪.png"),
    ("", None),
    ("/", None),
    ("\x01\x02", None),
    (None, None),
])
def test_titles_keep_the_visible_name_only(file_name, title):
    assert sanitized_title(file_name) == title


def test_long_names_are_cut_to_the_cap():
    assert sanitized_title("x" * 500 + ".jpg") == "x" * MAX_TITLE
    assert len(sanitized_title("é" * 300)) == MAX_TITLE
