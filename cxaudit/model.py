"""The flow file as typed, immutable objects, built once from schema-valid data.

Building the model is also where the checks that JSON Schema cannot express happen: unique
ids, and references that must name something (with a did-you-mean when they don't).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cxaudit.diagnostics import Diagnostic, InputError
from cxaudit.lexicon import ANY_LANGUAGE
from cxaudit.loader import Document
from cxaudit.locations import DataPath, format_path
from cxaudit.suggest import did_you_mean, short

#: What an imported project (or a team that has not decided yet) writes where the files cannot
#: say: a legal basis, what an agent receives, who confirms an agreement in writing.
UNDECLARED = "undeclared"
#: The humans channel of another assistant: a handoff reaches it, but it is no person.
BOT_CHANNEL = "bot"


@dataclass(frozen=True)
class Text:
    """A bot text in one or more languages, with the data path of each variant."""

    path: DataPath
    variants: tuple[tuple[str, str, DataPath], ...]  # (language, text, path of that text)


@dataclass(frozen=True)
class Fallback:
    """Ask again ``retries`` times, then go to ``then`` (a step id)."""

    retries: int
    then: str
    path: DataPath
    then_path: DataPath  # where the target id is written: the value itself, or its `then`


@dataclass(frozen=True)
class Option:
    label: Text
    goto: str
    path: DataPath


@dataclass(frozen=True)
class Consent:
    fields: tuple[str, ...]
    purpose: str | None
    path: DataPath


@dataclass(frozen=True)
class Generate:
    prompt: Text
    tools: tuple[str, ...]
    path: DataPath
    #: False: the model only writes this step's message (a generated greeting or summary); the
    #: step is then a customer turn only when it asks.
    turn: bool = True


@dataclass(frozen=True)
class Step:
    id: str
    flow: str
    path: DataPath
    say: Text | None = None
    ask: Text | None = None
    options: tuple[Option, ...] = ()
    on: tuple[tuple[str, str], ...] = ()  # (intent id, step id)
    collect: str | None = None
    fallback: Fallback | None = None
    next: str | None = None
    action: str | None = None
    agreement: str | None = None
    confirm: str | None = None  # the written channel
    consent: Consent | None = None
    handoff: str | None = None  # a humans id
    topic: str | None = None
    end: bool = False
    generate: Generate | None = None

    @property
    def is_turn(self) -> bool:
        """A customer turn: the bot waits for the customer's answer before going on."""
        converses = self.generate is not None and self.generate.turn
        return self.handoff is None and (self.ask is not None or converses)

    def messages(self) -> dict[str, tuple[str, DataPath]]:
        """What the bot says in this step, per language: its `say` and `ask` together.

        The path is that of the first of the two texts, where a finding about the message points.
        """
        joined: dict[str, tuple[str, DataPath]] = {}
        for text in (self.say, self.ask):
            for language, value, path in text.variants if text is not None else ():
                if language in joined:
                    joined[language] = (f"{joined[language][0]}\n{value}", joined[language][1])
                else:
                    joined[language] = (value, path)
        return joined


@dataclass(frozen=True)
class Flow:
    id: str
    triggers: tuple[str, ...]
    steps: tuple[Step, ...]
    path: DataPath


@dataclass(frozen=True)
class Human:
    id: str
    channel: str
    hours: str | None
    expected_wait: str | None
    path: DataPath


@dataclass(frozen=True)
class DataField:
    field: str
    category: str
    basis: str
    purpose: str | None
    retention: str | None
    path: DataPath


@dataclass(frozen=True)
class Intent:
    id: str
    examples: tuple[tuple[str, str, DataPath], ...]  # (language, phrase, path)
    goto: str | None
    is_global: bool
    topic: str | None
    path: DataPath


