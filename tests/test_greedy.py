"""The lean greedy loop returns what `generate` returns, token for token."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
import torch
from conftest import ARTICLE, SEED
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
from transformers.modeling_outputs import BaseModelOutput

from summarize import t5_decoder
from summarize.greedy import greedy, supports

TEXTS = [ARTICLE, ARTICLE[:90], SEED.read_text()[:1500], "Budget approved by the council.", ARTICLE[::-1][:200]]


def load(path: Path, quantize: bool = False) -> tuple[Any, torch.Tensor, torch.Tensor]:
    """The model, and the encoder states and mask of TEXTS as one padded batch."""
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForSeq2SeqLM.from_pretrained(path).eval()
    if quantize:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    encoded = tokenizer(TEXTS, padding=True, truncation=True, max_length=100, return_tensors="pt")
    with torch.inference_mode():
        states = model.get_encoder()(**encoded).last_hidden_state
    return model, states, encoded["attention_mask"]


def both(model: Any, states: torch.Tensor, mask: torch.Tensor, **settings: Any) -> tuple[torch.Tensor, torch.Tensor]:
    with torch.inference_mode():
        expected = model.generate(
            encoder_outputs=BaseModelOutput(last_hidden_state=states), attention_mask=mask, **settings
        )
        return expected, greedy(model, states, mask, settings)


SETTINGS = [
    {"num_beams": 1, "do_sample": False, "min_new_tokens": 12, "max_new_tokens": 12},
    {"num_beams": 1, "do_sample": False, "min_new_tokens": 2, "max_new_tokens": 20},
    {"num_beams": 1, "do_sample": False, "min_new_tokens": 4, "max_new_tokens": 24, "no_repeat_ngram_size": 3},
    {"num_beams": 1, "do_sample": False, "max_new_tokens": 16, "no_repeat_ngram_size": 2, "forced_bos_token_id": 5},
]


@pytest.mark.parametrize("fixture", ["tiny_t5", "tiny_bart"])
@pytest.mark.parametrize("settings", SETTINGS)
def test_greedy_equals_generate(fixture: str, settings: dict[str, Any], request: pytest.FixtureRequest) -> None:
    model, states, mask = load(request.getfixturevalue(fixture))
    assert supports(model, settings)
    expected, got = both(model, states, mask, **settings)
    assert torch.equal(expected, got)


@pytest.mark.parametrize("fixture", ["tiny_t5", "tiny_bart"])
def test_greedy_stops_and_pads_like_generate(fixture: str, request: pytest.FixtureRequest) -> None:
    model, states, mask = load(request.getfixturevalue(fixture))
    # no_repeat_ngram_size 1: a tiny random model otherwise repeats one token.
    settings: dict[str, Any] = {"num_beams": 1, "do_sample": False, "max_new_tokens": 16, "no_repeat_ngram_size": 1}
    free, _ = both(model, states, mask, **settings)
    # A token written at step 7 of the first row: as EOS it ends that row early.
    stop = int(free[0, 7])
    expected, got = both(model, states, mask, **settings, eos_token_id=stop)
    assert torch.equal(expected, got)
    ended = (got == stop).any(dim=1)
    assert ended[0] and got.shape[1] <= free.shape[1]
    if not ended.all():  # rows that ran on had the stopped ones padded
        assert (got[0, 8:] == model.generation_config.pad_token_id).all()
    expected, got = both(model, states, mask, **settings, eos_token_id=stop, min_new_tokens=5)
    assert torch.equal(expected, got)
    assert not (got[:, 1:6] == stop).any()


@pytest.mark.parametrize("fixture", ["tiny_t5", "tiny_bart"])
def test_greedy_equals_generate_at_int8(fixture: str, request: pytest.FixtureRequest) -> None:
    # The same quantised model in both: dynamic int8 is deterministic for a given batch.
    model, states, mask = load(request.getfixturevalue(fixture), quantize=True)
    expected, got = both(model, states, mask, **SETTINGS[2])
    assert torch.equal(expected, got)


@pytest.mark.parametrize(
    "settings",
    [
        {"num_beams": 4, "max_new_tokens": 8},
        {"num_beams": 1, "do_sample": True, "max_new_tokens": 8},
        {"num_beams": 1, "max_new_tokens": 8, "repetition_penalty": 1.3},
        {"num_beams": 1, "max_new_tokens": 8, "suppress_tokens": [3]},
        {"num_beams": 1, "max_new_tokens": 8, "num_return_sequences": 2},
        {"num_beams": 1},
    ],
)
def test_unsupported_settings_are_declined(tiny_t5: Path, settings: dict[str, Any]) -> None:
    model = AutoModelForSeq2SeqLM.from_pretrained(tiny_t5)
    assert not supports(model, settings)


def test_settings_in_the_models_generation_config_count(tiny_t5: Path) -> None:
    model = AutoModelForSeq2SeqLM.from_pretrained(tiny_t5)
    settings = {"num_beams": 1, "max_new_tokens": 8}
    assert supports(model, settings)
    model.generation_config.repetition_penalty = 1.2
    assert not supports(model, settings)


@pytest.fixture(scope="module")
def t5_variants(tiny_t5: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The tiny T5 saved again as flan-t5 (gated GELU, untied head) and as mT5, with its tokenizer."""
    import transformers

    base = transformers.T5Config.from_pretrained(tiny_t5)
    variants = {}
    for name, architecture, changes in (
        ("flan", "T5", {"feed_forward_proj": "gated-gelu", "tie_word_embeddings": False}),
        ("mt5", "MT5", {"feed_forward_proj": "gated-gelu", "tie_word_embeddings": False}),
    ):
        directory = tmp_path_factory.mktemp(name)
        config = getattr(transformers, f"{architecture}Config")(**{**base.to_dict(), **changes})
        torch.manual_seed(1)
        getattr(transformers, f"{architecture}ForConditionalGeneration")(config).save_pretrained(directory)
        AutoTokenizer.from_pretrained(tiny_t5).save_pretrained(directory)
        variants[name] = directory
    return variants


