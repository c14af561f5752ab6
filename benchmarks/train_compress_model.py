"""Refits summarize/compress_model.json: which words of a lead a headline keeps.

    python -m benchmarks.train_compress_model [--data PATH] [--out PATH] [--rows even|all]

Each word of an article's first four sentences is one example, labelled 1
when its ROUGE token (lower-cased, Porter-stemmed) is in the article's real
title. A logistic regression (Newton's method, a small L2 penalty) is fitted
on the even rows of the BBC headline dev set by default, so that the odd
rows stay held out: score them with
`summarize eval ... --task headline` and read the odd rows of --per-doc.
`title_words` is the training titles' mean length. The fit is deterministic.
"""

from __future__ import annotations

import argparse
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from summarize.compress_model import FUNCTION_FEATURES, MODEL_PATH, SentenceContext
from summarize.prepare import prepare, words
from summarize.schema import Document
from summarize.textrank import content_terms, term_counts

DATA = Path(os.environ.get("SUMMARIZE_EVAL_DIR", Path(__file__).resolve().parents[2] / "shared" / "eval"))
SENTENCES = 4
L2 = 0.01


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    from nltk.stem import porter

    return porter.PorterStemmer()


def rouge_tokens(text: str) -> set[str]:
    """The tokens ROUGE-1 compares, as rouge-score makes them with use_stemmer=True."""
    from rouge_score import tokenize

    return set(tokenize.tokenize(text, _stemmer()))


def examples(article: str, title: str) -> tuple[list[list[float]], list[float]]:
    """The features and labels of the words of one article's first sentences."""
    doc = prepare(Document("train", article))
    sentences = [s.text for s in doc.sentences]
    counts, vocab = term_counts([content_terms(s, doc.language) for s in sentences])
    weights = dict(zip(vocab, counts.sum(axis=0).tolist(), strict=False))
    wanted = rouge_tokens(title)
    x: list[list[float]] = []
    y: list[float] = []
    for index, sentence in enumerate(sentences[:SENTENCES]):
        context = SentenceContext.of(sentence, index, weights)
        for word in dict.fromkeys(words(sentence)):
            tokens = rouge_tokens(word)
            if tokens:
                x.append(context.features(word))
                y.append(float(tokens <= wanted))
    return x, y


def fit(x: np.ndarray, y: np.ndarray, iterations: int = 30) -> np.ndarray:
    """Logistic regression weights by Newton's method with an L2 penalty."""
    w = np.zeros(x.shape[1])
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        gradient = x.T @ (y - p) - L2 * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + L2 * np.eye(len(w))
        w += np.linalg.solve(hessian, gradient)
    return w


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DATA / "bbc_headlines_dev.jsonl"))
    parser.add_argument("--out", default=str(MODEL_PATH))
    parser.add_argument("--rows", choices=("even", "all"), default="even")
    args = parser.parse_args(argv)
    rows = [json.loads(line) for line in Path(args.data).read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.rows == "even":
        rows = rows[0::2]
    xs: list[list[float]] = []
    ys: list[float] = []
    for row in rows:
        x, y = examples(row["article"], row["title"])
        xs += x
        ys += y
    weights = fit(np.array(xs), np.array(ys))
    title_words = float(np.mean([len(row["title"].split()) for row in rows]))
    model = {
        "about": "summarize.compress_model: logistic regression of a lead word being kept in the headline",
        "trained_on": f"{Path(args.data).name}, {args.rows} rows ({len(rows)} articles, {len(ys)} words)",
        "features": len(weights),
        "function_features": FUNCTION_FEATURES,
        "title_words": round(title_words, 4),
        "weights": [round(float(w), 6) for w in weights],
    }
    Path(args.out).write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {len(weights)} weights from {len(ys)} words of {len(rows)} articles")


if __name__ == "__main__":
    main()
