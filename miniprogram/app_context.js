// What the pages share: the configuration, one upvend session, and the SDKs the upload paths load.
// Pages call context(); tests replace it with setContext() before rendering a page.

const config = require("./config");
const upvend = require("./upvend/index");

let current = null;

function context() {
  if (!current) {
    current = {
      wx,
      config,
      session: upvend.createSession({ wx, baseUrl: config.baseUrl, devLoginCode: config.devLoginCode }),
      // Loaded only by the path that needs them (install with npm and "Build npm" in DevTools).
      sdks: { vod: () => require("vod-wx-sdk-v2"), cos: () => require("cos-wx-sdk-v5") },
    };
  }
  return current;
}

function setContext(value) {
  current = value;
}

module.exports = { context, setContext };
