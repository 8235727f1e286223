"""POST /aliyun/vod/upload-image: VOD CreateUploadImage for the caller, recorded as an upload in progress."""

from starlette.requests import Request

from upvend.aliyun.credentials import function_credentials
from upvend.aliyun.media import record_vod_upload
from upvend.aliyun.vod import VodImageAnswer, create_upload_image
from upvend.aliyun.vod_input import ImageUploadBody
from upvend.auth import authenticate
from upvend.http import ApiRoute, create_app, http_handler, json_response, read_json

DEFAULT_IMAGE_EXT = "png"  # VOD's own default


async def upload_image(request: Request):
    user = authenticate(request.headers)
    body = await read_json(request, ImageUploadBody)
    ext = body.imageExt or DEFAULT_IMAGE_EXT
    upload = create_upload_image(function_credentials(context=request.scope.get("aws.context")), user,
                                 image_type=body.imageType, image_ext=ext, title=body.title, tags=body.tags)
    record_vod_upload(user, upload.media_id, "image", title=body.title, media_url=upload.image_url,
                      extra={"imageType": body.imageType, "imageExt": ext})
    return json_response(upload.to_json("imageId"))


app = create_app([ApiRoute("POST", "/aliyun/vod/upload-image", upload_image, "VOD upload address and auth for a new image",
                           request=ImageUploadBody, response=VodImageAnswer, errors=(502, 503))])
handler = main_handler = http_handler(app, function="aliyun-vod-upload-image")
