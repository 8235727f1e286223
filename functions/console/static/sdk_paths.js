// Uploads through the official web SDKs, as a user's H5 page does them. The builds are vendored from the
// pinned npm packages (vendor-*.js, licences next to them) and loaded only when a path needs one.
// The page supplies what each SDK asks for from upvend: getSignature, getAuthorization, or the decoded
// VOD upload auth and address. Nothing here signs a request.

import { api } from "./common.js";
import { UploadError, contentTypeOf, extensionOf, titleOf } from "./upload_paths.js";

const BUILDS = {
  OSS: "vendor-ali-oss-6.23.0.min.js",
  COS: "vendor-cos-js-sdk-v5-1.10.1.min.js",
  TcVod: "vendor-vod-js-sdk-v6-1.8.0.js",
};
const PART_SIZE = 1024 * 1024;  // what Aliyun's upload SDK uses with ali-oss
const loading = {};

/** The SDK's global (OSS, COS or TcVod), loading its vendored build once (script-src 'self'). */
export function loadSdk(name) {
  if (window[name]) return Promise.resolve(window[name]);
  loading[name] = loading[name] || new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = new URL(BUILDS[name], import.meta.url).href;
    script.addEventListener("load", () => (window[name] ? resolve(window[name])
      : reject(new UploadError(`${BUILDS[name]} loaded without defining ${name}.`))));
    script.addEventListener("error", () => reject(new UploadError(`Could not load ${BUILDS[name]}.`)));
    document.head.append(script);
  });
  return loading[name];
}

