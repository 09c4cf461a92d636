"""Bot texts as the evidence layer reads them: placeholders out, cut into sentences and clauses.

A text may hold parameter references (``{name}``, ``{{ name }}``, ``$session.params.name``,
``$flow.name``, Rasa's ``[John](PERSON)``) and SSML tags; none of them is a word the customer
reads, so they never make or break a phrase.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar

from cxaudit.evidence.words import languages_for
from cxaudit.lexicon import Lexicon, load_lexicon

# Each is a placeholder, SSML markup or an annotation: never words of the text.
PLACEHOLDER = re.compile(
    r"\{\{[^{}\n]{0,200}\}\}"  # {{ jinja }}
    r"|\{%[^{}\n]{0,200}%\}"  # {% jinja %}
    r"|\$?\{[^{}\n]{0,200}\}"  # {name}, ${name}
    r"|\[[^\[\]\n]{0,200}\]\((?!https?:|www\.|mailto:|tel:)[^()\n]{0,200}\)(?:\{[^{}\n]{0,200}\})?"  # [John](PERSON), not a link
    r"|\$(?:session|flow|page|intent|request|sys)(?:\.[\w-]+)+(?:\([^()\n]{0,200}\))?"
    r"|</?[a-zA-Z][\w:-]{0,30}(?:\s[^<>]{0,300})?/?>"  # SSML and HTML tags
)
# (?<!\s): a run of blanks is tried for a line break from its start only, not again from each
# of its blanks (quadratic in a long run without one).
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|(?<!\s)\s*\n\s*|(?<=[.!?])(?=[A-Z])")
_CLAUSE = re.compile(  # (?<!\s): as for _SENTENCE_END, a run of blanks is tried once
    r"(?<!\s)\s*[,:;\u2013\u2014]\s*|(?<!\s)\s+-\s+"
    r"|(?<!\s)\s+(?=(?:but|however|although|maar|echter|hoewel|aber|jedoch|allerdings|mais|cependant|toutefois)\b)",
    re.IGNORECASE,
)
# Runs of blanks other than line breaks, each read as one space: the sentence and clause
# patterns then never meet a long run of blanks, which would make them quadratic.
_BLANKS = re.compile(r"[^\S\n]+")
# What may follow a question mark at the end of a sentence: quotes, brackets and emphasis.
_TRAILING = " \t\r\n\"'\u2019\u201d)]*_~"


def without_placeholders(text: str, filler: str = " \u2026 ") -> str:
    """The text with every placeholder, tag and annotation replaced by ``filler``.

    >>> without_placeholders("Hi {name}, I'm $session.params.bot_name.", filler="_")
    "Hi _, I'm _."
    """
    return PLACEHOLDER.sub(filler, text)


def blanked(text: str) -> str:
    """The text with placeholders and tags blanked out by spaces: offsets stay valid."""
    return PLACEHOLDER.sub(lambda m: " " * len(m.group(0)), text)


def sentences(text: str) -> list[str]:
    """The sentences of a text (cut after . ! ? ; and at line breaks), stripped, none empty."""
    text = _BLANKS.sub(" ", text)
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def clauses(sentence: str) -> list[str]:
    """The clauses of a sentence: cut at commas, colons, dashes and before "but"-words."""
    sentence = _BLANKS.sub(" ", sentence)
    return [c for c in _CLAUSE.split(sentence) if c and c.strip()]


T = TypeVar("T")


def first_in_statements(text: str, language: str, read: Callable[[str, str], T | None]) -> T | None:
    """What ``read(sentence, language)`` finds first in the text's statements: its sentences,
    placeholders left out, that are not questions, each read in every language the text may
    be in (``languages_for``)."""
    for sentence in sentences(without_placeholders(text)):
        if is_question(sentence):
            continue
        for lang in languages_for(language):
            found = read(sentence, lang)
            if found is not None:
                return found
    return None


def is_question(sentence: str) -> bool:
    """Does the sentence end with a question mark (quotes, brackets and emphasis aside)?"""
    return sentence.rstrip(_TRAILING).endswith(("?", "\uff1f"))


@lru_cache(maxsize=64)
def lexicon(name: str, language: str) -> Lexicon | None:
    """One of the evidence lexicons (``rules/lexicons/<name>.<language>.yaml``), if it exists."""
    return load_lexicon(name, language)
