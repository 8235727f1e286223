"""Mutation testing of the security-critical modules (`make mutate`; not part of `make test`)."""
