"""Completion notices from both clouds, verified and mapped to media-table changes (plain data)."""
