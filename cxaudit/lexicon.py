"""Lexicons: phrase patterns per rule and language, matched against normalised bot texts.

A lexicon file is ``rules/lexicons/<rule>.<language>.yaml`` (for example ``cx10.nl.yaml``)::

    rule: CX10
    language: nl
    entries:
      - id: understands-feelings
        label: {en: claims to understand the customer's feelings, nl: ...}
        pattern: '\\bik begrijp hoe (?:je|u) (?:je|zich) voelt\\b'
        strength: strong           # extra attributes are free-form strings per rule
        examples: [Ik begrijp hoe je je voelt.]
        not: [Ik begrijp je vraag.]   # phrases this entry must not match (optional)
    allowed:                       # phrases that no entry may match
      - Vervelend dat je pakket niet kwam. Ik verbind je door.

Patterns are regular expressions over *normalised* text (see :func:`normalise`): lower case,
no accents, straight quotes, punctuation replaced by spaces, single spaces.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from typing import Any

from cxaudit.loader import load_text
from cxaudit.resources import rules_dir

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
    }
)
# Everything that is not a letter, a digit, an apostrophe or a space becomes a space.
_PUNCTUATION = re.compile(r"[^\w' ]+|_")
_SPACES = re.compile(r"\s+")
# Apostrophes that are quotes, not elisions ('hallo' -> hallo, but I'm and zo'n stay).
_QUOTE_APOSTROPHE = re.compile(r"(?<!\w)'|'(?!\w)")


@lru_cache(maxsize=65536)  # bots repeat texts (buttons, greetings); every text rule reads each
def normalise(text: str) -> str:
    """Fold a bot text to the form lexicon patterns are written against.

    >>> normalise("Ik begrijp  hoe jij je VOELT… “Echt”!")
    'ik begrijp hoe jij je voelt echt'
    >>> normalise("I’m Émilie, the AI-assistant")
    "i'm emilie the ai assistant"
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = stripped.casefold().translate(_QUOTES).replace('"', " ")
    spaced = _PUNCTUATION.sub(" ", _SPACES.sub(" ", folded))
    return _SPACES.sub(" ", _QUOTE_APOSTROPHE.sub(" ", spaced)).strip()


@dataclass(frozen=True)
class Entry:
    """One pattern of a lexicon, with what it means and the phrases it must match."""

    id: str
    label: Mapping[str, str]
    source: str  # the regular expression
    examples: tuple[str, ...]
    counter_examples: tuple[str, ...] = ()
    attrs: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        # Compiled on first use: compiling every entry of every lexicon is most of a small
        # run's start-up, and most entries are only needed once the screen has a hit.
        return re.compile(self.source)

    def matches(self, text: str) -> bool:
        return self.pattern.search(normalise(text)) is not None


@dataclass(frozen=True)
class Match:
    """An entry that matched, the normalised phrase it matched, and whether it was negated.

    ``negated`` is true when a negation ("never", "nooit", "niet", ...) stands in the few words
    before the phrase: in a prompt, *Zeg nooit "ik begrijp hoe je je voelt"* forbids the phrase
    rather than using it.
    """

    entry: Entry
    phrase: str
    negated: bool = False


# Negation words in the languages cxaudit reads; a match preceded by one of these within a few
# words is marked negated (it is only used for language-model prompts).
_NEGATION = re.compile(
    r"\b(?:never|not|don't|dont|do not|avoid|without|no"
    r"|nooit|niet|geen|vermijd|zonder"
    r"|nie|niemals|nicht|kein|keine|keinen|ohne|vermeide"
    r"|jamais|pas|sans|evitez|evite)\b"
)
_NEGATION_WINDOW = 6  # words
_CLAUSE = re.compile(r"[.,;!?\n]+")  # not ":", which often introduces the phrase itself


@dataclass(frozen=True)
class Lexicon:
    """All entries of one rule in one language, compiled into a single alternation."""

    rule: str
    language: str
    entries: tuple[Entry, ...]
    allowed: tuple[str, ...]
    combined: re.Pattern[str]

    def find(self, text: str) -> list[Match]:
        """Every entry that matches ``text``, each once, in text order (then file order).

        The combined alternation is only a quick filter: most texts match nothing. When it hits,
        each entry is searched on its own, because in one alternation an entry whose match
        starts inside another entry's match would never be seen.
        """
        normal = normalise(text)
        if self.combined.search(normal) is None:
            return []
        hits = []
        for order, entry in enumerate(self.entries):
            hit = entry.pattern.search(normal)
            if hit is not None:
                hits.append((hit.start(), order, entry, hit))
        return [
            Match(entry, hit.group(0), _negated(text, normal, start, hit.group(0)))
            for start, _, entry, hit in sorted(hits, key=lambda h: (h[0], h[1]))
        ]


