"""Handoffs in names, metadata and texts: one vocabulary for every importer.

- :func:`names_handoff`: does an action, webhook, tag, parameter or payload name say it hands
  the customer over to a person (``action_human_handoff``, ``live_agent``, ``HANDOVER``,
  ``doorverbinden_medewerker``), rather than something about one (``transfer_reason``)?
- :func:`flags_handoff`: does a parameter preset ask the integration to hand over
  (``transfer: true``, ``action: HANDOVER``)?
- :func:`context_of`: what a handoff's metadata, or the parameters passed with it, say the agent
  receives (the flow format's context items);
- :func:`is_machine`: is a handoff host another bot ("Helpdesk Assistant")?
- :func:`written_confirmation`: does a bot text say a written confirmation went out, and by
  which channel ("We've emailed you a receipt": ``email``)?

The words are data: ``rules/evidence/names.yaml`` (section ``handoff``, with the order in which
a name is read) for names and keys, ``rules/lexicons/written-confirmation.<lang>.yaml`` for
texts. A name carries no language, so it is read in nl, en, de and fr at once; a text is read
in its own language (all four for ``*`` or an unknown one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from cxaudit.evidence.texts import (
    first_in_statements,
    lexicon,
)
from cxaudit.evidence.words import (
    EvidenceDataError,
    Phrase,
    evidence_data,
    found_in,
    has,
    phrases,
    words_of,
)

#: The flow format's handoff context items, in its order (``handoff.context``).
CONTEXT_ITEMS = (
    "summary",
    "transcript",
    "customer",
    "intent",
    "sentiment",
    "collected_data",
    "language",
    "channel",
)
#: The channels :func:`written_confirmation` tells apart, in the order that breaks a tie.
CHANNELS = ("email", "sms", "letter")

# A parameter reference in handoff metadata ($session.params.topic, $flow.x, #context.x): the
# parameter's name says what it passes.
_PARAMETER = re.compile(
    r"[$#](?:session\.params|flow|page\.params|intent\.params|request\.generative|[\w-]+)\.([\w-]+)"
)
_DEPTH = 20  # metadata nested deeper than anyone writes it is not read


@dataclass(frozen=True)
class _Handoff:
    words: frozenset[Phrase]
    people: frozenset[Phrase]
    live: frozenset[Phrase]
    moves: frozenset[Phrase]
    excluded: frozenset[Phrase]
    flag: frozenset[Phrase]
    flag_words: frozenset[str]  # every word a flag's name may consist of
    set_values: frozenset[str]
    machine: frozenset[Phrase]
    context: tuple[tuple[str, frozenset[Phrase]], ...]


@cache
def _vocabulary() -> _Handoff:
    data = evidence_data("names")["handoff"]
    flags = data["flags"]

    def of(node: object, where: str) -> frozenset[Phrase]:
        return phrases(node, f"names.yaml: handoff.{where}")

    words, people, live, moves = (of(data[k], k) for k in ("words", "people", "live", "moves"))
    flag = of(flags["flag"], "flags.flag")
    filler = of(flags["filler"], "flags.filler")
    context = data["context"]
    unknown = set(context) - set(CONTEXT_ITEMS)
    if unknown:
        raise EvidenceDataError(f"names.yaml: handoff.context: not context items: {unknown}")
    return _Handoff(
        words=words,
        people=people,
        live=live,
        moves=moves,
        excluded=of(data["not"], "not"),
        flag=flag,
        flag_words=frozenset(_single(words | people | live | moves | flag | filler)),
        set_values=frozenset(" ".join(p) for p in of(flags["set"], "flags.set")),
        machine=of(data["machine"], "machine"),
        context=tuple(
            (item, of(context[item], f"context.{item}"))
            for item in CONTEXT_ITEMS
            if item in context
        ),
    )


def _single(vocabulary: Iterable[Phrase]) -> Iterable[str]:
    return (word for phrase in vocabulary for word in phrase)


def names_handoff(name: str) -> bool:
    """Does a name say it hands the customer over to a person (and not just something about a
    handoff: an offer, a reason, a count, a money transfer)?

    >>> names_handoff("action_human_handoff"), names_handoff("live_agent")
    (True, True)
    >>> names_handoff("doorverbinden_medewerker"), names_handoff("transfer_to_agent")
    (True, True)
    >>> names_handoff("agent"), names_handoff("transfer_reason")
    (False, False)
    >>> names_handoff("action_handoff_options"), names_handoff("action_transfer_money")
    (False, False)
    """
    words = words_of(name)
    v = _vocabulary()
    if not words or has(words, v.excluded):
        return False
    if has(words, v.words):
        return True
    return has(words, v.people) and (has(words, v.moves) or has(words, v.live))


def flags_handoff(name: str, value: Any) -> bool:
    """Does a parameter preset ask the integration to hand over: a name that is a handoff
    (``transfer``, ``live_agent``, ``escalate``) set to true or a number other than 0, or any
    parameter (``action``) set to a value that names one (``HANDOVER``)? A value taken from the
    customer (``$email``) or a context (``#ctx.param``) asks for nothing.

    >>> flags_handoff("transfer", True), flags_handoff("live_agent", 1)
    (True, True)
    >>> flags_handoff("action", "HANDOVER"), flags_handoff("doorverbinden", "ja")
    (True, True)
    >>> flags_handoff("transfer_reason", "agent"), flags_handoff("transfer", False)
    (False, False)
    >>> flags_handoff("transfer_amount", 50), flags_handoff("live_agent", "$session.params.x")
    (False, False)
    """
    words = words_of(name)
    v = _vocabulary()
    if has(words, v.excluded):
        return False
    if isinstance(value, str) and not value.startswith(("$", "#")):
        if names_handoff(value):
            return True
        value = " ".join(words_of(value)) in v.set_values
    if value is False or value is None or not isinstance(value, bool | int | float):
        return False
    named = names_handoff(name) or has(words, v.flag)
    return bool(value) and named and bool(words) and set(words) <= v.flag_words


def context_of(metadata: Any) -> frozenset[str] | None:
    """What a handoff's metadata (or the parameters set with it) says the agent receives: the
    flow format's context items its keys and the parameters it references name (any other
    parameter it passes is ``collected_data``); None when it names nothing.

    >>> sorted(context_of({"summary": "$session.params.summary", "reason": "$flow.topic"}))
    ['intent', 'summary']
    >>> sorted(context_of({"data": "$session.params.account_number"}))
    ['collected_data']
    >>> context_of({"queue": "billing"}) is None
    True
    """
    found: set[str] = set()
    stack: list[tuple[Any, int]] = [(metadata, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > _DEPTH:
            continue
        if isinstance(node, dict):
            for key, value in node.items():
                found.update(_named(str(key)))
                stack.append((value, depth + 1))
        elif isinstance(node, list):
            stack.extend((item, depth + 1) for item in node)
        elif isinstance(node, str):
            for parameter in _PARAMETER.findall(node):
                found.update(_named(parameter) or ["collected_data"])
    return frozenset(found) or None


def _named(name: str) -> list[str]:
    """The context item a key or parameter name names: that of its last word that names one
    (``conversation_summary`` is a summary, ``summary_language`` a language)."""
    best: tuple[int, int, str] | None = None  # (index, length, item): the last, longest wins
    for item, vocabulary in _vocabulary().context:
        for index, phrase in found_in(words_of(name), vocabulary):
            candidate = (index, len(phrase), item)
            if best is None or candidate[:2] > best[:2]:
                best = candidate
    return [best[2]] if best else []


def is_machine(name: str) -> bool:
    """Does a handoff host's name or title say it is another bot, not a person?

    >>> is_machine("helpdesk_assistant Helpdesk Assistant"), is_machine("KI-Assistent")
    (True, True)
    >>> is_machine("Service desk"), is_machine("medewerker")
    (False, False)
    """
    return has(words_of(name), _vocabulary().machine)


def written_confirmation(text: str, language: str = "*") -> str | None:
    """The channel (``email``, ``sms``, ``letter``) by which a bot text says a written message
    went out to the customer, or None.

    A sentence says so with a verb that reports it sent, or one that says it will come with what
    comes (a confirmation, a receipt), and a channel; a question, a negation, a failure or a
    condition in the sentence says nothing (``rules/lexicons/written-confirmation.<lang>.yaml``).

    >>> written_confirmation("Done! We've emailed you a receipt.", "en")
    'email'
    >>> written_confirmation("Je ontvangt een bevestiging per sms.", "nl")
    'sms'
    >>> written_confirmation("We could not send the receipt by email.", "en") is None
    True
    """
    return first_in_statements(text, language, _channel_in)


def _channel_in(sentence: str, language: str) -> str | None:
    lex = lexicon("written-confirmation", language)
    if lex is None:
        return None
    kinds = {m.entry.attrs.get("kind") for m in lex.find(sentence)}
    if "not" in kinds or not ("sent" in kinds or {"coming", "proof"} <= kinds):
        return None
    return next((channel for channel in CHANNELS if channel in kinds), None)
