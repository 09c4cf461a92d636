"""CX06: sensitive matters (fraud, bereavement, debt, ...) go to a person, quickly.

One cause per topic and way in: every intent about fraud that does not reach a person is one
finding listing those intents (and one for the buttons, one for the steps), not one per intent.
An intent whose examples show a sensitive topic it does not declare is judged as that topic; a
declaration cxaudit had to guess is an info finding of its own, per topic.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cxaudit.checks.base import Collector, Context, Outcome
from cxaudit.evidence import contacts_in
from cxaudit.graph import FlowGraph
from cxaudit.lexicon import ANY_LANGUAGE, Match, available_languages, can_read, find
from cxaudit.locations import DataPath
from cxaudit.model import Bot, Intent

RULE = "CX06"


def check(ctx: Context, options: Mapping[str, Any]) -> Outcome:
    bot, graph = ctx.bot, ctx.graph
    limit = int(options["max_turns"])
    direct = bool(options["direct_handoff"])
    out = Collector()
    sensitive: list[tuple[Intent, str]] = []
    guessed: dict[str, list[tuple[Intent, str, DataPath]]] = {}
    unjudged: dict[str, list[Intent]] = {}  # language -> intents only in it
    for intent in bot.intents:
        if intent.topic is not None:
            sensitive.append((intent, intent.topic))
            continue
        verdict = judge_intent(intent, bot.sector, _answers(bot, graph, intent))
        if isinstance(verdict, NotJudged):
            unjudged.setdefault(verdict.language, []).append(intent)
        elif verdict is not None:
            topic, phrase, path = verdict
            guessed.setdefault(topic, []).append((intent, phrase, path))
            sensitive.append((intent, topic))
    for topic, items in guessed.items():
        names = _names(intent.id for intent, _, _ in items)
        for intent, phrase, path in items:
            out.add(
                "undeclared-topic",
                path,
                subject=intent.id,
                unit="routed",
                cause=topic,
                intent=intent.id,
                intents=names,
                topic=topic,
                phrase=phrase,
            )
    for language, intents in sorted(unjudged.items()):
        # Not a pass: one unit the rule could not judge, per language it cannot read.
        out.checked("routed")
        out.add(
            "not-judged",
            intents[0].path,
            subject=f"language:{language}",
            unit="routed",
            cause=language,
            language=language,
            count=str(len(intents)),
            intents=_names(intent.id for intent in intents),
            intent=intents[0].id,
            available=", ".join(available_languages(RULE)),
        )

    def routed(step_id: str, topic: str) -> bool:
        i = bot.step_index[step_id]
        if direct and graph.is_handoff(i):
            return True
        if not direct and graph.turns_to_handoff_in_flow[i] <= limit:
            return True
        # An emergency is for a line that answers at once: a gas smell for the grid operator's
        # 24/7 number, a crisis for a helpline. A first answer that gives a number to call is
        # the person; a colleague in the chat queue would come later.
        return topic in EMERGENCY_TOPICS and _gives_phone(bot, step_id)

    failed: list[tuple[str, DataPath, str, str | None, str, str, str]] = []
    # (way in, where, subject, step, topic, intent, phrase / target)
    for intent, topic in sensitive:
        out.checked("routed")
        # Where it leads, and where to report a way that fails: its goto or the flows it
        # triggers; for an intent that only steps route (`on`), each reachable route.
        ways: list[tuple[str, DataPath]] = [
            (target, (*intent.path, "goto") if intent.goto is not None else intent.path)
            for target in graph.intent_targets[intent.id]
        ]
        if not ways:
            ways = [
                (bot.resolve(t), (*s.path, "on", intent.id))
                for i, s in enumerate(bot.steps)
                if graph.reachable[i]
                for name, t in s.on
                if name == intent.id
            ]
        if not ways:
            failed.append(("nowhere", intent.path, intent.id, None, topic, intent.id, ""))
            continue
        for target, where in ways:
            if not routed(target, topic):
                failed.append(("intent", where, intent.id, target, topic, intent.id, ""))
                break
    options_seen = False
    for i, step in enumerate(bot.steps):
        if not graph.reachable[i]:
            continue  # an unreachable step is CX03's finding, not a pass here
        for option in step.options:
            # A button is the customer's own words: "I suspect fraud on my account".
            found = _sensitive_phrase(option.label.variants, bot.sector)
            if found is None:
                continue
            topic, phrase, path = found
            options_seen = True
            out.checked("routed")
            target = bot.resolve(option.goto)
            if not routed(target, topic):
                failed.append(
                    ("option", path, f"{step.id}:{phrase}", step.id, topic, phrase, target)
                )
        if step.topic is None:
            continue
        out.checked("routed")
        if not routed(step.id, step.topic):
            failed.append(("step", (*step.path, "topic"), step.id, step.id, step.topic, "", ""))
    if not sensitive and not options_seen and not _any_sensitive_place(bot):
        # Nothing sensitive is recognised: such customers end in the fallback. In a strict
        # sector that is a failure unless the fallback hands over; elsewhere a warning.
        out.checked("routed")
        if not _fallback_reaches_person(ctx, limit):
            out.add(
                "no-sensitive-route" if ctx.strict else "sensitive-to-fallback",
                ("intents",),
                subject="intents",
                unit="routed",
                key=True,
                sector=bot.sector,
                topics=_SECTOR_TOPICS.get(bot.sector, _SECTOR_TOPICS["other"]),
            )
    # Each finding names every intent (button, step) of its topic and way in.
    named: dict[tuple[str, str], list[str]] = {}
    for way, _, subject, _, topic, name, _ in failed:
        named.setdefault((way, topic), []).append(name or subject)
    for way, where, subject, step_id, topic, name, target in failed:
        check_id = (
            "sensitive-nowhere"
            if way == "nowhere"
            else ("sensitive-intent-direct" if direct else "sensitive-intent")
            if way == "intent"
            else ("sensitive-option-direct" if direct else "sensitive-option")
            if way == "option"
            else ("sensitive-step-direct" if direct else "sensitive-step")
        )
        out.add(
            check_id,
            where,
            subject=subject,
            step=step_id,
            unit="routed",
            cause=topic,
            intent=name,
            intents=_names(named[(way, topic)]),
            topic=topic,
            phrase=name,
            target=target,
            limit=str(limit),
        )
    return out.outcome()


#: What customers of a sector predictably bring that needs a person, for the message.
_SECTOR_TOPICS: Mapping[str, Mapping[str, str]] = {
    "finance": {
        "en": "fraud, disputed payments, arrears, a blocked account, bereavement",
        "nl": "fraude, betwiste betalingen, achterstanden, een geblokkeerde rekening, overlijden",
    },
    "insurance": {
        "en": "a refused claim, a complaint, bereavement, arrears",
        "nl": "een afgewezen claim, een klacht, overlijden, achterstanden",
    },
    "healthcare": {
        "en": "urgent symptoms, a diagnosis, medication, a complaint",
        "nl": "acute klachten, een diagnose, medicatie, een klacht",
    },
    "government": {
        "en": "benefits stopped, fines, an objection, a complaint",
        "nl": "een gestopte uitkering, boetes, een bezwaar, een klacht",
    },
    "other": {
        "en": "a complaint, a dispute, bereavement, debt",
        "nl": "een klacht, een geschil, overlijden, schulden",
    },
}


def _any_sensitive_place(bot: Bot) -> bool:
    """Does any step declare a sensitive topic?"""
    return any(step.topic is not None for step in bot.steps)


def _fallback_reaches_person(ctx: Context, limit: int) -> bool:
    """Does what the bot does not understand lead to a person (within ``limit`` turns)? The
    default fallback, else that of the first customer turn a conversation reaches."""
    bot, graph = ctx.bot, ctx.graph
    fallback = bot.default_fallback
    if fallback is None:
        turn = next((i for i in graph.turn_steps if graph.reachable[i]), None)
        fallback = bot.fallback_of(bot.steps[turn]) if turn is not None else None
    if fallback is None:
        return False
    target = bot.step_index[bot.resolve(fallback.then)]
    return graph.turns_to_handoff_in_flow[target] <= limit


def _names(ids: Iterable[str]) -> str:
    """``'a', 'b', 'c'`` (each once, at most five, then how many more)."""
    unique = list(dict.fromkeys(ids))
    shown = ", ".join(f"'{name}'" for name in unique[:5])
    return shown + (f" (+{len(unique) - 5})" if len(unique) > 5 else "")


def sensitive_matches(language: str, phrase: str) -> list[Match]:
    """The sensitive topics a customer utterance is about, unless its speaker says they are not
    the one affected: a debt adviser or a lawyer at work, a student writing about phishing (an
    entry of topic ``observer`` in the same text)."""
    return _read(language, phrase) or []


def _read(language: str, phrase: str) -> list[Match] | None:
    """The customer-side matches of an utterance, or None when an entry of topic ``observer``
    says its speaker is not the one affected."""
    matches = _customer(find(RULE, language, phrase))
    if any(m.entry.attrs.get("topic") == OBSERVER for m in matches):
        return None
    return matches


def _customer(matches: Iterable[Match]) -> list[Match]:
    """The matches of entries written for what customers say (not for the bot's answers)."""
    return [m for m in matches if m.entry.attrs.get("reads") != ANSWER]


#: Entries of ``reads: answer`` are written for what the bot answers ("Gecondoleerd", "our
#: fraud team"): they judge an intent whose examples show no topic, and nothing else.
ANSWER = "answer"


OBSERVER = "observer"


@dataclass(frozen=True)
class NotJudged:
    """An intent whose examples are all in a language without a CX06 lexicon (the first one)."""

    language: str


Verdict = tuple[str, str, DataPath] | NotJudged | None


def judge_intent(
    intent: Intent, sector: str, answers: Iterable[tuple[str, str, DataPath]] = ()
) -> Verdict:
    """The sensitive topic an intent is about, judged over all its examples: (topic, phrase,
    where), None when it is about none, or NotJudged when none of its examples can be read.

    The customer must be the one affected: when at least as many of its examples say the
    speaker is not ("As a debt adviser, ...") as name a topic, the intent is about other
    people's matters. An intent whose examples name no topic is judged by what the bot answers
    it (``answers``: "We're sorry for your loss", "our fraud team"); one without examples
    cxaudit can read also by its name ("report_fraud", "klacht_indienen") in every language
    cxaudit reads; if nothing names a topic, it is not judged, which is said rather than passed.
    """
    hits: list[tuple[str, str, DataPath]] = []
    weak: list[tuple[str, str, DataPath]] = []  # only words of outrage: "That's ridiculous!"
    observers = 0
    unread: list[str] = []
    for language, phrase, path in intent.examples:
        if not can_read(RULE, language):
            unread.append(language)
            continue
        matches = _read(language, phrase)
        if matches is None:
            observers += 1
            continue
        strong = _in_sector((m for m in matches if m.entry.attrs.get("weak") != "yes"), sector)
        if strong is not None:
            hits.append((*strong, path))
        elif (found := _in_sector(matches, sector)) is not None:
            weak.append((*found, path))
    read = len(intent.examples) - len(unread)
    # Outrage alone makes an intent a complaint only when it runs through its examples (a
    # third of them): one "That's ridiculous!" among "What should I do now?"s is an upset
    # customer (CX07), not a complaint intent.
    if weak and 3 * len(weak) >= read:
        hits.extend(weak)
    if observers and observers >= len(hits):
        return None
    if hits:
        return min(hits, key=lambda hit: _order(intent, hit[2]))
    if observers:
        return None
    for language, text, path in answers:
        said = [m for m in find(RULE, language, text) if m.entry.attrs.get("reads") == ANSWER]
        if (found := _in_sector(said, sector)) is not None:
            return (*found, path)
    if len(unread) == len(intent.examples):  # none read (or none at all): what is it called?
        named = _in_sector(_customer(find(RULE, ANY_LANGUAGE, intent.id)), sector)
        if named is not None:
            return (*named, intent.path)
        if unread:
            return NotJudged(unread[0])
    return None


def _answers(bot: Bot, graph: FlowGraph, intent: Intent) -> list[tuple[str, str, DataPath]]:
    """What the bot says first where the intent leads, per target, in every language."""
    return [said for target in graph.intent_targets[intent.id] for said in _first_said(bot, target)]


def _first_said(bot: Bot, target: str) -> list[tuple[str, str, DataPath]]:
    """The first step with text from ``target`` along its ``next``s: (language, text, where)."""
    seen: set[str] = set()
    current: str | None = bot.resolve(target)
    while current is not None and current not in seen:
        seen.add(current)
        step = bot.steps[bot.step_index[current]]
        if messages := step.messages():
            return [(lang, text, path) for lang, (text, path) in messages.items()]
        current = bot.resolve(step.next) if step.next is not None else None
    return []


#: Topics whose person is an emergency or crisis line rather than a colleague in the chat.
EMERGENCY_TOPICS = frozenset({"safety", "urgent_symptoms"})


def _gives_phone(bot: Bot, target: str) -> bool:
    """Does the first thing the bot says from ``target`` give a phone number to call?"""
    return any(
        contact.channel == "phone"
        for _, text, _ in _first_said(bot, target)
        for contact in contacts_in(text)
    )


def _order(intent: Intent, path: DataPath) -> int:
    """Where an example stands among the intent's examples (to report the first that shows)."""
    return next(i for i, (_, _, at) in enumerate(intent.examples) if at == path)


def _in_sector(matches: Iterable[Match], sector: str) -> tuple[str, str] | None:
    """The topic and phrase of the first match whose topic applies to this sector."""
    for match in matches:
        topic = match.entry.attrs.get("topic", "sensitive")
        sectors = match.entry.attrs.get("sectors")
        if topic == OBSERVER or (sectors and sector not in sectors.split()):
            continue
        return topic, match.phrase
    return None


def _sensitive_phrase(
    texts: Iterable[tuple[str, str, Any]], sector: str
) -> tuple[str, str, Any] | None:
    """The first sensitive topic that (language, text, path) triples talk about, for this sector."""
    for language, phrase, path in texts:
        found = _in_sector(sensitive_matches(language, phrase), sector)
        if found is not None:
            return (*found, path)
    return None
