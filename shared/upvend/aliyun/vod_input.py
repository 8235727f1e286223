"""Request bodies of the VOD routes, validated against VOD's own limits before any call."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, field_validator, model_validator

from upvend import settings

MAX_TITLE, MAX_DESCRIPTION, MAX_TAGS, MAX_TAG = 128, 1024, 16, 32
VOD_IMAGE_EXTENSIONS = ("png", "jpg", "jpeg", "gif", "heic", "webp")
# Emoji that live inside the Basic Multilingual Plane, plus the joiners that build emoji sequences.
_BMP_EMOJI = re.compile("[\u2190-\u21ff\u2300-\u23ff\u2460-\u24ff\u25a0-\u27bf\u2900-\u297f"
                        "\u2b00-\u2bff\u3030\u303d\u3297\u3299\ufe0e\ufe0f\u200d\u20e3]")


def check_vod_text(value: str, field: str) -> str:
    """VOD answers IllegalCharacters for emoji; reject them (and control characters) up front."""
    if any(ord(ch) > 0xFFFF for ch in value) or _BMP_EMOJI.search(value):
        raise ValueError(f"{field} must not contain emoji or characters outside the Basic Multilingual Plane")
    if any(unicodedata.category(ch) in ("Cc", "Cs", "Co") for ch in value):
        raise ValueError(f"{field} must not contain control characters")
    return value


def _tags(value: Optional[list[str]]) -> Optional[list[str]]:
    if value is None:
        return None
    if len(value) > MAX_TAGS:
        raise ValueError(f"at most {MAX_TAGS} tags")
    tags = []
    for tag in value:
        tag = check_vod_text(tag.strip(), "a tag")
        if not 1 <= len(tag) <= MAX_TAG:
            raise ValueError(f"each tag needs 1 to {MAX_TAG} characters")
        if "," in tag:
            raise ValueError("tags must not contain commas (VOD joins them with commas)")
        tags.append(tag)
    return list(dict.fromkeys(tags))


Title = Annotated[StrictStr, Field(min_length=1, max_length=MAX_TITLE)]
ContentType = Annotated[StrictStr, Field(min_length=3, max_length=128, pattern=r"^[A-Za-z0-9.+-]+/[A-Za-z0-9.+-]+$")]
# Required: it counts against the caller's daily bytes before VOD is asked (and a form pins it exactly).
FileSize = Annotated[StrictInt, Field(gt=0)]
Tags = Optional[Annotated[list[StrictStr], Field(max_length=MAX_TAGS)]]


class _VodBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("title", "description", check_fields=False)
    @classmethod
    def _text(cls, value: Optional[str], info) -> Optional[str]:
        return None if value is None else check_vod_text(value, info.field_name)

    @field_validator("tags", check_fields=False)
    @classmethod
    def _check_tags(cls, value: Optional[list[str]]) -> Optional[list[str]]:
        return _tags(value)

    @model_validator(mode="after")
    def _form_needs_type(self):
        # A PostObject form pins the exact Content-Type (and size), so it must be known.
        if getattr(self, "postObject", False) and self.contentType is None:
            raise ValueError("postObject needs contentType")
        return self


class VideoUploadBody(_VodBody):
    """`POST /aliyun/vod/upload-video`."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra={
        "examples": [{"title": "Holiday", "fileName": "holiday.mp4", "fileSize": 1048576, "tags": ["trip"]}]})

    title: Title
    fileName: Annotated[StrictStr, Field(min_length=3, max_length=255)]
    fileSize: FileSize
    description: Optional[Annotated[StrictStr, Field(max_length=MAX_DESCRIPTION)]] = None
    tags: Tags = None
    coverUrl: Optional[Annotated[StrictStr, Field(max_length=1024, pattern=r"^https?://\S+$")]] = None
    postObject: StrictBool = False  # also answer a signed PostObject form for the upload address
    contentType: Optional[ContentType] = None

    @field_validator("fileName")
    @classmethod
    def _file_name(cls, value: str) -> str:
        return check_vod_text(value.replace("\\", "/").rsplit("/", 1)[-1], "fileName")


class VideoRefreshBody(BaseModel):
    """`POST /aliyun/vod/upload-video/refresh`."""

    model_config = ConfigDict(extra="forbid")

    videoId: Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")]


class ImageUploadBody(_VodBody):
    """`POST /aliyun/vod/upload-image`."""

    imageType: Literal["default", "cover"]
    imageExt: Optional[StrictStr] = None
    title: Optional[Title] = None
    tags: Tags = None
    postObject: StrictBool = False  # also answer a signed PostObject form for the upload address
    fileSize: FileSize
    contentType: Optional[ContentType] = None

    @field_validator("imageExt")
    @classmethod
    def _image_ext(cls, value: Optional[str]) -> Optional[str]:
        if value is None:
            return None
        ext = value.lower().lstrip(".")
        allowed = [e for e in VOD_IMAGE_EXTENSIONS if e in settings.get("ALLOWED_EXTENSIONS")]
        if ext not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return ext
