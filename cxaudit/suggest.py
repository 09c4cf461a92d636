"""Did-you-mean suggestions for misspelt keys, ids and values."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, candidates: Iterable[str], cutoff: float | None = None) -> str | None:
    """The candidate nearest to ``word``, or None when nothing is close enough.

    Short words get a lower bar: one wrong letter in a two-letter code ("ne" for "nl") is
    already half the word.
    """
    if cutoff is None:
        cutoff = 0.5 if len(word) <= 3 else 0.6
    pool = sorted(set(candidates))
    if not pool:
        return None
    lowered = {c.lower(): c for c in pool}
    if word.lower() in lowered:
        return lowered[word.lower()]
    found = difflib.get_close_matches(word, pool, n=1, cutoff=cutoff)
    return found[0] if found else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A sentence tail such as "; did you mean 'say'?", or an empty string."""
    match = closest(word, candidates)
    return f"; did you mean '{match}'?" if match else ""


def short(value: object, limit: int = 60) -> str:
    """A value fit for an error message: never the whole of a huge input."""
    text = value if isinstance(value, str) else repr(value)
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"
