"""POST /aliyun/vod/upload-image: VOD CreateUploadImage for the caller, recorded as an upload in progress."""

from starlette.requests import Request

from upvend.aliyun.credentials import function_credentials
from upvend.aliyun.media import record_vod_upload
from upvend.aliyun.vod import create_upload_image
from upvend.aliyun.vod_input import ImageUploadBody
from upvend.aliyun.vod_post_form import VodImageFormAnswer, vod_post_form
from upvend.auth import authenticate
from upvend.quotas import credential_allowed
from upvend.http import ApiRoute, create_app, http_handler, json_response, read_json
from upvend.uploads import upload_rule

DEFAULT_IMAGE_EXT = "png"  # VOD's own default


async def upload_image(request: Request):
    user = authenticate(request.headers)
    body = await read_json(request, ImageUploadBody)
    ext = body.imageExt or DEFAULT_IMAGE_EXT
    if body.postObject:  # checked before VOD is asked, so a refused form leaves no half-made upload
        rule = upload_rule(f"image.{ext}", body.contentType, body.fileSize)
    credential_allowed(user, size=body.fileSize, reserves=True)
    upload = create_upload_image(function_credentials(context=request.scope.get("aws.context")), user,
                                 image_type=body.imageType, image_ext=ext, title=body.title, tags=body.tags)
    record_vod_upload(user, upload.media_id, "image", title=body.title, size=body.fileSize,
                      media_url=upload.image_url, extra={"imageType": body.imageType, "imageExt": ext},
                      auth_expires=upload.expires_at)
    answer = upload.to_json("imageId")
    if body.postObject:
        form = vod_post_form(upload, content_type=rule.content_type, size=body.fileSize)
        answer["postObject"] = form.model_dump()
    return json_response(answer)


app = create_app([ApiRoute("POST", "/aliyun/vod/upload-image", upload_image, "VOD upload address and auth for a new image",
                           request=ImageUploadBody, response=VodImageFormAnswer, errors=(429, 502, 503))])
handler = main_handler = http_handler(app, function="aliyun-vod-upload-image")
