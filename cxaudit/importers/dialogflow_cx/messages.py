"""What a Dialogflow CX fulfilment says and does, and how that lands on a step.

A fulfilment's messages (and those of its conditional cases, all of them) give the step its
text per language (``languageCode``; alternatives one per line). SSML tags are removed from
text and audio messages. A text that is only a parameter reference (``$flow.failure_msg``) is
kept under an ``x-dialogflow`` key, where no text rule reads it as words. ``liveAgentHandoff``
and ``telephonyTransferCall`` are handoffs; a webhook call is the step's ``action`` (and its
``agreement`` when it processes a payment). Rich-content chips in a page's entry fulfilment
are options of the page that waits, where the intent route they name leads; other chips and
payloads, and message types cxaudit does not read, are notes.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from cxaudit.importers.base import Origin, Source
from cxaudit.importers.build import Step
from cxaudit.importers.dialogflow import (
    SSML_TAG,
    Said,
    as_list,
    as_map,
    as_str,
    language_of,
    text_of,
)
from cxaudit.importers.dialogflow_cx.read import Agent, Located
from cxaudit.locations import DataPath

HUMANS = {  # fulfilment kind -> (humans id, channel)
    "liveAgentHandoff": ("live_agent", "live_chat"),
    "telephonyTransferCall": ("telephony_transfer", "phone"),
    "escalation": ("human_escalation", "live_chat"),
}
_SILENT_MESSAGES = {"conversationSuccess", "endInteraction", "languageCode", "channel"}
_SSML_IN_TEXT = re.compile(  # the SSML tags a text message may hold (not any "<...>")
    r"</?(?:speak|say-as|break|prosody|emphasis|sub|audio|p|s|phoneme|mark|voice|lang|par|seq"
    r"|media|desc)\b[^>]*>",
    re.IGNORECASE,
)
# A parameter reference ($flow.x, $session.params.x, $page.params.x.status, $sys.func.X(...)).
_REFERENCE = re.compile(r"\$(?:flow|session|page|intent|request|sys)(?:\.[\w-]+)+(?:\([^)]*\))?")
_REFERENCE_KEY = "x-dialogflow"

Chip = tuple[str, str, DataPath]  # language, text, where


@dataclass
class CxSaid(Said):
    """What a fulfilment does that the rules care about."""

    # Texts that are only parameter references ("$flow.failure_message"): what they say is set
    # at run time, so they are kept under an x- key where no text rule reads them as words.
    references: list[tuple[str, DataPath]] = field(default_factory=list)
    webhook: tuple[str, DataPath] | None = None
    # Rich-content chips, per payload message: (where the payload is, its chips).
    # Only a page's entry fulfilment keeps them (``keep_chips``) to place them as options.
    chips: list[tuple[DataPath, list[Chip]]] = field(default_factory=list)
    keep_chips: bool = False

    @property
    def empty(self) -> bool:
        return (
            not self.texts and not self.references and self.handoff is None and self.webhook is None
        )

    def add(self, lang: str, text: str, at: DataPath) -> None:
        text = text.strip()
        if not text:
            return
        if re.search(r"\w", _REFERENCE.sub("", text)):
            self.texts.setdefault(lang, []).append((text, at))
        elif text not in {t for t, _ in self.references}:
            self.references.append((text, at))


def fulfilment(agent: Agent, raw: Any, origin: Origin, *, chips: bool = False) -> CxSaid:
    """What a fulfilment says and does; with ``chips`` its rich-content chips are kept for
    the caller to place (else they are an ``unplaced-chips`` note)."""
    said = CxSaid(keep_chips=chips)
    raw = as_map(raw)
    for i, message in enumerate(as_list(raw.get("messages"))):
        _message(agent, message, origin.below("messages", i), said)
    for i, conditional in enumerate(as_list(raw.get("conditionalCases"))):
        _cases(agent, conditional, origin.below("conditionalCases", i), said)
    webhook = as_str(raw.get("webhook"))
    if webhook:
        tag = as_str(raw.get("tag"))
        said.webhook = (f"{webhook} {tag}".strip(), (*origin.at, "webhook"))
    return said


def _cases(agent: Agent, raw: Any, origin: Origin, said: CxSaid) -> None:
    for i, case in enumerate(as_list(as_map(raw).get("cases"))):
        for j, content in enumerate(as_list(as_map(case).get("caseContent"))):
            content = as_map(content)
            here = origin.below("cases", i, "caseContent", j)
            if "message" in content:
                _message(agent, content["message"], here.below("message"), said)
            if "additionalCases" in content:
                _cases(agent, content["additionalCases"], here.below("additionalCases"), said)


def _message(agent: Agent, raw: Any, origin: Origin, said: CxSaid) -> None:
    message = as_map(raw)
    at = origin.at
    lang = language_of(message.get("languageCode")) or agent.languages[0]
    for kind, value in message.items():
        if kind == "text":
            for i, text in enumerate(as_list(as_map(value).get("text"))):
                if isinstance(text, str) and text.strip() and agent.known_language(lang):
                    if _SSML_IN_TEXT.search(text):  # texts may be SSML for voice channels
                        text = _words_of(_SSML_IN_TEXT.sub(" ", text))
                    said.add(lang, text, (*at, "text", "text", i))
        elif kind == "outputAudioText":
            audio = as_map(value)
            key = "ssml" if "ssml" in audio else "text"
            text = _words_of(SSML_TAG.sub(" ", as_str(audio.get(key))))
            if text and agent.known_language(lang):
                said.add(lang, text, (*at, kind, key))
        elif kind in ("liveAgentHandoff", "telephonyTransferCall"):
            said.handoff = (kind, (*at, kind))
            agent.handoffs.setdefault(kind, origin.below(kind))
        elif kind == "payload":
            if agent.known_language(lang):
                _payload(agent, value, lang, origin.below(kind), said)
        elif kind not in _SILENT_MESSAGES:
            agent.project.unsupported("unsupported-message", origin.below(kind), kind=kind)


def _payload(agent: Agent, raw: Any, lang: str, origin: Origin, said: CxSaid) -> None:
    """A custom payload: its ``richContent`` chips are the customer's choices; anything else
    in it is an ``unsupported-message`` note."""
    payload = as_map(raw)
    chips: list[Chip] = []
    other = set(payload) != {"richContent"}
    for i, row in enumerate(as_list(payload.get("richContent"))):
        for j, item in enumerate(as_list(row)):
            item = as_map(item)
            if as_str(item.get("type")) != "chips":
                other = True
                continue
            for k, chip in enumerate(as_list(item.get("options"))):
                text = as_str(as_map(chip).get("text")).strip()
                if text:
                    where = (*origin.at, "richContent", i, j, "options", k, "text")
                    chips.append((lang, text, where))
    if other or not chips:
        agent.project.unsupported("unsupported-message", origin, kind="payload")
    if chips and said.keep_chips:
        said.chips.append((origin.at, chips))
    elif chips:
        unplaced(agent, origin, [text for _, text, _ in chips])


def unplaced(agent: Agent, origin: Origin, texts: list[str]) -> None:
    agent.project.unsupported("unplaced-chips", origin, chips=texts)


def place_chips(
    agent: Agent, step: Step, said: CxSaid, routes: list[Located], source: Source
) -> None:
    """Chips as options of the step that waits for the answer: a chip goes where the route
    of the intent it names leads, when its text is (up to case, spaces and punctuation) one
    of the intent's training phrases, the intent's name or the name of the route's target
    page, and that points at one route only. Other chips are an ``unplaced-chips`` note."""
    on = as_map(step.data.get("on"))
    keys: dict[str, set[str]] = {}  # a normalised chip text -> the steps it may lead to
    for route, _ in routes:
        intent = as_str(route.get("intent"))
        goto = on.get(agent.intents.get(intent, ""))
        if not isinstance(goto, str):
            continue
        names = {intent, as_str(route.get("targetPage")), *agent.phrases.get(intent, ())}
        for name in names:
            if _normal(name):
                keys.setdefault(_normal(name), set()).add(goto)
    options: list[dict[str, Any]] = as_list(step.data.get("options"))
    first = len(options)  # the chips' options come after the routes' own branches
    placeable = "next" not in step.data and bool(on)
    for payload_at, chips in said.chips:
        left: list[str] = []
        for lang, text, where in chips:
            targets = keys.get(_normal(text), set()) if placeable else set()
            if len(targets) != 1:
                left.append(text)
                continue
            goto = next(iter(targets))
            i = next(  # the same chip in another language is the same option
                (
                    n
                    for n in range(first, len(options))
                    if options[n]["goto"] == goto and lang not in options[n]["label"]
                ),
                len(options),
            )
            if i == len(options):
                options.append({"label": {}, "goto": goto})
                step.mark(("options", i), Origin(source, where))
                step.mark(("options", i, "goto"), Origin(source, where))
            options[i]["label"][lang] = text
            step.mark(("options", i, "label", lang), Origin(source, where))
        if left:
            unplaced(agent, Origin(source, payload_at), left)
    if options:
        step.data["options"] = options


def put_text(step: Step, key: str, said: CxSaid, source: Source) -> None:
    """Give ``step`` what ``said`` says, under ``key`` (``say`` or ``ask``)."""
    if not said.texts and not said.references:
        return
    references = {_REFERENCE_KEY: said.references} if said.references else None
    step.set_text(key, text_of(said.texts, source, references))


def put_effects(agent: Agent, step: Step, said: CxSaid, source: Source) -> None:
    """Give ``step`` the handoff and the webhook call of what ``said`` does."""
    if said.handoff is not None:
        kind, at = said.handoff
        step.set("handoff", HUMANS[kind][0], Origin(source, at))
    if said.webhook is not None:
        action, at = said.webhook
        step.set("action", action, Origin(source, at))
        agent.mark_agreement(step, (action,), Origin(source, at))


def _normal(text: str) -> str:
    """A name or phrase compared loosely: lower case, words only ("No_Signal" = "no signal")."""
    return " ".join(re.findall(r"[^\W_]+", text.casefold()))


def _words_of(text: str) -> str:
    """A text with its tags already replaced by spaces, as one line of words (SSML tags and
    line breaks leave no space before a comma or a full stop, and entities are decoded)."""
    return re.sub(r"\s+([,.;:!?])", r"\1", " ".join(html.unescape(text).split()))
