"""Shared fixtures: no network, an empty HF cache, and tiny random models.

The tiny models have the real architectures (T5, BART, Llama) with a sentencepiece
tokenizer trained here on a few paragraphs; they are saved and loaded back
through `from_pretrained`, exactly as real weights would be.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from http_site import Site, serve

from benchmarks.random_models import save_shape, train_tokenizer

ROOT = Path(__file__).resolve().parent.parent
SEED = next((ROOT / "seeds").glob("*.txt"))

ARTICLE = (
    "The city council approved a new budget on Tuesday after months of debate. "
    "The plan raises spending on schools by 4% and cuts funding for road repairs. "
    "Mayor Jane Smith said the vote was a victory for families across the city. "
    "Opponents argued that the cuts would leave roads in poor condition for years. "
    "The budget takes effect in July and runs for twelve months."
)


def go_offline(monkeypatch: pytest.MonkeyPatch, cache: Path) -> None:
    """Fails any connection off loopback, and points the HF cache (empty, offline) and ours into `cache`."""
    real_connect = socket.socket.connect

    def guarded(sock: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and (host.startswith("127.") or host in {"localhost", "::1"} or host.startswith("/")):
            return real_connect(sock, address)
        raise OSError(f"test tried to reach the network: {address}")

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setenv("HF_HOME", str(cache))
    monkeypatch.setenv("HF_HUB_CACHE", str(cache / "hub"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("SUMMARIZE_CACHE", str(cache / "summarize"))


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every test: no network off loopback, an empty HF cache."""
    go_offline(monkeypatch, tmp_path_factory.getbasetemp() / "hf-empty")


@pytest.fixture(scope="session")
def _site_server() -> Iterator[Site]:
    with serve() as running:
        yield running


@pytest.fixture
def site(_site_server: Site, monkeypatch: pytest.MonkeyPatch) -> Site:
    """The local test web site (tests/http_site.py), reached directly, not through any proxy."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    return _site_server


def _save_tiny(directory: Path, shape: str) -> Path:
    """Saves a random model of a tiny shape with a tokenizer trained here."""
    lines = [line for line in SEED.read_text().splitlines() if line.strip()] + ARTICLE.split(". ")
    return save_shape(directory, shape, lines * 3)


@pytest.fixture(scope="session")
def tiny_t5(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A saved, randomly initialised T5 with a sentencepiece tokenizer."""
    return _save_tiny(tmp_path_factory.mktemp("tiny-t5"), "tiny-t5")


@pytest.fixture(scope="session")
def tiny_bart(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A saved, randomly initialised BART with a sentencepiece tokenizer."""
    return _save_tiny(tmp_path_factory.mktemp("tiny-bart"), "tiny-bart")


# ChatML, as SmolLM2 and Qwen2.5 write it.
CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


@pytest.fixture(scope="session")
def tiny_chat(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A saved, randomly initialised Llama causal LM whose tokenizer has a chat template."""
    import torch
    import transformers

    directory = tmp_path_factory.mktemp("tiny-chat")
    lines = [line for line in SEED.read_text().splitlines() if line.strip()] + ARTICLE.split(". ")
    tokenizer = train_tokenizer([*lines * 3, "Article: Summary: Headline:"], directory, 300)
    tokenizer.add_special_tokens({"additional_special_tokens": ["<|im_start|>", "<|im_end|>"]})
    tokenizer.eos_token = "<|im_end|>"
    tokenizer.chat_template = CHAT_TEMPLATE
    tokenizer.save_pretrained(directory)
    torch.manual_seed(0)
    config = transformers.LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=1,
        max_position_embeddings=512,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.convert_tokens_to_ids("<|im_end|>"),
        bos_token_id=None,
    )
    transformers.LlamaForCausalLM(config).save_pretrained(directory)
    return directory
