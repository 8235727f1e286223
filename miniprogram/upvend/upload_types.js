// Which files the server accepts, as which Content-Type, up to which size: the server's upload table with
// the default settings (tests/clients/miniprogram/upload_paths.test.js checks the server refuses what it
// refuses). wx.chooseMedia gives no MIME type, so the client derives contentType from the extension here.

const { FileRefused } = require("./errors");

// BEGIN GENERATED
const UPLOAD_TYPES = {
  "aac": {"class": "audio", "contentType": "audio/aac", "maxBytes": 209715200},
  "avi": {"class": "video", "contentType": "video/x-msvideo", "maxBytes": 2147483648},
  "flv": {"class": "video", "contentType": "video/x-flv", "maxBytes": 2147483648},
  "gif": {"class": "image", "contentType": "image/gif", "maxBytes": 20971520},
  "heic": {"class": "image", "contentType": "image/heic", "maxBytes": 20971520},
  "jpeg": {"class": "image", "contentType": "image/jpeg", "maxBytes": 20971520},
  "jpg": {"class": "image", "contentType": "image/jpeg", "maxBytes": 20971520},
  "m4a": {"class": "audio", "contentType": "audio/mp4", "maxBytes": 209715200},
  "m4v": {"class": "video", "contentType": "video/x-m4v", "maxBytes": 2147483648},
  "mkv": {"class": "video", "contentType": "video/x-matroska", "maxBytes": 2147483648},
  "mov": {"class": "video", "contentType": "video/quicktime", "maxBytes": 2147483648},
  "mp3": {"class": "audio", "contentType": "audio/mpeg", "maxBytes": 209715200},
  "mp4": {"class": "video", "contentType": "video/mp4", "maxBytes": 2147483648},
  "png": {"class": "image", "contentType": "image/png", "maxBytes": 20971520},
  "wav": {"class": "audio", "contentType": "audio/wav", "maxBytes": 209715200},
  "webm": {"class": "video", "contentType": "video/webm", "maxBytes": 2147483648},
  "webp": {"class": "image", "contentType": "image/webp", "maxBytes": 20971520},
};
// END GENERATED

function extensionOf(path) {
  const base = String(path).split(/[\\/]/).pop().split("?")[0];
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : "";
}

function fileNameOf(path) {
  return String(path).split(/[\\/]/).pop().split("?")[0];
}

/** { extension, contentType, class, maxBytes } of a file the server accepts; FileRefused otherwise. */
function uploadTypeOf(path, size, table = UPLOAD_TYPES) {
  const extension = extensionOf(path);
  const type = table[extension];
  const allowed = Object.keys(table).map((e) => `.${e}`).join(" ");
  if (!type) {
    throw new FileRefused(extension
      ? `.${extension} files cannot be uploaded. Allowed: ${allowed}.`
      : `The file has no extension, so its type is unknown. Allowed: ${allowed}.`, "extension_not_allowed");
  }
  if (size !== undefined && size > type.maxBytes) {
    throw new FileRefused(`The file is too large: ${type.class} uploads may be at most ` +
      `${Math.floor(type.maxBytes / 1048576)} MiB.`, "size_out_of_range");
  }
  return { extension, ...type };
}

module.exports = { UPLOAD_TYPES, uploadTypeOf, extensionOf, fileNameOf };
