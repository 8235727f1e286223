"""GET /media, GET /media/{id} and DELETE /media/{id}: the caller's own media, newest first, with an opaque cursor.

Each ready row carries short-lived signed URLs (`playUrl`, `thumbnailUrl`) made for this answer only.
DELETE removes the object or VOD media through the cloud's API, then marks the row `deleted`;
repeating it is harmless, and no later notice brings the row back.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request

from upvend.auth import authenticate
from upvend.errors import NotFound, ValidationFailed
from upvend.http import ApiRoute, create_app, http_handler, json_response, parse_model
from upvend.media_api import MediaItem, MediaPage, decode_cursor, encode_cursor, parse_public_id, record_json
from upvend.media_removal import remove_from_cloud
from upvend.playback.media_links import links_for
from upvend.storage.media import STATUSES, ListPosition, MediaRepository

Status = Literal[STATUSES]  # type: ignore[valid-type]


class MediaListQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: Annotated[int, Field(ge=1, le=100)] = 20
    cursor: Annotated[str, Field(min_length=1, max_length=2048)] | None = None
    status: Status | None = None
    provider: Literal["aliyun", "tencent"] | None = None


def _query(request: Request) -> MediaListQuery:
    items = request.query_params.multi_items()
    names = [name for name, _ in items]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValidationFailed(f"Repeated query parameter(s): {', '.join(repeated)}.",
                               details=[{"field": n, "message": "given more than once"} for n in repeated])
    return parse_model(MediaListQuery, dict(items))


async def list_media(request: Request):
    owner = authenticate(request.headers)
    query = _query(request)
    after = decode_cursor(query.cursor) if query.cursor else None
    rows = MediaRepository().list_owned(owner, limit=query.limit + 1, after=after, status=query.status,
                                        provider=query.provider)
    page = rows[:query.limit]
    more = len(rows) > query.limit
    cursor = encode_cursor(ListPosition(page[-1].created_at, page[-1].provider, page[-1].media_id)) if more else None
    return json_response({"items": [record_json(r, links_for(r).to_json()) for r in page], "nextCursor": cursor})


def _owned(request: Request, owner: str, repo: MediaRepository):
    """The caller's row named by the path; 404 for an unknown id and for another user's alike."""
    ids = parse_public_id(request.path_params["id"])
    record = repo.get_owned(ids[0], ids[1], owner) if ids else None
    if record is None:
        raise NotFound("No such media.")
    return record


async def get_media(request: Request):
    owner = authenticate(request.headers)
    record = _owned(request, owner, MediaRepository())
    return json_response(record_json(record, links_for(record).to_json()))


async def delete_media(request: Request):
    owner = authenticate(request.headers)
    repo = MediaRepository()
    record = _owned(request, owner, repo)
    # Removed from the cloud first: a `deleted` row means the content is gone. A failed removal
    # leaves the row as it was, and the client's retry tries again.
    remove_from_cloud(record)
    repo.mark_deleted(record.provider, record.media_id, owner)
    return json_response(record_json(_owned(request, owner, repo)))


app = create_app([
    ApiRoute("GET", "/media", list_media, "The caller's media, newest first", query=MediaListQuery,
             response=MediaPage, errors=(503,)),
    ApiRoute("GET", "/media/{id}", get_media, "One of the caller's media", response=MediaItem, errors=(404, 503)),
    ApiRoute("DELETE", "/media/{id}", delete_media,
             "Delete one of the caller's media: the object or VOD media is removed from the cloud and the row "
             "answered with status `deleted` (idempotent; another user's id is 404)",
             response=MediaItem, errors=(404, 409, 502, 503)),
])
handler = main_handler = http_handler(app, function="media-query")
