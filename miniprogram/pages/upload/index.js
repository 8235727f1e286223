// Upload page: pick a photo or video, upload it through the configured path with progress and cancel,
// then wait for its row in GET /media.
const { context } = require("../../app_context");
const upvend = require("../../upvend/index");

Component({
  data: { signedIn: false, state: "idle", progress: 0, message: "", pathLabel: "" },
  methods: {
    onShow() {
      const { session, config } = context();
      const path = upvend.UPLOAD_PATHS[config.uploadPath];
      this.setData({ signedIn: session.signedIn(), pathLabel: path ? path.label : config.uploadPath });
    },
    toSignIn() {
      context().wx.navigateTo({ url: "/pages/signin/index" });
    },
    choose() {
      context().wx.chooseMedia({
        count: 1, mediaType: ["image", "video"], sourceType: ["album", "camera"],
        success: (res) => this.upload(res.tempFiles[0]),
      });
    },
    upload(file) {
      const { wx, session, config, sdks } = context();
      this.setData({ state: "uploading", progress: 0, message: "" });
      this.job = upvend.startUpload({
        wx, session, sdks, file, pathName: config.uploadPath, options: { cosDomain: config.cosDomain },
        onProgress: (progress) => this.setData({ progress }),
      });
      return this.job.promise
        .then((found) => {
          this.setData({ state: "waiting", message: `Stored ${found.describe}; waiting for the media row…` });
          return upvend.waitForRow(session, found, { everyMs: config.refreshMs });
        })
        .then((row) => this.setData(row.status === "ready"
          ? { state: "done", message: `${row.kind} ready (${row.mediaId})` }
          : { state: "error", message: `The cloud reported the upload as ${row.status}.` }))
        .catch((err) => this.setData(err instanceof upvend.UploadCancelled
          ? { state: "idle", message: "Upload cancelled." }
          : { state: "error", message: err.message }))
        .then(() => this.setData({ signedIn: session.signedIn() }));
    },
    cancel() {
      if (this.job) this.job.cancel();
    },
  },
});
