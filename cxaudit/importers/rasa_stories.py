"""The steps of a Rasa 3 rule or story, as events: what the customer says, what the bot does.

* ``intent:`` is the customer's turn; ``action:`` a response or action the bot runs;
* end-to-end steps: ``user: "..."`` is the customer's turn too, as the named ``intent:`` when
  the step gives one, else as an intent of its own (``user_<words>``) whose example is the text;
  ``bot: "..."`` is a text the bot says (a step ``bot_<words>``, one per text);
* ``or:`` branches give one event list per combination (at most 64);
* ``active_loop: null`` ends a form; checkpoints and ``slot_was_set`` are not read.

Files named ``test_*`` hold Rasa's test conversations, not the bot, and are left out (as is
everything outside ``data/``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from cxaudit.importers.rasa_domain import plain
from cxaudit.locations import DataPath

#: The prefix of Rasa's test story files (``rasa test`` reads them; they are not the bot).
TEST_PREFIX = "test_"
_NOT_WORD = re.compile(r"[\W_]+")
_MAX_BRANCHES = 64


@dataclass(frozen=True)
class Event:
    kind: str  # intent | action | bot | form_done
    name: str  # the intent, the action, or the key of a bot text
    at: DataPath
    text: str = ""  # the customer's words (an end-to-end user step) or the bot's


@dataclass(frozen=True)
class _Link:
    """An event and the events before it in one combination of a story's branches."""

    before: _Link | None
    event: Event


def expand(steps: list[Any], at: DataPath) -> list[list[Event]]:
    """A rule's or story's steps as event lists, one per combination of its ``or`` branches.

    The lists share their beginnings while they are built (a chain of (before, event) pairs),
    so a long story costs its length once per combination, not once per step.
    """
    paths: list[_Link | None] = [None]
    for i, raw in enumerate(steps):
        here = (*at, i)
        if not isinstance(raw, dict):
            continue
        if isinstance(raw.get("or"), list):
            choices = [
                event(alt, (*here, "or", j))
                for j, alt in enumerate(raw["or"])
                if isinstance(alt, dict)
            ]
            found = [c for c in choices if c is not None]
            if found:
                grown: list[_Link | None] = [_Link(p, c) for p in paths for c in found]
                paths = grown[:_MAX_BRANCHES]
            continue
        one = event(raw, here)
        if one is not None:
            longer: list[_Link | None] = [_Link(p, one) for p in paths]
            paths = longer
    result: list[list[Event]] = []
    for chain in paths:
        events: list[Event] = []
        while chain is not None:
            events.append(chain.event)
            chain = chain.before
        result.append(events[::-1])
    return result


def event(raw: dict[str, Any], at: DataPath) -> Event | None:
    user = raw.get("user")
    if isinstance(user, str) and user.strip():
        text = " ".join(plain(user).split())
        named = raw.get("intent")
        name = named if isinstance(named, str) and named else slug("user", text)
        return Event("intent", name, at, text)
    if isinstance(raw.get("intent"), str):
        return Event("intent", raw["intent"], at)
    bot = raw.get("bot")
    if isinstance(bot, str) and bot.strip():
        return Event("bot", "\0bot\0" + bot.strip(), at, bot.strip())
    if isinstance(raw.get("action"), str):
        return Event("action", raw["action"], at)
    if "active_loop" in raw and raw["active_loop"] is None:
        return Event("form_done", "", at)
    return None


def slug(prefix: str, text: str) -> str:
    """An id for words from a story: ``user_i_want_a_person`` (at most about 40 characters)."""
    words = _NOT_WORD.sub("_", text.lower()).strip("_")[:40].rstrip("_")
    return f"{prefix}_{words}" if words else prefix


def is_bot_text(name: str) -> bool:
    return name.startswith("\0bot\0")
