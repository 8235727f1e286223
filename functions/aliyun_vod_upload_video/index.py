"""POST /aliyun/vod/upload-video: VOD CreateUploadVideo for the caller, recorded as an upload in progress."""

from starlette.requests import Request

from upvend.aliyun.credentials import function_credentials
from upvend.aliyun.media import record_vod_upload
from upvend.aliyun.vod import create_upload_video, media_rule
from upvend.aliyun.vod_input import VideoUploadBody
from upvend.aliyun.vod_post_form import VodVideoFormAnswer, vod_post_form
from upvend.auth import authenticate
from upvend.quotas import credential_allowed
from upvend.http import ApiRoute, create_app, http_handler, json_response, read_json
from upvend.uploads import upload_rule


async def upload_video(request: Request):
    user = authenticate(request.headers)
    body = await read_json(request, VideoUploadBody)
    rule = media_rule(body.fileName, body.fileSize)
    if body.postObject:  # checked before VOD is asked, so a refused form leaves no half-made upload
        rule = upload_rule(body.fileName, body.contentType, body.fileSize)
    credential_allowed(user, size=body.fileSize, reserves=True)
    upload = create_upload_video(function_credentials(context=request.scope.get("aws.context")), user,
                                 title=body.title, file_name=body.fileName, file_size=body.fileSize,
                                 description=body.description, tags=body.tags, cover_url=body.coverUrl)
    # VOD keeps audio as videos (one VideoId space); the row says which it was in `extra`.
    record_vod_upload(user, upload.media_id, "video", title=body.title, size=body.fileSize,
                      extra={"fileName": body.fileName, "contentClass": rule.content_class},
                      auth_expires=upload.expires_at)
    answer = upload.to_json("videoId")
    if body.postObject:
        form = vod_post_form(upload, content_type=rule.content_type, size=body.fileSize)
        answer["postObject"] = form.model_dump()
    return json_response(answer)


app = create_app([ApiRoute("POST", "/aliyun/vod/upload-video", upload_video, "VOD upload address and auth for a new video",
                           request=VideoUploadBody, response=VodVideoFormAnswer, errors=(429, 502, 503))])
handler = main_handler = http_handler(app, function="aliyun-vod-upload-video")
