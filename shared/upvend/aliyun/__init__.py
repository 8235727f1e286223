"""Aliyun credentials: VOD upload auth, STS tokens and OSS PostObject policies.

Nothing here imports a cloud SDK at module import; `rpc` does it on first call.
"""
