"""Line-structure invariance: a summary must not change when the same article
arrives hard-wrapped, with Windows line ends, or both.

Each article is wrapped as a plain-text tool would (`textwrap.fill` of each
of its lines at 60, 72 and 100 columns), given CRLF line ends, and both; the
TextRank headline and paragraph of every variant must equal the original's.
Each line is filled on its own because a line of these articles is a
paragraph or a list item: filling a whole blank-line paragraph would run a
list's items into one line, which is a different text, not a wrapped one.

    python -m summarize.invariance [--limit N] [--eval-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import textwrap
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

WIDTHS = (60, 72, 100)
# The three eval sets and the field that holds each article.
EVAL_SETS: dict[str, str] = {"cnndm_dev": "article", "xsum_dev": "article", "bbc_headlines_dev": "article"}
# As in `make bench`: ../shared/eval beside the checkout, or $SUMMARIZE_EVAL_DIR.
DEFAULT_EVAL_DIR = Path(os.environ.get("SUMMARIZE_EVAL_DIR", Path(__file__).resolve().parents[2] / "shared" / "eval"))


def wrap(text: str, width: int) -> str:
    """Hard-wraps every line of `text` at `width` columns; blank lines stay."""
    return "\n".join(textwrap.fill(line, width) if line.strip() else line for line in text.split("\n"))


def variants(text: str) -> Iterator[tuple[str, str]]:
    """Yields (name, text) for each wrapped and CRLF form of an article."""
    for width in WIDTHS:
        yield f"wrap{width}", wrap(text, width)
    yield "crlf", text.replace("\n", "\r\n")
    for width in WIDTHS:
        yield f"wrap{width}+crlf", wrap(text, width).replace("\n", "\r\n")


@dataclass
class Result:
    """Invariance over one set of articles.

    Attributes:
      articles: how many articles were checked.
      invariant: how many gave the same output for every variant.
      failures: (article index, variant name) for each output that differed.
    """

    articles: int = 0
    invariant: int = 0
    failures: list[tuple[int, str]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.invariant / self.articles if self.articles else 1.0


def textrank_output() -> Callable[[str], tuple[str, str]]:
    """The output compared: TextRank's (headline, paragraph) for a text."""
    from summarize import Summarizer

    summarizer = Summarizer(method="textrank")

    def output(text: str) -> tuple[str, str]:
        summary = summarizer.summarize(text)
        return summary.headline, summary.paragraph

    return output


def check(articles: Iterable[str], output: Callable[[str], tuple[str, str]] | None = None) -> Result:
    """Checks each article's variants against the article itself.

    Args:
      articles: the original texts.
      output: what to compare; TextRank's headline and paragraph by default.

    Returns:
      The counts and the failing (article, variant) pairs.
    """
    output = output or textrank_output()
    result = Result()
    for index, article in enumerate(articles):
        expected = output(article)
        bad = [name for name, text in variants(article) if output(text) != expected]
        result.articles += 1
        result.invariant += not bad
        result.failures += [(index, name) for name in bad]
    return result


def read_articles(eval_dir: Path, name: str, limit: int | None = None) -> list[str]:
    """The articles of one eval set, in file order (the first `limit`)."""
    articles: list[str] = []
    with open(eval_dir / f"{name}.jsonl", encoding="utf-8") as handle:
        for line in handle:
            if limit is not None and len(articles) >= limit:
                break
            articles.append(json.loads(line)[EVAL_SETS[name]])
    return articles


def invariance_rates(eval_dir: Path = DEFAULT_EVAL_DIR, limit: int | None = None) -> dict[str, Result]:
    """Invariance of TextRank's output on each eval set, for the benchmark report.

    Args:
      eval_dir: the folder of the eval JSONL files.
      limit: check only the first `limit` articles of each set.

    Returns:
      A Result per set name.
    """
    output = textrank_output()
    return {name: check(read_articles(eval_dir, name, limit), output) for name in EVAL_SETS}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--limit", type=int, default=None, help="articles per set (default: all)")
    args = parser.parse_args(argv)
    for name, result in invariance_rates(args.eval_dir, args.limit).items():
        print(f"{name}: {result.invariant}/{result.articles} invariant ({100 * result.rate:.1f}%)")
        for index, variant in result.failures:
            print(f"  article {index}: {variant} differs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
