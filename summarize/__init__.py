"""summarize: headlines and paragraph summaries of news articles.

    >>> from summarize import summarize
    >>> s = summarize(open("seeds/000_ca75a58ad166846d.txt").read(), method="textrank")
    >>> s.headline, s.paragraph, s.sources

`Summarizer(EngineConfig(...)).summarize_many(docs, CallSettings(...))` streams
results for many documents; the engine loads once, the lengths may change per call.
"""

from typing import Any

from summarize.schema import CallSettings, Document, EngineConfig, Prepared, Summary, UsageError

__version__ = "0.2.0"


def __getattr__(name: str) -> Any:
    # The engines import numpy (and maybe torch): `summarize --help` and
    # `--version` must not pay for that, so they load on first use.
    if name in ("Summarizer", "summarize"):
        from summarize import summarizer

        return getattr(summarizer, name)
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