@pytest.mark.parametrize("variant", ["flan", "mt5"])
@pytest.mark.parametrize("quantize", [False, True])
def test_t5_variants_take_the_lean_step_and_match_generate(
    t5_variants: dict[str, Path], variant: str, quantize: bool
) -> None:
    model, states, mask = load(t5_variants[variant], quantize=quantize)
    assert t5_decoder.fits(model)
    for settings in SETTINGS[:3]:
        expected, got = both(model, states, mask, **settings)
        assert torch.equal(expected, got)


def test_the_lean_step_is_only_for_the_t5_family_in_float32(tiny_t5: Path, tiny_bart: Path) -> None:
    t5 = AutoModelForSeq2SeqLM.from_pretrained(tiny_t5)
    assert t5_decoder.fits(t5)
    assert not t5_decoder.fits(AutoModelForSeq2SeqLM.from_pretrained(tiny_bart))
    assert not t5_decoder.fits(t5.to(torch.bfloat16))


def test_the_lean_step_gives_generates_logits(tiny_t5: Path) -> None:
    # Logits, not only their argmax: a wrong bias or scale could still pick the same tokens.
    model, states, mask = load(tiny_t5)
    tokens = torch.full((states.shape[0], 1), model.config.decoder_start_token_id)
    with torch.inference_mode():
        step = t5_decoder.T5Decoder(model, states, mask, 6)
        for _ in range(5):
            got = step(tokens[:, -1:])
            expected = model(
                encoder_outputs=BaseModelOutput(last_hidden_state=states), attention_mask=mask, decoder_input_ids=tokens
            ).logits[:, -1, :]
            torch.testing.assert_close(got, expected, rtol=1e-4, atol=1e-5)
            tokens = torch.cat([tokens, got.argmax(-1, keepdim=True)], dim=1)


def test_a_plain_projection_is_the_layers_product_and_any_other_layer_is_called() -> None:
    torch.manual_seed(0)
    x = torch.randn(5, 1, 16)
    plain = torch.nn.Linear(16, 24, bias=False)
    assert t5_decoder._project(plain, x).shape == (5, 1, 24)
    assert torch.allclose(t5_decoder._project(plain, x), plain(x), atol=1e-6)
    biased = torch.nn.Linear(16, 24)
    assert torch.equal(t5_decoder._project(biased, x), biased(x))
