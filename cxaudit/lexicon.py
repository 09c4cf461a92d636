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

A lexicon may name its word classes, the small grammar its patterns are written in::

    words:
      i: '(?:ik|wij|we)'                                 # a fragment ...
      feeling: [frustratie, boosheid, 'zorgen?', pijn]   # ... or a list of alternatives
      your-feeling: '(?:je|jouw|uw) (?:\\w+ )?{feeling}'  # classes may use earlier ones

and a pattern writes ``{feeling}`` for ``(?:frustratie|boosheid|zorgen?|pijn)``. The class
``{first-name}`` (the names of ``first-names.yaml``) is there without being named. One list of
feeling words then serves every entry that needs one: a word added there is found in every
shape of sentence, which is what holds on texts nobody wrote the entries against.

Compiling the patterns is most of a small run's start-up, and most texts match nothing. So each
entry carries its *anchors*: literal strings of which every match contains at least one (see
:mod:`cxaudit.regex_literals`). An entry's pattern is compiled and searched only for texts that
contain one of its anchors; a lexicon that has read many texts (a large bot) also screens each
text first with one alternation of all its patterns. The anchors are derived from the patterns
and shipped in the data bundle (see :mod:`cxaudit.resources`); for a lexicon file that changed
since, they are derived again.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import Any

from cxaudit.regex_literals import required_literals
from cxaudit.resources import read_shipped, rules_dir

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
#: The language of a text whose language is unknown (a bot that declares no languages): it is
#: matched against the lexicons of every language.
ANY_LANGUAGE = "*"

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
    # The accents NFKD split off, dropped at C speed: look only at the distinct characters.
    marks = {ord(ch): None for ch in set(decomposed) if unicodedata.combining(ch)}
    stripped = decomposed.translate(marks) if marks else decomposed
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
    # Literals of which every match contains one; None when the pattern guarantees none.
    anchors: tuple[str, ...] | None = None
    # A cheaper pattern that matches wherever ``source`` does (``{first-name}`` read as any
    # word): searched first, and in the lexicon's screen; None when it would be the same.
    rough: str | None = None

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        # Compiled on first use, once a text contains one of the entry's anchors.
        return re.compile(self.source)

    @cached_property
    def rough_pattern(self) -> re.Pattern[str]:
        """The pattern searched first: the rough one where there is one (the names of
        ``{first-name}`` are a long alternation to compile, and most texts name nobody)."""
        return re.compile(self.rough) if self.rough is not None else self.pattern

    def search(self, normal: str) -> re.Match[str] | None:
        hit = self.rough_pattern.search(normal)
        if hit is None or self.rough is None:
            return hit
        return self.pattern.search(normal)

    def may_match(self, normal: str) -> bool:
        """False only when the normalised text cannot match: it contains none of the anchors."""
        return self.anchors is None or any(anchor in normal for anchor in self.anchors)

    def matches(self, text: str) -> bool:
        return self.search(normalise(text)) is not None


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


# After this many texts a lexicon compiles its screen: a small bot saves the compile, a large
# one gets the faster filter (see bench/ and docs/performance.md).
SCREEN_AFTER = 256


@dataclass(eq=False)
class Lexicon:
    """All entries of one rule in one language."""

    rule: str
    language: str
    entries: tuple[Entry, ...]
    allowed: tuple[str, ...]
    searched: int = field(default=0, init=False, repr=False)  # texts searched so far

    @cached_property
    def screen(self) -> re.Pattern[str]:
        """One alternation of every entry (its rough pattern where it has one): a text it
        misses matches no entry."""
        return re.compile(
            "|".join(f"(?:{entry.rough or entry.source})" for entry in self.entries) or "(?!)"
        )

    def find(self, text: str) -> list[Match]:
        """Every entry that matches ``text``, each once, in text order (then file order).

        Each entry is searched on its own (in one alternation, an entry whose match starts
        inside another entry's match would be missed), and only when the text contains one
        of its anchors. Once a lexicon has read many texts, the one alternation of all its
        entries screens them first: slow to compile, but fast on a large bot.
        """
        normal = normalise(text)
        self.searched += 1
        if self.searched > SCREEN_AFTER and self.screen.search(normal) is None:
            return []
        hits = []
        for order, entry in enumerate(self.entries):
            if not entry.may_match(normal):
                continue
            hit = entry.search(normal)
            if hit is not None:
                hits.append((hit.start(), order, entry, hit))
        if not hits:
            return []
        return [
            Match(entry, hit.group(0), _negated(text, normal, start, hit.group(0)))
            for start, _, entry, hit in sorted(hits, key=lambda h: (h[0], h[1]))
        ]


