"""The local cloud emulator: one service standing in for WeChat, Aliyun and Tencent APIs."""
