// Shared by the Node scripts and the browser pages: how a test reports what an SDK call did.
"use strict";

/** Await `promise`; report whether the SDK refused it, with the cloud's error code and HTTP status. */
async function refusal(promise) {
  try {
    await promise;
    return { refused: false };
  } catch (error) {
    return { refused: true, code: error.code, status: error.status };
  }
}

/** Deterministic test bytes (not all zero, so an ETag mix-up shows). */
function testBytes(size, seed) {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i += 1) data[i] = (i * 31 + seed) & 0xff;
  return data;
}

if (typeof module !== "undefined") module.exports = { refusal, testBytes };
else Object.assign(globalThis, { refusal, testBytes });
