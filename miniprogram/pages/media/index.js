// "My media": GET /media a page at a time ("Load more" follows the cursor), with each row's status.
const { context } = require("../../app_context");
const upvend = require("../../upvend/index");

Component({
  data: { items: [], cursor: "", loading: false, message: "" },
  methods: {
    onShow() {
      return this.load(true);
    },
    onPullDownRefresh() {
      const { wx } = context();
      return this.load(true).then(() => wx.stopPullDownRefresh && wx.stopPullDownRefresh());
    },
    loadMore() {
      return this.load(false);
    },
    load(fresh) {
      const { session, config } = context();
      if (!session.signedIn()) {
        this.setData({ items: [], cursor: "", message: "Sign in to see your media." });
        return Promise.resolve();
      }
      this.setData({ loading: true, message: "" });
      return upvend.listMedia(session, { cursor: fresh ? "" : this.data.cursor, limit: config.pageSize || 20 })
        .then((page) => this.setData({
          items: (fresh ? [] : this.data.items).concat(page.items.map((item) => ({
            id: item.id, title: item.title || item.objectKey || item.mediaId, kind: item.kind, status: item.status,
            provider: item.provider, createdAt: item.createdAt,
          }))),
          cursor: page.nextCursor || "",
          loading: false,
          message: fresh && page.items.length === 0 ? "No uploads yet." : "",
        }), (err) => this.setData({ loading: false, message: `Could not load your media: ${err.message}` }));
    },
  },
});
