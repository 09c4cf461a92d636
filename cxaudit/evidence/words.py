"""Reading names and texts the same way everywhere: words of a name, placeholders, vocabulary.

A *name* is an identifier a bot's author chose: an action, webhook, intent, flow, form, slot or
parameter name. Authors write them in snake_case, camelCase, dotted, kebab-case or with spaces
(``action_pay_cc``, ``accountNumber``, ``billing.make_payment``, ``Make A Payment``), and in
Dutch and German often as one compound word (``geboortedatum``, ``Kontonummer``). :func:`words_of`
turns each into the same list of folded words, splitting a compound into words the vocabulary
knows.

The vocabulary is data: ``rules/evidence/*.yaml`` hold word lists per language (``nl``, ``en``,
``de``, ``fr``); names carry no language, so a name is read against the words of all of them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from typing import Any

from cxaudit.resources import read_shipped, rules_dir

#: The languages the evidence vocabulary covers.
LANGUAGES = ("nl", "en", "de", "fr")

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_DIGITS = re.compile(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])")
# Umlauts written out in identifiers (Rueckerstattung, Aendern) fold to the plain vowel, as the
# accented spelling does.
_UMLAUTS = (("ae", "a"), ("oe", "o"), ("ue", "u"))


class EvidenceDataError(Exception):
    """A shipped evidence file is malformed: a bug in cxaudit's data, not in the user's input."""


def fold(text: str) -> str:
    """Lower case without accents, one character for one (offsets stay valid).

    >>> fold("Überweisung à Noël")
    'uberweisung a noel'
    """
    return "".join(_fold_char(ch) for ch in text)


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    lowered = base.lower()
    return lowered if len(lowered) == 1 else ch.lower()[:1] or ch


def language_of(code: str) -> str:
    """The two-letter language of a language code (``en-GB`` -> ``en``), lower case."""
    return code.replace("_", "-").split("-")[0].lower()


def languages_for(language: str) -> tuple[str, ...]:
    """The vocabulary languages to read a text in: its own, or all for ``*`` or an unknown one."""
    lang = language_of(language)
    return (lang,) if lang in LANGUAGES else LANGUAGES


@lru_cache(maxsize=16384)
def words_of(name: str) -> tuple[str, ...]:
    """The folded words of a name, with compounds the vocabulary knows split into their parts.

    >>> words_of("accountNumber")
    ('account', 'number')
    >>> words_of("action_pay_cc")
    ('action', 'pay', 'cc')
    >>> words_of("Zahlungsdatum")
    ('zahlung', 'datum')
    >>> words_of("e-mail")
    ('email',)
    """
    spaced = _DIGITS.sub(" ", _CAMEL.sub(" ", name.strip()))
    folded = fold(spaced).replace("e-mail", "email").replace("e mail", "email")
    found: list[str] = []
    for word in _NOT_WORD.split(folded):
        if word:
            found.extend(split_compound(word))
    return tuple(found)


def split_compound(word: str) -> tuple[str, ...]:
    """A word the vocabulary does not know, as the fewest known words that spell it (with the
    linking ``s`` of Dutch and German compounds: ``geboortedatum``, ``Geburtsdatum``); else the
    word itself. Only words of four letters or more are split, into parts of three or more."""
    known = vocabulary()
    if word in known or len(word) < 6 or word.isdigit():
        return (word,)
    return _segment(word, known) or (_respelt(word, known) or (word,))


def _respelt(word: str, known: frozenset[str]) -> tuple[str, ...] | None:
    for written, plain in _UMLAUTS:
        if written in word:
            respelt = word.replace(written, plain)
            if respelt in known:
                return (respelt,)
            found = _segment(respelt, known)
            if found:
                return found
    return None


def _segment(word: str, known: frozenset[str]) -> tuple[str, ...] | None:
    """The fewest known parts (at most three) that spell ``word``; linking ``s`` dropped."""
    best: tuple[str, ...] | None = None
    for cut in range(3, len(word) - 2):
        head, tail = word[:cut], word[cut:]
        first = head if head in known else None
        if first is None and head.endswith("s") and head[:-1] in known and len(head) > 3:
            first = head[:-1]
        if first is None:
            continue
        if tail in known:
            return (first, tail)
        if best is None and len(tail) >= 6:
            rest = _segment_two(tail, known)
            if rest:
                best = (first, *rest)
    return best


def _segment_two(word: str, known: frozenset[str]) -> tuple[str, ...] | None:
    for cut in range(3, len(word) - 2):
        head, tail = word[:cut], word[cut:]
        if tail not in known:
            continue
        if head in known:
            return (head, tail)
        if head.endswith("s") and head[:-1] in known:
            return (head[:-1], tail)
    return None


# -- vocabulary -------------------------------------------------------------------------------


@cache
def evidence_data(name: str) -> Mapping[str, Any]:
    """The parsed ``rules/evidence/<name>.yaml``."""
    path = rules_dir() / "evidence" / f"{name}.yaml"
    data: Any = read_shipped(path).data
    if not isinstance(data, dict):
        raise EvidenceDataError(f"{path}: expected a map")
    return data


Phrase = tuple[str, ...]


def phrases(node: Any, where: str, languages: Iterable[str] = LANGUAGES) -> frozenset[Phrase]:
    """The phrases of a word list (``{nl: [...], en: [...]}``) in ``languages``, each as its
    folded words. A phrase is matched as a run of words of a name (see :func:`has`)."""
    if not isinstance(node, dict):
        raise EvidenceDataError(f"{where}: expected a map of languages to word lists")
    found: set[Phrase] = set()
    for language in languages:
        for item in node.get(language) or []:
            words = tuple(w for w in _NOT_WORD.split(fold(str(item))) if w)
            if not words:
                raise EvidenceDataError(f"{where}.{language}: an empty phrase")
            found.add(words)
    return frozenset(found)


def has(words: tuple[str, ...], vocabulary: frozenset[Phrase]) -> bool:
    """Does a run of ``words`` spell one of the phrases?"""
    return bool(found_in(words, vocabulary))


def found_in(words: tuple[str, ...], vocabulary: frozenset[Phrase]) -> list[tuple[int, Phrase]]:
    """Where each phrase of ``vocabulary`` stands in ``words``: (index, phrase), in order."""
    hits = []
    for i in range(len(words)):
        for size in (3, 2, 1):
            phrase = words[i : i + size]
            if len(phrase) == size and phrase in vocabulary:
                hits.append((i, phrase))
    return hits


# Sections of names.yaml whose words are no parts of compounds: the handoff words are short
# verbs and particles ("put", "over", "real", "est") that would cut ordinary words apart
# (output, overview, realtime, latest), and a handoff is named with separators
# (transfer_to_agent, doorverbinden_medewerker).
_NOT_PARTS = frozenset({"handoff"})


@cache
def vocabulary() -> frozenset[str]:
    """Every single word of the name vocabularies: the parts a compound may be split into."""
    known: set[str] = set()
    for name in ("names",):
        data = evidence_data(name)
        _collect({key: data[key] for key in data if key not in _NOT_PARTS}, known)
    return frozenset(known)


def _collect(node: Any, into: set[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in LANGUAGES and isinstance(value, list):
                for item in value:
                    into.update(w for w in _NOT_WORD.split(fold(str(item))) if len(w) >= 3)
            elif key not in ("examples", "not"):
                _collect(value, into)
