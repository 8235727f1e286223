"""The media table behind a small repository interface on plain DB-API (no ORM)."""
