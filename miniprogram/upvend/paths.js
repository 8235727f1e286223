// The ways a mini-program uploads through upvend. Each asks an upvend route for a credential, sends the
// file straight to the cloud with progress, and answers which row of GET /media the upload produces.
//
//   oss-post     Aliyun OSS PostObject form from /aliyun/oss/post-policy, via wx.uploadFile
//   cos-post     Tencent COS PostObject form from /tencent/cos/post-policy, via wx.uploadFile
//   aliyun-vod   Aliyun VOD: /aliyun/vod/upload-video (or -image) with postObject, via wx.uploadFile
//   tencent-vod  Tencent VOD with vod-wx-sdk-v2, getSignature → /tencent/vod/signature
//   cos-sdk      Tencent COS with cos-wx-sdk-v5, getAuthorization → /tencent/cos/sts

const { postForm } = require("./post_form");
const { UploadCancelled, UploadFailed } = require("./errors");

function titleOf(file) {
  return (file.name.replace(/\.[^.]*$/, "").trim() || "upload").slice(0, 128);
}

async function ossPost({ session, wx, file, type, onProgress, job }) {
  const form = await session.call("POST", "/aliyun/oss/post-policy",
    { fileName: file.name, contentType: type.contentType, size: file.size });
  job.check();
  await postForm(wx, { url: form.host, formData: form.formData, filePath: file.path, service: "OSS", onProgress, job });
  return { provider: "aliyun", match: { objectKey: form.key }, describe: form.key };
}

async function cosPost({ session, wx, file, type, onProgress, job }) {
  const form = await session.call("POST", "/tencent/cos/post-policy",
    { fileName: file.name, contentType: type.contentType, size: file.size });
  job.check();
  await postForm(wx, { url: form.url, formData: form.formData, filePath: file.path, service: "COS", onProgress, job });
  return { provider: "tencent", match: { objectKey: form.key }, describe: form.key };
}

async function aliyunVod({ session, wx, file, type, onProgress, job }) {
  const image = type.class === "image";
  const answer = image
    ? await session.call("POST", "/aliyun/vod/upload-image", { imageType: "default", imageExt: type.extension,
      title: titleOf(file), postObject: true, fileSize: file.size, contentType: type.contentType })
    : await session.call("POST", "/aliyun/vod/upload-video", { title: titleOf(file), fileName: file.name,
      postObject: true, fileSize: file.size, contentType: type.contentType });
  job.check();
  const form = answer.postObject;
  await postForm(wx, { url: form.host, formData: form.formData, filePath: file.path, service: "OSS", onProgress, job });
  const mediaId = image ? answer.imageId : answer.videoId;
  return { provider: "aliyun", match: { mediaId }, describe: `${image ? "ImageId" : "VideoId"} ${mediaId}` };
}

/** Tencent VOD through vod-wx-sdk-v2: every SDK step asks getSignature, so each gets a fresh signature. */
function tencentVod({ session, file, onProgress, job, sdks }) {
  const VodUploader = sdks.vod();
  return new Promise((resolve, reject) => {
    let failed = false;
    const uploader = VodUploader.start({
      mediaFile: { tempFilePath: file.path, size: file.size },
      mediaName: titleOf(file),
      getSignature(callback) {
        session.call("POST", "/tencent/vod/signature", {}).then((answer) => callback(answer.signature),
          (err) => { failed = true; reject(err); });
      },
      progress: (info) => onProgress && onProgress(Math.floor((info.percent || 0) * 100)),
      finish: (result) => resolve({ provider: "tencent", match: { mediaId: result.fileId },
        describe: `FileId ${result.fileId}` }),
      error: (result) => {
        if (failed) return;
        if (job.cancelled) reject(new UploadCancelled());
        else reject(new UploadFailed(`VOD upload failed: ${vodErrorText(result)}`));
      },
    });
    job.onCancel(() => {
      if (uploader && uploader.cancel) uploader.cancel();
      reject(new UploadCancelled());
    });
  });
}

