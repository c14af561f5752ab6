"""What the benchmarks run on: the evaluation sets and the abstractive workload.

The abstractive workload is the same for every system: articles cut to the
same input tokens, greedy decoding with exact output lengths (min = max), and
a random model of a real shape that our engine loads by name through a
registry file (SUMMARIZE_REGISTRY), by the normal path.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmarks.random_models import save_shape
from summarize.evaluate import Example, load_examples

ROOT = Path(__file__).resolve().parent.parent
EVAL_DIR = Path(os.environ.get("SUMMARIZE_EVAL_DIR", ROOT.parent / "shared" / "eval"))
# The registry name the benchmarks give their random model.
BENCH_MODEL = "bench-random"
PREFIX = "summarize: "
INPUT_TOKENS = 512
Lengths = dict[str, dict[str, int]]


@dataclass(frozen=True)
class EvalSet:
    """One evaluation set as the benchmarks use it."""

    name: str
    filename: str
    reference_field: str  # "reference" (paragraph) or "title" (headline)
    task: str  # the output the reference scores: "paragraph" or "headline"
    default_rows: int | None  # rows in `make bench`; None: all


EVAL_SETS = (
    EvalSet("cnndm", "cnndm_dev.jsonl", "reference", "paragraph", None),
    EvalSet("xsum", "xsum_dev.jsonl", "reference", "paragraph", 200),
    EvalSet("bbc_headlines", "bbc_headlines_dev.jsonl", "title", "headline", 300),
)


def load_sets(eval_dir: Path, rows: int | None, full: bool, notes: list[str]) -> dict[str, list[Example]]:
    """Loads each evaluation set found in `eval_dir`, noting the missing ones.

    Args:
      eval_dir: the folder of JSONL sets.
      rows: at most this many rows per set, overriding the defaults.
      full: every row (unless `rows` is set).
      notes: where a missing set is noted.

    Returns:
      {set name: examples}, in EVAL_SETS order.
    """
    loaded: dict[str, list[Example]] = {}
    for spec in EVAL_SETS:
        path = eval_dir / spec.filename
        if not path.exists():
            notes.append(f"{path} not found: no figures for {spec.name}")
            continue
        limit = rows if rows is not None else (None if full else spec.default_rows)
        loaded[spec.name] = load_examples(path, spec.reference_field, limit)
    return loaded


def speed_texts(sets: dict[str, list[Example]], notes: list[str]) -> tuple[list[str], str]:
    """The articles the speed rows run on: CNN/DailyMail's, else the seeds'."""
    if sets.get("cnndm"):
        return [e.article for e in sets["cnndm"]], "cnndm"
    notes.append("eval data absent: speed measured on seeds/")
    return [p.read_text() for p in sorted((ROOT / "seeds").glob("*.txt"))], "seeds"


def fixed_lengths(headline: int, paragraph: int) -> Lengths:
    """Greedy generation settings with exact output lengths, so that every system decodes as many tokens."""
    return {
        part: {"num_beams": 1, "min_new_tokens": n, "max_new_tokens": n}
        for part, n in (("headline", headline), ("paragraph", paragraph))
    }


def write_model_registry(path: Path, model_dir: Path, fixed: Lengths, headline_policy: str | None = None) -> Path:
    """Writes a SUMMARIZE_REGISTRY file naming the model in `model_dir` BENCH_MODEL, with fixed generation settings.

    Args:
      path: the file to write.
      model_dir: the saved model.
      fixed: generation settings per part.
      headline_policy: "decode" or "from-paragraph"; None keeps the registry's default.
    """
    tables = {
        part: "{ " + ", ".join(f"{k} = {v}" for k, v in settings.items()) + " }" for part, settings in fixed.items()
    }
    policy = f"headline_policy = {json.dumps(headline_policy)}\n" if headline_policy else ""
    path.write_text(
        f"[{BENCH_MODEL}]\npath = {json.dumps(str(model_dir))}\nprefix = {json.dumps(PREFIX)}\n{policy}"
        f"max_input_tokens = {INPUT_TOKENS}\nheadline = {tables['headline']}\nparagraph = {tables['paragraph']}\n"
    )
    return path


@contextmanager
def random_model(
    shape: str, texts: list[str], fixed: Lengths, headline_policy: str | None = None
) -> Iterator[tuple[Path, Path]]:
    """A random model of `shape` with its tokenizer trained on `texts`, for the length of the block.

    Yields:
      (the model directory, the registry file that names it BENCH_MODEL).
    """
    # Its CTranslate2 conversions go with it: a new random model each run would
    # otherwise leave a copy in the user's cache every time.
    with tempfile.TemporaryDirectory(prefix="summarize-bench-") as tmp, environ("SUMMARIZE_CACHE", f"{tmp}/cache"):
        model_dir = save_shape(Path(tmp) / "model", shape, texts)
        yield model_dir, write_model_registry(Path(tmp) / "registry.toml", model_dir, fixed, headline_policy)


@contextmanager
def environ(name: str, value: str) -> Iterator[None]:
    """The environment variable `name` set to `value` for the length of the block."""
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            del os.environ[name]
        else:
            os.environ[name] = before


@contextmanager
def use_registry(path: Path) -> Iterator[None]:
    """Makes BENCH_MODEL loadable by name in this process and its children, for the length of the block."""
    from summarize.models import load_registry

    load_registry.cache_clear()  # the registry is read once per process; this one may have read it already
    try:
        with environ("SUMMARIZE_REGISTRY", str(path)):
            yield
    finally:
        load_registry.cache_clear()


def fit_inputs(model_dir: Path, texts: list[str]) -> list[str]:
    """Cuts each article to the input limit, so that every system encodes the same tokens."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    out = []
    for text in texts:
        ids = tokenizer(PREFIX + text, add_special_tokens=False)["input_ids"][: INPUT_TOKENS - 16]
        out.append(
            str(tokenizer.decode(ids, skip_special_tokens=True)).removeprefix(PREFIX).removeprefix(PREFIX.strip())
        )
    return out
