// Where the upvend API is and which upload path the upload page uses. Change these for your deployment.
module.exports = {
  // The gateway of `make run` by default. In WeChat DevTools a plain-http local URL needs
  // "Do not verify valid domain names" ticked; a real mini-program needs your HTTPS API domain here.
  baseUrl: "http://127.0.0.1:8000",
  // Only for `make run`: DevTools' wx.login codes are real, and the emulated WeChat accepts only test codes
  // (`test-<name>` signs in as o-<name>). Leave it empty ("") for a real back end.
  devLoginCode: "test-devtools",
  // One of: "oss-post", "cos-post", "aliyun-vod", "tencent-vod", "cos-sdk" (see upvend/paths.js).
  uploadPath: "oss-post",
  // cos-sdk only: cos-wx-sdk-v5's `Domain` for a custom bucket domain. Against `make run` the emulator's
  // COS answers "http://{Bucket}.cos.{Region}.localhost:8001"; "" = the real COS domain.
  cosDomain: "",
  // How often "my media" and the upload page re-read GET /media while a row is not final.
  refreshMs: 1000,
  // Rows per page of "my media".
  pageSize: 20,
};