def _negated(text: str, normal: str, start: int, phrase: str) -> bool:
    """Is there a negation in the few words before the phrase, within its own clause?

    Normalising drops punctuation, so the clause is found in the raw text: in "If the customer
    is not happy, say I understand how you feel" the "not" belongs to another clause.
    """
    for clause in _CLAUSE.split(text):
        folded = normalise(clause)
        at = folded.find(phrase)
        if at != -1:
            return _NEGATION.search(" ".join(folded[:at].split()[-_NEGATION_WINDOW:])) is not None
    # The phrase runs across clause marks: judge it in the whole text.
    return _NEGATION.search(" ".join(normal[:start].split()[-_NEGATION_WINDOW:])) is not None


class LexiconError(Exception):
    """A shipped lexicon file is malformed: a bug in cxaudit's data, not in the user's input."""


@cache
def load_lexicon(rule: str, language: str) -> Lexicon | None:
    """The lexicon for ``rule`` (``CX10``) in ``language`` (``nl``), or None if there is none."""
    path = rules_dir() / "lexicons" / f"{rule.lower()}.{language}.yaml"
    if not path.is_file():
        return None
    data: Any = load_text(path.read_text(encoding="utf-8"), str(path)).data
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise LexiconError(f"{path}: expected a map with an 'entries' list")
    if str(data.get("rule", "")).upper() != rule.upper() or data.get("language") != language:
        raise LexiconError(f"{path}: its rule/language keys do not match the file name")
    entries = tuple(_entry(path.name, raw) for raw in data["entries"])
    allowed = tuple(str(phrase) for phrase in data.get("allowed") or [])
    return Lexicon(rule.upper(), language, entries, allowed, _screen(path.name, entries))


def _screen(source: str, entries: tuple[Entry, ...]) -> re.Pattern[str]:
    """One alternation of all entries: a fast first pass, and a check of every pattern."""
    try:
        combined = re.compile("|".join(f"(?:{entry.source})" for entry in entries) or r"(?!)")
    except re.error:
        combined = None
    if combined is None or combined.groups:
        for entry in entries:  # find the culprit, for a message that names it
            try:
                groups = entry.pattern.groups
            except re.error as exc:
                raise LexiconError(f"{source}: entry {entry.id}: bad pattern: {exc}") from None
            if groups:
                raise LexiconError(
                    f"{source}: entry {entry.id}: use (?:...) instead of capturing groups"
                )
    assert combined is not None
    return combined


def _entry(source: str, raw: object) -> Entry:
    if not isinstance(raw, dict) or not {"id", "label", "pattern", "examples"} <= raw.keys():
        raise LexiconError(f"{source}: an entry needs id, label, pattern and examples: {raw!r}")
    if not isinstance(raw["examples"], list) or not isinstance(raw.get("not") or [], list):
        raise LexiconError(f"{source}: entry {raw['id']}: examples and not must be lists")
    label = raw["label"]
    labels = {str(k): str(v) for k, v in label.items()} if isinstance(label, dict) else {}
    if not labels:
        labels = {"en": str(label)}
    attrs = {
        str(k): (" ".join(map(str, v)) if isinstance(v, list) else str(v))
        for k, v in raw.items()
        if k not in {"id", "label", "pattern", "examples", "not"}
    }
    return Entry(
        id=str(raw["id"]),
        label=labels,
        source=str(raw["pattern"]),
        examples=tuple(str(e) for e in raw["examples"]),
        counter_examples=tuple(str(e) for e in raw.get("not") or []),
        attrs=attrs,
    )


def available_languages(rule: str) -> tuple[str, ...]:
    """The languages that have a lexicon for ``rule``, sorted."""
    folder = rules_dir() / "lexicons"
    prefix = f"{rule.lower()}."
    return tuple(
        sorted(p.name[len(prefix) : -len(".yaml")] for p in folder.glob(f"{prefix}*.yaml"))
    )


@cache
def first_names() -> frozenset[str]:
    """Common given names (normalised), to tell a bot called "Lisa" from one called "PakketPal"."""
    path = rules_dir() / "lexicons" / "first-names.yaml"
    data: Any = load_text(path.read_text(encoding="utf-8"), str(path)).data
    names = data.get("names") if isinstance(data, dict) else None
    if not isinstance(names, list):
        raise LexiconError(f"{path}: expected a map with a 'names' list")
    return frozenset(str(name) for name in names)