# Stands between the clauses of a text while it is normalised at once: a letter (normalising
# keeps it, as a word of its own) that no lexicon holds; then it becomes a line break.
_BREAK = "\u01c2"
_WINDOW_CHARACTERS = 400  # the few words before a phrase are within this many characters


def _negated(text: str, normal: str, start: int, phrase: str) -> bool:
    """Is there a negation in the few words before the phrase, within its own clause?

    Normalising drops punctuation, so the clause is found in the raw text: in "If the customer
    is not happy, say I understand how you feel" the "not" belongs to another clause. A
    negation in its own clause is also one in the whole text, so the clauses are looked at
    only when the whole text has one (they cost another pass over the text).
    """
    begin = max(0, start - _WINDOW_CHARACTERS)
    if not _negation_before(normal[begin:start], cut=begin > 0):
        return False
    clauses = _folded_clauses(text)
    at = clauses.find(phrase)  # in the first clause that holds it (a phrase holds no break)
    if at == -1:  # the phrase runs across clause marks: judge it in the whole text
        return True
    begin = max(clauses.rfind("\n", 0, at) + 1, at - _WINDOW_CHARACTERS)
    return _negation_before(clauses[begin:at], cut=begin > 0 and clauses[begin - 1] != "\n")


@lru_cache(maxsize=64)
def _folded_clauses(text: str) -> str:
    """The text normalised clause by clause, one clause per line (normalised text holds no line
    break), in one pass: not once per clause and phrase, which was quadratic in long texts."""
    joined = normalise(f" {_BREAK} ".join(_CLAUSE.split(text)))
    return "\n".join(part.strip() for part in joined.split(_BREAK))


def _negation_before(before: str, *, cut: bool) -> bool:
    """A negation among the last few words of ``before`` (its first word left out when the
    window cut it in two: "cannot" cut to "not" is no negation of its own)."""
    words = before.split()
    if cut and words and not before[0].isspace():
        words = words[1:]
    return _NEGATION.search(" ".join(words[-_NEGATION_WINDOW:])) is not None


class LexiconError(Exception):
    """A shipped lexicon file is malformed: a bug in cxaudit's data, not in the user's input."""


@cache
def load_lexicon(rule: str, language: str) -> Lexicon | None:
    """The lexicon for ``rule`` (``CX10``) in ``language`` (``nl``), or None if there is none."""
    path = rules_dir() / "lexicons" / f"{rule.lower()}.{language}.yaml"
    if not path.is_file():
        return None
    shipped = read_shipped(path)
    data: Any = shipped.data
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise LexiconError(f"{path}: expected a map with an 'entries' list")
    if str(data.get("rule", "")).upper() != rule.upper() or data.get("language") != language:
        raise LexiconError(f"{path}: its rule/language keys do not match the file name")
    words = _words(path.name, data.get("words"))
    entries = tuple(_entry(path.name, raw, words) for raw in data["entries"])
    bundled = shipped.derived.get("anchors")
    if isinstance(bundled, list) and len(bundled) == len(entries):
        anchors = [None if a is None else tuple(a) for a in bundled]
    else:  # edited since the bundle was built: derive them (and check the patterns) now
        anchors = list(derive_anchors(path.name, entries))
    entries = tuple(replace(e, anchors=a) for e, a in zip(entries, anchors, strict=True))
    allowed = tuple(str(phrase) for phrase in data.get("allowed") or [])
    return Lexicon(rule.upper(), language, entries, allowed)


def derive(path: Path, data: Any) -> dict[str, Any]:
    """What the bundle keeps of a lexicon besides its data: the anchors of its entries."""
    # Every phrase lexicon: the rules' (cx04.en.yaml) and the evidence layer's
    # (transfer-blockers.en.yaml); word lists such as first-names.yaml have no entries.
    if path.parent.name != "lexicons" or not isinstance(data, dict):
        return {}
    if not isinstance(data.get("entries"), list):
        return {}
    words = _words(path.name, data.get("words"))
    entries = tuple(_entry(path.name, raw, words) for raw in data.get("entries") or [])
    return {"anchors": [None if a is None else list(a) for a in derive_anchors(path.name, entries)]}


