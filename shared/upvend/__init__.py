"""upvend: the layer every upvend function imports.

Importing this package is cheap on purpose: submodules pull in what they need,
and cloud SDKs are imported only inside the functions that call them.
"""

__version__ = "0.1.0"