@dataclass(frozen=True)
class Bot:
    """Everything a flow file declares, with references checked."""

    name: str
    persona: bool  # False: the project's name, not one customers see (an import's agent id)
    organisation: str | None
    sector: str
    languages: tuple[str, ...]
    declared_languages: bool
    channels: tuple[str, ...]
    start: str
    #: Every step a conversation begins at with the bot speaking first (``start`` and the other
    #: openers a list names: a web, app or SMS welcome); ``start`` is the first.
    starts: tuple[str, ...]
    humans: tuple[Human, ...]
    handoff_context: tuple[str, ...] | None
    context_undeclared: bool  # handoff.context: undeclared (the files cannot say)
    outside_hours: str | None
    default_fallback: Fallback | None
    upset: str | None
    policy_url: str | None
    personal_data: tuple[DataField, ...]  # privacy.data: the fields collected and their basis
    intents: tuple[Intent, ...]
    flows: tuple[Flow, ...]
    steps: tuple[Step, ...]
    step_index: Mapping[str, int] = field(repr=False)
    flow_start: Mapping[str, str] = field(repr=False)

    def resolve(self, ref: str) -> str:
        """A step reference to a step id: a flow id means that flow's first step."""
        return self.flow_start.get(ref, ref)

    def fallback_of(self, step: Step) -> Fallback | None:
        """What happens when the bot does not understand a turn: its own fallback or the default."""
        if not step.is_turn:
            return None
        return step.fallback or self.default_fallback

    def human(self, human_id: str) -> Human | None:
        return next((h for h in self.humans if h.id == human_id), None)

    def hands_to_a_person(self, step: Step) -> bool:
        """Does the step hand the customer over to people (not to another bot)?"""
        if step.handoff is None:
            return False
        target = self.human(step.handoff)
        return target is None or target.channel != BOT_CHANNEL

    def data_field(self, name: str) -> DataField | None:
        return next((d for d in self.personal_data if d.field == name), None)

    @property
    def default_language(self) -> str:
        return self.languages[0]


def build(document: Document) -> Bot:
    """The model of a schema-valid document; raises InputError for bad ids and references."""
    return _Builder(document).build()


