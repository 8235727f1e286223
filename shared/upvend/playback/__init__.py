"""Short-lived URLs that let an owner open their media: presigned object GETs and CDN/VOD URL signing.

Each signer is pure string work on the standard library; only `aliyun_play_info`
calls a cloud API (VOD GetPlayInfo). Signed URLs are made per request and never
stored or logged.
"""
