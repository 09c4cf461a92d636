"""What a Dialogflow ES response says and does.

A response's texts are its default-platform messages in each language of ``agent.json`` (all
variants, one per line); platform texts (``simple_response``, ``telephony_synthesize_speech``)
count only when there is no default text. A ``telephony_transfer_call`` message is a handoff to
``telephony_transfer`` (phone); ``liveAgentHandoff`` (on the intent or as a message) and a
custom payload naming a handoff one to ``live_agent`` (live chat). Cards, chips, images and
audio say nothing the rules read; other message types are an ``unsupported-message`` note. A
text that promises a transfer on a step that is no handoff is a
``says-transfer-without-handoff`` note (an ES response never transfers by itself).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from cxaudit.importers.base import Origin, Source
from cxaudit.importers.build import Step
from cxaudit.importers.dialogflow import (
    SSML_TAG,
    Said,
    Texts,
    as_list,
    as_map,
    as_str,
    language_of,
    text_of,
)
from cxaudit.importers.dialogflow_es.read import Agent, EsIntent
from cxaudit.lexicon import find
from cxaudit.locations import DataPath

HUMANS = {  # kind of transfer -> (humans id, channel)
    "live_agent": ("live_agent", "live_chat"),
    "telephony_transfer": ("telephony_transfer", "phone"),
}
_HANDOFF_PAYLOAD = re.compile(r"live.?agent|hand.?off|hand.?over|human.?agent", re.IGNORECASE)
# Message types that show or play something without words cxaudit checks (cards, chips,
# images, audio); type numbers are the default platform's: 1 card, 3 image.
_SILENT = frozenset(
    {
        "1",
        "3",
        "basic_card",
        "browse_carousel_card",
        "carousel_card",
        "image",
        "link_out_chip",
        "list_card",
        "media_content",
        "suggestion_chips",
        "table_card",
        "telephony_play_audio",
    }
)


@dataclass
class EsSaid(Said):
    """What a response does that the rules care about."""

    platform: Texts = field(default_factory=dict)

    def chosen(self) -> Texts:
        """The default platform's texts; a platform's only when there are none."""
        return self.texts or self.platform


def said_by(agent: Agent, intent: EsIntent) -> EsSaid:
    """What an intent's response says, and the handoff it makes."""
    said = EsSaid()
    source = intent.source
    response, at = intent.response
    for i, raw in enumerate(as_list(response.get("messages"))):
        _message(agent, as_map(raw), Origin(source, (*at, "messages", i)), said)
    if intent.raw.get("liveAgentHandoff") is True and said.handoff is None:
        said.handoff = ("live_agent", ("liveAgentHandoff",))
    if said.handoff is not None:
        agent.handoffs.setdefault(said.handoff[0], Origin(source, said.handoff[1]))
    return said


def _message(agent: Agent, message: dict[str, Any], origin: Origin, said: EsSaid) -> None:
    at = origin.at
    kind = str(message.get("type") if message.get("type") is not None else 0)
    lang = language_of(message.get("lang")) or agent.languages[0]
    platform = as_str(message.get("platform"))
    texts = said.platform if platform else said.texts
    found: list[tuple[str, DataPath]] = []
    if kind == "0":
        found = [(t, (*at, "speech", *p)) for t, p in _strings(message.get("speech"))]
    elif kind == "2":  # quick replies: the title is said, the replies are suggestions
        found = [(t, (*at, "title")) for t, _ in _strings(message.get("title"))]
    elif kind == "simple_response":
        key = "displayText" if as_str(message.get("displayText")).strip() else "textToSpeech"
        found = [(t, (*at, key)) for t, _ in _strings(message.get(key))]
    elif kind == "simple_responses":
        for i, item in enumerate(as_list(message.get("items"))):
            item = as_map(item)
            key = "displayText" if as_str(item.get("displayText")).strip() else "textToSpeech"
            found += [(t, (*at, "items", i, key)) for t, _ in _strings(item.get(key))]
    elif kind == "telephony_synthesize_speech":
        key = "text" if as_str(message.get("text")).strip() else "ssml"
        text = " ".join(SSML_TAG.sub(" ", as_str(message.get(key))).split())
        found = [(text, (*at, key))] if text else []
    elif kind in ("telephony_transfer_call", "telephonyTransferCall") or (
        "telephonyTransferCall" in message
    ):
        said.handoff = ("telephony_transfer", at)
    elif kind == "liveAgentHandoff" or "liveAgentHandoff" in message:
        said.handoff = ("live_agent", at)
    elif kind in ("4", "custom_payload"):
        if _names_handoff(message.get("payload")):
            said.handoff = ("live_agent", (*at, "payload"))
        else:
            agent.project.unsupported("unsupported-message", origin.below("type"), kind=kind)
    elif kind not in _SILENT:
        agent.project.unsupported("unsupported-message", origin.below("type"), kind=kind)
    if found and agent.known_language(lang):
        texts.setdefault(lang, []).extend(found)


def put_text(step: Step, key: str, texts: Texts, source: Source) -> None:
    """Give ``step`` the ``texts``, under ``key`` (``say`` or ``ask``)."""
    if texts:
        step.set_text(key, text_of(texts, source))


def warn_transfer(agent: Agent, step: Step, texts: Texts, source: Source) -> None:
    """A text that tells the customer they are being transferred, on a step that is not a
    handoff (an ES response never transfers by itself)."""
    for lang, found in texts.items():
        for text, at in found:
            if text.rstrip().endswith("?"):
                continue
            if any(m.entry.attrs.get("kind") == "transfer" for m in find("CX04", lang, text)):
                origin = Origin(source, at)
                agent.project.note("says-transfer-without-handoff", "CX02", origin, name=step.id)
                return


def _strings(value: Any) -> Iterator[tuple[str, DataPath]]:
    """The non-empty strings of a ``speech`` value (one string or a list), with their paths."""
    if isinstance(value, str):
        if value.strip():
            yield value, ()
    else:
        for i, item in enumerate(as_list(value)):
            if isinstance(item, str) and item.strip():
                yield item, (i,)


def _names_handoff(payload: Any) -> bool:
    """Does a custom payload ask for a live agent (a key or a value naming a handoff)?"""
    if isinstance(payload, dict):
        return any(
            bool(_HANDOFF_PAYLOAD.search(str(key))) or _names_handoff(value)
            for key, value in payload.items()
        )
    if isinstance(payload, list):
        return any(_names_handoff(item) for item in payload)
    return isinstance(payload, str) and bool(_HANDOFF_PAYLOAD.search(payload))
