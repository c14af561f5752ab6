"""Golden outputs: the exact TextRank headline and paragraph for every article
in tests/golden/articles, and a fingerprint of the output for every article of
../shared/eval (whose text is not ours to commit).

    make golden      # regenerate both after a deliberate change; review the diff

The test (tests/test_golden.py) fails when any single headline or paragraph changes.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "tests" / "golden" / "articles"
OUTPUTS = ROOT / "tests" / "golden" / "textrank.jsonl"
EVAL_FINGERPRINTS = ROOT / "tests" / "golden" / "eval_fingerprints.json"
EVAL_DIR = Path(os.environ.get("SUMMARIZE_EVAL_DIR", ROOT.parent / "shared" / "eval"))
# Each eval set, and the field with its article.
EVAL_SETS = {"cnndm": "cnndm_dev.jsonl", "xsum": "xsum_dev.jsonl", "bbc": "bbc_headlines_dev.jsonl"}


def article_outputs() -> list[dict[str, Any]]:
    """The TextRank record of each golden article, read as the CLI reads files."""
    from summarize.io import read_file
    from summarize.schema import Document
    from summarize.summarizer import Summarizer

    summarizer = Summarizer(method="textrank")
    records = []
    for path in sorted(ARTICLES.iterdir()):
        doc = read_file(path)
        assert isinstance(doc, Document), f"{path.name}: {doc}"
        summary = summarizer.summarize_many([Document(path.name, doc.text, doc.notes, doc.url)])
        record = next(summary).to_dict()
        records.append({k: record[k] for k in ("id", "headline", "paragraph", "method", "notes")})
    return records


def fingerprint(headline: str, paragraph: str) -> str:
    """A short hash of one output: enough to notice any change, without its text."""
    return hashlib.sha256(f"{headline}\n{paragraph}".encode()).hexdigest()[:12]


def eval_fingerprints() -> dict[str, list[str]] | None:
    """Per eval set, the fingerprint of each row's output in file order; None without the data."""
    from summarize.schema import Document
    from summarize.summarizer import Summarizer

    if not EVAL_DIR.is_dir():
        return None
    summarizer = Summarizer(method="textrank", batch_size=256)
    result = {}
    for name, file in EVAL_SETS.items():
        with open(EVAL_DIR / file, encoding="utf-8") as handle:
            docs = [Document(str(i), json.loads(line)["article"]) for i, line in enumerate(handle)]
        result[name] = [fingerprint(s.headline, s.paragraph) for s in summarizer.summarize_many(docs)]
    return result


def main() -> int:
    records = article_outputs()
    with open(OUTPUTS, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"wrote {len(records)} golden outputs to {OUTPUTS.relative_to(ROOT)}")
    prints = eval_fingerprints()
    if prints is None:
        print(f"{EVAL_DIR} not found: eval fingerprints left as they were", file=sys.stderr)
    else:
        EVAL_FINGERPRINTS.write_text(json.dumps(prints, indent=0) + "\n")
        print(f"wrote {sum(map(len, prints.values()))} eval fingerprints to {EVAL_FINGERPRINTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
