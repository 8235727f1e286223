// The form-post ways a client uploads through upvend, done as a mini-program's wx.uploadFile does them:
// each asks an upvend route for a signed PostObject form and posts it with the file straight to the bucket,
// with upload progress, and answers how to recognise the media row the upload produces.
// (The paths through the official web SDKs are in sdk_paths.js.)

import { api, pageConfig } from "./common.js";

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

export function titleOf(file) {
  const base = file.name.replace(/\.[^.]*$/, "").trim();
  return (base || "upload").slice(0, 128);
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

/** Aliyun VOD with the form /aliyun/vod/upload-video (or -image) signs for the VOD upload address. */
async function aliyunVodForm(file, { token, step, progress }) {
  const contentType = await contentTypeOf(file);
  const image = contentType.startsWith("image/");
  const answer = image
    ? await api("/aliyun/vod/upload-image", { method: "POST", token, body: {
      imageType: "default", imageExt: extensionOf(file.name), title: titleOf(file), postObject: true,
      fileSize: file.size, contentType } })
    : await api("/aliyun/vod/upload-video", { method: "POST", token, body: {
      fileName: file.name, fileSize: file.size, title: titleOf(file), postObject: true, contentType } });
  const mediaId = image ? answer.imageId : answer.videoId;
  step(`VOD created ${image ? "ImageId" : "VideoId"} ${mediaId}; got its PostObject form`);
  await checked("OSS", await send({
    method: "POST", url: answer.postObject.host, body: formOf(answer.postObject.formData, file),
    onProgress: progress, service: "OSS",
  }));
  step("OSS stored the file");
  return { provider: "aliyun", describe: `${image ? "ImageId" : "VideoId"} ${mediaId}`,
    matches: (item) => item.mediaId === mediaId };
}

export const FORM_PATHS = {
  "oss-post": { label: "Aliyun OSS PostObject", run: ossPost },
  "cos-post": { label: "Tencent COS PostObject", run: cosPost },
  "aliyun-vod-form": { label: "Aliyun VOD PostObject (form signed by upvend)", run: aliyunVodForm },
};
