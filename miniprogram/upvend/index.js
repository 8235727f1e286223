// The upvend client for mini-programs: copy this folder (upvend/) into your project.
//
//   const upvend = require("./upvend/index");
//   const session = upvend.createSession({ wx, baseUrl: "https://api.example.com" });
//   const { promise, cancel } = upvend.startUpload({ wx, session, pathName: "oss-post", file, onProgress });

module.exports = {
  ...require("./session"),
  ...require("./uploader"),
  ...require("./media"),
  ...require("./errors"),
  ...require("./upload_types"),
  UPLOAD_PATHS: require("./paths").UPLOAD_PATHS,
};
