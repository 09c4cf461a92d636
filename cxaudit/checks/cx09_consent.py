"""CX09: personal data only with a declared purpose, a legal basis and, where needed, consent."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cxaudit.checks._answers import Answer, answers
from cxaudit.checks.base import Collector, Context, Outcome
from cxaudit.evidence import secret_of
from cxaudit.graph import EdgeKind, FlowGraph
from cxaudit.i18n import either, translated
from cxaudit.locations import DataPath
from cxaudit.model import UNDECLARED
from cxaudit.suggest import closest

RULE = "CX09"


def check(ctx: Context, options: Mapping[str, Any]) -> Outcome:
    bot, graph = ctx.bot, ctx.graph
    out = Collector()
    collecting = [i for i, step in enumerate(bot.steps) if step.collect is not None]
    consenting = [i for i, step in enumerate(bot.steps) if step.consent is not None]
    asked = _secrets(ctx, out)
    if not collecting and not consenting and not bot.personal_data and not asked:
        return out.outcome()  # the bot handles no personal data: skipped

    declared = {d.field: d for d in bot.personal_data}
    for i in collecting:
        step = bot.steps[i]
        out.checked("declared")
        if step.collect not in declared:
            guess = closest(step.collect or "", declared)
            out.add(
                "undeclared-field",
                (*step.path, "collect"),
                subject=step.id,
                step=step.id,
                unit="declared",
                cause=f"field:{step.collect}",
                field=step.collect or "",
                did_you_mean=guess or "",
            )

    special = set(options["special_categories"])
    government_bases = list(options["government_id_bases"])
    live_fields = {bot.steps[i].collect for i in collecting if graph.reachable[i]}
    dead_fields = {bot.steps[i].collect for i in collecting} - live_fields
    unbased = [d for d in bot.personal_data if d.basis == UNDECLARED and d.field not in dead_fields]
    listed = ", ".join(f"{d.field} ({d.category})" for d in unbased[:8]) + (
        f", … (+{len(unbased) - 8})" if len(unbased) > 8 else ""
    )
    for data_field in bot.personal_data:
        if data_field.basis == UNDECLARED:
            # Known to be collected (an importer found it), but nobody has said on what basis:
            # unknown, not a pass. Fields only dead parts of the bot collect are left out.
            if data_field.field in dead_fields:
                continue
            out.checked("declared")
            out.add(
                "basis-undeclared",
                (*data_field.path, "basis"),
                subject=data_field.field,
                unit="declared",
                cause="basis",
                field=data_field.field,
                category=data_field.category,
                fields=listed,
            )
        elif data_field.category in special:
            out.checked("special")
            if data_field.basis != "consent":
                out.add(
                    "special-without-consent",
                    (*data_field.path, "basis"),
                    subject=data_field.field,
                    unit="special",
                    field=data_field.field,
                    category=data_field.category,
                    basis=data_field.basis,
                )
        elif data_field.category == "government_id":
            # The BSN may only be used where a law requires it (UAVG art. 46): consent is no basis.
            out.checked("special")
            if data_field.basis not in government_bases:
                out.add(
                    "government-id-basis",
                    (*data_field.path, "basis"),
                    subject=data_field.field,
                    unit="special",
                    field=data_field.field,
                    basis=data_field.basis,
                    allowed=either(government_bases),
                )

    # What each consent question's choices mean: only a "yes" gives consent, and only where the
    # customer could have said no: a question without a working "no" asks for nothing.
    replies = {i: answers(graph, i) for i in consenting}
    free_by_fields: dict[frozenset[str], list[bool]] = {}  # one backward search per field set
    refusable: set[int] = set()
    for i in consenting:
        consent = bot.steps[i].consent
        assert consent is not None
        fields = frozenset(consent.fields)
        if fields not in free_by_fields:
            free_by_fields[fields] = _finishes_without_collecting(graph, fields)
        if _can_decline(graph, i, replies[i], free_by_fields[fields]):
            refusable.add(i)
    # Consent is needed for data collected on that basis, and for special categories (health)
    # whose basis nobody has declared: only explicit consent makes collecting those lawful.
    needs_consent = {
        d.field: d.basis == "consent"
        for d in bot.personal_data
        if d.basis == "consent" or (d.basis == UNDECLARED and d.category in special)
    }
    for name in sorted(needs_consent):
        takers = [i for i in collecting if bot.steps[i].collect == name and graph.reachable[i]]
        if not takers:
            continue
        unasked = _reachable_without_consent(graph, name, replies, refusable)
        for i in takers:
            out.checked("consent-first")
            if unasked[i]:
                step = bot.steps[i]
                out.add(
                    "no-consent-before" if needs_consent[name] else "special-no-consent",
                    (*step.path, "collect"),
                    subject=step.id,
                    step=step.id,
                    unit="consent-first",
                    cause=f"field:{name}",
                    field=name,
                    category=declared[name].category,
                )
    # A question that cannot be declined is reported where it is; it counts against the data
    # it was meant to cover (collected without valid consent), not as a unit of its own, so
    # that leaving the question out never scores better than asking it badly.
    for i in consenting:
        step = bot.steps[i]
        consent = step.consent
        assert consent is not None
        if i not in refusable and graph.reachable[i]:
            out.add(
                "no-decline",
                consent.path,
                subject=step.id,
                step=step.id,
                unit="consent-first",
                fields=", ".join(consent.fields),
            )

    out.checked("policy")
    if bot.policy_url is None:
        out.add("no-policy", ("privacy",), subject="privacy.policy_url", unit="policy", key=True)
    return out.outcome()


def _secrets(ctx: Context, out: Collector) -> bool:
    """Report every question that asks for a secret no bot may ask for in a chat (a password, a
    PIN, a one-time code, a full card number, a CVV): one finding per kind. True if any.

    Only the questions that ask for one are units (each fails): asking for none earns nothing,
    asking for one costs the whole check.
    """
    bot, graph = ctx.bot, ctx.graph
    asking: list[tuple[int, str, DataPath]] = []
    for i, step in enumerate(bot.steps):
        if not graph.reachable[i] or not (step.is_turn or step.collect is not None):
            continue
        kind = secret_of(step.collect) if step.collect is not None else None
        where: DataPath = (*step.path, "collect")
        if kind is None:
            for language, text, path in step.ask.variants if step.ask is not None else ():
                kind = secret_of(question=text, language=language)
                if kind is not None:
                    where = path
                    break
        if kind is not None:
            asking.append((i, kind, where))
    out.checked("secrets", len(asking))
    for i, kind, where in asking:
        step = bot.steps[i]
        out.add(
            "secret-in-chat",
            where,
            subject=step.id,
            step=step.id,
            unit="secrets",
            cause=kind,
            secret=translated(f"secret-{kind}"),
        )
    return bool(asking)


def _reachable_without_consent(
    graph: FlowGraph, field: str, replies: dict[int, list[tuple[int, Answer]]], refusable: set[int]
) -> list[bool]:
    """Steps a conversation can reach without the customer having agreed to ``field``.

    At a consent question for the field, the conversation goes on without consent along a
    "no", when the bot does not understand the answer (the fallback), and by the global
    intents; a "yes" (or an answer cxaudit cannot read) counts as consent given, but only at a
    question the customer can decline (``refusable``): elsewhere every answer goes on without.
    """

    def onward(i: int) -> list[int]:
        consent = graph.steps[i].consent
        if consent is None or field not in consent.fields or i not in refusable:
            return [edge.target for edge in graph.out[i]]
        declined = [target for target, answer in replies[i] if answer == "no"]
        return declined + [e.target for e in graph.out[i] if e.kind is EdgeKind.FALLBACK]

    return graph.reach(onward)


def _can_decline(
    graph: FlowGraph, i: int, choices: list[tuple[int, Answer]], free: list[bool]
) -> bool:
    """Does the consent step offer a "no" that lets the conversation go on without the data?

    ``free`` says, per step, whether the conversation can finish from there without
    collecting the fields the consent is about. Where no choice reads as yes or no (a language
    without a phrase list), any second choice that lets the conversation finish will do.
    """
    declined = [target for target, answer in choices if answer == "no"]
    if declined:
        return any(free[t] for t in declined)
    if any(answer == "yes" for _, answer in choices):
        return False  # only yeses
    targets = {target for target, _ in choices}
    return len(targets) >= 2 and any(free[t] for t in targets)


def _finishes_without_collecting(graph: FlowGraph, fields: frozenset[str]) -> list[bool]:
    """Steps from which an end or handoff is reachable without collecting any of ``fields``."""
    steps = graph.steps
    ends = [i for i, step in enumerate(steps) if step.end or step.handoff is not None]
    return graph.reach_back(ends, blocked=lambda i: steps[i].collect in fields)
