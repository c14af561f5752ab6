"""The systems `make bench` compares us against, each as text -> summary.

Lead-N, summa's TextRank, sumy's TextRank and LexRank, the first sentence cut
to 12 words (headlines), and the canonical transformers recipe (tokenise,
`generate`, decode, per article). sumy is fed our sentence splitter and word
tokeniser, because its NLTK data cannot be downloaded on offline machines.
These live in the optional `bench` dependency group, never the runtime one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from summarize.prepare import normalize, split_sentences, words

System = Callable[[str], str]


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


def transformers_recipe(
    model: Any, tokenizer: Any, prefix: str, max_input: int, settings: dict[str, dict[str, Any]]
) -> Callable[[str], tuple[str, str]]:
    """The canonical per-article recipe, as `pipeline("summarization")` ran it.

    For each article: tokenise, `generate`, decode, once for the paragraph and
    once for the headline, with the same generation settings as ours.
    """
    import torch

    def run(text: str) -> tuple[str, str]:
        outputs = []
        for part in ("headline", "paragraph"):
            inputs = tokenizer(prefix + text, truncation=True, max_length=max_input, return_tensors="pt")
            with torch.no_grad():
                ids = model.generate(**inputs, **settings[part])
            outputs.append(tokenizer.decode(ids[0], skip_special_tokens=True))
        return outputs[0], outputs[1]

    return run
