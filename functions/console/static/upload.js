// The H5 upload demo: sign in, pick a file and a path, upload with progress, watch the row arrive.

import { api, describeError, element, mountSignIn, say, session } from "./common.js";
import { SDK_PATHS } from "./sdk_paths.js";
import { FORM_PATHS } from "./upload_paths.js";

const UPLOAD_PATHS = { ...FORM_PATHS, ...SDK_PATHS };

const WATCH_SECONDS = 120;
const params = new URLSearchParams(location.search);
const watchEveryMs = Math.max(250, Number(params.get("refresh")) || 1000);

const form = document.getElementById("upload-form");
const fileInput = document.getElementById("file");
const button = document.getElementById("upload-button");
const bar = document.getElementById("progress");
const percent = document.getElementById("progress-text");
const steps = document.getElementById("steps");
const failure = document.getElementById("upload-error");
const rowStatus = document.getElementById("row-status");
let watching = null;

function setProgress(value) {
  bar.value = value;
  percent.textContent = `${value} %`;
}

function step(text) {
  steps.append(element("li", {}, text));
}

function reset() {
  clearTimeout(watching);
  setProgress(0);
  steps.replaceChildren();
  say(failure, "");
  say(rowStatus, "");
  delete rowStatus.dataset.status;
}

mountSignIn((user) => {
  document.getElementById("uploader").hidden = !user;
  if (!user) reset();
});

/** Poll GET /media until the upload's row is there and final (or the watch gives up). */
function watchRow(found, startedAt) {
  const token = session.token();
  if (!token) return;
  api("/media", { token, query: { provider: found.provider, limit: 50 } })
    .then((page) => {
      const row = page.items.find(found.matches);
      if (row) {
        rowStatus.dataset.status = row.status;
        say(rowStatus, `Media row: ${row.status} (${row.kind}, ${found.describe}).`);
        if (row.status === "ready" || row.status === "failed") return;
      } else {
        say(rowStatus, `Waiting for the media row of ${found.describe}…`);
      }
      if (Date.now() - startedAt < WATCH_SECONDS * 1000) {
        watching = setTimeout(() => watchRow(found, startedAt), watchEveryMs);
      } else if (!row) {
        say(failure, `No media row arrived for ${found.describe} within ${WATCH_SECONDS} s: is the completion ` +
          "callback or trigger configured?");
      }
    })
    .catch((err) => say(failure, `Could not read the media list: ${describeError(err)}`));
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  reset();
  const file = fileInput.files[0];
  const choice = form.elements.path.value;
  const path = UPLOAD_PATHS[choice];
  const token = session.token();
  if (!token) {
    say(failure, "Your session has expired; sign in again.");
    return;
  }
  if (!file) {
    say(failure, "Pick a file first.");
    return;
  }
  if (!path) {
    say(failure, "Pick an upload path.");
    return;
  }
  button.disabled = true;
  form.dataset.state = "uploading";
  step(`Uploading ${file.name} via ${path.label}`);
  try {
    const found = await path.run(file, { token, step, progress: setProgress });
    setProgress(100);
    form.dataset.state = "uploaded";
    step("Upload finished");
    watchRow(found, Date.now());
  } catch (err) {
    form.dataset.state = "failed";
    say(failure, `Upload failed: ${describeError(err)}`);
  } finally {
    button.disabled = false;
  }
});