def derive_anchors(source: str, entries: Iterable[Entry]) -> Iterable[tuple[str, ...] | None]:
    """Each entry's anchors, after checking its pattern: it compiles, has no capturing groups
    and no flags. A broken pattern is named with its entry."""
    for entry in entries:
        try:
            compiled = re.compile(entry.source)
        except re.error as exc:
            raise LexiconError(f"{source}: entry {entry.id}: bad pattern: {exc}") from None
        # Entries are searched alone and, on a busy lexicon, joined in one alternation: groups
        # would renumber or clash there, and a global flag must stand at the very start.
        if compiled.groups:
            raise LexiconError(
                f"{source}: entry {entry.id}: use (?:...) instead of capturing groups"
            )
        if compiled.flags & ~re.UNICODE:
            raise LexiconError(
                f"{source}: entry {entry.id}: no inline flags: patterns read normalised text"
            )
        yield required_literals(entry.source)


# A word class in a pattern: {feeling}. Not a repeat such as {0,2}, which holds digits.
_WORD_CLASS = re.compile(r"\{([a-z][a-z0-9-]*)\}")


def _words(source: str, raw: object) -> dict[str, str]:
    """The word classes of a lexicon, each as a non-capturing group, in file order."""
    # Every lexicon may use {first-name}: the common given names of first-names.yaml ("Ik ben
    # {first-name} van ..." is a person introducing themselves).
    words: dict[str, str] = {"first-name": _first_name_class()}
    if raw is None:
        return words
    if not isinstance(raw, dict):
        raise LexiconError(f"{source}: 'words' must map class names to words")
    for name, value in raw.items():
        if not isinstance(name, str) or not _WORD_CLASS.fullmatch("{" + name + "}"):
            raise LexiconError(f"{source}: word class {name!r}: use lower-case-kebab names")
        if isinstance(value, list) and value:
            fragment = "|".join(str(item) for item in value)
        elif isinstance(value, str) and value:
            fragment = value
        else:
            raise LexiconError(f"{source}: word class {name}: give a fragment or a list")
        words[name] = f"(?:{_expand(source, f'word class {name}', fragment, words)})"
    return words


# What ``{first-name}`` is read as in an entry's rough pattern: any word.
_ANY_NAME = "(?:[a-z]+)"


@cache
def _first_name_class() -> str:
    return "(?:" + "|".join(sorted(map(re.escape, first_names()), key=lambda n: (-len(n), n))) + ")"


def _expand(source: str, where: str, pattern: str, words: Mapping[str, str]) -> str:
    """``pattern`` with each ``{class}`` replaced by its words; an unknown class is an error."""

    def word_class(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in words:
            known = ", ".join(words) or "none"
            raise LexiconError(f"{source}: {where}: no word class {{{name}}} (known: {known})")
        return words[name]

    return _WORD_CLASS.sub(word_class, pattern)


def _entry(source: str, raw: object, words: Mapping[str, str] | None = None) -> Entry:
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
    where = f"entry {raw['id']}"
    words = words or {}
    pattern = str(raw["pattern"])
    rough = None
    if "{first-name}" in pattern:
        rough = _expand(source, where, pattern, {**words, "first-name": _ANY_NAME})
    return Entry(
        id=str(raw["id"]),
        label=labels,
        source=_expand(source, where, pattern, words),
        rough=rough,
        examples=tuple(str(e) for e in raw["examples"]),
        counter_examples=tuple(str(e) for e in raw.get("not") or []),
        attrs=attrs,
    )


@cache  # asked for every text in no known language: a folder listing each time added up
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
    data: Any = read_shipped(path).data
    names = data.get("names") if isinstance(data, dict) else None
    if not isinstance(names, list):
        raise LexiconError(f"{path}: expected a map with a 'names' list")
    return frozenset(str(name) for name in names)


def lexicons_for(rule: str, language: str) -> list[Lexicon]:
    """The lexicons that apply to a text: its language's, or all of them when it is unknown."""
    languages = available_languages(rule) if language == ANY_LANGUAGE else (language,)
    return [lex for lang in languages if (lex := load_lexicon(rule, lang)) is not None]


def can_read(rule: str, language: str) -> bool:
    """Is there a lexicon for this text's language? Without one a text rule cannot judge it."""
    return bool(lexicons_for(rule, language))


def find(rule: str, language: str, text: str) -> list[Match]:
    """Every lexicon entry of ``rule`` that matches ``text``."""
    return list(_found(rule, language, text))


@lru_cache(maxsize=4096)  # rules ask about the same text more than once (CX01: the start, then
# every disclosure): searching a long text with every entry is the cost of a text rule
def _found(rule: str, language: str, text: str) -> tuple[Match, ...]:
    return tuple(match for lex in lexicons_for(rule, language) for match in lex.find(text))