class _Builder:
    def __init__(self, document: Document) -> None:
        self.doc = document
        data: Any = document.data
        assert isinstance(data, dict)
        self.data: dict[str, Any] = data
        self.errors: list[Diagnostic] = []
        bot = self.data["bot"]
        self.declared_languages = "languages" in bot
        self.languages: tuple[str, ...] = tuple(bot.get("languages") or (ANY_LANGUAGE,))

    def error(self, path: DataPath, message: str, *, key: bool = False) -> None:
        loc = self.doc.source_map.locate(path, key=key)
        where = format_path(path)
        self.errors.append(
            Diagnostic(loc.file or self.doc.path, f"{where}: {message}", loc.line, loc.column)
        )

    def build(self) -> Bot:
        data = self.data
        bot = data["bot"]
        flows = tuple(self.flow(raw, ("flows", i)) for i, raw in enumerate(data["flows"]))
        steps = tuple(step for flow in flows for step in flow.steps)
        humans = tuple(
            self.human(raw, ("humans", i)) for i, raw in enumerate(data.get("humans", []))
        )
        privacy = data.get("privacy", {})
        fields = tuple(
            self.data_field(raw, ("privacy", "data", i))
            for i, raw in enumerate(privacy.get("data", []))
        )
        intents = tuple(
            self.intent(raw, ("intents", i)) for i, raw in enumerate(data.get("intents", []))
        )
        handoff = data.get("handoff", {})
        escalation = data.get("escalation", {})
        default_fallback = (
            _fallback(escalation["fallback"], ("escalation", "fallback"))
            if "fallback" in escalation
            else None
        )
        step_index = {step.id: i for i, step in enumerate(steps)}
        flow_start = {flow.id: flow.steps[0].id for flow in flows}
        declared = bot.get("start")
        starts: tuple[str, ...] = (
            tuple(dict.fromkeys(declared))
            if isinstance(declared, list) and declared
            else (declared,)
            if isinstance(declared, str) and declared
            else (steps[0].id,)
        )
        model = Bot(
            name=bot["name"],
            persona=bool(bot.get("persona", True)),
            organisation=bot.get("organisation"),
            sector=bot.get("sector", "other"),
            languages=self.languages,
            declared_languages=self.declared_languages,
            channels=tuple(bot.get("channels", ())),
            start=starts[0],
            starts=starts,
            humans=humans,
            handoff_context=_context(handoff),
            context_undeclared=handoff.get("context") == UNDECLARED,
            outside_hours=handoff.get("outside_hours"),
            default_fallback=default_fallback,
            upset=escalation.get("upset"),
            policy_url=privacy.get("policy_url"),
            personal_data=fields,
            intents=intents,
            flows=flows,
            steps=steps,
            step_index=step_index,
            flow_start=flow_start,
        )
        self.check_ids(model)
        self.check_references(model)
        if self.errors:
            raise InputError(self.errors)
        return model

    # -- building ------------------------------------------------------------------------

    def check_language(self, language: str, path: DataPath) -> None:
        if self.declared_languages and language not in self.languages:
            self.error(
                path,
                f"the language '{language}' is not in bot.languages "
                f"({', '.join(self.languages)}){did_you_mean(language, self.languages)}",
                key=True,
            )

    def text(self, raw: Any, path: DataPath) -> Text:
        if isinstance(raw, str):
            return Text(path, ((self.languages[0], raw, path),))
        variants = []
        for lang, value in _without_x_keys(raw):
            self.check_language(lang, (*path, lang))
            variants.append((lang, value, (*path, lang)))
        return Text(path, tuple(variants))

    def flow(self, raw: dict[str, Any], path: DataPath) -> Flow:
        steps = tuple(
            self.step(step, raw["id"], (*path, "steps", i)) for i, step in enumerate(raw["steps"])
        )
        return Flow(raw["id"], tuple(raw.get("triggers", ())), steps, path)

    def step(self, raw: dict[str, Any], flow: str, path: DataPath) -> Step:
        def text(key: str) -> Text | None:
            return self.text(raw[key], (*path, key)) if key in raw else None

        options = tuple(
            Option(
                self.text(o["label"], (*path, "options", i, "label")),
                o["goto"],
                (*path, "options", i),
            )
            for i, o in enumerate(raw.get("options", ()))
        )
        consent = raw.get("consent")
        generate = raw.get("generate")
        return Step(
            id=raw["id"],
            flow=flow,
            path=path,
            say=text("say"),
            ask=text("ask"),
            options=options,
            on=tuple(_without_x_keys(raw.get("on", {}))),
            collect=raw.get("collect"),
            fallback=_fallback(raw["fallback"], (*path, "fallback")) if "fallback" in raw else None,
            next=raw.get("next"),
            action=raw.get("action"),
            agreement=raw.get("agreement"),
            confirm=raw["confirm"]["channel"] if "confirm" in raw else None,
            consent=Consent(tuple(consent["fields"]), consent.get("purpose"), (*path, "consent"))
            if consent is not None
            else None,
            handoff=raw.get("handoff"),
            topic=raw.get("topic"),
            end=bool(raw.get("end", False)),
            generate=Generate(
                self.text(generate["prompt"], (*path, "generate", "prompt")),
                tuple(generate.get("tools", ())),
                (*path, "generate"),
                bool(generate.get("turn", True)),
            )
            if generate is not None
            else None,
        )

    def human(self, raw: dict[str, Any], path: DataPath) -> Human:
        return Human(raw["id"], raw["channel"], raw.get("hours"), raw.get("expected_wait"), path)

    def data_field(self, raw: dict[str, Any], path: DataPath) -> DataField:
        return DataField(
            raw["field"],
            raw["category"],
            raw["basis"],
            raw.get("purpose"),
            raw.get("retention"),
            path,
        )

    def intent(self, raw: dict[str, Any], path: DataPath) -> Intent:
        examples: list[tuple[str, str, DataPath]] = []
        raw_examples = raw.get("examples", [])
        if isinstance(raw_examples, list):
            examples = [
                (self.languages[0], e, (*path, "examples", i)) for i, e in enumerate(raw_examples)
            ]
        else:
            for lang, phrases in _without_x_keys(raw_examples):
                self.check_language(lang, (*path, "examples", lang))
                examples += [(lang, e, (*path, "examples", lang, i)) for i, e in enumerate(phrases)]
        return Intent(
            raw["id"],
            tuple(examples),
            raw.get("goto"),
            bool(raw.get("global", False)),
            raw.get("topic"),
            path,
        )

    # -- checking ids and references ------------------------------------------------------

    def check_ids(self, model: Bot) -> None:
        seen: dict[str, DataPath] = {}
        # File order: each flow's id comes before its steps.
        named = [(flow.id, (*flow.path, "id")) for flow in model.flows]
        named += [(step.id, (*step.path, "id")) for step in model.steps]
        named.sort(key=lambda item: item[1])  # paths sort in file order: a flow before its steps
        for ident, path in named:
            if ident in seen:
                first = self.doc.source_map.locate(seen[ident]).line
                self.error(
                    path,
                    f"duplicate id '{short(ident)}' (first used at line {first}); "
                    "step and flow ids share one namespace and must be unique",
                )
            else:
                seen[ident] = path
        for kind, items in (
            ("intent", [(i.id, (*i.path, "id")) for i in model.intents]),
            ("humans", [(h.id, (*h.path, "id")) for h in model.humans]),
            ("privacy.data field", [(d.field, (*d.path, "field")) for d in model.personal_data]),
        ):
            first_at: dict[str, DataPath] = {}
            for ident, path in items:
                if ident in first_at:
                    line = self.doc.source_map.locate(first_at[ident]).line
                    self.error(
                        path, f"duplicate {kind} id '{short(ident)}' (first used at line {line})"
                    )
                else:
                    first_at[ident] = path

    def check_references(self, model: Bot) -> None:
        targets = {*model.step_index, *model.flow_start}
        humans = {h.id for h in model.humans}
        intents = {i.id for i in model.intents}
        fields = {d.field for d in model.personal_data}

        def ref(
            value: str | None, path: DataPath, pool: set[str], what: str, *, key: bool = False
        ) -> None:
            if value is not None and value not in pool:
                hint = did_you_mean(value, pool)
                if not pool:
                    hint = f" (the file declares no {what} at all)"
                self.error(path, f"'{short(value)}' names no {what}{hint}", key=key)

        declared = self.data["bot"].get("start")
        if isinstance(declared, list):
            for k, value in enumerate(declared):
                ref(value, ("bot", "start", k), targets, "step or flow")
        else:
            ref(declared, ("bot", "start"), targets, "step or flow")
        ref(model.upset, ("escalation", "upset"), targets, "step or flow")
        if model.default_fallback is not None:
            fb = model.default_fallback
            ref(fb.then, fb.then_path, targets, "step or flow")
        ref(model.outside_hours, ("handoff", "outside_hours"), humans, "humans entry")
        for intent in model.intents:
            ref(intent.goto, (*intent.path, "goto"), targets, "step or flow")
        for flow in model.flows:
            for i, trigger in enumerate(flow.triggers):
                ref(trigger, (*flow.path, "triggers", i), intents, "intent")
        for step in model.steps:
            ref(step.next, (*step.path, "next"), targets, "step or flow")
            ref(step.handoff, (*step.path, "handoff"), humans, "humans entry")
            if step.fallback is not None:
                ref(step.fallback.then, step.fallback.then_path, targets, "step or flow")
            for option in step.options:
                ref(option.goto, (*option.path, "goto"), targets, "step or flow")
            for intent_id, target in step.on:
                ref(intent_id, (*step.path, "on", intent_id), intents, "intent", key=True)
                ref(target, (*step.path, "on", intent_id), targets, "step or flow")
            if step.consent is not None:
                for i, name in enumerate(step.consent.fields):
                    ref(name, (*step.consent.path, "fields", i), fields, "privacy.data field")


def _context(handoff: dict[str, Any]) -> tuple[str, ...] | None:
    """What the agent receives at a handoff: none declared (None), or a list (``undeclared``
    counts as an empty one, that CX04 reports as unknown)."""
    if "context" not in handoff:
        return None
    context = handoff["context"]
    return () if context == UNDECLARED else tuple(context)


def _without_x_keys(raw: dict[str, Any]) -> list[tuple[str, Any]]:
    """The entries of a map whose keys are data (languages, intents), without x- notes."""
    return [(key, value) for key, value in raw.items() if not key.startswith("x-")]


def _fallback(raw: Any, path: DataPath) -> Fallback:
    if isinstance(raw, str):
        return Fallback(0, raw, path, path)
    return Fallback(int(raw.get("retries", 0)), raw["then"], path, (*path, "then"))
