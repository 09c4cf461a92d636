"""Broken lexicon data is caught with a message that names the entry."""

from __future__ import annotations

import pytest

from cxaudit.lexicon import Entry, LexiconError, _screen


def entry(ident: str, source: str) -> Entry:
    return Entry(id=ident, label={"en": ident}, source=source, examples=("x",))


def test_a_bad_pattern_is_named() -> None:
    with pytest.raises(LexiconError, match=r"cx10.xx.yaml: entry broken: bad pattern"):
        _screen("cx10.xx.yaml", (entry("fine", r"\bok\b"), entry("broken", r"(?:unclosed")))


def test_a_capturing_group_is_named() -> None:
    with pytest.raises(LexiconError, match=r"entry grouped: use \(\?:\.\.\.\) instead"):
        _screen("cx10.xx.yaml", (entry("fine", r"\bok\b"), entry("grouped", r"(a|b)")))


def test_the_screen_matches_what_any_entry_matches() -> None:
    screen = _screen("x", (entry("a", r"\bfoo\b"), entry("b", r"\bbar baz\b")))
    assert screen.search("well bar baz") is not None
    assert screen.search("foobar") is None
