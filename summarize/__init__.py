"""summarize: headlines and paragraph summaries of news articles.

    >>> from summarize import summarize
    >>> s = summarize(open("seeds/000_ca75a58ad166846d.txt").read(), method="textrank")
    >>> s.headline, s.paragraph

`Summarizer(options).summarize_many(docs)` streams results for many documents.
"""

from summarize.schema import Document, Options, Summary, UsageError
from summarize.summarizer import Summarizer, summarize

__version__ = "0.1.0"

__all__ = ["Document", "Options", "Summarizer", "Summary", "UsageError", "__version__", "summarize"]
