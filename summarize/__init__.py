"""summarize: headlines and paragraph summaries of news articles.

    >>> from summarize import summarize
    >>> s = summarize(open("seeds/000_ca75a58ad166846d.txt").read(), method="textrank")
    >>> s.headline, s.paragraph, s.sources

`Summarizer(EngineConfig(...)).summarize_many(docs, CallSettings(...))` streams
results for many documents; the engine loads once, the lengths may change per call.
"""

from __future__ import annotations

# Not even typing is imported at run time (see below); mypy reads this as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__version__ = "0.2.0"

# Every name loads on first use: `summarize --help` and `--version` must not
# pay for numpy (or torch), and the console script must be able to handle a
# Ctrl-C from its first millisecond, before any of this is imported.
_LAZY = {
    **dict.fromkeys(("CallSettings", "Document", "EngineConfig", "Prepared", "Summary", "UsageError"), "schema"),
    **dict.fromkeys(("Summarizer", "summarize"), "summarizer"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"summarize.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'summarize' has no attribute {name!r}")


__all__ = [
    "CallSettings",
    "Document",
    "EngineConfig",
    "Prepared",
    "Summarizer",
    "Summary",
    "UsageError",
    "__version__",
    "summarize",
]
