"""CX10: no feigned empathy: acknowledge and act, don't claim feelings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cxaudit.checks._texts import report_missing_lexicons, text_items
from cxaudit.checks.base import Collector, Context, Outcome
from cxaudit.lexicon import Match, find
from cxaudit.locations import format_path

RULE = "CX10"

# A negation that denies the claim itself: "I'm not sad", "Ik kan niet voelen hoe je je voelt",
# "Je ne ressens pas votre colère" (normalised words).
_NEGATIONS = {
    "en": {"not", "never", "no", "don't", "can't", "cannot", "won't", "isn't", "aren't", "didn't"},
    "nl": {"niet", "nooit", "geen"},
    "de": {"nicht", "nie", "niemals", "kein", "keine", "keinen", "keinem"},
    "fr": {"ne", "pas", "jamais"},
}
# Whose feeling it is: where the customer's part begins, a negation belongs to it ("I
# understand you're not happy" still claims to understand a feeling).
_SECOND_PERSON = {
    "en": {"you", "you're", "your", "you've", "you'd", "yours"},
    "nl": {"je", "jij", "jou", "jouw", "u", "uw"},
    "de": {"sie", "ihnen", "ihr", "ihre", "ihren", "ihrer", "du", "dich", "dir", "dein", "deine"},
    "fr": {"vous", "tu", "te", "t'", "votre", "vos", "ton", "ta", "tes"},
}
# Negated, yet a stronger claim: "I can't imagine how hard this is", "Ik kan me niet voorstellen".
_INTENSIFYING = ("imagine", "voorstellen", "vorstellen", "imaginer", "tell you how")


def claims(language: str, text: str) -> list[Match]:
    """The CX10 matches in a bot text, without those the text denies ("I'm not sad, I'm a
    program" is no claim to be sad)."""
    return [m for m in find(RULE, language, text) if not _denied(m, language)]


def _denied(match: Match, language: str) -> bool:
    """Does a negation deny the phrase's own claim? It does when it stands before the
    customer's part of the phrase, or (German word order) just before its last word: "Ich kann
    Ihren Ärger nicht nachvollziehen". Not when the entry needs the negation to match ("I don't
    want to hurt you"), nor for "I can't imagine how ...", which claims all the more."""
    phrase = match.phrase
    if any(word in phrase for word in _INTENSIFYING):
        return False
    languages = _NEGATIONS if language not in _NEGATIONS else {language: _NEGATIONS[language]}
    negations = set().union(*languages.values())
    you = set().union(*(_SECOND_PERSON[lang] for lang in languages))
    words = phrase.split()
    for i, word in enumerate(words):
        if not (word in negations or (word.startswith("n'") and "fr" in languages)):
            continue
        without = " ".join(words[:i] + words[i + 1 :])
        if match.entry.pattern.search(without) is None:
            continue  # the entry needs the negation: it is part of the claim
        customer = next((j for j, other in enumerate(words) if other in you), len(words))
        return i < customer or i >= len(words) - 2
    return False


def check(ctx: Context, options: Mapping[str, Any]) -> Outcome:
    bot = ctx.bot
    out = Collector()
    report_missing_lexicons(out, bot, RULE)
    reachable = ctx.graph.reachable
    for item in text_items(bot):
        if not reachable[bot.step_index[item.step.id]]:
            continue  # a part no customer reaches: CX03 reports it once
        out.checked("texts")
        matches = claims(item.language, item.text)
        if item.kind == "prompt":
            # A prompt instructs the model; "never say X" forbids X.
            matches = [m for m in matches if not m.negated]
        if not matches:
            continue
        strong = [m for m in matches if m.entry.attrs.get("strength") == "strong"]
        match = (strong or matches)[0]
        out.add(
            "feigned-empathy" if strong else "emotional-phrase",
            item.path,
            subject=format_path(item.path),
            step=item.step.id,
            unit="texts",
            cause=match.entry.id,
            phrase=match.phrase,
            label=match.entry.label,
        )
    return out.outcome()
