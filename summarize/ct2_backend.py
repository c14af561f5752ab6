"""The CTranslate2 backend of the abstractive engine (`--backend ctranslate2`).

CTranslate2 runs a converted copy of a transformers model in its own C++
runtime. The first load converts the model's directory once, a step the user
is told of, into a cache folder keyed by the contents of the model's files
and the compute type; later loads read the cache. Only the model's part of the engine
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
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from summarize.models import ModelSpec, ModelUnavailable, first_line
from summarize.schema import CallSettings, EngineConfig
from summarize.seq2seq import Seq2SeqEngine, generation_kwargs, load_cached, load_tokenizer, physical_cores

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


def pick_ct2_device(requested: str) -> str:
    """The device for CTranslate2: for "auto", CUDA where CTranslate2 sees a
    GPU, else the CPU (it has no MPS; torch's view of CUDA does not count,
    as a CPU build of torch may sit beside a CUDA build of CTranslate2).

    Raises:
      ModelUnavailable: the requested device is not one CTranslate2 can use here.
    """
    import ctranslate2

    cuda = ctranslate2.get_cuda_device_count() > 0
    if requested == "auto":
        return "cuda" if cuda else "cpu"
    if requested == "cpu" or (requested == "cuda" and cuda):
        return requested
    raise ModelUnavailable(f"the ctranslate2 backend cannot run on {requested} here (it runs on the CPU or CUDA)")


def compute_type(device: str, quantize: str, bfloat16: bool | None = None) -> str:
    """CTranslate2's compute type: int8 or float32 on the CPU; on CUDA, bfloat16
    where the GPU has it (int8_bfloat16 for int8), else float32 (int8_float32).

    T5-family models overflow in float16 (they were trained in bfloat16), so
    float16 is never chosen.

    Args:
      device: "cpu" or "cuda".
      quantize: "none" or "int8".
      bfloat16: whether the GPU has bfloat16 (asked of CTranslate2 when None).

    Raises:
      ModelUnavailable: a device CTranslate2 does not run on.
    """
    if device not in ("cpu", "cuda"):
        raise ModelUnavailable(f"the ctranslate2 backend runs on the CPU or CUDA, not {device}")
    if device == "cpu":
        return "int8" if quantize == "int8" else "float32"
    if bfloat16 is None:
        import ctranslate2

        bfloat16 = "bfloat16" in ctranslate2.get_supported_compute_types("cuda")
    wide = "bfloat16" if bfloat16 else "float32"
    return f"int8_{wide}" if quantize == "int8" else wide


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


# Files at most this big are hashed whole; of bigger ones (weights), a slice
# at the start, the middle and the end, which differ between any two trainings.
_WHOLE = 16 << 20
_SLICE = 1 << 20
# A scratch folder this old (seconds) is a killed conversion's.
_STALE = 6 * 3600


def _file_digest(path: Path) -> bytes:
    size = path.stat().st_size
    digest = hashlib.sha256(str(size).encode())
    with open(path, "rb") as handle:
        if size <= _WHOLE:
            digest.update(handle.read())
        else:
            for offset in (0, size // 2, size - _SLICE):
                handle.seek(offset)
                digest.update(handle.read(_SLICE))
    return digest.digest()


def cache_key(directory: Path, compute: str) -> str:
    """A key that changes when the model's files, the compute type or the converter's versions do.

    Keyed by content, not times: a copy or a fresh download of the same files
    is the same model, and two models whose files have the same sizes and
    times (reproducible builds set every time alike) are not. Hidden folders
    (`.git`, caches) are left out.
    """
    import ctranslate2
    import transformers

    digest = hashlib.sha256(f"{compute}\n{ctranslate2.__version__}\n{transformers.__version__}\n".encode())
    files = (
        p
        for p in directory.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(directory).parts)
    )
    for path in sorted(files):
        digest.update(f"{path.relative_to(directory)}\t".encode() + _file_digest(path))
    return digest.hexdigest()[:24]


def _remove_stale_scratch(root: Path) -> None:
    """Removes the scratch folders of conversions killed long ago (SIGKILL, power loss)."""
    now = time.time()
    for scratch in root.glob(".converting-*"):
        try:
            if now - scratch.stat().st_mtime > _STALE:
                shutil.rmtree(scratch, ignore_errors=True)
        except OSError:
            pass


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Holds an exclusive lock on `path` for the block, where the platform has one:
    processes starting together (workers, Ray actors) convert a model once."""
    try:
        import fcntl
    except ImportError:  # Windows: each process may convert; the rename keeps the result whole
        yield
        return
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def converted(directory: Path, name: str, compute: str) -> Path:
    """The CTranslate2 copy of the model in `directory`, converted now if it is not cached.

    A conversion is written to a scratch folder beside the cache and renamed
    into place, under a lock, so neither an interrupted conversion nor two at
    once leave a half-written copy behind.

    Raises:
      ModelUnavailable: the cache cannot be written, or the converter cannot convert this model.
    """
    import ctranslate2

    root = cache_root()
    try:
        target = root / f"{cache_key(directory, compute)}-{compute}"
        root.mkdir(parents=True, exist_ok=True)
        with _locked(root / f".{target.name}.lock"):
            if (target / "model.bin").is_file():
                return target
            _remove_stale_scratch(root)
            log.warning("converting %s to CTranslate2 (%s), once; cached in %s", name, compute, target)
            scratch = Path(tempfile.mkdtemp(prefix=".converting-", dir=root))
            try:
                converter = ctranslate2.converters.TransformersConverter(str(directory))
                converter.convert(str(scratch / "model"), quantization=compute, force=True)
                shutil.rmtree(target, ignore_errors=True)  # a copy left incomplete by hand or by a crash
                os.replace(scratch / "model", target)
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
    except OSError as err:
        raise ModelUnavailable(f"cannot write the CTranslate2 cache {root} (set SUMMARIZE_CACHE): {err}") from err
    except Exception as err:  # noqa: BLE001 - the converter raises many kinds; each is a model we cannot run
        raise ModelUnavailable(f"ctranslate2 cannot convert {name}: {first_line(err)}") from err
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
    try:
        import ctranslate2  # noqa: F401 - only whether it is there
    except ImportError as err:
        raise ModelUnavailable("--backend ctranslate2 needs ctranslate2: pip install 'summarize[ctranslate2]'") from err
    return load_cached(spec, directory, config, _load, pick_ct2_device)


def _load(spec: ModelSpec, directory: Path, device: str, config: EngineConfig) -> CT2Engine:
    import ctranslate2

    compute = compute_type(device, config.quantize)
    for settings in (spec.paragraph, spec.headline):
        translate_kwargs(settings, CallSettings())  # an unsupported setting fails now, not on the first batch
    tokenizer = load_tokenizer(spec, directory)
    folder = converted(directory, spec.name, compute)
    threads = config.threads or physical_cores()
    try:
        translator = ctranslate2.Translator(
            str(folder), device=device, compute_type=compute, inter_threads=1, intra_threads=threads
        )
    except Exception as err:  # noqa: BLE001 - a damaged copy, or a device or library CTranslate2 cannot use
        raise ModelUnavailable(
            f"ctranslate2 cannot load {spec.name} from {folder} on {device} ({compute}): {first_line(err)}; "
            "if the copy is damaged, delete that folder to convert again"
        ) from err
    log.info("loaded %s with ctranslate2 (%s) on %s", spec.name, compute, device)
    return CT2Engine(translator, tokenizer, spec, device, config.batch_size)
