// Sign-in page: wx.login → POST /auth/wechat; the token is kept in storage by the session.
const { context } = require("../../app_context");

Component({
  data: { busy: false, signedIn: false, message: "" },
  methods: {
    onShow() {
      this.setData({ signedIn: context().session.signedIn() });
    },
    signIn() {
      this.setData({ busy: true, message: "" });
      return context().session.signIn().then(() => {
        this.setData({ busy: false, signedIn: true });
        const { wx } = context();
        if (wx.switchTab) wx.switchTab({ url: "/pages/upload/index" });
      }, (err) => this.setData({ busy: false, message: `Sign-in failed: ${err.message}` }));
    },
    signOut() {
      context().session.signOut();
      this.setData({ signedIn: false, message: "" });
    },
  },
});
