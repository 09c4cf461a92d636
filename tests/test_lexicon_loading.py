"""How lexicons load: anchors that screen texts soundly, and broken data named by its entry."""

from __future__ import annotations

import doctest
import re

import pytest

import cxaudit.lexicon
import cxaudit.regex_literals
from cxaudit.lexicon import (
    SCREEN_AFTER,
    Entry,
    Lexicon,
    LexiconError,
    _entry,
    _words,
    derive_anchors,
)
from cxaudit.regex_literals import required_literals


def entry(ident: str, source: str) -> Entry:
    anchors = required_literals(source)
    return Entry(id=ident, label={"en": ident}, source=source, examples=("x",), anchors=anchors)


def test_a_bad_pattern_is_named() -> None:
    broken = (entry("fine", r"\bok\b"), Entry("broken", {"en": "b"}, r"(?:unclosed", ("x",)))
    with pytest.raises(LexiconError, match=r"cx10.xx.yaml: entry broken: bad pattern"):
        list(derive_anchors("cx10.xx.yaml", broken))


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        (r"(a|b)", r"entry broken: use \(\?:\.\.\.\) instead of capturing groups"),
        (r"(?P<w>a)", "capturing groups"),
        (r"(?i)hello", "no inline flags"),
        (r"(?<=a+)b", "bad pattern"),  # parses, but a look-behind needs a fixed width
    ],
)
def test_a_pattern_that_would_break_matching_is_named(pattern: str, problem: str) -> None:
    broken = (entry("fine", r"\bok\b"), Entry("broken", {"en": "b"}, pattern, ("x",)))
    with pytest.raises(LexiconError, match=problem):
        list(derive_anchors("cx10.xx.yaml", broken))


def test_the_module_examples_hold() -> None:
    assert doctest.testmod(cxaudit.lexicon).failed == 0
    assert doctest.testmod(cxaudit.regex_literals).attempted > 0
    assert doctest.testmod(cxaudit.regex_literals).failed == 0


@pytest.mark.parametrize(
    ("pattern", "anchors"),
    [
        (r"\bfoo bar\b", ("foo bar",)),
        # Small alternations and optional parts spell out into every exact string.
        (r"\b(?:ik|wij) (?:voel|voelen)\b", ("ik voel", "wij voel")),
        (r"\b(?:sorry|excuses)\b", ("excuses", "sorry")),
        (r"\b(?:heel )?blij\b", ("blij",)),
        (r"\bbegrijp[te]\b", ("begrijpe", "begrijpt")),
        # A repeat of at least one requires its content; an open repeat ends the run.
        (r"\bzo(?:o)* blij\b", (" blij",)),
        (r"(?:ha)+", ("ha",)),
        (r"(?:ha){2,3}", ("ha",)),
        # Of several required runs, the most selective (longest shortest string) is kept.
        (r"\bik\b.*\bbegrijp\b", ("begrijp",)),
        # Alternations that spell too much still require what each branch requires.
        (r"\b(?:ik \w+ blij|wij zijn \w+)\b", (" blij", "wij zijn ")),
        # Nothing required: an empty branch, a class, a wildcard.
        (r"(?:\w+|ok)", None),
        (r"(?:|ok)", None),
        (r"\d+", None),
        (r"[^a]bc", ("bc",)),
        # Case-insensitive parts are never used; a case-insensitive pattern has no anchors.
        (r"(?i)hello", None),
        (r"(?i:hello) there", (" there",)),
    ],
)
def test_required_literals(pattern: str, anchors: tuple[str, ...] | None) -> None:
    assert required_literals(pattern) == anchors


TEXTS = [
    "ik voel me blij",
    "wij voelen",
    "ik ben heel blij",
    "zoooo blij",
    "hahaha",
    "ik begrijp het",
    "voel",
    "nothing at all",
    "",
]


@pytest.mark.parametrize("pattern", [r"\b(?:ik|wij) (?:voel|voelen)\b", r"\bzo(?:ooo)* blij\b"])
@pytest.mark.parametrize("text", TEXTS)
def test_anchors_never_hide_a_match(pattern: str, text: str) -> None:
    """Soundness on a sample: whenever the pattern matches, the text has one of its anchors."""
    if re.search(pattern, text):
        assert entry("e", pattern).may_match(text)


