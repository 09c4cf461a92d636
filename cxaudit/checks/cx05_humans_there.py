"""CX05: the humans are really there: hours, waiting times, an alternative outside hours."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cxaudit.checks._texts import lacks_phrase, report_missing_lexicons
from cxaudit.checks.base import Collector, Context, Outcome
from cxaudit.i18n import translated
from cxaudit.model import BOT_CHANNEL

RULE = "CX05"
#: Channels a customer uses without the bot handing them over.
OUTSIDE_THE_BOT = frozenset({"phone", "email", "in_person"})


def check(ctx: Context, options: Mapping[str, Any]) -> Outcome:
    bot = ctx.bot
    out = Collector()
    out.checked("humans")
    # Another assistant a handoff reaches is no person: it is no one's humans entry here.
    people = [h for h in bot.humans if h.channel != BOT_CHANNEL]
    if not people:
        out.add("no-humans", ("humans",), subject="humans", unit="humans", key=True)
        return out.outcome()
    graph = ctx.graph
    handed_to = {
        step.handoff
        for i, step in enumerate(bot.steps)
        if graph.is_handoff(i) and graph.reachable[i]
    }
    # People customers can reach outside the bot (a phone number, an address the bot gives)
    # are there even when no step hands over to them.
    reachable = [h for h in people if h.id in handed_to or h.channel in OUTSIDE_THE_BOT]
    if not reachable:
        out.add(
            "humans-unreachable",
            ("humans",),
            subject="humans",
            unit="humans",
            key=True,
            humans=", ".join(h.id for h in people),
        )
    incomplete = []
    for human in people:
        out.checked("complete")
        missing = [
            key
            for key, value in (("hours", human.hours), ("expected_wait", human.expected_wait))
            if value is None
        ]
        if missing:
            incomplete.append((human, missing))
    listed = ", ".join(f"{h.id} ({', '.join(m)})" for h, m in incomplete)
    always_open = [h for h in people if h.hours == "24/7"]
    fallback_channels = set(options["outside_hours_channels"])
    alternative = bot.human(bot.outside_hours) if bot.outside_hours else None
    # Nobody's hours known and no alternative named: whether anyone is there outside hours is
    # the same unknown as the hours themselves, one cause with one fix (say the hours, and where
    # to go outside them).
    hours_unknown = all(h.hours is None for h in people) and alternative is None
    outside = translated("incomplete-outside") if hours_unknown else ""
    outside_fix = translated("incomplete-outside-fix") if hours_unknown else ""
    for human, missing in incomplete:
        out.add(
            "human-incomplete",
            human.path,
            subject=human.id,
            unit="complete",
            cause="incomplete",
            human=human.id,
            missing=", ".join(missing),
            humans=listed,
            outside=outside,
            outside_fix=outside_fix,
        )
    out.checked("outside-hours")
    if not always_open:
        if alternative is None and hours_unknown:
            out.add(
                "human-incomplete",
                people[0].path,
                subject="outside_hours",
                unit="outside-hours",
                cause="incomplete",
                human=people[0].id,
                missing="hours",
                humans=listed,
                outside=outside,
                outside_fix=outside_fix,
            )
        elif alternative is None:
            out.add(
                "no-outside-hours",
                ("handoff",),
                subject="outside_hours",
                unit="outside-hours",
                key=True,
                channels=", ".join(sorted(fallback_channels)),
            )
        elif alternative.channel not in fallback_channels and alternative.hours != "24/7":
            out.add(
                "outside-hours-closed",
                ("handoff", "outside_hours"),
                subject="outside_hours",
                unit="outside-hours",
                human=alternative.id,
                channel=alternative.channel,
                channels=", ".join(sorted(fallback_channels)),
            )
    other = set(options["other_channels"])
    out.checked("other-channel")
    if not any(h.channel in other for h in people):
        out.add(
            "no-other-channel",
            ("humans",),
            subject="channels",
            unit="other-channel",
            key=True,
            channels=", ".join(sorted(other)),
        )
    handoffs = [step for i, step in enumerate(bot.steps) if ctx.graph.is_handoff(i)]
    if handoffs:
        report_missing_lexicons(out, bot, RULE)
    for i, step in enumerate(bot.steps):
        if not ctx.graph.is_handoff(i) or not ctx.graph.reachable[i]:
            continue
        out.checked("wait-time")
        where = lacks_phrase(RULE, "wait-time", step)
        if where is not None:
            out.add(
                "no-wait-time",
                where,
                subject=step.id,
                step=step.id,
                unit="wait-time",
                cause="no-wait-time",
            )
    return out.outcome()
