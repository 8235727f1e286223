// Errors the upvend client modules raise: one class per kind, each with a message a user can read.

/** The upvend API refused a request (its JSON error: code and message), or could not be reached. */
class UpvendError extends Error {
  constructor(message, { status = 0, code = "network_error" } = {}) {
    super(message);
    this.name = "UpvendError";
    this.status = status;
    this.code = code;
  }
}

/** A cloud store (OSS, COS, VOD) refused or lost the upload. */
class UploadFailed extends Error {
  constructor(message, { status = 0, code = "" } = {}) {
    super(message);
    this.name = "UploadFailed";
    this.status = status;
    this.code = code;
  }
}

/** The user cancelled the upload. */
class UploadCancelled extends Error {
  constructor() {
    super("The upload was cancelled.");
    this.name = "UploadCancelled";
  }
}

/** The picked file is not one the server accepts (checked before anything is sent). */
class FileRefused extends Error {
  constructor(message, code) {
    super(message);
    this.name = "FileRefused";
    this.code = code;
  }
}

/** The message a storage service put in its XML or JSON error body, else the HTTP status. */
function storeErrorMessage(service, status, text) {
  const xml = /<Code>([^<]*)<\/Code>[\s\S]*?<Message>([^<]*)<\/Message>/.exec(text || "");
  if (xml) return { code: xml[1], message: `${service} refused the upload: ${xml[1]}: ${xml[2]} (HTTP ${status}).` };
  try {
    const data = JSON.parse(text);
    const message = (data.error && data.error.message) || data.message || data.Message;
    if (message) return { code: "", message: `${service} refused the upload: ${message} (HTTP ${status}).` };
  } catch (err) {
    // neither XML nor JSON
  }
  return { code: "", message: `${service} refused the upload (HTTP ${status}).` };
}

module.exports = { UpvendError, UploadFailed, UploadCancelled, FileRefused, storeErrorMessage };
