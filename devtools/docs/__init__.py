"""Generated reference documents (docs/settings.md, docs/http-api.md): `make docs` writes them."""
