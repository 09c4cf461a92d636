"""The sector a bot works in, guessed from all its texts and names, with the evidence.

The vocabulary is ``rules/evidence/sectors.yaml``: per sector, *telling* words (weight 3) that
belong to it and *typical* words (weight 1) that lean towards it. Each word counts once per text
or name it stands in, and the counts saturate: a word's score is ``weight * (1 + log2(count))``,
so a bot that repeats one phrase in forty fallback prompts does not outweigh a bot that uses ten
different words of its trade. A sector's score is the sum over its words.

The threshold (:data:`MIN_WORDS`, :data:`MIN_TEXTS`, :data:`MIN_SCORE`, :data:`MARGIN`): the
best sector needs at least 3 distinct words in at least 3 texts, a score of at least 9 (three
telling words, say), and at least 1.5 times the runner-up's score; otherwise the evidence is
weak and the answer is None. Words every sector uses (account, payment, card, bill, balance)
are not in the vocabulary: a telecom bot that takes card payments through a banking-style
component (Wiikay's CCAI agent) shows card and payment words, which count for no sector, so
its telecom words (signal, network, internet, dropped calls) decide.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from cxaudit.evidence.words import LANGUAGES, evidence_data, fold, languages_for, words_of
from cxaudit.lexicon import normalise

#: The flow format's sectors that :func:`sector_of` can tell (``other`` is never guessed).
SECTORS = (
    "finance",
    "insurance",
    "healthcare",
    "government",
    "telecom",
    "utilities",
    "retail",
    "travel",
    "education",
    "logistics",
)
WEIGHTS = {"telling": 3, "typical": 1}
MIN_WORDS = 3
MIN_TEXTS = 3
MIN_SCORE = 9.0
MARGIN = 1.5


@dataclass(frozen=True)
class SectorGuess:
    """A guessed sector, the words that gave it (word, texts it stood in; most telling first)
    and how many texts and names gave evidence for it."""

    sector: str
    evidence: tuple[tuple[str, int], ...]
    texts: int


@dataclass(frozen=True)
class _Vocabulary:
    pattern: re.Pattern[str]
    meaning: dict[str, tuple[str, int]]  # word -> (sector, weight)


@cache
def _vocabulary(languages: tuple[str, ...]) -> _Vocabulary:
    data = evidence_data("sectors")
    meaning: dict[str, tuple[str, int]] = {}
    for sector in SECTORS:
        for tier, weight in WEIGHTS.items():
            for language in languages:
                for word in (data[sector].get(tier) or {}).get(language) or []:
                    key = normalise(fold(str(word)))
                    if key and (key not in meaning or meaning[key][1] < weight):
                        meaning[key] = (sector, weight)
    for language in languages:
        for word in (data.get("neutral") or {}).get(language) or []:
            meaning[normalise(fold(str(word)))] = ("", 0)
    words = sorted(meaning, key=len, reverse=True)
    alternation = "|".join(re.escape(w) for w in words) or "(?!)"
    return _Vocabulary(re.compile(rf"(?<![\w']){'(?:'}{alternation}{')'}(?![\w'])"), meaning)


def sector_of(texts: Iterable[tuple[str, str]], names: Iterable[str] = ()) -> SectorGuess | None:
    """The sector a bot works in, from its texts ``(language, text)`` and its names (intents,
    slots, actions, flows), or None when the evidence is weak (see the module's threshold).

    >>> guess = sector_of(
    ...     [("en", "Check your mortgage"), ("en", "Your IBAN please"),
    ...      ("en", "Our interest rates"), ("en", "Open a savings account")],
    ...     ["transfer_money"],
    ... )
    >>> guess.sector, guess.texts
    ('finance', 5)
    """
    counts: Counter[str] = Counter()  # word -> texts and names it stands in
    texts_of: Counter[str] = Counter()  # sector -> texts and names with a word of it
    seen: set[tuple[tuple[str, ...], str]] = set()
    found: list[set[str]] = []
    for language, text in texts:
        langs = languages_for(language)
        normal = normalise(text)
        if normal and (langs, normal) not in seen:
            seen.add((langs, normal))
            found.append(_found(normal, langs))
    found += [_found(" ".join(words_of(name)), LANGUAGES) for name in set(names)]
    meaning = _vocabulary(LANGUAGES).meaning
    for words in found:
        counts.update(words)
        texts_of.update({meaning[word][0] for word in words})
    return _decide(counts, texts_of)


def _found(normal: str, languages: tuple[str, ...]) -> set[str]:
    """The sector words in a normalised text (neutral phrases found and dropped)."""
    vocabulary = _vocabulary(languages)
    return {
        match.group(0)
        for match in vocabulary.pattern.finditer(normal)
        if vocabulary.meaning[match.group(0)][1]
    }


def _decide(counts: Counter[str], texts_of: Counter[str]) -> SectorGuess | None:
    meaning = _vocabulary(LANGUAGES).meaning
    scores: dict[str, float] = {}
    words: dict[str, list[tuple[float, str, int]]] = {}
    for word, count in counts.items():
        sector, weight = meaning[word]
        value = weight * (1 + math.log2(count))
        scores[sector] = scores.get(sector, 0.0) + value
        words.setdefault(sector, []).append((value, word, count))
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:2]
    if not ranked:
        return None
    best, score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    evidence = sorted(words[best], key=lambda item: (-item[0], -item[2], item[1]))
    if (
        len(evidence) < MIN_WORDS
        or texts_of[best] < MIN_TEXTS
        or score < MIN_SCORE
        or score < MARGIN * runner_up
    ):
        return None
    return SectorGuess(best, tuple((word, count) for _, word, count in evidence), texts_of[best])
