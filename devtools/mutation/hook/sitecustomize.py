"""Applies the mutant named in UPVEND_MUTANT to every python process of a mutation run."""

import os

if os.environ.get("UPVEND_MUTANT"):
    try:
        from devtools.mutation.loader import install
    except ImportError:  # an interpreter without the work tree on its path (e.g. a bare runtime)
        pass
    else:
        install(os.environ["UPVEND_MUTANT"])
