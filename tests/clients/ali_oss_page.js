// Runs in Chromium beside ali-oss's browser build (window.OSS) and sdk_outcomes.js: what an H5 page does with upvend's answers.
// Each flow logs in, gets credentials, uploads, and returns what the SDK reported; refusals are collected too.
"use strict";

const MiB = 1024 * 1024;
const clients = {};

async function api(path, token, body) {
  const answer = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body || {}),
  });
  if (!answer.ok) throw new Error(`${path} answered ${answer.status}: ${await answer.text()}`);
  return answer.json();
}

// refusal() and testBytes() come from sdk_outcomes.js, loaded before this script.
function file(size, name, type) {
  return new File([testBytes(size, size & 0xff)], name, { type });
}

function decodeBase64Json(text) {
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(text), (c) => c.charCodeAt(0))));
}

/** /aliyun/sts: the answer's endpoint, bucket and keys as they are; put, then multipartUpload with 1 MiB parts. */
window.aliOssSts = async function aliOssSts(name) {
  const { token } = await api("/auth/wechat", null, { code: `test-${name}` });
  const sts = await api("/aliyun/sts", token, {});
  const client = new OSS({
    endpoint: sts.endpoint, bucket: sts.bucket,
    accessKeyId: sts.accessKeyId, accessKeySecret: sts.accessKeySecret, stsToken: sts.securityToken,
  });
  clients.sts = { client, prefix: sts.prefix };
  const putKey = `${sts.prefix}browser/photo.jpg`;
  const put = await client.put(putKey, file(4096, "photo.jpg", "image/jpeg"));
  const bigKey = `${sts.prefix}browser/clip.mp4`;
  const big = file(2 * MiB + 4321, "clip.mp4", "video/mp4");
  const multipart = await client.multipartUpload(bigKey, big, { partSize: MiB });
  const stolen = `uploads/o-someone-else/${name}.jpg`;
  return {
    token, bucket: sts.bucket, endpoint: sts.endpoint, accessKeyId: sts.accessKeyId,
    put: { key: putKey, status: put.res.status, etag: put.res.headers.etag },
    multipart: { key: bigKey, status: multipart.res.status, etag: multipart.etag, size: big.size },
    outsidePut: await refusal(client.put(stolen, file(10, "x.jpg", "image/jpeg"))),
    outsideMultipart: await refusal(client.multipartUpload(stolen, big, { partSize: MiB })),
  };
};

/**
 * Aliyun VOD as its web upload SDK drives ali-oss: UploadAddress gives endpoint, bucket and object,
 * UploadAuth the STS key; multipartUpload with 1 MiB parts.
 */
window.aliOssVod = async function aliOssVod(name) {
  const { token } = await api("/auth/wechat", null, { code: `test-${name}` });
  const big = file(3 * MiB + 777, "trip.mp4", "video/mp4");
  const video = await api("/aliyun/vod/upload-video", token, { title: "Trip", fileName: big.name, fileSize: big.size });
  const address = decodeBase64Json(video.uploadAddress);
  const auth = decodeBase64Json(video.uploadAuth);
  const client = new OSS({
    endpoint: address.Endpoint, bucket: address.Bucket,
    accessKeyId: auth.AccessKeyId, accessKeySecret: auth.AccessKeySecret, stsToken: auth.SecurityToken,
  });
  clients.vod = { client, key: address.FileName };
  const multipart = await client.multipartUpload(address.FileName, big, { partSize: MiB, parallel: 5 });
  return {
    token, videoId: video.videoId, endpoint: address.Endpoint, accessKeyId: auth.AccessKeyId,
    multipart: { key: address.FileName, status: multipart.res.status, etag: multipart.etag, size: big.size },
    // The UploadAuth key may write only its one object.
    outside: await refusal(client.put(`${address.FileName}.other.mp4`, file(10, "x.mp4", "video/mp4"))),
  };
};

/** After the emulator expired the key: the same client's next write. */
window.aliOssAfterExpiry = async function aliOssAfterExpiry(which) {
  const { client, prefix, key } = clients[which];
  return refusal(client.put(prefix ? `${prefix}browser/late.jpg` : key, file(10, "late.jpg", "image/jpeg")));
};
