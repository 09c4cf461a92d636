"""Import Rasa 3 (NLU + rules, stories and forms) and Rasa Pro CALM (flows) projects.

Both become flow data (format 1) whose positions point into the project's own files. This
module holds the builder the two flavours share; the domain and ``config.yml`` are read by
``rasa_domain.py``, names are judged by ``rasa_names.py``, the notes come from
``rasa_notes.py``, and each flavour's module has its own ``build``:

* ``rasa3.py``: rules and stories become edges between steps, forms become flows;
* ``rasa_calm.py``: CALM flows become flows, patterns the start, the fallback and global intents.

In both:

* every response or custom action a rule, story or flow runs is one step, named as in the
  project (``utter_greet``, ``action_pay_cc``, a CALM step id); its text is the response's text
  in the language of ``config.yml`` (all variants, one per line);
* the fallback is the ``nlu_fallback`` rule (Rasa 3) or ``pattern_cannot_handle`` (CALM);
* a step hands off only when it runs a custom action whose name says so and nothing in the
  project contradicts it; a response never transfers anyone, so a response that announces a
  transfer without reaching a handoff gets a ``says-transfer-without-handoff`` note (CX02: the
  customer is promised a person that no path reaches);
* a response that announces the transfer right before the handoff is the handoff step's
  message (what CX04 reads);
* without ``pattern_session_start`` (or a greeting), the start is the first step with words;
  the bot's name is the project folder's (Rasa has no name the customer sees).

Collected slots whose names say they hold personal data get ``collect`` and a ``privacy.data``
entry with the category judged from the name and ``basis: undeclared`` (the project never says
on what basis it collects them), so that CX09 reports them until the overlay declares them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cxaudit.importers.base import Ids, Origin, Project, Source
from cxaudit.importers.build import Flow, FlowBuilder, Intent, Step
from cxaudit.importers.rasa_domain import (
    Button,
    RasaText,
    examples,
    read_config,
    read_domain,
    yaml_files,
)
from cxaudit.importers.rasa_names import BUILTIN_ACTIONS, agreement, category, says_handoff
from cxaudit.lexicon import find

#: The file (or folder) a Rasa project cannot do without (see :mod:`cxaudit.importers.load`).
MARKERS = ("domain.yml", "domain.yaml", "domain")


class Builder:
    """What both Rasa flavours build: steps from responses and actions, intents, the fallback
    and the start, written into the project by :meth:`emit`."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.languages, self.config_source, self.config = read_config(project)
        self.language = self.languages[0]
        self.domain = read_domain(project)
        self.flow = FlowBuilder(project, "-")
        self.asked_by: dict[str, str] = {}  # step id -> the response that asks its question
        self.fallback: tuple[str, Origin | None] | None = None
        self.start: str | None = None
        self.custom_actions: set[str] = set()
        self.rephrased: set[str] = set()
        self.handoff_hosts: dict[str, Origin] = {}  # actions/handoff_config.yml (financial-demo)
        self.bot_hosts: dict[str, Origin] = {}  # those of them that are bots
        self.data_sources: list[Source] = []
        for path in yaml_files(project.root / "data"):
            source = project.read(path, required=False)
            if source is None or source.data is None:
                continue
            if not isinstance(source.data, dict):
                project.note("file-not-a-map", None, Origin(source), file=source.display)
                continue
            self.data_sources.append(source)
        for name in self.domain.intents:  # the domain's order first
            self.intent(name)

    @property
    def ids(self) -> Ids:
        return self.flow.ids

    @property
    def flows(self) -> list[Flow]:
        return self.flow.flows

    # -- texts --

    def text(self, name: str) -> RasaText | None:
        """A response's text per language: its variants joined, one per line."""
        return self.domain.text(name, self.language, self.languages)

    def use(self, step: Step, key: str, name: str, text: RasaText) -> None:
        """Give a step the text of response ``name``; remember it if a model rephrases it."""
        step.set_text(key, text)
        if text.rephrased:
            self.rephrased.add(name)

    def buttons(self, name: str | None) -> list[Button]:
        """The buttons of response ``name`` (those of its first variant that has any)."""
        return self.domain.buttons(name)

    def refuses(self, title: str) -> bool:
        """Does a button's title read as a "no" (the consent lexicons' reading of answers)?"""
        return any(m.entry.attrs.get("kind") == "no" for m in find("CX09", self.language, title))

    def label(self, button: Button) -> dict[str, str]:
        return {self.language: button.title}

    # -- actions --

    def is_custom(self, action: str) -> bool:
        return (
            action not in self.domain.responses
            and action not in self.domain.forms
            and action not in BUILTIN_ACTIONS
        )

    def human_for(self, action: str) -> str | None:
        """The humans id a custom action hands off to, or None when it is no real transfer."""
        if not self.is_custom(action) or not says_handoff(action):
            return None
        if self.handoff_hosts and set(self.handoff_hosts) == set(self.bot_hosts):
            return None  # every host the project hands off to is another bot, not a person
        self.flow.human(action, "live_chat", self.domain.actions.get(action))
        return action

    def action_step(self, step: Step, action: str, origin: Origin | None) -> None:
        """Fill a step that runs ``action``: a response's text, a handoff, or a custom action."""
        text = self.text(action)
        if text is not None:
            self.use(step, "say", action, text)
        elif action in self.domain.responses:
            response = self.domain.responses[action]
            step.origins.setdefault((), Origin(response.source, ("responses", action)))
        human = self.human_for(action)
        if human is not None:
            step.set("action", action, origin)
            step.set("handoff", human, self.domain.actions.get(action) or origin)
            return
        if action not in self.domain.responses:
            step.set("action", action, origin)
            if self.is_custom(action):
                self.custom_actions.add(action)
                kind = agreement(action)
                if kind is not None:
                    step.set("agreement", kind, origin)

    def ask_of(self, step: Step, names: list[str]) -> None:
        """Make a step a customer turn asked by the first of ``names`` the project has."""
        for name in names:
            text = self.text(name)
            if text is not None:
                self.use(step, "ask", name, text)
                self.asked_by[step.id] = name
                return
            if name in self.domain.actions:
                step.set("action", name, self.domain.actions[name])
                self.custom_actions.add(name)
                break
        # The question is written in code (or missing): a turn whose words cxaudit cannot see.
        step.data["ask"] = {"x-rasa": "the question is sent by code cxaudit cannot read"}

    def collect(self, step: Step, slot: str, origin: Origin | None) -> None:
        if self.domain.slot_types.get(slot) in ("bool", "categorical"):
            return  # a yes/no or a choice from a list, not the customer's own data
        kind = category(slot)
        if kind is None:
            return
        step.set("collect", slot, origin or self.domain.slots.get(slot))
        self.flow.personal(slot, kind, self.domain.slots.get(slot))

    # -- intents --

    def intent(self, name: str) -> Intent:
        """The intent ``name`` (placed at its declaration in the domain, if any)."""
        known = name in self.flow.intents
        intent = self.flow.intent(name)
        if not known:
            intent.mark((), self.domain.intents.get(name))
        return intent

    def make_global(self, name: str, target: str, origin: Origin | None) -> None:
        intent = self.intent(name)
        if "goto" in intent.data:
            return
        intent.data["goto"] = target
        intent.data["global"] = True
        if origin is not None:
            intent.mark(("goto",), origin)
            intent.origins.setdefault((), origin)

    def nlu(self, source: Source, items: Any) -> None:
        """Read a data file's ``nlu:`` section: its intents and their examples."""
        if not isinstance(items, list):
            return
        for i, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get("intent"), str):
                continue
            intent = self.intent(item["intent"])
            intent.mark((), Origin(source, ("nlu", i)))
            found = examples(item.get("examples"))
            if found:
                lists = intent.data.setdefault("examples", {})
                lists.setdefault(self.language, []).extend(found)
                intent.mark(("examples",), Origin(source, ("nlu", i, "examples")))

    # -- emitting --

    def emit(self) -> None:
        """Write the built flow into the project (see the module docstring)."""
        project = self.project
        self._fold_announcements()
        if not any(flow.steps for flow in self.flows):
            raise project.fail(
                "found no rules, stories or flows that a conversation can follow "
                "(looked in data/ for rules:, stories: and flows:)"
            )
        if self.start is None:
            # No greeting: start at the first step with words (CX01 reads the first message).
            self.start = next(
                (
                    step.id
                    for flow in self.flows
                    for step in flow.steps
                    if any(
                        isinstance(step.data.get(k), dict)
                        and any(not lang.startswith("x-") for lang in step.data[k])
                        for k in ("say", "ask")
                    )
                ),
                None,
            )
        built = self.flow
        # Rasa has no name the customer sees: the folder's name stands in (the overlay can give
        # the real one). assistant_id is an internal id; as a name it would "disclose" the bot
        # wherever a text happens to contain it ("banking-assistant").
        built.bot = {
            "name": Path(project.display).name or project.root.name or "bot",
            "languages": list(self.languages),
        }
        assistant = self.config.get("assistant_id")
        if isinstance(assistant, str) and assistant:
            built.bot["x-rasa-assistant-id"] = assistant
        if self.start is not None:
            built.bot["start"] = self.start
        if self.config_source is not None:
            at = ("language",) if "language" in self.config else ()
            built.mark(("bot",), Origin(self.config_source, at))
            if isinstance(assistant, str) and assistant:
                where = Origin(self.config_source, ("assistant_id",))
                built.mark(("bot", "x-rasa-assistant-id"), where)
        # The project's files come in no particular order: humans and data by their names.
        built.humans = dict(sorted(built.humans.items()))
        built.personal_data = dict(sorted(built.personal_data.items()))
        if self.fallback is not None:
            target, origin = self.fallback
            built.escalation = {"fallback": target}
            built.mark(("escalation", "fallback"), origin)
        built.emit()

    def _fold_announcements(self) -> None:
        """A response that announces a transfer right before the handoff action is the handoff
        step's message: one step, as a customer experiences it (and as CX04 reads it)."""
        steps = {step.id: step for flow in self.flows for step in flow.steps}
        pointed: dict[str, int] = {}
        for step in steps.values():
            for name in targets(step.data):
                pointed[name] = pointed.get(name, 0) + 1
        for flow in self.flows:
            for step in list(flow.steps):
                target = steps.get(step.data.get("next", ""))
                if (
                    target is None
                    or "handoff" not in target.data
                    or "say" in target.data
                    or {k for k in step.data if not k.startswith("x-")} - {"say", "next"}
                    or "say" not in step.data
                    or pointed.get(target.id, 0) != 1
                ):
                    continue
                target.data = {"say": step.data["say"], **target.data}
                for rel, origin in step.origins.items():
                    if rel and rel[0] == "say":
                        target.origins[rel] = origin
                flow.steps.remove(step)
                self._redirect(step.id, target.id)
                if self.start == step.id:
                    self.start = target.id

    def _redirect(self, old: str, new: str) -> None:
        for flow in self.flows:
            for step in flow.steps:
                _rewrite(step.data, old, new)
        for intent in self.flow.intents.values():
            if intent.data.get("goto") == old:
                intent.data["goto"] = new
        if self.fallback is not None and self.fallback[0] == old:
            self.fallback = (new, self.fallback[1])

    def domain_asks(self) -> set[str]:
        return {n for n in self.domain.responses if n.startswith("utter_ask_")}


def targets(data: dict[str, Any]) -> Iterator[str]:
    """The step ids a built step leads to."""
    if isinstance(data.get("next"), str):
        yield data["next"]
    for option in data.get("options", []):
        yield option["goto"]
    yield from data.get("on", {}).values()


def _rewrite(data: dict[str, Any], old: str, new: str) -> None:
    if data.get("next") == old:
        data["next"] = new
    for option in data.get("options", []):
        if option["goto"] == old:
            option["goto"] = new
    for intent, target in list(data.get("on", {}).items()):
        if target == old:
            data["on"][intent] = new