function decodeBase64Json(text) {
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

function randomName(ext) {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const now = new Date();
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, "0")}/${hex}.${ext}`;
}

/** What an SDK error says: the store's code and message when it has them. */
function sdkErrorMessage(service, err) {
  const inner = (err && err.error) || {};
  const code = err.code || inner.Code || inner.code || "";
  const message = inner.Message || inner.message || err.message || String(err);
  const status = err.status || err.statusCode;
  return `${service} refused the upload: ${code && !message.includes(code) ? `${code}: ` : ""}${message}` +
    (status ? ` (HTTP ${status}).` : ".");
}

/** Aliyun VOD as Aliyun's upload SDK does it: ali-oss with the decoded UploadAuth on the UploadAddress. */
async function aliyunVod(file, { token, step, progress }) {
  const OSS = await loadSdk("OSS");
  const contentType = await contentTypeOf(file);
  const image = contentType.startsWith("image/");
  const answer = image
    ? await api("/aliyun/vod/upload-image", {
      method: "POST", token, body: { imageType: "default", imageExt: extensionOf(file.name), title: titleOf(file),
        fileSize: file.size },
    })
    : await api("/aliyun/vod/upload-video", {
      method: "POST", token, body: { fileName: file.name, fileSize: file.size, title: titleOf(file) },
    });
  const mediaId = image ? answer.imageId : answer.videoId;
  const address = decodeBase64Json(answer.uploadAddress);
  const auth = decodeBase64Json(answer.uploadAuth);
  step(`VOD created ${image ? "ImageId" : "VideoId"} ${mediaId}`);
  const client = new OSS({
    endpoint: address.Endpoint, bucket: address.Bucket, accessKeyId: auth.AccessKeyId,
    accessKeySecret: auth.AccessKeySecret, stsToken: auth.SecurityToken, secure: address.Endpoint.startsWith("https:"),
  });
  try {
    await client.multipartUpload(address.FileName, file, {
      partSize: PART_SIZE, mime: contentType, progress: (p) => progress(Math.floor(p * 100)),
    });
  } catch (err) {
    throw new UploadError(sdkErrorMessage("OSS", err));
  }
  step("OSS stored the file");
  return { provider: "aliyun", describe: `${image ? "ImageId" : "VideoId"} ${mediaId}`,
    matches: (item) => item.mediaId === mediaId };
}

/** Aliyun OSS with ali-oss on the temporary key of /aliyun/sts (writes only under the caller's prefix). */
async function ossSts(file, { token, step, progress }) {
  const OSS = await loadSdk("OSS");
  const sts = await api("/aliyun/sts", { method: "POST", token, body: {} });
  const client = new OSS({
    endpoint: sts.endpoint, bucket: sts.bucket, accessKeyId: sts.accessKeyId, accessKeySecret: sts.accessKeySecret,
    stsToken: sts.securityToken, secure: sts.endpoint.startsWith("https:"),
    refreshSTSToken: async () => {
      const fresh = await api("/aliyun/sts", { method: "POST", token, body: {} });
      return { accessKeyId: fresh.accessKeyId, accessKeySecret: fresh.accessKeySecret, stsToken: fresh.securityToken };
    },
  });
  const key = `${sts.prefix}${randomName(extensionOf(file.name))}`;
  step(`Got temporary OSS keys for ${sts.prefix}`);
  try {
    await client.multipartUpload(key, file, {
      partSize: PART_SIZE, mime: await contentTypeOf(file), progress: (p) => progress(Math.floor(p * 100)),
    });
  } catch (err) {
    throw new UploadError(sdkErrorMessage("OSS", err));
  }
  step("OSS stored the file");
  return { provider: "aliyun", describe: key, matches: (item) => item.objectKey === key };
}

/** Tencent COS with cos-js-sdk-v5, getAuthorization → /tencent/cos/sts (uploadFile slices large files). */
async function cosSdk(file, { token, step, progress }) {
  const COS = await loadSdk("COS");
  const first = await api("/tencent/cos/sts", { method: "POST", token, body: {} });
  const cos = new COS({
    getAuthorization(options, callback) {
      api("/tencent/cos/sts", { method: "POST", token, body: {} }).then((sts) => callback({
        TmpSecretId: sts.credentials.tmpSecretId, TmpSecretKey: sts.credentials.tmpSecretKey,
        SecurityToken: sts.credentials.sessionToken, StartTime: sts.startTime, ExpiredTime: sts.expiredTime,
      }), (err) => callback({ error: err.message }));
    },
  });
  const key = `${first.prefix}${randomName(extensionOf(file.name))}`;
  const contentType = await contentTypeOf(file);
  step(`Got temporary COS keys for ${first.prefix}`);
  await new Promise((resolve, reject) => cos.uploadFile({
    Bucket: first.bucket, Region: first.region, Key: key, Body: file, ContentType: contentType,
    SliceSize: PART_SIZE, onProgress: (info) => progress(Math.floor((info.percent || 0) * 100)),
  }, (err, data) => (err ? reject(new UploadError(sdkErrorMessage("COS", err))) : resolve(data))));
  step("COS stored the file");
  return { provider: "tencent", describe: key, matches: (item) => item.objectKey === key };
}

/** Tencent VOD with vod-js-sdk-v6, getSignature → /tencent/vod/signature (a fresh one per call). */
async function tencentVod(file, { token, step, progress }) {
  const TcVod = await loadSdk("TcVod");
  const tcVod = new TcVod.default({
    getSignature: () => api("/tencent/vod/signature", { method: "POST", token, body: {} }).then((a) => a.signature),
  });
  const uploader = tcVod.upload({ mediaFile: file, mediaName: titleOf(file) });
  uploader.on("media_progress", (info) => progress(Math.floor((info.percent || 0) * 100)));
  let done;
  try {
    done = await uploader.done();
  } catch (err) {
    throw new UploadError(sdkErrorMessage("VOD", err));
  }
  step(`VOD committed FileId ${done.fileId}`);
  return { provider: "tencent", describe: `FileId ${done.fileId}`, matches: (item) => item.mediaId === done.fileId };
}

export const SDK_PATHS = {
  "aliyun-vod": { label: "Aliyun VOD (ali-oss with the upload auth)", run: aliyunVod },
  "oss-sts": { label: "Aliyun OSS (ali-oss with /aliyun/sts)", run: ossSts },
  "tencent-vod": { label: "Tencent VOD (vod-js-sdk-v6)", run: tencentVod },
  "cos-sdk": { label: "Tencent COS (cos-js-sdk-v5)", run: cosSdk },
};
