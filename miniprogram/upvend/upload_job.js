// The cancel handle every upload path shares: cancel() stops whatever request or SDK task is running
// and makes the upload end with UploadCancelled.

const { UploadCancelled } = require("./errors");

function createJob() {
  const hooks = [];
  const job = {
    cancelled: false,
    /** Register how to stop the running step; runs at once when the job is already cancelled. */
    onCancel(hook) {
      if (job.cancelled) hook();
      else hooks.push(hook);
    },
    cancel() {
      if (job.cancelled) return;
      job.cancelled = true;
      for (const hook of hooks.splice(0)) hook();
    },
    /** Throw UploadCancelled between steps when the user has cancelled. */
    check() {
      if (job.cancelled) throw new UploadCancelled();
    },
  };
  return job;
}

module.exports = { createJob };
