// The four ways a client uploads through upvend, done as a mini-program does them.
// Each path asks an upvend function for a credential, sends the file straight to the cloud
// with upload progress, and answers how to recognise the media row the upload produces.

import { api, pageConfig } from "./common.js";
import { cosAuthorization, ossAuthorization } from "./signing.js";

const DEFAULT_UGC_HOST = "https://vod2.qcloud.com";
export class UploadError extends Error {}

export function extensionOf(name) {
  const base = name.split(/[\\/]/).pop();
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : "";
}

/** The Content-Type the servers store this file with: the upload types table of /console/config.json. */
export async function contentTypeOf(file) {
  const { uploadTypes = {} } = await pageConfig();
  return uploadTypes[extensionOf(file.name)]?.contentType || file.type || "application/octet-stream";
}

function titleOf(file) {
  const base = file.name.replace(/\.[^.]*$/, "").trim();
  return (base || "upload").slice(0, 128);
}

/** Whether a storage endpoint must be addressed path-style (`/<bucket>/...`): IPs and localhost. */
function pathStyle(url) {
  const host = new URL(url).hostname;
  return host === "localhost" || /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.startsWith("[");
}

function encodeKey(key) {
  return key.split("/").map(encodeURIComponent).join("/");
}

/** The message a storage service put in its XML or JSON error body, else the HTTP status. */
export function storeErrorMessage(service, status, text) {
  const xml = /<Code>([^<]*)<\/Code>[\s\S]*?<Message>([^<]*)<\/Message>/.exec(text || "");
  if (xml) return `${service} refused the upload: ${xml[1]}: ${xml[2]} (HTTP ${status}).`;
  try {
    const data = JSON.parse(text);
    const message = data.error?.message || data.message || data.Message;
    if (message) return `${service} refused the upload: ${message} (HTTP ${status}).`;
  } catch {
    // not JSON either
  }
  return `${service} refused the upload (HTTP ${status}).`;
}

/** Send a body with XMLHttpRequest, reporting upload progress (0-100); resolves with status and text. */
export function send({ method, url, headers = {}, body, onProgress, service }) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(Math.floor((event.loaded / event.total) * 100));
    });
    xhr.upload.addEventListener("load", () => onProgress(100));
    xhr.addEventListener("load", () => resolve({ status: xhr.status, text: xhr.responseText, xhr }));
    xhr.addEventListener("error", () => reject(new UploadError(
      `${service} could not be reached at ${new URL(url).origin} (network error or a bucket CORS rule that ` +
      "does not allow this page's origin).")));
    xhr.addEventListener("timeout", () => reject(new UploadError(`${service} did not answer in time.`)));
    xhr.timeout = 10 * 60 * 1000;
    xhr.send(body);
  });
}

function formOf(fields, file) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append("file", file); // the file must be the last field
  return form;
}

async function checked(service, response) {
  if (response.status === 203) {
    throw new UploadError(`${service} stored the file but the upload callback failed: ` +
      storeErrorMessage(service, 203, response.text));
  }
  if (response.status < 200 || response.status >= 300) {
    throw new UploadError(storeErrorMessage(service, response.status, response.text));
  }
  return response;
}

/** A PostObject form upload: the policy from an upvend function, then the form straight to the bucket. */
async function postObject(file, { token, step, progress }, { service, route, provider, urlField }) {
  const policy = await api(route, {
    method: "POST", token, body: { fileName: file.name, contentType: await contentTypeOf(file), size: file.size },
  });
  step(`Got a PostObject policy for ${policy.key}`);
  await checked(service, await send({
    method: "POST", url: policy[urlField], body: formOf(policy.formData, file), onProgress: progress, service,
  }));
  step(`${service} stored the file`);
  return { provider, describe: policy.key, matches: (item) => item.objectKey === policy.key };
}

/** Aliyun OSS PostObject with the V4 form from /aliyun/oss/post-policy. */
function ossPost(file, context) {
  return postObject(file, context,
    { service: "OSS", route: "/aliyun/oss/post-policy", provider: "aliyun", urlField: "host" });
}

/** Tencent COS PostObject with the form from /tencent/cos/post-policy. */
function cosPost(file, context) {
  return postObject(file, context,
    { service: "COS", route: "/tencent/cos/post-policy", provider: "tencent", urlField: "url" });
}