def test_find_searches_the_entries_whose_anchors_it_contains() -> None:
    lexicon = Lexicon("CX10", "en", (entry("a", r"\bfoo\b"), entry("b", r"\bbar baz\b")), ())
    assert [m.entry.id for m in lexicon.find("foo")] == ["a"]
    assert lexicon.find("foobar") == []
    assert lexicon.find("nothing here") == []
    assert "pattern" not in vars(lexicon.entries[1])  # never compiled: no text had "bar baz"
    assert [m.entry.id for m in lexicon.find("Well, bar baz and foo!")] == ["b", "a"]


def test_an_entry_without_anchors_is_always_searched() -> None:
    lexicon = Lexicon("CX05", "en", (entry("a", r"\bfoo\b"), entry("n", r"\b\d+\b")), ())
    assert lexicon.entries[1].anchors is None
    assert [m.entry.id for m in lexicon.find("in 3 days")] == ["n"]


@pytest.mark.parametrize("text", ["Well, bar baz and foo!", "foobar", "in 3 days", "x"])
def test_the_screen_of_a_busy_lexicon_finds_the_same(text: str) -> None:
    """After SCREEN_AFTER texts one alternation screens them first; the matches are the same."""
    entries = (entry("a", r"\bfoo\b"), entry("b", r"\bbar baz\b"), entry("n", r"\b\d+\b"))
    fresh, busy = Lexicon("CX05", "en", entries, ()), Lexicon("CX05", "en", entries, ())
    busy.searched = SCREEN_AFTER
    assert busy.find(text) == fresh.find(text)
    assert "screen" in vars(busy)
    assert "screen" not in vars(fresh)


def test_word_classes_expand_in_patterns_and_in_later_classes() -> None:
    words = _words(
        "cx10.xx.yaml",
        {"i": "(?:ik|we)", "feeling": ["frustratie", "zorgen?"], "yours": "je {feeling}"},
    )
    raw = {
        "id": "e",
        "label": "e",
        "pattern": r"\b{i} (?:\w+ ){0,2}begrijp {yours}\b",
        "examples": ["x"],
    }
    pattern = re.compile(_entry("cx10.xx.yaml", raw, words).source)
    assert pattern.search("ik begrijp je zorgen")
    assert (
        pattern.search("we begrijpen heel goed je frustratie") is None
    )  # "begrijpen" is no class word
    assert pattern.search("ik zeg begrijp je frustratie") and not pattern.search(
        "ik begrijp je zorg"
    )


def test_a_repeat_is_not_a_word_class() -> None:
    raw = {"id": "e", "label": "e", "pattern": r"\b(?:\w+ ){0,2}ok\b", "examples": ["x"]}
    assert _entry("cx10.xx.yaml", raw, _words("cx10.xx.yaml", None)).source == raw["pattern"]


def test_every_lexicon_may_name_a_first_name() -> None:
    raw = {"id": "e", "label": "e", "pattern": r"\bik ben {first-name}\b", "examples": ["x"]}
    pattern = re.compile(_entry("cx01.xx.yaml", raw, _words("cx01.xx.yaml", None)).source)
    assert pattern.search("hoi ik ben sanne van de klantenservice")
    assert pattern.search("ik ben pakketpal") is None


@pytest.mark.parametrize(
    ("words", "pattern", "problem"),
    [
        ({}, r"\b{feeling}\b", r"cx10.xx.yaml: entry e: no word class \{feeling\}"),
        ({"Feeling": "x"}, r"\bx\b", "word class 'Feeling': use lower-case-kebab names"),
        ({"feeling": []}, r"\bx\b", "word class feeling: give a fragment or a list"),
        ({"a": "{b}", "b": "x"}, r"\bx\b", r"word class a: no word class \{b\}"),
        ([1], r"\bx\b", "'words' must map class names to words"),
    ],
)
def test_a_bad_word_class_is_named(words: object, pattern: str, problem: str) -> None:
    raw = {"id": "e", "label": "e", "pattern": pattern, "examples": ["x"]}
    with pytest.raises(LexiconError, match=problem):
        _entry("cx10.xx.yaml", raw, _words("cx10.xx.yaml", words))


def test_a_first_name_entry_is_searched_roughly_first_and_then_exactly() -> None:
    raw = {"id": "e", "label": "e", "pattern": r"\bik ben {first-name} van\b", "examples": ["x"]}
    found = _entry("cx01.xx.yaml", raw, _words("cx01.xx.yaml", None))
    assert found.rough == r"\bik ben (?:[a-z]+) van\b"
    assert found.rough_pattern.search("ik ben pakketpal van acme")  # any word passes roughly
    assert found.search("ik ben pakketpal van acme") is None  # but it names nobody
    assert found.search("ik ben sanne van acme")
