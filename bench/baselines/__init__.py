"""Comparison functions for the cold-start benchmark (never deployed).

`stdlib_*`: the minimal stdlib-only functions peer projects ship (no caller
auth, no validation). `sdk_*`: the vendors' sample style (FastAPI app behind an
adapter, full SDK clients, SQLAlchemy engine at import).
"""