function vodErrorText(result) {
  if (!result) return "no details";
  if (result.message) return `${result.message}${result.code !== undefined ? ` (code ${result.code})` : ""}`;
  if (result.data && result.data.message) return `${result.data.message} (code ${result.data.code})`;
  return result.errMsg || JSON.stringify(result);
}

/**
 * The COS client of cos-wx-sdk-v5, fed by /tencent/cos/sts. The keys may write only under the caller's
 * prefix; the SDK asks again when they expire.
 */
function cosClient(session, COS, domain) {
  let target = null;
  const cos = new COS({
    ...(domain ? { Domain: domain } : {}),
    getAuthorization(options, callback) {
      session.call("POST", "/tencent/cos/sts", {}).then((answer) => {
        target = answer;
        callback({ TmpSecretId: answer.credentials.tmpSecretId, TmpSecretKey: answer.credentials.tmpSecretKey,
          SecurityToken: answer.credentials.sessionToken, StartTime: answer.startTime,
          ExpiredTime: answer.expiredTime });
      }, (err) => callback({ error: err }));
    },
  });
  return { cos, target: async () => target || (target = await session.call("POST", "/tencent/cos/sts", {})) };
}

/** A fresh object key under the caller's prefix, keeping the extension. */
function keyUnder(prefix, type) {
  const random = Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16)).join("");
  const now = new Date();
  const month = String(now.getUTCMonth() + 1).padStart(2, "0");
  return `${prefix}${now.getUTCFullYear()}/${month}/${random}.${type.extension}`;
}

/**
 * COS through cos-wx-sdk-v5: `method` is putObject, postObject or sliceUploadFile (multipart). `cosDomain`
 * is the SDK's `Domain` option for a custom or local bucket domain, e.g. "{Bucket}.cos.{Region}.example.com".
 */
async function cosSdk({ session, file, type, onProgress, job, sdks, method = "putObject", cosDomain = "" }) {
  const { cos, target } = cosClient(session, sdks.cos(), cosDomain);
  const where = await target();
  job.check();
  const key = keyUnder(where.prefix, type);
  let taskId = null;
  const params = {
    Bucket: where.bucket, Region: where.region, Key: key, FilePath: file.path, ContentType: type.contentType,
    onTaskReady: (id) => { taskId = id; },
    onProgress: (info) => onProgress && onProgress(Math.floor((info.percent || 0) * 100)),
  };
  if (method === "sliceUploadFile") params.ChunkSize = 1024 * 1024;
  await new Promise((resolve, reject) => {
    job.onCancel(() => {
      if (taskId) cos.cancelTask(taskId);
      reject(new UploadCancelled());
    });
    cos[method](params, (err, data) => {
      if (job.cancelled) return reject(new UploadCancelled());
      if (err) {
        const code = (err.error && err.error.Code) || err.code || "";
        const message = (err.error && (err.error.Message || err.error.message)) || err.message || String(err.error || err);
        return reject(new UploadFailed(`COS refused the upload: ${code ? `${code}: ` : ""}${message}`,
          { status: err.statusCode || 0, code }));
      }
      return resolve(data);
    });
  });
  return { provider: "tencent", match: { objectKey: key }, describe: key };
}

const UPLOAD_PATHS = {
  "oss-post": { label: "Aliyun OSS (PostObject form)", run: ossPost },
  "cos-post": { label: "Tencent COS (PostObject form)", run: cosPost },
  "aliyun-vod": { label: "Aliyun VOD (PostObject form)", run: aliyunVod },
  "tencent-vod": { label: "Tencent VOD (vod-wx-sdk-v2)", run: tencentVod },
  "cos-sdk": { label: "Tencent COS (cos-wx-sdk-v5)", run: cosSdk },
};

module.exports = { UPLOAD_PATHS, keyUnder };
