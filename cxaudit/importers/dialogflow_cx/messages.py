"""What a Dialogflow CX fulfilment says and does, and how that lands on a step.

A fulfilment's messages (and those of its conditional cases, all of them) give the step its
text per language (``languageCode``; alternatives one per line). SSML tags are removed from
text and audio messages. A text that is only a parameter reference (``$flow.failure_msg``) is
kept under an ``x-dialogflow`` key, where no text rule reads it as words.

Handoffs, wherever a fulfilment is (page entry, route, event handler, form prompt): a
``liveAgentHandoff`` (to ``live_agent``), a ``telephonyTransferCall`` (to
``telephony_transfer``, a phone transfer that passes nothing), and a parameter preset
(``setParameterActions``) or a webhook tag that asks the integration to hand over
(``transfer: true``, ``live_agent: 1``, ``action: HANDOVER``: to ``integration_transfer``).
What the agent receives is what the handoff's metadata and the parameters set with it name
(:func:`cxaudit.evidence.context_of`); when they name nothing, an integration makes
the handoff and may pass more than the export shows (``undeclared``); clearing the customer's
data on the way passes nothing.

A webhook call is the step's ``action``; its webhook and tag names say which agreement it makes
(:func:`cxaudit.evidence.agreement_of_name`), whose written confirmation the back end may send
(``confirm: {channel: undeclared}``). Rich-content chips in a page's entry fulfilment
are options of the page that waits, where the intent route they name leads; other chips and
payloads, and message types cxaudit does not read, are notes.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from cxaudit.evidence import context_of, flags_handoff, names_handoff
from cxaudit.importers.base import Origin, Source
from cxaudit.importers.build import Step
from cxaudit.importers.dialogflow import (
    HUMANS,
    NOTHING,
    SSML_TAG,
    UNDECLARED,
    Context,
    Said,
    as_list,
    as_map,
    as_str,
    category_of,
    language_of,
    text_of,
)
from cxaudit.importers.dialogflow_cx.read import Agent, Generator, Located
from cxaudit.locations import DataPath

_HANDOFFS = {"liveAgentHandoff": "live_agent", "telephonyTransferCall": "telephony_transfer"}
_SILENT_MESSAGES = {"conversationSuccess", "endInteraction", "languageCode", "channel"}
_SSML_IN_TEXT = re.compile(  # the SSML tags a text message may hold (not any "<...>")
    r"</?(?:speak|say-as|break|prosody|emphasis|sub|audio|p|s|phoneme|mark|voice|lang|par|seq"
    r"|media|desc)\b[^<>]*>",  # [^<>]: an unclosed tag is not searched to the end each time
    re.IGNORECASE,
)
# A parameter reference ($flow.x, $session.params.x, $page.params.x.status, $sys.func.X(...)).
# The arguments of a function call stop at "(" too: "$flow.a($flow.a(..." stays linear.
_REFERENCE = re.compile(r"\$(?:flow|session|page|intent|request|sys)(?:\.[\w-]+)+(?:\([^()]*\))?")
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
    # What the handoff passes: its metadata, the parameters set with it (their context items),
    # and whether customer data is cleared on the way.
    metadata: Any = None
    passed: set[str] = field(default_factory=set)
    cleared: bool = False
    # Generators whose output is this fulfilment's text: (generator, where it is referenced).
    generated: list[tuple[Generator, Origin]] = field(default_factory=list)

    def context(self, kind: str) -> Context:
        """What an agent receives at a handoff of ``kind`` made here."""
        if kind == "telephony_transfer":
            return NOTHING  # a phone call is put through; nothing else goes with it
        items = self.passed | (context_of(self.metadata) or set())
        if items:
            return frozenset(items)
        return NOTHING if self.cleared else UNDECLARED

    @property
    def empty(self) -> bool:
        return (
            not self.texts
            and not self.references
            and not self.generated
            and self.handoff is None
            and self.webhook is None
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
    for i, action in enumerate(as_list(raw.get("setParameterActions"))):
        _preset(as_map(action), (*origin.at, "setParameterActions", i, "parameter"), said)
    for i, use in enumerate(as_list(raw.get("generators"))):
        ident = as_str(as_map(use).get("generator")).rsplit("/", 1)[-1]
        generator = agent.generators.get(ident)
        if generator is not None and generator.prompts:
            said.generated.append((generator, origin.below("generators", i)))
    webhook = as_str(raw.get("webhook"))
    if webhook:
        tag = as_str(raw.get("tag"))
        said.webhook = (f"{webhook} {tag}".strip(), (*origin.at, "webhook"))
        if said.handoff is None and names_handoff(tag or webhook):
            said.handoff = ("integration", (*origin.at, "tag" if tag else "webhook"))
    return said


def hands_off(raw: Any) -> bool:
    """Does a fulfilment hand the customer over (read without notes, to keep a route or handler
    that leads nowhere else)?"""
    raw = as_map(raw)
    messages = list(as_list(raw.get("messages")))
    cases = list(as_list(raw.get("conditionalCases")))
    while cases and len(messages) < 10_000:
        for case in as_list(as_map(cases.pop()).get("cases")):
            for content in as_list(as_map(case).get("caseContent")):
                messages.append(as_map(content).get("message"))
                cases.append(as_map(content).get("additionalCases"))
    if any(set(as_map(m)) & set(_HANDOFFS) for m in messages):
        return True
    presets = [as_map(a) for a in as_list(raw.get("setParameterActions"))]
    if any(flags_handoff(as_str(a.get("parameter")), a.get("value")) for a in presets):
        return True
    return bool(raw.get("webhook")) and names_handoff(
        as_str(raw.get("tag")) or as_str(raw["webhook"])
    )


def _preset(action: dict[str, Any], at: DataPath, said: CxSaid) -> None:
    """A parameter preset: a handoff flag, a parameter passed on, or data cleared."""
    name, value = as_str(action.get("parameter")), action.get("value")
    if flags_handoff(name, value):
        if said.handoff is None:
            said.handoff = ("integration", at)
    elif value is None:
        said.cleared = said.cleared or category_of(name.rsplit(".", 1)[-1], "") is not None
    else:
        said.passed |= context_of({name: value}) or set()


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
        elif kind in _HANDOFFS:
            said.handoff = (_HANDOFFS[kind], (*at, kind))
            if kind == "liveAgentHandoff":
                said.metadata = as_map(value).get("metadata")
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


def put_text(step: Step, key: str, said: CxSaid, source: Source, agent: Agent) -> None:
    """Give ``step`` what ``said`` says, under ``key`` (``say`` or ``ask``); a text a generator
    writes is the step's ``generate`` (``turn: false``: the model writes the message only)."""
    if said.generated:
        generator, where = said.generated[0]
        prompt = {lang: text for lang, (text, _) in generator.prompts.items()}
        step.set("generate", {"prompt": prompt, "turn": False}, where)
        for lang, (_, origin) in generator.prompts.items():
            step.mark(("generate", "prompt", lang), origin)
        agent.project.note("generated-text", None, where, name=[generator.name])
    if not said.texts and not said.references:
        return
    references = {_REFERENCE_KEY: said.references} if said.references else None
    step.set_text(key, text_of(said.texts, source, references))


def put_effects(agent: Agent, step: Step, said: CxSaid, source: Source) -> None:
    """Give ``step`` the handoff and the webhook call of what ``said`` does."""
    if said.handoff is not None:
        kind, at = said.handoff
        step.set("handoff", HUMANS[kind][0], Origin(source, at))
        agent.met_handoff(kind, Origin(source, at), said.context(kind))
    if said.webhook is not None:
        action, at = said.webhook
        step.set("action", action, Origin(source, at))
        # A prebuilt component's webhooks are "<component>:<function>": the function says it.
        function = action.rsplit(":", 1)[-1]
        agent.mark_agreement(step, (function,), Origin(source, at), webhook=True)


def _normal(text: str) -> str:
    """A name or phrase compared loosely: lower case, words only ("No_Signal" = "no signal")."""
    return " ".join(re.findall(r"[^\W_]+", text.casefold()))


def _words_of(text: str) -> str:
    """A text with its tags already replaced by spaces, as one line of words (SSML tags and
    line breaks leave no space before a comma or a full stop, and entities are decoded)."""
    return re.sub(r"\s+([,.;:!?])", r"\1", " ".join(html.unescape(text).split()))
