// One upload from a picked file to its row in GET /media: checks the file type first, runs the configured
// path with progress, and can be cancelled at any step.

const { createJob } = require("./upload_job");
const { UPLOAD_PATHS } = require("./paths");
const { fileNameOf, uploadTypeOf } = require("./upload_types");
const { UpvendError } = require("./errors");

/**
 * Start uploading `file` ({ path, size } as wx.chooseMedia's tempFiles give them) through `pathName`.
 * Returns { promise, cancel }; the promise resolves with { provider, match, describe }.
 * `sdks` loads the SDK modules a path needs: { vod: () => require("vod-wx-sdk-v2"), cos: () => ... }.
 */
function startUpload({ wx, session, pathName, file, onProgress, sdks = {}, options = {} }) {
  const job = createJob();
  const promise = (async () => {
    const path = UPLOAD_PATHS[pathName];
    if (!path) throw new UpvendError(`Unknown upload path '${pathName}'.`, { code: "unknown_path" });
    const picked = { path: file.path || file.tempFilePath, size: file.size, name: file.name };
    picked.name = picked.name || fileNameOf(picked.path);
    const type = uploadTypeOf(picked.name, picked.size);
    job.check();
    if (onProgress) onProgress(0);
    const found = await path.run({ wx, session, file: picked, type, onProgress, job, sdks, ...options });
    if (onProgress) onProgress(100);
    return found;
  })();
  return { promise, cancel: () => job.cancel() };
}

module.exports = { startUpload };
