"""Reading a question's answers as a yes or a no (CX08 and CX09): option labels by their words,
``on`` answers by their intent ids, with the yes/no phrase lists of CX09 in every language."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from cxaudit.evidence.words import words_of
from cxaudit.graph import FlowGraph
from cxaudit.lexicon import ANY_LANGUAGE, find

Answer = Literal["yes", "no"] | None


def answers(graph: FlowGraph, i: int) -> list[tuple[int, Answer]]:
    """The choices of a question: (target, "yes" / "no" / None when unclear).

    Options are read by their labels and ``on`` answers by their intent ids (affirm / deny,
    ja / nee), with the yes/no phrase lists of CX09, in every language cxaudit reads.
    """
    step, bot = graph.steps[i], graph.bot
    choices: list[tuple[int, Answer]] = []
    for option in step.options:
        label = tuple((lang, text) for lang, text, _ in option.label.variants)
        choices.append((bot.step_index[bot.resolve(option.goto)], _label_answer(label)))
    for intent_id, target in step.on:
        choices.append((bot.step_index[bot.resolve(target)], _intent_answer(intent_id)))
    return choices


# Bots repeat their answer labels ("Ja", "Nee") and intents on every question: each is read once.
@lru_cache(maxsize=4096)
def _label_answer(label: tuple[tuple[str, str], ...]) -> Answer:
    """What an option's label answers, read in each of its languages."""
    return _verdict(
        {m.entry.attrs.get("kind") for lang, text in label for m in find(YES_NO_RULE, lang, text)}
    )


@lru_cache(maxsize=4096)
def _intent_answer(intent_id: str) -> Answer:
    """What an ``on`` answer's intent answers, read off its id in any language."""
    return _verdict(
        {
            m.entry.attrs.get("kind")
            for words in _id_phrases(intent_id)
            for m in find(YES_NO_RULE, ANY_LANGUAGE, words)
        }
    )


YES_NO_RULE = "CX09"  # whose lexicons hold the yes and no answers


def _id_phrases(intent_id: str) -> list[str]:
    """An intent's id as the answers it may name: the id, and its words from each word on
    ("prebuilt_components_confirmation_yes" names "yes"; "denyRequest" "deny request")."""
    words = words_of(intent_id)[:8]
    return [intent_id, *(" ".join(words[k:]) for k in range(len(words)))]


def _verdict(kinds: set[str | None]) -> Answer:
    if "no" in kinds:
        return "no"
    return "yes" if "yes" in kinds else None
