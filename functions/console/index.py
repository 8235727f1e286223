"""GET /console (media console), GET /console/upload (H5 upload demo), their config and static files."""

from pathlib import Path

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response

from upvend.console_page import AssetFolder, page_config, security_headers
from upvend.http import ApiRoute, create_app, http_handler, json_response

STATIC = AssetFolder(Path(__file__).resolve().parent / "static")


def _file(name: str, cache: str) -> Response:
    asset = STATIC.get(name)
    return Response(asset.body, media_type=asset.content_type,
                    headers={**security_headers(), "Cache-Control": cache})


async def console(request: Request):
    return _file("console.html", "no-cache")


async def uploader(request: Request):
    return _file("upload.html", "no-cache")


async def asset(request: Request):
    # Revalidated on every load: assets are not fingerprinted, and a stale script would pair badly
    # with a fresh page.
    return _file(request.path_params["name"], "no-cache")


class UploadType(BaseModel):
    contentType: str
    # "class" is a Python keyword; the JSON field is still "class".
    content_class: str = Field(alias="class")
    maxBytes: int


class ConsoleConfig(BaseModel):
    apiBase: str
    uploadTypes: dict[str, UploadType]


async def config(request: Request):
    return json_response(page_config(), headers=security_headers())


HTML = "text/html"
app = create_app([
    ApiRoute("GET", "/console", console, "The media console page.", auth=False, media_type=HTML),
    ApiRoute("GET", "/console/upload", uploader, "The H5 upload demo page.", auth=False, media_type=HTML),
    ApiRoute("GET", "/console/config.json", config, "Where the pages find the API.", auth=False,
             response=ConsoleConfig),
    ApiRoute("GET", "/console/assets/{name}", asset, "The pages' scripts and styles.", auth=False,
             media_type=("text/javascript", "text/css", "image/svg+xml", "text/plain"), errors=(404,)),
])
handler = main_handler = http_handler(app, function="console")