async function ugcCall(host, action, body) {
  let response;
  try {
    response = await fetch(`${host}/v3/index.php?Action=${action}`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
  } catch (err) {
    throw new UploadError(`The VOD upload host ${host} could not be reached (${err.message}).`);
  }
  const answer = await response.json().catch(() => null);
  if (!response.ok || !answer || answer.code !== 0) {
    throw new UploadError(`VOD ${action} failed: ${answer?.message || `HTTP ${response.status}`}` +
      (answer?.code ? ` (code ${answer.code})` : "") + ".");
  }
  return answer.data;
}

/** Where a VOD UGC storage path lives: the bucket's COS host, or path-style on a custom UGC host. */
function vodCosUrl(host, data) {
  const bucket = `${data.storageBucket}-${data.storageAppId}`;
  const path = data.video.storagePath;
  if (host !== DEFAULT_UGC_HOST) return `${host}/${bucket}${encodeKey(path)}`;
  return `https://${bucket}.cos.${data.storageRegionV5}.myqcloud.com${encodeKey(path)}`;
}

/** Tencent VOD UGC: signature → ApplyUploadUGC → COS PUT with the temp certificate → CommitUploadUGC. */
async function tencentVod(file, { token, step, progress }) {
  const first = await api("/tencent/vod/signature", { method: "POST", token, body: {} });
  const host = (first.ugcHost || DEFAULT_UGC_HOST).replace(/\/+$/, "");
  const applied = await ugcCall(host, "ApplyUploadUGC", {
    signature: first.signature, videoName: titleOf(file), videoType: extensionOf(file.name), videoSize: file.size,
  });
  step(`VOD reserved ${applied.video.storagePath}`);
  const cert = applied.tempCertificate;
  const url = vodCosUrl(host, applied);
  const now = Math.floor(Date.now() / 1000);
  const keyTime = `${now - 60};${Math.min(now + 3600, cert.expiredTime || now + 3600)}`;
  const contentType = await contentTypeOf(file);
  const authorization = await cosAuthorization({
    secretId: cert.secretId, secretKey: cert.secretKey, method: "put", path: applied.video.storagePath,
    headers: { "content-type": contentType, host: new URL(url).host }, keyTime,
  });
  await checked("COS", await send({
    method: "PUT", url, body: file, onProgress: progress, service: "COS",
    headers: { "Content-Type": contentType, Authorization: authorization, "x-cos-security-token": cert.token },
  }));
  step("COS stored the file");
  // Each UGC call takes a fresh signature (they may be one-time), as the VOD SDKs ask for.
  const second = await api("/tencent/vod/signature", { method: "POST", token, body: {} });
  const committed = await ugcCall(host, "CommitUploadUGC", {
    signature: second.signature, vodSessionKey: applied.vodSessionKey,
  });
  step(`VOD committed FileId ${committed.fileId}`);
  return { provider: "tencent", describe: `FileId ${committed.fileId}`,
    matches: (item) => item.mediaId === committed.fileId };
}

function decodeBase64Json(text) {
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** Aliyun VOD: upload auth from /aliyun/vod/upload-image (or -video), then an OSS PUT signed with it. */
async function aliyunVod(file, { token, step, progress }) {
  const contentType = await contentTypeOf(file);
  const image = contentType.startsWith("image/");
  const answer = image
    ? await api("/aliyun/vod/upload-image", {
      method: "POST", token, body: { imageType: "default", imageExt: extensionOf(file.name), title: titleOf(file) },
    })
    : await api("/aliyun/vod/upload-video", {
      method: "POST", token, body: { fileName: file.name, fileSize: file.size, title: titleOf(file) },
    });
  const mediaId = image ? answer.imageId : answer.videoId;
  const address = decodeBase64Json(answer.uploadAddress);
  const auth = decodeBase64Json(answer.uploadAuth);
  step(`VOD created ${image ? "ImageId" : "VideoId"} ${mediaId}`);
  const endpoint = address.Endpoint.replace(/\/+$/, "");
  const url = pathStyle(endpoint)
    ? `${endpoint}/${address.Bucket}/${encodeKey(address.FileName)}`
    : `${new URL(endpoint).protocol}//${address.Bucket}.${new URL(endpoint).host}/${encodeKey(address.FileName)}`;
  const headers = { "Content-Type": contentType, "x-oss-date": new Date().toUTCString() };
  if (auth.SecurityToken) headers["x-oss-security-token"] = auth.SecurityToken;
  headers.Authorization = await ossAuthorization({
    accessKeyId: auth.AccessKeyId, accessKeySecret: auth.AccessKeySecret, method: "PUT",
    bucket: address.Bucket, key: address.FileName, headers,
  });
  await checked("OSS", await send({ method: "PUT", url, headers, body: file, onProgress: progress, service: "OSS" }));
  step("OSS stored the file");
  return { provider: "aliyun", describe: `${image ? "ImageId" : "VideoId"} ${mediaId}`,
    matches: (item) => item.mediaId === mediaId };
}

export const UPLOAD_PATHS = {
  "oss-post": { label: "Aliyun OSS PostObject", run: ossPost },
  "cos-post": { label: "Tencent COS PostObject", run: cosPost },
  "tencent-vod": { label: "Tencent VOD (UGC upload)", run: tencentVod },
  "aliyun-vod": { label: "Aliyun VOD (upload auth + OSS PUT)", run: aliyunVod },
};
