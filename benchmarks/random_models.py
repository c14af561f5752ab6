"""Randomly initialised models of the real architectures, saved like real ones.

No pretrained weights can be had on the machines this project is built on, so
the tests and the speed benchmarks use these: a sentencepiece tokenizer trained
on the spot, and a model of the given architecture and shape with random
weights, written with `save_pretrained` and loaded back by the normal code path.
Speed measured on them is real for that shape; quality is not.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

# t5-small's shape (60M parameters): what the abstractive speed rows measure.
T5_SMALL: dict[str, Any] = {
    "d_model": 512,
    "d_ff": 2048,
    "d_kv": 64,
    "num_heads": 8,
    "num_layers": 6,
    "num_decoder_layers": 6,
    "vocab_size": 32128,
    "relative_attention_num_buckets": 32,
    "decoder_start_token_id": 0,
}
# Tiny shapes for the tests and the benchmarks' smoke runs: milliseconds per batch.
TINY_T5: dict[str, Any] = {
    "d_model": 32,
    "d_ff": 64,
    "d_kv": 8,
    "num_heads": 2,
    "num_layers": 2,
    "num_decoder_layers": 2,
    "decoder_start_token_id": 0,
    "n_positions": 128,
}
TINY_BART: dict[str, Any] = {
    "d_model": 32,
    "encoder_layers": 2,
    "decoder_layers": 2,
    "encoder_attention_heads": 2,
    "decoder_attention_heads": 2,
    "encoder_ffn_dim": 64,
    "decoder_ffn_dim": 64,
    "max_position_embeddings": 256,
    "bos_token_id": 2,
    "decoder_start_token_id": 1,
    "forced_eos_token_id": 1,
}
# name: (architecture, tokenizer vocabulary, model config)
SHAPES: dict[str, tuple[str, int, dict[str, Any]]] = {
    "t5-small": ("T5", 8000, T5_SMALL),
    "tiny-t5": ("T5", 300, TINY_T5),
    "tiny-bart": ("Bart", 300, TINY_BART),
}


def train_tokenizer(texts: Iterable[str], directory: Path, vocab_size: int) -> Any:
    """Trains a unigram sentencepiece tokenizer (pad 0, eos 1, unk 2) and saves it.

    Args:
      texts: training sentences or paragraphs.
      directory: where `save_pretrained` writes it.
      vocab_size: the most pieces (fewer if the text is too small for more).

    Returns:
      The T5-style tokenizer.
    """
    import sentencepiece as spm
    from transformers import T5Tokenizer

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(texts),
        model_writer=buffer,
        vocab_size=vocab_size,
        model_type="unigram",
        pad_id=0,
        eos_id=1,
        unk_id=2,
        bos_id=-1,
        hard_vocab_limit=False,
        character_coverage=1.0,
        minloglevel=2,
    )
    processor = spm.SentencePieceProcessor(model_proto=buffer.getvalue())
    vocab = [(processor.id_to_piece(i), processor.get_score(i)) for i in range(processor.get_piece_size())]
    tokenizer = T5Tokenizer(vocab=vocab, extra_ids=0)
    tokenizer.save_pretrained(directory)
    return tokenizer


def save_random_model(
    directory: Path, architecture: str, texts: Iterable[str], tokenizer_vocab: int, **config: Any
) -> Path:
    """Saves a random model and its tokenizer to `directory`.

    Args:
      directory: the model directory to write.
      architecture: "T5" or "Bart" (any transformers XConfig/XForConditionalGeneration pair).
      texts: text to train the tokenizer on.
      tokenizer_vocab: the tokenizer's vocabulary size.
      **config: the model's shape; vocab_size defaults to the tokenizer's.

    Returns:
      `directory`.
    """
    import torch
    import transformers

    tokenizer = train_tokenizer(texts, directory, tokenizer_vocab)
    config = {"vocab_size": len(tokenizer), "pad_token_id": 0, "eos_token_id": 1, **config}
    torch.manual_seed(0)
    model_config = getattr(transformers, f"{architecture}Config")(**config)
    getattr(transformers, f"{architecture}ForConditionalGeneration")(model_config).save_pretrained(directory)
    return directory


def save_shape(directory: Path, shape: str, texts: Iterable[str]) -> Path:
    """Saves a random model of a named shape (a key of SHAPES) to `directory`."""
    architecture, vocab, config = SHAPES[shape]
    return save_random_model(directory, architecture, texts, vocab, **config)
