"""Import Rasa 3 (NLU + rules, stories and forms) and Rasa Pro CALM (flows) projects.

Both become flow data (format 1) whose positions point into the project's own files. This
module holds the builder the two flavours share; the domain and ``config.yml`` are read by
``rasa_domain.py``, what only Rasa names say by ``rasa_names.py`` (the rest of what names and
texts say by :mod:`cxaudit.evidence`, as for every importer), the notes come from
``rasa_notes.py``, and each flavour's module has its own ``build``:

* ``rasa3.py``: rules and stories become edges between steps, forms become flows;
* ``rasa_calm.py``: CALM flows become flows, patterns the start, the fallback and global intents.

In both:

* every response or custom action a rule, story or flow runs is one step, named as in the
  project (``utter_greet``, ``action_pay_cc``, a CALM step id); its text is the response's text
  in the language of ``config.yml`` (all variants, one per line);
* the fallback is the ``nlu_fallback`` rule (Rasa 3) or ``pattern_cannot_handle`` (CALM);
* who speaks first is what the files show: a greeting after ``action_session_start`` (Rasa 3)
  or ``pattern_session_start`` (CALM) is the start; without one the customer speaks first, so
  the start is a customer turn without words (an ``ask`` with only an ``x-rasa`` key, from
  which the global intents lead on), and a custom ``action_session_start``, whose messages are
  code, gets a ``custom-session-start`` note; no other response stands in for a first message;
* a step hands off only when it runs a custom action whose name says so
  (:func:`~cxaudit.evidence.names_handoff`) and nothing in the project contradicts it; a
  response never transfers anyone, so a response that announces a transfer without reaching a
  handoff gets a ``says-transfer-without-handoff`` note (CX02: the customer is promised a person
  that no path reaches); what the agent receives is the custom action's code:
  ``handoff: {context: undeclared}``;
* a response that announces the transfer right before the handoff is the handoff step's
  message (what CX04 reads);
* a custom action whose name makes an agreement (:func:`~cxaudit.evidence.agreement_of_name`)
  marks its step ``agreement`` with ``confirm: {channel: undeclared}`` (the code may send a
  confirmation); a response the bot sends right after it that says a confirmation went out by
  e-mail, SMS or letter (:func:`~cxaudit.evidence.written_confirmation`) confirms in writing on
  that channel;
* the bot's name is the project folder's (Rasa has no name the customer sees).

Collected slots that hold personal data (:func:`~cxaudit.evidence.personal_category`, read from
the slot's name and the question that asks for it; ``bool`` and ``categorical`` slots are
choices, never personal data) get ``collect`` and a ``privacy.data`` entry with
``basis: undeclared`` (the project never says on what basis it collects them), so that CX09
reports them until the overlay declares them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cxaudit.evidence import agreement_of_name, names_handoff, personal_category
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
from cxaudit.importers.rasa_names import BUILTIN_ACTIONS, SESSION_START
from cxaudit.importers.rasa_steps import fold_announcements, written_confirmations
from cxaudit.importers.rasa_stories import TEST_PREFIX
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
        self.start_origin: Origin | None = None  # where a customer-first start is placed
        self.handoff_origin: Origin | None = None  # the first handoff a custom action makes
        self.custom_actions: set[str] = set()
        self.rephrased: set[str] = set()
        self.handoff_hosts: dict[str, Origin] = {}  # actions/handoff_config.yml (financial-demo)
        self.bot_hosts: dict[str, Origin] = {}  # those of them that are bots
        self.data_sources: list[Source] = []
        for path in yaml_files(project.root / "data"):
            if path.name.startswith(TEST_PREFIX):
                continue  # Rasa's test conversations, not the bot
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
        if not self.is_custom(action) or not names_handoff(action):
            return None
        # Every host the project hands off to is another bot: a handoff (CX04 checks what it
        # carries), but to no person (CX02 and CX05 do not count it).
        to_bots = bool(self.handoff_hosts) and set(self.handoff_hosts) == set(self.bot_hosts)
        channel = "bot" if to_bots else "live_chat"
        self.flow.human(action, channel, self.domain.actions.get(action))
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
            where = self.domain.actions.get(action) or origin
            step.set("action", action, origin)
            step.set("handoff", human, where)
            self.handoff_origin = self.handoff_origin or origin or where
            return
        if action not in self.domain.responses:
            step.set("action", action, origin)
            if self.is_custom(action):
                self.custom_actions.add(action)
                kind = agreement_of_name(action)
                if kind is not None:
                    # The action's code may confirm in writing; the files cannot show it.
                    step.set("agreement", kind, origin)
                    step.set("confirm", {"channel": "undeclared"}, origin)

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
        asked = step.data.get("ask", {}).get(self.language)
        question = asked if isinstance(asked, str) else None
        kind = personal_category(slot, question=question, language=self.language)
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
            self.customer_first(None)
        written_confirmations(self.flows)
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
        if self.handoff_origin is not None:
            # What the agent receives is the handoff action's code: the files cannot show it.
            data = project.data
            data["handoff"] = {"context": "undeclared"}
            order = ("cxaudit", "bot", "humans", "handoff", "escalation", "privacy")
            project.data = {
                **{k: data[k] for k in order if k in data},
                **{k: v for k, v in data.items() if k not in order},
            }
            project.origin(("handoff",), self.handoff_origin)

    def customer_first(self, step: Step | None) -> None:
        """No greeting the files show: the conversation starts with the customer's turn.

        The start is ``step`` (Rasa's ``action_session_start`` in a story), else a step of its
        own, placed at ``start_origin``. It asks nothing in words (CX01 then says that the bot
        says nothing first); the global intents lead on from it, and the customer may also just
        leave. A custom ``action_session_start`` may send a message in code: a note says so.
        """
        custom = self.domain.actions.get(SESSION_START)
        said = "the customer speaks first"
        if custom is not None:
            said += f", unless the custom {SESSION_START} sends a message (its code is not here)"
            self.project.note("custom-session-start", "CX01", custom, action=SESSION_START)
        if step is None:
            where = self.start_origin or custom or Origin(self.domain.sources[0])
            flow = Flow(self.ids.claim("session_start"), None)
            step = Step(self.ids.claim(SESSION_START), origins={(): where})
            step.data["end"] = True
            flow.steps.append(step)
            self.flows.insert(0, flow)
        step.data.pop("ask", None)
        step.data = {"ask": {"x-rasa": said}, **step.data}
        self.start = step.id

    def _fold_announcements(self) -> None:
        """Announcements before a handoff become its message (see ``rasa_steps.py``)."""
        for old, new in fold_announcements(self.flows, self.flow.intents.values()).items():
            if self.fallback is not None and self.fallback[0] == old:
                self.fallback = (new, self.fallback[1])
            if self.start == old:
                self.start = new

    def domain_asks(self) -> set[str]:
        return {n for n in self.domain.responses if n.startswith("utter_ask_")}
