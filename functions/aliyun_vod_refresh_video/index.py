"""POST /aliyun/vod/upload-video/refresh: a fresh UploadAuth, only for a video the caller owns."""

from starlette.requests import Request

from upvend.aliyun.credentials import function_credentials
from upvend.aliyun.media import owns_vod_video
from upvend.aliyun.vod import VodUploadAnswer, refresh_upload_video
from upvend.aliyun.vod_input import VideoRefreshBody
from upvend.auth import authenticate
from upvend.errors import NotFound
from upvend.quotas import credential_allowed
from upvend.http import ApiRoute, create_app, http_handler, json_response, read_json
from upvend.storage.media import MediaRepository
from upvend.upload_reservations import lapses_at


async def refresh_video(request: Request):
    user = authenticate(request.headers)
    body = await read_json(request, VideoRefreshBody)
    # RefreshUploadVideo lets the holder overwrite the source file: never for someone else's video.
    if not owns_vod_video(user, body.videoId):
        raise NotFound("No such video.", code="video_not_found")
    credential_allowed(user)
    upload = refresh_upload_video(function_credentials(context=request.scope.get("aws.context")), body.videoId)
    MediaRepository().extend_reservation("aliyun", body.videoId, user, lapses_at(upload.expires_at))
    return json_response(upload.to_json("videoId"))


app = create_app([ApiRoute("POST", "/aliyun/vod/upload-video/refresh", refresh_video,
                           "A fresh upload auth for a video the caller owns",
                           request=VideoRefreshBody, response=VodUploadAnswer, errors=(404, 429, 502, 503))])
handler = main_handler = http_handler(app, function="aliyun-vod-refresh-video")
