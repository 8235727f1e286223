// A PostObject form upload with wx.uploadFile: the signed fields from an upvend route, then the file
// as the last field `file`, straight to the bucket. Progress from onProgressUpdate; cancel aborts the task.

const { UploadCancelled, UploadFailed, storeErrorMessage } = require("./errors");

/**
 * Post `filePath` with `formData` to `url`. `job` is the upload's cancel handle (see upload_job.js).
 * Resolves with { statusCode, data } of a 2xx answer.
 */
function postForm(wx, { url, formData, filePath, service, onProgress, job }) {
  return new Promise((resolve, reject) => {
    const task = wx.uploadFile({
      url, filePath, name: "file", formData,
      success(res) {
        if (res.statusCode === 203) {  // OSS: the object is stored but the upload callback failed
          const refusal = storeErrorMessage(service, 203, res.data);
          reject(new UploadFailed(`${service} stored the file but the upload callback failed: ${refusal.message}`,
            { status: 203, code: "CallbackFailed" }));
        } else if (res.statusCode >= 200 && res.statusCode < 300) {
          resolve(res);
        } else {
          const refusal = storeErrorMessage(service, res.statusCode, res.data);
          reject(new UploadFailed(refusal.message, { status: res.statusCode, code: refusal.code }));
        }
      },
      fail(res) {
        if (job.cancelled) reject(new UploadCancelled());
        else reject(new UploadFailed(`${service} could not be reached (${res.errMsg}). Is its domain in the ` +
          "mini-program's uploadFile domain list?"));
      },
    });
    if (onProgress) task.onProgressUpdate((update) => onProgress(update.progress));
    job.onCancel(() => task.abort());
  });
}

module.exports = { postForm };
