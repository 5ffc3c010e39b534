"""quotecheck: who said what, where, when, and how each quote travelled."""

__version__ = "0.1.0"
__all__ = ["__version__"]
