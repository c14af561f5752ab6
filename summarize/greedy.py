"""Greedy decoding for seq2seq models, without `generate`'s per-step machinery.

`generate` builds its logits processors, stopping criteria and model inputs
anew through several layers of Python on every step; for a small model on the
CPU that is a measurable share of a step. This loop calls the model with its
key/value cache, applies the same logits processors (transformers' own
classes, in `generate`'s order), takes the argmax and stops at EOS or the
length limit: token for token what `generate` returns, at a lower cost per
step. Only the settings it reproduces exactly are taken (`supports`); for any
other (beam search, sampling, penalties) the caller uses `generate`.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable
from typing import Any

import torch
from transformers import (
    ForcedBOSTokenLogitsProcessor,
    ForcedEOSTokenLogitsProcessor,
    LogitsProcessorList,
    MinLengthLogitsProcessor,
    NoRepeatNGramLogitsProcessor,
)
from transformers.modeling_outputs import BaseModelOutput

from summarize import t5_decoder

# Generation settings this loop honours, or that greedy decoding ignores
# (beam and sampling parameters, output options). Any other setting left on by
# the call or the model's generation_config sends the call to `generate`.
_HONOURED = {
    "max_new_tokens",
    "max_length",
    "min_new_tokens",
    "min_length",
    "no_repeat_ngram_size",
    "forced_bos_token_id",
    "forced_eos_token_id",
    "pad_token_id",
    "bos_token_id",
    "eos_token_id",
    "decoder_start_token_id",
    "num_beams",
    "num_return_sequences",
    "do_sample",
    "use_cache",
    "length_penalty",
    "early_stopping",
    "temperature",
    "top_k",
    "top_p",
    "min_p",
    "top_h",
    "typical_p",
    "epsilon_cutoff",
    "eta_cutoff",
    "output_attentions",
    "output_hidden_states",
    "output_scores",
    "output_logits",
    "return_dict_in_generate",
    "transformers_version",
    "_from_model_config",
}


def merged_config(model: Any, settings: dict[str, Any]) -> Any:
    """The model's generation_config with `settings` applied, as `generate` would see it."""
    config = copy.deepcopy(model.generation_config)
    unused = config.update(**settings)
    if unused:
        raise ValueError(f"unknown generation settings: {', '.join(sorted(unused))}")
    return config


def supports(model: Any, settings: dict[str, Any]) -> bool:
    """Whether `greedy` returns exactly what `generate` would for these settings.

    Args:
      model: an encoder-decoder transformers model.
      settings: the generation keyword arguments of the call.
    """
    if not getattr(model.config, "is_encoder_decoder", False):
        return False
    try:
        config = merged_config(model, settings)
    except ValueError:  # `generate` reports what is wrong with them
        return False
    if (config.num_beams or 1) != 1 or config.do_sample or (config.num_return_sequences or 1) != 1:
        return False
    if config.max_new_tokens is None or config.decoder_start_token_id is None:
        return False
    if config.use_cache is False or config.return_dict_in_generate:
        return False
    return set(config.to_diff_dict()) <= _HONOURED


def _token_list(value: int | list[int] | None) -> list[int]:
    if value is None:
        return []
    return [value] if isinstance(value, int) else list(value)


def _processors(config: Any, eos: list[int], max_length: int) -> LogitsProcessorList:
    """The logits processors `generate` applies for these settings, in its order.

    Lengths count the decoder start token, as `generate`'s do.
    """
    processors = LogitsProcessorList()
    if config.no_repeat_ngram_size:
        processors.append(NoRepeatNGramLogitsProcessor(config.no_repeat_ngram_size))
    # `generate` turns min_new_tokens into min_length (plus a processor with
    # the same effect); without it, the model's min_length stands.
    min_length = config.min_new_tokens + 1 if config.min_new_tokens is not None else config.min_length
    if eos and min_length:
        processors.append(MinLengthLogitsProcessor(min_length, eos))
    if config.forced_bos_token_id is not None:
        processors.append(ForcedBOSTokenLogitsProcessor(config.forced_bos_token_id))
    if config.forced_eos_token_id is not None:
        processors.append(ForcedEOSTokenLogitsProcessor(max_length, config.forced_eos_token_id))
    return processors


def _cache_argument(model: Any) -> str:
    # transformers 5 renamed `past_key_values` to `cache`, in both directions.
    return "cache" if "cache" in inspect.signature(model.forward).parameters else "past_key_values"


@torch.inference_mode()
def greedy(model: Any, states: torch.Tensor, mask: torch.Tensor | None, settings: dict[str, Any]) -> torch.Tensor:
    """Greedy decoding from encoder states: the sequences `generate` returns.

    Args:
      model: an encoder-decoder model for which `supports(model, settings)`.
      states: the encoder's last hidden states, (batch, length, width).
      mask: the encoder attention mask, (batch, length), or None.
      settings: generation keyword arguments (max_new_tokens required).

    Returns:
      Token ids, (batch, 1 + generated), starting with the decoder start token
      and padded after EOS, as `generate` returns them.
    """
    config = merged_config(model, settings)
    eos = _token_list(config.eos_token_id)
    pad = config.pad_token_id if config.pad_token_id is not None else (eos[0] if eos else 0)
    max_length = config.max_new_tokens + 1
    processors = _processors(config, eos, max_length)
    batch = states.shape[0]
    sequences = torch.full((batch, 1), config.decoder_start_token_id, dtype=torch.long, device=states.device)
    unfinished = torch.ones(batch, dtype=torch.bool, device=states.device)
    eos_ids = torch.tensor(eos, dtype=torch.long, device=states.device)
    step = _steps(model, states, mask, max_length)
    while sequences.shape[1] < max_length:
        scores = processors(sequences, step(sequences[:, -1:]).float())  # type: ignore[arg-type]
        tokens = torch.where(unfinished, scores.argmax(dim=-1), pad)
        sequences = torch.cat([sequences, tokens[:, None]], dim=1)
        if eos:
            unfinished &= ~torch.isin(tokens, eos_ids)
            if not bool(unfinished.any()):
                break
    return sequences


def _steps(
    model: Any, states: torch.Tensor, mask: torch.Tensor | None, max_length: int
) -> Callable[[torch.Tensor], torch.Tensor]:
    """A function from the last tokens, (batch, 1), to the next-token logits, (batch, vocab).

    T5-family models take the lean step of `t5_decoder`; any other model its
    own `forward` with its key/value cache.
    """
    if t5_decoder.fits(model):
        return t5_decoder.T5Decoder(model, states, mask, max_length)
    encoder_outputs = BaseModelOutput(last_hidden_state=states)
    cache_name = _cache_argument(model)
    cache = None

    def step(tokens: torch.Tensor) -> torch.Tensor:
        nonlocal cache
        outputs = model(
            encoder_outputs=encoder_outputs,
            attention_mask=mask,
            decoder_input_ids=tokens,
            use_cache=True,
            return_dict=True,
            **{cache_name: cache},
        )
        cache = outputs[cache_name]
        return outputs.logits[:, -1, :]

    return step
