"""The CTranslate2 backend of the abstractive engine (`--backend ctranslate2`).

CTranslate2 runs a converted copy of a transformers model in its own C++
runtime. The first load converts the model's directory once, a step the user
is told of, into a cache folder keyed by the model's files and the compute
type; later loads read the cache. Only the model's part of the engine
(`_write`: token ids in, text out) is CTranslate2's: batching, long inputs,
headlines and the guard are `Seq2SeqEngine`'s, the same for both backends.

At fp32 greedy its tokens are transformers' token for token (tested on a tiny
T5), except that its n-gram blocking leaves out the decoder's start token,
which transformers counts: they differ only where a model writes that token
(pad) itself, as random weights do and trained ones do not. In int8 its
weights are quantised differently from torch's dynamic int8, so its tokens
may differ where two candidates score within the rounding. Measured by
`make bench` on t5-small's shape, 2 threads, the same work: 1.1x the
transformers backend in fp32 at batch 16 and 2.6x at batch 1, 0.74x in int8
(README, Results). Its converter covers the T5 family with transformers 5;
BART's fails (a configuration field transformers 5 removed) and is reported.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from summarize.models import ModelSpec, ModelUnavailable
from summarize.schema import CallSettings, EngineConfig
from summarize.seq2seq import Seq2SeqEngine, generation_kwargs, has_vocabulary, load_cached, physical_cores

log = logging.getLogger(__name__)

# transformers' generation settings (the registry's) and CTranslate2's names for them.
_SETTINGS = {
    "num_beams": "beam_size",
    "max_new_tokens": "max_decoding_length",
    "min_new_tokens": "min_decoding_length",
    "no_repeat_ngram_size": "no_repeat_ngram_size",
    "length_penalty": "length_penalty",
    "repetition_penalty": "repetition_penalty",
}
# Settings with no CTranslate2 counterpart that change nothing under deterministic decoding.
_IGNORED = {"do_sample", "early_stopping"}


def compute_type(device: str, quantize: str) -> str:
    """CTranslate2's compute type: int8 or float32 on the CPU, int8_float16 or float16 on CUDA.

    Raises:
      ModelUnavailable: a device CTranslate2 does not run on.
    """
    if device not in ("cpu", "cuda"):
        raise ModelUnavailable(f"the ctranslate2 backend runs on the CPU or CUDA, not {device}")
    if device == "cpu":
        return "int8" if quantize == "int8" else "float32"
    return "int8_float16" if quantize == "int8" else "float16"


def translate_kwargs(settings: dict[str, Any], call: CallSettings) -> dict[str, Any]:
    """`translate_batch` arguments for one output from the registry's generation settings.

    Raises:
      ModelUnavailable: a setting CTranslate2 has no counterpart for.
    """
    kwargs: dict[str, Any] = {}
    for key, value in generation_kwargs(settings, call).items():
        if key in _SETTINGS:
            kwargs[_SETTINGS[key]] = value
        elif key not in _IGNORED:
            raise ModelUnavailable(f"the ctranslate2 backend has no counterpart for the generation setting {key!r}")
    return kwargs


def cache_root() -> Path:
    """Where converted models are kept: $SUMMARIZE_CACHE, else ~/.cache/summarize (XDG_CACHE_HOME honoured)."""
    base = os.environ.get("SUMMARIZE_CACHE") or os.path.join(os.environ.get("XDG_CACHE_HOME", "~/.cache"), "summarize")
    return Path(base).expanduser() / "ctranslate2"


def cache_key(directory: Path, compute: str) -> str:
    """A key that changes when any of the model's files or the compute type does.

    Names, sizes and modification times: cheap on a model of gigabytes, and a
    file rewritten in place gets a new time.
    """
    import ctranslate2

    digest = hashlib.sha256(f"{compute}\n{ctranslate2.__version__}\n".encode())
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        stat = path.stat()
        digest.update(f"{path.relative_to(directory)}\t{stat.st_size}\t{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:24]


def converted(directory: Path, name: str, compute: str) -> Path:
    """The CTranslate2 copy of the model in `directory`, converted now if it is not cached.

    A conversion is written to a temporary folder and renamed into place, so an
    interrupted one leaves nothing half-written behind.

    Raises:
      ModelUnavailable: the converter cannot convert this model.
    """
    import ctranslate2

    target = cache_root() / f"{cache_key(directory, compute)}-{compute}"
    if (target / "model.bin").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    log.warning("converting %s to CTranslate2 (%s), once; cached in %s", name, compute, target)
    scratch = Path(tempfile.mkdtemp(prefix=".converting-", dir=target.parent))
    try:
        converter = ctranslate2.converters.TransformersConverter(str(directory))
        converter.convert(str(scratch / "model"), quantization=compute, force=True)
        os.replace(scratch / "model", target)
    except Exception as err:  # noqa: BLE001 - the converter raises many kinds; each is a model we cannot run
        if (target / "model.bin").is_file():  # another process's conversion won the race to the same folder
            return target
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise ModelUnavailable(f"ctranslate2 cannot convert {name}: {reason}") from err
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


class CT2Engine(Seq2SeqEngine):
    """`Seq2SeqEngine` with the model run by a `ctranslate2.Translator`."""

    def _write(self, texts: Sequence[str], call: CallSettings, headline: bool) -> tuple[list[str], list[str] | None]:
        paragraphs = self._translate(texts, self.spec.prefix, self.spec.paragraph, call)
        if not headline:
            return paragraphs, None
        return paragraphs, self._translate(texts, self.spec.headline_prefix, self.spec.headline, call)

    def _translate(self, texts: Sequence[str], prefix: str, settings: dict[str, Any], call: CallSettings) -> list[str]:
        source = [self.tokenizer.convert_ids_to_tokens(ids) for ids in self._ids(texts, prefix)]
        results = self.model.translate_batch(
            source, max_batch_size=len(source), max_input_length=0, **translate_kwargs(settings, call)
        )
        ids = [self.tokenizer.convert_tokens_to_ids(r.hypotheses[0]) for r in results]
        return list(self.tokenizer.batch_decode(ids, skip_special_tokens=True))


def load_engine(spec: ModelSpec, directory: Path, config: EngineConfig) -> CT2Engine:
    """Loads (once per process, converting once per model and compute type) the model as a CT2Engine.

    Raises:
      ModelUnavailable: ctranslate2 is not installed, or the model, its
        conversion or the device cannot be had.
    """
    return load_cached(spec, directory, config, _load)


def _load(spec: ModelSpec, directory: Path, device: str, config: EngineConfig) -> CT2Engine:
    try:
        import ctranslate2
    except ImportError as err:
        raise ModelUnavailable("--backend ctranslate2 needs ctranslate2: pip install 'summarize[ctranslate2]'") from err
    from transformers import AutoTokenizer

    compute = compute_type(device, config.quantize)
    for settings in (spec.paragraph, spec.headline):
        translate_kwargs(settings, CallSettings())  # an unsupported setting fails now, not on the first batch
    try:
        tokenizer = AutoTokenizer.from_pretrained(directory, local_files_only=True)
    except Exception as err:  # noqa: BLE001 - a broken model is reported, not raised
        raise ModelUnavailable(f"{spec.name} has no tokenizer in {directory}: {err}") from err
    if not has_vocabulary(tokenizer):
        raise ModelUnavailable(f"{spec.name} has no usable tokenizer in {directory}")
    translator = ctranslate2.Translator(
        str(converted(directory, spec.name, compute)),
        device=device,
        compute_type=compute,
        inter_threads=1,
        intra_threads=config.threads or physical_cores(),
    )
    log.info("loaded %s with ctranslate2 (%s) on %s", spec.name, compute, device)
    return CT2Engine(translator, tokenizer, spec, device, config.batch_size)
