// "My media": GET /media a page at a time ("Load more" follows the cursor), with each row's status,
// a thumbnail and, for videos, a player on the row's signed URLs (they expire: pull down to refresh).
// "Delete" asks first (wx.showModal), then deletes the row's media through DELETE /media/{id}.
const { context } = require("../../app_context");
const upvend = require("../../upvend/index");

function confirmDelete(wx) {
  return new Promise((resolve) => wx.showModal({
    title: "Delete this upload?", content: "The file is removed from storage; this cannot be undone.",
    confirmText: "Delete", success: (answer) => resolve(Boolean(answer.confirm)), fail: () => resolve(false),
  }));
}

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
    remove(event) {
      const { id } = event.currentTarget.dataset;
      const { wx, session } = context();
      return confirmDelete(wx).then((confirmed) => {
        if (!confirmed) return undefined;
        return upvend.deleteMedia(session, id).then(
          () => this.setData({ items: this.data.items.filter((item) => item.id !== id), message: "Deleted." }),
          (err) => this.setData({ message: `Could not delete it: ${err.message}` }));
      });
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
            // Short-lived signed URLs (ready rows only): the bucket and VOD domains are private.
            thumbnailUrl: item.thumbnailUrl || "", playUrl: item.playUrl || "",
          }))),
          cursor: page.nextCursor || "",
          loading: false,
          message: fresh && page.items.length === 0 ? "No uploads yet." : "",
        }), (err) => this.setData({ loading: false, message: `Could not load your media: ${err.message}` }));
    },
  },
});
