"""The systems `make bench` compares us against.

Extractive, each as text -> summary: Lead-N, summa's TextRank, sumy's
TextRank and LexRank, and the first sentence cut to 12 words (headlines).
sumy is fed our sentence splitter and word tokeniser, because its NLTK data
cannot be downloaded on offline machines.

Abstractive: the transformers recipes a user writes without us, on the same
model: per article (tokenise, `generate`, decode, as `pipeline("summarization")`
ran it), and batched (one padded batch, one `generate` call per output), each
in fp32 or with torch's dynamic int8 quantisation, as our `--quantize int8` uses.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from summarize.prepare import normalize, split_sentences, words

System = Callable[[str], str]
Lengths = dict[str, dict[str, Any]]


def lead(n: int) -> System:
    """The first n sentences."""
    return lambda text: " ".join(split_sentences(normalize(text))[:n])


def first_words(n: int) -> System:
    """The first sentence cut to n words: the naive headline."""
    return lambda text: " ".join(split_sentences(normalize(text))[0].split()[:n])


def summa_textrank(words_target: int = 60) -> System:
    """summa's TextRank with a word budget."""
    from summa.summarizer import summarize as summa_summarize

    return lambda text: " ".join(summa_summarize(text, words=words_target).split("\n"))


class _OurTokenizer:
    """sumy's tokenizer interface over our splitter."""

    language = "english"

    def to_sentences(self, paragraph: str) -> list[str]:
        return split_sentences(paragraph)

    def to_words(self, sentence: str) -> list[str]:
        return words(sentence)


def sumy_system(kind: str, sentences: int = 3) -> System:
    """sumy's TextRank or LexRank, picking `sentences` sentences."""
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    tokenizer = _OurTokenizer()
    summarizer: Any = (TextRankSummarizer if kind == "textrank" else LexRankSummarizer)(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")

    def run(text: str) -> str:
        document = ObjectDocumentModel([Paragraph([Sentence(s, tokenizer) for s in split_sentences(normalize(text))])])
        return " ".join(str(s) for s in summarizer(document, sentences))

    return run


def load_recipe_model(directory: Path, quantize: str) -> tuple[Any, Any]:
    """The model and tokenizer as a user loads them with transformers alone.

    Args:
      directory: a saved model.
      quantize: "none", or "int8" for torch's dynamic int8 Linear layers.

    Returns:
      (model in eval mode on the CPU, tokenizer).
    """
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(directory)
    model = AutoModelForSeq2SeqLM.from_pretrained(directory).eval()
    if quantize == "int8":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # eager dynamic quantisation is marked deprecated; it is what users run
            model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    return model, tokenizer


def per_article_recipe(
    model: Any, tokenizer: Any, prefix: str, max_input: int, lengths: Lengths
) -> Callable[[str], tuple[str, str]]:
    """The canonical per-article recipe, as `pipeline("summarization")` ran it.

    For each article: tokenise, `generate`, decode, once for the headline and
    once for the paragraph, with the given generation settings.
    """
    import torch

    def run(text: str) -> tuple[str, str]:
        outputs = []
        for part in ("headline", "paragraph"):
            inputs = tokenizer(prefix + text, truncation=True, max_length=max_input, return_tensors="pt")
            with torch.no_grad():
                ids = model.generate(**inputs, **lengths[part])
            outputs.append(tokenizer.decode(ids[0], skip_special_tokens=True))
        return outputs[0], outputs[1]

    return run


def batched_recipe(
    model: Any, tokenizer: Any, prefix: str, max_input: int, lengths: Lengths
) -> Callable[[Sequence[str]], list[tuple[str, str]]]:
    """The batched recipe: the articles as one padded batch, one `generate` call per output.

    Articles stay in the order given (no sorting by length); the headline and
    the paragraph are each one `generate` call over the whole batch.
    """
    import torch

    def run(texts: Sequence[str]) -> list[tuple[str, str]]:
        inputs = tokenizer(
            [prefix + t for t in texts], padding=True, truncation=True, max_length=max_input, return_tensors="pt"
        )
        outputs = []
        for part in ("headline", "paragraph"):
            with torch.no_grad():
                ids = model.generate(**inputs, **lengths[part])
            outputs.append(tokenizer.batch_decode(ids, skip_special_tokens=True))
        return list(zip(outputs[0], outputs[1], strict=True))

    return run
