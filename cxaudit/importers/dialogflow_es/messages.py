"""What a Dialogflow ES response says and does.

A response's texts are its default-platform messages in each language of ``agent.json`` (all
variants, one per line); platform texts (``simple_response``, ``telephony_synthesize_speech``)
count only when there is no default text. Cards, chips, images and audio say nothing the rules
read; other message types are an ``unsupported-message`` note.

Handoffs: a ``telephony_transfer_call`` message is one to ``telephony_transfer`` (a phone
transfer, which passes nothing); ``liveAgentHandoff`` (on the intent or as a message) and a
custom payload naming a handoff one to ``live_agent`` (live chat); an intent whose action (a
webhook's too) or a parameter preset names one (``action: HANDOVER``, ``live_agent: true``) one
to ``integration_transfer``, which the client carries out. What the agent receives is what the
handoff's payload and the intent's parameters name
(:func:`cxaudit.evidence.context_of`), else ``undeclared``. A text that promises a
transfer (:func:`cxaudit.evidence.promises_transfer`) on a step that is no handoff is a
``says-transfer-without-handoff`` note (an ES response never transfers by itself).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from cxaudit.evidence import context_of, flags_handoff, names_handoff, promises_transfer
from cxaudit.importers.base import Origin, Source
from cxaudit.importers.build import Step
from cxaudit.importers.dialogflow import (
    NOTHING,
    SSML_TAG,
    UNDECLARED,
    Context,
    Said,
    Texts,
    as_list,
    as_map,
    as_str,
    language_of,
    text_of,
)
from cxaudit.importers.dialogflow_es.read import Agent, EsIntent
from cxaudit.locations import DataPath

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
    payload: Any = None  # what a handoff message carries

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
    action = as_str(response.get("action"))
    if said.handoff is None and names_handoff(action):
        said.handoff = ("integration", (*at, "action"))
    parameters = [as_map(p) for p in as_list(response.get("parameters"))]
    for j, parameter in enumerate(parameters):
        if said.handoff is None and flags_handoff(
            as_str(parameter.get("name")), _preset(parameter)
        ):
            said.handoff = ("integration", (*at, "parameters", j, "value"))
    if said.handoff is not None:
        kind, where = said.handoff
        agent.met_handoff(kind, Origin(source, where), _context(kind, said, parameters))
    return said


def _preset(parameter: dict[str, Any]) -> Any:
    """A parameter's fixed value (``HANDOVER``), or None when it is filled from the customer's
    words (``$email``) or a context (``#ctx.param``)."""
    value = parameter.get("value")
    return None if isinstance(value, str) and value.startswith(("$", "#")) else value


def _context(kind: str, said: EsSaid, parameters: list[dict[str, Any]]) -> Context:
    """What the agent receives at the handoff: nothing at a phone transfer, else what the
    handoff's payload and the intent's parameters name, else undeclared."""
    if kind == "telephony_transfer":
        return NOTHING
    passed = {as_str(p.get("name")): p.get("value") for p in parameters if as_str(p.get("name"))}
    items = (context_of(said.payload) or set()) | (context_of(passed) or set())
    return frozenset(items) if items else UNDECLARED


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
        said.payload = message.get("liveAgentHandoff", message.get("payload"))
    elif kind in ("4", "custom_payload"):
        payload = message.get("payload")
        if _names_handoff(payload, 0):
            said.handoff = ("live_agent", (*at, "payload"))
            said.payload = payload
        else:
            # A channel's own message (Business Messages, AdLingo, Messenger, Slack): its texts
            # are what that channel's customers read where the response has no other text.
            shown = [(t, (*at, "payload", *p)) for t, p in payload_texts(payload)]
            if shown and agent.known_language(lang):
                said.platform.setdefault(lang, []).extend(shown)
            elif not shown:
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
            if promises_transfer(text, lang):
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


# Parts of a custom payload the customer answers with, not texts the bot says: suggested
# replies, buttons, chips and the actions behind them.
_ANSWERS = frozenset(
    {
        "action",
        "actions",
        "buttons",
        "chips",
        "options",
        "postbackdata",
        "quick_replies",
        "quickreplies",
        "replies",
        "reply",
        "suggestions",
    }
)
_ANSWER_TYPES = frozenset({"button", "chips", "quickreplies", "quick_replies", "suggestion"})


def payload_texts(payload: Any) -> Iterator[tuple[str, DataPath]]:
    """The texts a custom payload shows the customer (every ``text`` that is no suggested reply
    or button), with their paths; at most 64, no deeper than 12 levels."""
    found = 0
    stack: list[tuple[Any, DataPath]] = [(payload, ())]
    while stack and found < 64:
        value, at = stack.pop()
        if len(at) > 12:
            continue
        if isinstance(value, dict):
            if as_str(value.get("type")).lower() in _ANSWER_TYPES:
                continue
            children = [
                (item, (*at, key))
                for key, item in value.items()
                if str(key).lower() not in _ANSWERS
            ]
            for item, path in children:
                if path[-1] == "text":
                    for text, below in _strings(item):
                        found += 1
                        yield text, (*path, *below)
            stack.extend(
                (item, path) for item, path in reversed(children) if isinstance(item, dict | list)
            )
            continue
        if isinstance(value, list):
            stack.extend((item, (*at, i)) for i, item in reversed(list(enumerate(value))))


def _names_handoff(payload: Any, depth: int) -> bool:
    """Does a custom payload ask for a live agent: a key or a value that names a handoff
    (``"liveAgentHandoff": true``, ``"action": "HANDOFF"``; a sentence is a text, no request)?"""
    if depth > 20:
        return False
    if isinstance(payload, dict):
        return any(
            names_handoff(str(key)) or _names_handoff(value, depth + 1)
            for key, value in payload.items()
        )
    if isinstance(payload, list):
        return any(_names_handoff(item, depth + 1) for item in payload)
    return isinstance(payload, str) and len(payload.split()) == 1 and names_handoff(payload)
