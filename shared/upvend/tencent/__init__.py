"""Tencent Cloud: VOD upload signatures, COS temporary keys and COS PostObject policies."""
