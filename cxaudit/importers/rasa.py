"""Import Rasa 3 (NLU + rules, stories and forms) and Rasa Pro CALM (flows) projects.

Both become flow data (format 1) whose positions point into the project's own files:

* every response or custom action a rule, story or flow runs is one step, named as in the
  project (``utter_greet``, ``action_pay_cc``, a CALM step id); its text is the response's text
  in the language of ``config.yml`` (all variants, one per line);
* Rasa 3: an intent that starts a rule or story is a global intent that leads to its first
  action (the RulePolicy applies such rules at any turn); an ``action, intent, action`` sequence
  is an ``on`` edge; consecutive actions are ``next``; where a rule or story ends the bot listens,
  so that step is a customer turn (its text is asked) and the conversation may end there;
* a form is a flow of its own (its id is the form's name, so ``action: cc_payment_form`` leads
  into it), one ``ask`` step per required slot, and its last step goes on where the rule that
  submits the form goes on;
* CALM: a flow is a flow, ``collect`` is an ``ask`` step, ``call``/``link`` lead into the other
  flow, conditional ``next`` become options whose labels hold the condition (an ``x-if`` key, so
  no text rule reads them), and every flow that is not guarded by ``if: False`` can be started
  by the command generator at any turn (a global intent whose example is its description);
* the fallback is the ``nlu_fallback`` rule (Rasa 3) or ``pattern_cannot_handle`` (CALM);
* a step hands off only when it runs a custom action whose name says so and nothing in the
  project contradicts it; a response never transfers anyone, so a response that announces a
  transfer without reaching a handoff gets a ``says-transfer-without-handoff`` note (CX02: the
  customer is promised a person that no path reaches).

Collected slots whose names say they hold personal data get ``collect`` and a ``privacy.data``
entry with the category judged from the name and ``basis: undeclared`` (the project never says
on what basis it collects them), so that CX09 reports them until the overlay declares them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cxaudit.checks.base import find
from cxaudit.importers.base import Ids, Project, Source
from cxaudit.loader import DataPath

# -- names ------------------------------------------------------------------------------------

# Built-in Rasa actions: never a custom action with a message of its own.
_BUILTIN_ACTIONS = frozenset(
    {
        "action_listen",
        "action_restart",
        "action_session_start",
        "action_default_fallback",
        "action_deactivate_loop",
        "action_revert_fallback_events",
        "action_default_ask_affirmation",
        "action_default_ask_rephrase",
        "action_two_stage_fallback",
        "action_back",
        "action_unlikely_intent",
        "action_extract_slots",
        "action_cancel_flow",
        "action_clean_stack",
        "action_trigger_search",
        "action_trigger_chitchat",
        "action_run_slot_rejections",
        "action_correct_flow_slot",
        "action_clarify_flows",
    }
)
_GREETING_INTENTS = ("greet", "hello", "hi", "start", "welcome", "session_start")
_FALLBACK_INTENT = "nlu_fallback"
_CANCELLED = "the form stops here: its question's refusing button (the form's code decides)"
_END = "END"

# Rasa Pro's own patterns when a project does not override them (rasa/dialogue_understanding/
# patterns/default_flows_for_patterns.yml): the two that decide whether a person is reachable.
_DEFAULT_PATTERNS: dict[str, tuple[str, str]] = {
    "pattern_human_handoff": (
        "utter_human_handoff_not_available",
        "I understand you want to be connected to a human agent, but that's something I "
        "cannot help you with at the moment. Is there something else I can help you with?",
    ),
    "pattern_cannot_handle": (
        "utter_cannot_handle",
        "I'm sorry, I'm not able to assist with that.",
    ),
}
_RASA_DEFAULT_FALLBACK = "Sorry I didn't get that. Can you rephrase?"

_HANDOFF_WORDS = frozenset({"handoff", "handover"})
_PERSON_WORDS = frozenset({"human", "agent", "person", "operator", "live", "staff", "colleague"})
_MOVE_WORDS = frozenset({"transfer", "connect", "escalate", "to", "hand"})
_NOT_A_TRANSFER = frozenset(
    {"options", "ask", "offer", "check", "confirm", "cancel", "cancelled", "deny", "not", "no"}
)
_MACHINE_WORDS = frozenset({"bot", "assistant", "assistent", "ai", "chatbot", "virtual"})

_TRANSFER_TEXT = re.compile(
    r"\b(?:(?:transferr?(?:ed|ing)?|connect(?:ed|ing)?|hand(?:ed|ing)? (?:you )?(?:off|over)"
    r"|put(?:ting)? (?:you )?through|pass(?:ed|ing)? (?:you )?(?:on|over))\b.{0,40}?\b"
    r"(?:human|agent|person|colleague|team|staff|someone|representative|operator|advis[oe]r"
    r"|specialist|employee)\b"
    r"|(?:transfer|hand(?:ed)?|put|connect|pass) you\b(?! (?:money|funds|the|a|\d)))",
    re.IGNORECASE,
)
_REFUSAL = re.compile(
    r"\b(?:can't|cannot|can not|unable|not able|not available|unavailable|not possible)\b",
    re.IGNORECASE,
)

# Slot name words that say which kind of personal data a slot holds (first match wins).
_CATEGORIES: tuple[tuple[str, frozenset[str]], ...] = (
    (
        "government_id",
        frozenset({"bsn", "ssn", "passport", "nationalid", "national", "social", "tax", "nino"}),
    ),
    (
        "health",
        frozenset({"health", "medical", "illness", "symptom", "symptoms", "diagnosis", "allergy"}),
    ),
    ("special", frozenset({"religion", "ethnicity", "sexual", "political", "biometric"})),
    (
        "financial",
        frozenset(
            {
                "account",
                "iban",
                "card",
                "credit",
                "debit",
                "amount",
                "money",
                "balance",
                "payment",
                "salary",
                "income",
                "loan",
                "mortgage",
                "bank",
                "sort",
            }
        ),
    ),
    ("contact", frozenset({"email", "mail", "phone", "telephone", "mobile", "address", "contact"})),
    ("location", frozenset({"location", "city", "postcode", "zip", "street", "country", "gps"})),
    (
        "identifier",
        frozenset(
            {
                "name",
                "person",
                "username",
                "customer",
                "dob",
                "birth",
                "birthday",
                "payee",
                "recipient",
                "member",
                "client",
            }
        ),
    ),
)
# Words that make a slot a yes/no, a choice or a status, not the customer's data.
_NOT_PERSONAL = frozenset(
    {
        "confirm",
        "confirmed",
        "confirmation",
        "continue",
        "exists",
        "added",
        "removed",
        "type",
        "status",
        "timing",
        "reason",
        "rating",
        "feedback",
        "reported",
        "sufficient",
        "requested",
        "vendor",
        "business",
        "company",
        "merchant",
        "product",
    }
)
_AGREEMENTS: tuple[tuple[str, frozenset[str]], ...] = (
    ("refund", frozenset({"refund"})),
    ("cancellation", frozenset({"cancel", "cancellation", "terminate"})),
    ("payment", frozenset({"pay", "payment", "payments"})),
    ("order", frozenset({"order", "purchase", "buy"})),
    ("appointment", frozenset({"appointment", "book", "booking", "reservation"})),
)
# Actions that look something up or check it: they agree nothing.
_LOOKUPS = frozenset(
    {"validate", "check", "verify", "get", "list", "show", "search", "ask", "fetch", "lookup"}
)
_CHANGE_VERBS = frozenset(
    {"add", "remove", "delete", "update", "change", "block", "freeze", "unblock", "close", "open"}
)
_CHANGE_OBJECTS = frozenset(
    {"card", "account", "payee", "beneficiary", "address", "plan", "subscription", "contract"}
)


def _words(name: str) -> list[str]:
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)
    return [w for w in re.split(r"[^a-z0-9]+", spaced.lower()) if w]


def _category(slot: str) -> str | None:
    """The kind of personal data a slot's name says it holds, or None."""
    words = set(_words(slot))
    if words & _NOT_PERSONAL:
        return None
    for category, keys in _CATEGORIES:
        if words & keys:
            return category
    return None


def _agreement(action: str) -> str | None:
    """The agreement a custom action's name says it makes (a payment, an order, ...), or None."""
    words = set(_words(action))
    if words & _LOOKUPS:
        return None
    if {"money"} <= words and {"transfer", "send"} & words:
        return "payment"
    for agreement, keys in _AGREEMENTS:
        if words & keys:
            return agreement
    if words & _CHANGE_VERBS and words & _CHANGE_OBJECTS:
        return "contract_change"
    return None


def _says_handoff(action: str) -> bool:
    """Does a custom action's name say it transfers to a person (and not just offer to)?"""
    words = set(_words(action))
    if words & _NOT_A_TRANSFER:
        return False
    if words & _HANDOFF_WORDS or {"hand", "off"} <= words or {"hand", "over"} <= words:
        return True
    return bool(words & _PERSON_WORDS and words & _MOVE_WORDS)


def _promises_transfer(text: str, language: str) -> bool:
    """Does a text tell the customer they are (being) transferred? Offers and refusals don't.

    CX04's phrase list for the text's language decides; in English a looser pattern also
    catches "I would have handed you off" and "transferred to a human agent".
    """
    from cxaudit.checks.base import find

    text = re.sub(r"\{[^{}]*\}", "…", text)  # {PERSON} is a slot, not a person
    if text.rstrip().endswith("?") or (language == "en" and _REFUSAL.search(text)):
        return False
    if any(m.entry.attrs.get("kind") == "transfer" for m in find("CX04", language, text)):
        return True
    return language == "en" and _TRANSFER_TEXT.search(text) is not None


# -- what is built ----------------------------------------------------------------------------

Origin = tuple[Source, DataPath]


@dataclass
class _Step:
    """A step being built: its data (flow format, without id) and where each part came from."""

    id: str
    data: dict[str, Any] = field(default_factory=dict)
    origins: dict[DataPath, Origin] = field(default_factory=dict)  # relative path -> origin
    asked_by: str | None = None  # the response that asks this turn's question

    def add_option(
        self,
        label: dict[str, Any],
        goto: str,
        origin: Origin | None,
        label_origin: Origin | None = None,
    ) -> None:
        options = self.data.setdefault("options", [])
        options.append({"label": label, "goto": goto})
        if origin is not None:
            self.origins[("options", len(options) - 1)] = origin
        if label_origin is not None:
            self.origins[("options", len(options) - 1, "label")] = label_origin

    def set(self, key: str, value: Any, origin: Origin | None) -> None:
        self.data[key] = value
        if origin is not None:
            self.origins[(key,)] = origin

    def set_text(self, key: str, text: _Text) -> None:
        self.data[key] = dict(text.values)
        for language, origin in text.origins.items():
            self.origins[(key, language)] = origin
        if text.origins:
            self.origins[(key,)] = next(iter(text.origins.values()))


@dataclass
class _Flow:
    id: str
    origin: Origin | None
    steps: list[_Step] = field(default_factory=list)


@dataclass
class _Text:
    values: dict[str, str]  # language -> text
    origins: dict[str, Origin]
    rephrased: bool = False


@dataclass
class _Response:
    name: str
    source: Source
    variants: list[Any]


@dataclass(frozen=True)
class _Button:
    """A button of a response: what the customer sees and what choosing it sends."""

    title: str
    payload: str
    origin: Origin

    @property
    def title_origin(self) -> Origin:
        return (self.origin[0], (*self.origin[1], "title"))

    @property
    def intent(self) -> str | None:
        """The intent a ``/intent`` or ``/intent{...}`` payload triggers."""
        found = _INTENT_PAYLOAD.match(self.payload)
        return found.group(1) if found else None

    def slot_value(self, slot: str) -> str | None:
        """The value a CALM ``/SetSlots(slot=value)`` payload gives ``slot``."""
        found = _SET_SLOTS.match(self.payload)
        if found is None:
            return None
        for assignment in found.group(1).split(","):
            name, _, value = assignment.partition("=")
            if name.strip() == slot:
                return value.strip().strip("'\"")
        return None


_INTENT_PAYLOAD = re.compile(r"^/([A-Za-z0-9_.-]+)(?:\{.*\})?$", re.DOTALL)
_SET_SLOTS = re.compile(r"^/SetSlots\((.*)\)$", re.DOTALL)


# -- reading the project ----------------------------------------------------------------------


@dataclass
class _Domain:
    responses: dict[str, _Response] = field(default_factory=dict)
    slots: dict[str, Origin] = field(default_factory=dict)
    slot_types: dict[str, str] = field(default_factory=dict)
    forms: dict[str, tuple[Source, Any]] = field(default_factory=dict)
    actions: dict[str, Origin] = field(default_factory=dict)
    intents: dict[str, Origin] = field(default_factory=dict)


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in (".yml", ".yaml") and not p.name.startswith(".")
    )


def _map(project: Project, source: Source, data: Any, at: DataPath, what: str) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise project.fail(f"{what} must be a map", source, at)
    return data


def _read_domain(project: Project) -> _Domain:
    root = project.root
    files = [p for p in (root / "domain.yml", root / "domain.yaml") if p.is_file()]
    files += _yaml_files(root / "domain")
    if not files:
        raise project.fail("no domain.yml or domain/ folder: a Rasa project needs its domain")
    domain = _Domain()
    for path in files:
        source = project.read(path)
        assert source is not None  # required files raise instead
        data = _map(project, source, source.data, (), "a domain file")
        for name, raw in _map(
            project, source, data.get("responses"), ("responses",), "responses"
        ).items():
            if not isinstance(raw, list):
                raise project.fail(
                    f"response '{name}' must be a list of variants", source, ("responses", name)
                )
            domain.responses.setdefault(str(name), _Response(str(name), source, raw))
        for name, raw in _map(project, source, data.get("slots"), ("slots",), "slots").items():
            domain.slots.setdefault(str(name), (source, ("slots", name)))
            if isinstance(raw, dict) and isinstance(raw.get("type"), str):
                domain.slot_types.setdefault(str(name), raw["type"])
        for name, raw in _map(project, source, data.get("forms"), ("forms",), "forms").items():
            domain.forms.setdefault(str(name), (source, raw))
        for key, table in (("actions", domain.actions), ("intents", domain.intents)):
            items = data.get(key)
            if items is None:
                continue
            if not isinstance(items, list):
                raise project.fail(f"{key} must be a list", source, (key,))
            for i, item in enumerate(items):
                entry: Any = next(iter(item), None) if isinstance(item, dict) else item
                if isinstance(entry, str):
                    table.setdefault(entry, (source, (key, i)))
    return domain


def _language(project: Project) -> tuple[str, list[str], Source | None, dict[str, Any]]:
    """The bot's languages from config.yml (Rasa's default is en) and the config itself."""
    path = next(
        (p for p in (project.root / "config.yml", project.root / "config.yaml") if p.is_file()),
        None,
    )
    source = project.read(path, required=False) if path is not None else None
    config: dict[str, Any] = (
        source.data if source is not None and isinstance(source.data, dict) else {}
    )
    languages: list[str] = []
    for raw in [config.get("language"), *(config.get("additional_languages") or [])]:
        code = str(raw).split("_")[0].split("-")[0].lower() if raw else ""
        if re.fullmatch(r"[a-z]{2}", code) and code not in languages:
            languages.append(code)
    return (languages[0] if languages else "en"), (languages or ["en"]), source, config


# -- the shared builder -----------------------------------------------------------------------


class _Builder:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.language, self.languages, self.config_source, self.config = _language(project)
        self.domain = _read_domain(project)
        self.ids = Ids("-")
        self.flows: list[_Flow] = []
        self.intents: dict[str, dict[str, Any]] = {}
        self.intent_origins: dict[str, dict[DataPath, Origin]] = {}
        self.humans: dict[str, Origin | None] = {}
        self.personal: dict[str, str] = {}  # slot -> category
        self.fallback: tuple[str, Origin | None] | None = None
        self.start: str | None = None
        self.custom_actions: set[str] = set()
        self.rephrased: set[str] = set()
        self.handoff_hosts: dict[str, Origin] = {}  # actions/handoff_config.yml (financial-demo)
        self.bot_hosts: dict[str, Origin] = {}  # those of them that are bots
        self.data_sources: list[Source] = []
        for path in _yaml_files(project.root / "data"):
            source = project.read(path, required=False)
            if source is None or source.data is None:
                continue
            if not isinstance(source.data, dict):
                project.note(
                    "unreadable-file",
                    None,
                    source,
                    (),
                    file=source.display,
                    problem="its top level is not a map of nlu, rules, stories or flows",
                )
                continue
            self.data_sources.append(source)
        for name in self.domain.intents:  # the domain's order first
            self.intent(name)

    # -- texts --

    def text(self, name: str) -> _Text | None:
        """A response's text per language: its variants joined, one per line."""
        response = self.domain.responses.get(name)
        if response is None:
            return None
        values: dict[str, list[str]] = {}
        origins: dict[str, Origin] = {}
        rephrased = False
        for i, variant in enumerate(response.variants):
            if not isinstance(variant, dict):
                continue
            metadata = variant.get("metadata")
            if isinstance(metadata, dict) and str(metadata.get("rephrase")).lower() == "true":
                rephrased = True
            found: list[tuple[str, str, DataPath]] = []
            if isinstance(variant.get("text"), str):
                found.append((self.language, variant["text"], ("responses", name, i, "text")))
            elif "custom" in variant:
                for text, at in _custom_texts(variant["custom"], ("responses", name, i, "custom")):
                    found.append((self.language, text, at))
            translation = variant.get("translation")
            if isinstance(translation, dict):
                for lang, text in sorted(translation.items()):
                    if lang in self.languages and isinstance(text, str):
                        found.append((lang, text, ("responses", name, i, "translation", lang)))
            for lang, text, at in found:
                values.setdefault(lang, []).append(text.strip())
                origins.setdefault(lang, (response.source, at))
        if not values:
            return None
        return _Text({k: "\n".join(v) for k, v in values.items()}, origins, rephrased)

    def use(self, step: _Step, key: str, name: str, text: _Text) -> None:
        """Give a step the text of response ``name``; remember it if a model rephrases it."""
        step.set_text(key, text)
        if text.rephrased:
            self.rephrased.add(name)

    def response_origin(self, name: str) -> Origin | None:
        response = self.domain.responses.get(name)
        return (response.source, ("responses", name)) if response is not None else None

    def buttons(self, name: str | None) -> list[_Button]:
        """The buttons of response ``name`` (those of its first variant that has any)."""
        response = self.domain.responses.get(name or "")
        if response is None:
            return []
        for i, variant in enumerate(response.variants):
            raw = variant.get("buttons") if isinstance(variant, dict) else None
            if not isinstance(raw, list):
                continue
            return [
                _Button(
                    b["title"],
                    b["payload"],
                    (response.source, ("responses", response.name, i, "buttons", j)),
                )
                for j, b in enumerate(raw)
                if isinstance(b, dict)
                and isinstance(b.get("title"), str)
                and isinstance(b.get("payload"), str)
            ]
        return []

    def refuses(self, title: str) -> bool:
        """Does a button's title read as a "no" (the consent lexicons' reading of answers)?"""
        return any(m.entry.attrs.get("kind") == "no" for m in find("CX09", self.language, title))

    def label(self, button: _Button) -> dict[str, str]:
        return {self.language: button.title}

    # -- actions --

    def is_custom(self, action: str) -> bool:
        return (
            action not in self.domain.responses
            and action not in self.domain.forms
            and action not in _BUILTIN_ACTIONS
        )

    def human_for(self, action: str) -> str | None:
        """The humans id a custom action hands off to, or None when it is no real transfer."""
        if not self.is_custom(action) or not _says_handoff(action):
            return None
        if self.handoff_hosts and set(self.handoff_hosts) == set(self.bot_hosts):
            return None  # every host the project hands off to is another bot, not a person
        self.humans.setdefault(action, self.domain.actions.get(action))
        return action

    def action_step(self, step: _Step, action: str, origin: Origin | None) -> None:
        """Fill a step that runs ``action``: a response's text, a handoff, or a custom action."""
        text = self.text(action)
        if text is not None:
            self.use(step, "say", action, text)
        elif action in self.domain.responses:
            fallback = self.response_origin(action) or origin
            if fallback is not None:
                step.origins.setdefault((), fallback)
        human = self.human_for(action)
        if human is not None:
            step.set("action", action, origin)
            step.set("handoff", human, self.domain.actions.get(action) or origin)
            return
        if action not in self.domain.responses:
            step.set("action", action, origin)
            if self.is_custom(action):
                self.custom_actions.add(action)
                agreement = _agreement(action)
                if agreement is not None:
                    step.set("agreement", agreement, origin)

    def ask_of(self, step: _Step, names: list[str]) -> None:
        """Make a step a customer turn asked by the first of ``names`` the project has."""
        for name in names:
            text = self.text(name)
            if text is not None:
                self.use(step, "ask", name, text)
                step.asked_by = name
                return
            if name in self.domain.actions:
                step.set("action", name, self.domain.actions[name])
                self.custom_actions.add(name)
                break
        # The question is written in code (or missing): a turn whose words cxaudit cannot see.
        step.data["ask"] = {"x-rasa": "the question is sent by code cxaudit cannot read"}

    def collect(self, step: _Step, slot: str, origin: Origin | None) -> None:
        if self.domain.slot_types.get(slot) in ("bool", "categorical"):
            return  # a yes/no or a choice from a list, not the customer's own data
        category = _category(slot)
        if category is None:
            return
        step.set("collect", slot, origin or self.domain.slots.get(slot))
        self.personal.setdefault(slot, category)

    def intent(self, name: str) -> dict[str, Any]:
        if name not in self.intents:
            self.intents[name] = {"id": name}
            self.intent_origins[name] = {}
            if name in self.domain.intents:
                self.intent_origins[name][()] = self.domain.intents[name]
        return self.intents[name]

    def make_global(self, name: str, target: str, origin: Origin | None) -> None:
        intent = self.intent(name)
        if "goto" in intent:
            return
        intent["goto"] = target
        intent["global"] = True
        if origin is not None:
            self.intent_origins[name][("goto",)] = origin
            self.intent_origins[name].setdefault((), origin)

    # -- emitting --

    def emit(self) -> None:
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
        data: dict[str, Any] = {"cxaudit": 1}
        # Rasa has no name the customer sees: the folder's name stands in (the overlay can give
        # the real one). assistant_id is an internal id; as a name it would "disclose" the bot
        # wherever a text happens to contain it ("banking-assistant").
        bot: dict[str, Any] = {
            "name": Path(project.display).name or project.root.name or "bot",
            "languages": list(self.languages),
        }
        assistant = self.config.get("assistant_id")
        if isinstance(assistant, str) and assistant:
            bot["x-rasa-assistant-id"] = assistant
        if self.start is not None:
            bot["start"] = self.start
        data["bot"] = bot
        if self.config_source is not None:
            project.origin(
                ("bot",), self.config_source, ("language",) if "language" in self.config else ()
            )
            if isinstance(assistant, str) and assistant:
                project.origin(
                    ("bot", "x-rasa-assistant-id"), self.config_source, ("assistant_id",)
                )
        if self.humans:
            data["humans"] = []
            for i, (human, origin) in enumerate(sorted(self.humans.items())):
                data["humans"].append({"id": human, "channel": "live_chat"})
                if origin is not None:
                    project.origin(("humans", i), *origin)
        if self.fallback is not None:
            target, origin = self.fallback
            data["escalation"] = {"fallback": target}
            if origin is not None:
                project.origin(("escalation", "fallback"), *origin)
        if self.personal:
            undeclared = [
                {"field": s, "category": c, "basis": "undeclared"}
                for s, c in sorted(self.personal.items())
            ]
            data["privacy"] = {"data": undeclared}
            for i, item in enumerate(undeclared):
                origin = self.domain.slots.get(item["field"])
                if origin is not None:
                    project.origin(("privacy", "data", i), *origin)
        data["intents"] = []
        for i, (intent_id, intent) in enumerate(self.intents.items()):
            data["intents"].append(intent)
            for rel, origin in self.intent_origins[intent_id].items():
                project.origin(("intents", i, *rel), *origin)
        data["flows"] = []
        for f, flow in enumerate(f for f in self.flows if f.steps):
            data["flows"].append({"id": flow.id, "steps": []})
            if flow.origin is not None:
                project.origin(("flows", f), *flow.origin)
            for s, step in enumerate(flow.steps):
                data["flows"][f]["steps"].append({"id": step.id, **step.data})
                for rel, origin in sorted(step.origins.items(), key=lambda kv: len(kv[0])):
                    project.origin(("flows", f, "steps", s, *rel), *origin)
        project.data = data
        self._notes()

    def _fold_announcements(self) -> None:
        """A response that announces a transfer right before the handoff action is the handoff
        step's message: one step, as a customer experiences it (and as CX04 reads it)."""
        steps = {step.id: step for flow in self.flows for step in flow.steps}
        pointed: dict[str, int] = {}
        for step in steps.values():
            for name in _targets(step.data):
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
        for intent in self.intents.values():
            if intent.get("goto") == old:
                intent["goto"] = new
        if self.fallback is not None and self.fallback[0] == old:
            self.fallback = (new, self.fallback[1])

    def _notes(self) -> None:
        project = self.project
        steps = [step for flow in self.flows for step in flow.steps]
        handoffs = {step.id for step in steps if "handoff" in step.data}
        reaches = _reaching(steps, handoffs)
        used: set[str] = set()
        for step in steps:
            if not isinstance(step.data.get("say") or step.data.get("ask"), dict):
                continue
            name = step.data.get("x-response") or step.id
            for key in ("say", "ask"):
                text = step.data.get(key)
                if not isinstance(text, dict):
                    continue
                for language, value in text.items():
                    if language.startswith("x-") or step.id in reaches:
                        continue
                    if _promises_transfer(value, language):
                        source, at = step.origins.get((key, language)) or step.origins[()]
                        project.note(
                            "says-transfer-without-handoff", "CX02", source, at, name=str(name)
                        )
                        break
            used.add(str(name))
        # Responses that only custom code sends: their promises can't lead to a handoff either.
        if not handoffs:
            for name in sorted(self.domain.responses):
                text = self.text(name)
                if name in used or text is None or name in self.domain_asks():
                    continue
                if any(_promises_transfer(v, lang) for lang, v in text.values.items()):
                    source, at = next(iter(text.origins.values()))
                    project.note("says-transfer-without-handoff", "CX02", source, at, name=name)
        for name, (source, at) in sorted(self.bot_hosts.items()):
            project.note("hands-off-to-a-bot", "CX02", source, at, host=name)
        for name in sorted(self.rephrased):
            response = self.domain.responses[name]
            project.note("generated-text", None, response.source, ("responses", name), name=name)
        if self.custom_actions:
            listed = ", ".join(sorted(self.custom_actions)[:8])
            more = len(self.custom_actions) - 8
            project.note(
                "unsupported",
                None,
                None,
                (),
                what=f"what custom actions say and decide ({listed}{f', and {more} more' if more > 0 else ''}: "
                "Python code, not in the project's YAML)",
            )
        project.note(
            "not-in-export",
            "CX05",
            None,
            (),
            what="when the human team is available and how long customers wait for it",
            section="humans[].hours and humans[].expected_wait",
        )
        if handoffs:
            project.note(
                "not-in-export",
                "CX04",
                None,
                (),
                what="what the human agent receives at a handoff",
                section="handoff.context",
            )
        project.note(
            "not-in-export",
            "CX09",
            None,
            (),
            what="where the privacy policy is",
            section="privacy.policy_url",
        )
        agreements = sorted(step.id for step in steps if "agreement" in step.data)
        if agreements:
            project.note(
                "not-in-export",
                "CX08",
                None,
                (),
                what="whether a back end confirms in writing what was agreed in "
                + ", ".join(agreements),
                section="waivers (rule CX08, with the step and the reason)",
            )
        project.note(
            "not-in-export",
            "CX06",
            None,
            (),
            what="the sector the bot works in (finance, insurance, healthcare, ...)",
            section="bot.sector",
        )

    def domain_asks(self) -> set[str]:
        return {n for n in self.domain.responses if n.startswith("utter_ask_")}


def _custom_texts(raw: Any, at: DataPath) -> Iterator[tuple[str, DataPath]]:
    """The texts a custom payload shows (its `text` and `title` strings)."""
    if isinstance(raw, dict):
        for key, value in raw.items():
            if key in ("text", "title") and isinstance(value, str):
                yield value, (*at, key)
            else:
                yield from _custom_texts(value, (*at, key))
    elif isinstance(raw, list):
        for i, value in enumerate(raw):
            yield from _custom_texts(value, (*at, i))


def _targets(data: dict[str, Any]) -> Iterator[str]:
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


def _reaching(steps: list[_Step], handoffs: set[str]) -> set[str]:
    """Steps from which the bot's own edges lead to a handoff (flow ids count as their start)."""
    by_id = {step.id: step for step in steps}
    into: dict[str, set[str]] = {}
    for step in steps:
        for target in _targets(step.data):
            into.setdefault(target, set()).add(step.id)
    reached = set(handoffs)
    queue = list(handoffs)
    while queue:
        current = queue.pop()
        for source in sorted(into.get(current, ())):
            if source not in reached and source in by_id:
                reached.add(source)
                queue.append(source)
    return reached


# -- Rasa 3 -----------------------------------------------------------------------------------


@dataclass
class _Event:
    kind: str  # intent | action | form_done
    name: str
    at: DataPath


@dataclass
class _Edge:
    target: str
    origin: Origin


class _Rasa3:
    """Rules and stories as edges between one step per response or action."""

    def __init__(self, builder: _Builder) -> None:
        self.b = builder
        self.first_use: dict[str, Origin] = {}
        self.flow_of: dict[str, Source] = {}
        self.entry: dict[str, tuple[_Edge, Origin]] = {}  # intent -> first action, intent place
        self.bot_next: dict[str, list[_Edge]] = {}
        self.on: dict[str, dict[str, _Edge]] = {}
        self.listens: dict[str, Origin] = {}

    def build(self) -> None:
        b = self.b
        self._handoff_hosts()
        for source in b.data_sources:
            data = source.data
            assert isinstance(data, dict)
            self._nlu(source, data.get("nlu"))
            for key in ("rules", "stories"):
                fragments = data.get(key)
                if fragments is None:
                    continue
                if not isinstance(fragments, list):
                    b.project.note(
                        "unreadable-file",
                        None,
                        source,
                        (key,),
                        file=source.display,
                        problem=f"'{key}' is not a list",
                    )
                    continue
                for i, fragment in enumerate(fragments):
                    if isinstance(fragment, dict) and isinstance(fragment.get("steps"), list):
                        waits = fragment.get("wait_for_user_input", True) is not False
                        for events in _expand(fragment["steps"], (key, i, "steps")):
                            self._walk(source, events, waits)
            if data.get("flows") is not None:
                b.project.note(
                    "unsupported", None, source, ("flows",), what="CALM flows in a Rasa 3 project"
                )
        self._steps()

    def _handoff_hosts(self) -> None:
        """financial-demo's handoff skill: actions/handoff_config.yml lists the hosts that
        action_handoff transfers to; hosts that are bots are no handoff to a person."""
        b = self.b
        for name in ("handoff_config.yml", "handoff_config.yaml"):
            path = b.project.root / "actions" / name
            if not path.is_file():
                continue
            source = b.project.read(path, required=False)
            hosts = (
                source.data.get("handoff_hosts")
                if source is not None and isinstance(source.data, dict)
                else None
            )
            if not isinstance(hosts, dict) or source is None:
                continue
            for host, raw in sorted(hosts.items()):
                title = raw.get("title", "") if isinstance(raw, dict) else ""
                words = set(_words(f"{host} {title}"))
                b.handoff_hosts[f"{host}"] = (source, ("handoff_hosts", host))
                if words & _MACHINE_WORDS:
                    b.bot_hosts[f"{host}"] = (source, ("handoff_hosts", host))

    def _nlu(self, source: Source, items: Any) -> None:
        if not isinstance(items, list):
            return
        for i, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get("intent"), str):
                continue
            name = item["intent"]
            intent = self.b.intent(name)
            self.b.intent_origins[name][()] = (source, (*("nlu", i),))
            examples = _examples(item.get("examples"))
            if examples:
                lists = intent.setdefault("examples", {})
                lists.setdefault(self.b.language, []).extend(examples)
                self.b.intent_origins[name][("examples",)] = (source, ("nlu", i, "examples"))

    def _walk(self, source: Source, events: list[_Event], waits: bool) -> None:
        prev: str | None = None
        pending: _Event | None = None
        for event in events:
            if event.kind == "intent":
                pending = event
                self.b.intent(event.name)
            elif event.kind == "action":
                name = event.name
                if name == "action_listen":
                    continue
                self.first_use.setdefault(name, (source, event.at))
                self.flow_of.setdefault(name, source)
                edge = _Edge(name, (source, event.at))
                if pending is not None:
                    if prev is None:
                        self.entry.setdefault(pending.name, (edge, (source, pending.at)))
                    else:
                        self.on.setdefault(prev, {}).setdefault(
                            pending.name, _Edge(name, (source, pending.at))
                        )
                    pending = None
                elif prev is not None:
                    nexts = self.bot_next.setdefault(prev, [])
                    if all(e.target != name for e in nexts):
                        nexts.append(edge)
                prev = name
        if prev is not None and pending is None and waits and prev not in self.b.domain.forms:
            self.listens.setdefault(prev, self.first_use[prev])

    def _steps(self) -> None:
        b = self.b
        forms = [name for name in self.first_use if name in b.domain.forms]
        for name in forms:
            b.ids.claim(name)
        ids = {name: b.ids.claim(name) for name in self.first_use if name not in b.domain.forms}
        ids.update({name: name for name in forms})
        flows: dict[str, _Flow] = {}
        for source in b.data_sources:
            if any(self.flow_of.get(n) is source for n in ids if n not in b.domain.forms):
                flow = _Flow(b.ids.claim(Path(source.display).stem), (source, ()))
                flows[source.display] = flow
                b.flows.append(flow)
        for name, origin in self.first_use.items():
            if name in b.domain.forms:
                continue
            step = _Step(ids[name], origins={(): origin})
            b.action_step(step, name, origin)
            handoff = "handoff" in step.data
            on = self.on.get(name, {})
            if name in self.listens or on:
                if "say" in step.data:
                    step.data["ask"] = step.data.pop("say")
                    step.origins = {
                        (("ask", *rel[1:]) if rel and rel[0] == "say" else rel): o
                        for rel, o in step.origins.items()
                    }
                elif on and not handoff:
                    step.data["ask"] = {"x-rasa": f"{name} answers in code cxaudit cannot read"}
            nexts = self.bot_next.get(name, [])
            if len(nexts) == 1 and not handoff:
                step.set("next", ids.get(nexts[0].target, nexts[0].target), nexts[0].origin)
            elif nexts and not handoff:
                # Rules and stories go on differently from here: slots and code decide which
                # way. Options whose labels hold no words, like CALM's conditions, keep every way.
                for edge in nexts:
                    target = ids.get(edge.target, edge.target)
                    step.add_option({"x-if": "decided by slots or code"}, target, edge.origin)
            if on and not handoff:
                step.data["on"] = {}
                for intent, edge in on.items():
                    step.data["on"][intent] = ids.get(edge.target, edge.target)
                    step.origins[("on", intent)] = edge.origin
            if name in self.listens and not handoff:
                step.set("end", True, self.listens[name])
            if "ask" in step.data and not handoff:
                self._button_options(step, name, ids)
            flows[self.flow_of[name].display].steps.append(step)
        for name in forms:
            b.flows.append(self._form(name, ids))
        for intent, (edge, origin) in self.entry.items():
            if intent == _FALLBACK_INTENT:
                b.fallback = (ids.get(edge.target, edge.target), edge.origin)
                continue
            b.make_global(intent, ids.get(edge.target, edge.target), origin)
        self._default_fallback(flows)
        for intent in _GREETING_INTENTS:
            if intent in self.entry:
                b.start = ids.get(self.entry[intent][0].target)
                break

    def _button_options(self, step: _Step, name: str, ids: dict[str, str]) -> None:
        """A question's buttons are the customer's choices: each becomes an option to where its
        intent leads from here (an ``on`` edge, else a global intent); unknown ones are left out."""
        b = self.b
        on: dict[str, str] = step.data.get("on", {})
        for button in b.buttons(name):
            intent = button.intent or ""
            target = on.pop(intent, None)  # the button now carries that edge
            if target is None and intent in self.entry and intent != _FALLBACK_INTENT:
                edge = self.entry[intent][0]
                target = ids.get(edge.target, edge.target)
            if target is not None:
                step.add_option(b.label(button), target, button.origin, button.title_origin)
        if "on" in step.data and not on:
            del step.data["on"]

    def _default_fallback(self, flows: dict[str, _Flow]) -> None:
        """Without an nlu_fallback rule, Rasa's action_default_fallback sends utter_default."""
        b = self.b
        if b.fallback is not None or not b.flows:
            return
        pipeline = self.b.config.get("pipeline") or []
        policies = self.b.config.get("policies") or []
        names = {p.get("name") for p in [*pipeline, *policies] if isinstance(p, dict)}
        if not names & {"FallbackClassifier", "RulePolicy"}:
            return
        step = _Step(b.ids.claim("action_default_fallback"))
        text = b.text("utter_default")
        if text is not None:
            b.use(step, "ask", "utter_default", text)
        else:
            step.data["ask"] = {b.language: _RASA_DEFAULT_FALLBACK}
        step.data["end"] = True
        if b.config_source is not None:
            step.origins[()] = (b.config_source, ("pipeline",) if pipeline else ())
        b.flows[0].steps.append(step)
        b.fallback = (step.id, step.origins.get(()))

    def _form(self, name: str, ids: dict[str, str]) -> _Flow:
        b = self.b
        source, raw = b.domain.forms[name]
        flow = _Flow(name, (source, ("forms", name)))
        required: Any = raw.get("required_slots") if isinstance(raw, dict) else None
        slots = list(required) if isinstance(required, (list, dict)) else []
        on = self.on.get(name, {})
        for i, slot in enumerate(slots):
            slot = str(slot)
            at: DataPath = (
                "forms",
                name,
                "required_slots",
                i if isinstance(required, list) else slot,
            )
            candidates = [
                f"utter_ask_{name}_{slot}",
                f"utter_ask_{slot}",
                f"action_ask_{name}_{slot}",
                f"action_ask_{slot}",
            ]
            known = [c for c in candidates if c in b.domain.responses or c in b.domain.actions]
            step = _Step(
                b.ids.claim(known[0] if known else f"{name}_{slot}"), origins={(): (source, at)}
            )
            b.ask_of(step, known)
            b.collect(step, slot, (source, at))
            if on:
                step.data["on"] = {intent: ids.get(e.target, e.target) for intent, e in on.items()}
                for intent, edge in on.items():
                    step.origins[("on", intent)] = edge.origin
            flow.steps.append(step)
        if not flow.steps:
            flow.steps.append(
                _Step(b.ids.claim(f"{name}_submit"), origins={(): (source, ("forms", name))})
            )
        for step, following in zip(flow.steps, flow.steps[1:], strict=False):
            step.data["next"] = following.id
        last = flow.steps[-1]
        nexts = self.bot_next.get(name, [])
        if nexts:
            last.set("next", ids.get(nexts[0].target, nexts[0].target), nexts[0].origin)
        else:
            last.data["end"] = True
        for step in list(flow.steps):
            self._form_buttons(flow, step)
        return flow

    def _form_buttons(self, flow: _Flow, step: _Step) -> None:
        """The buttons of a form's question: a choice to go on with the form, or to leave it.

        A button whose intent leads elsewhere from here (an ``on`` edge) is that edge. Any other
        button fills the slot and the form goes on, except one whose title refuses ("No, cancel
        the transaction"): the form's validation, which is code, then stops the form. cxaudit
        cannot read that code; it takes the title at its word and ends the form there.
        """
        b = self.b
        buttons = b.buttons(step.asked_by)
        if not buttons:
            return
        on: dict[str, str] = step.data.get("on", {})
        onward = step.data.get("next")
        for button in buttons:
            target = on.get(button.intent or "")
            if target is None and b.refuses(button.title):
                target = self._cancelled(flow, button).id
            if target is None:
                target = onward
            if target is not None:
                step.add_option(b.label(button), target, button.origin, button.title_origin)
        if onward is not None and any(o["goto"] == onward for o in step.data.get("options", [])):
            del step.data["next"]  # going on is now a choice among the buttons

    def _cancelled(self, flow: _Flow, button: _Button) -> _Step:
        """The end of a form that its question's refusing button stops (one per form)."""
        for step in flow.steps:
            if step.data.get("x-rasa") == _CANCELLED:
                return step
        step = _Step(self.b.ids.claim(f"{flow.id}_cancelled"), origins={(): button.origin})
        step.data.update({"end": True, "x-rasa": _CANCELLED})
        flow.steps.append(step)
        return step


def _examples(raw: Any) -> list[str]:
    """NLU examples without entity annotations: [Amazon](vendor_name) -> Amazon."""
    if isinstance(raw, str):
        lines = [
            line.strip()[2:].strip() for line in raw.splitlines() if line.strip().startswith("- ")
        ]
    elif isinstance(raw, list):
        texts = [e.get("text") if isinstance(e, dict) else e for e in raw]
        lines = [text for text in texts if isinstance(text, str)]
    else:
        return []
    return [re.sub(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})", r"\1", line) for line in lines if line]


def _expand(steps: list[Any], at: DataPath, limit: int = 64) -> list[list[_Event]]:
    """A rule's or story's steps as event lists, one per combination of its `or` branches."""
    paths: list[list[_Event]] = [[]]
    for i, raw in enumerate(steps):
        here = (*at, i)
        if not isinstance(raw, dict):
            continue
        if isinstance(raw.get("or"), list):
            choices = [
                _event(alt, (*here, "or", j))
                for j, alt in enumerate(raw["or"])
                if isinstance(alt, dict)
            ]
            choices = [c for c in choices if c is not None] or [None]
            paths = [[*p, c] if c is not None else p for p in paths for c in choices][:limit]
            continue
        event = _event(raw, here)
        if event is not None:
            paths = [[*p, event] for p in paths]
    return paths


def _event(raw: dict[str, Any], at: DataPath) -> _Event | None:
    if isinstance(raw.get("intent"), str):
        return _Event("intent", raw["intent"], at)
    if isinstance(raw.get("action"), str):
        return _Event("action", raw["action"], at)
    if "active_loop" in raw and raw["active_loop"] is None:
        return _Event("form_done", "", at)
    return None


# -- Rasa Pro CALM ----------------------------------------------------------------------------


@dataclass
class _CalmFlow:
    id: str
    source: Source
    raw: dict[str, Any]
    at: DataPath
    local: dict[str, str] = field(default_factory=dict)  # the flow's step ids -> unique ids

    def ref(self, name: str) -> str:
        return self.local.get(name, name)


class _Calm:
    """CALM flows as flows; patterns as the fallback, the start and global intents."""

    def __init__(self, builder: _Builder) -> None:
        self.b = builder
        self.flows: dict[str, _CalmFlow] = {}
        self.built: dict[str, _Flow] = {}
        self.returns: dict[str, tuple[str, Origin]] = {}  # called flow -> the caller's next step
        self.ends: dict[str, list[_Step]] = {}  # flow -> its steps that end it

    def build(self) -> None:
        b = self.b
        for source in b.data_sources:
            data = source.data
            assert isinstance(data, dict)
            if isinstance(data.get("nlu"), list):
                _Rasa3(b)._nlu(source, data["nlu"])
            for key in ("rules", "stories"):
                if data.get(key):
                    b.project.note(
                        "unsupported",
                        None,
                        source,
                        (key,),
                        what=f"{key} beside CALM flows (the flows are checked)",
                    )
            flows = data.get("flows")
            if flows is None:
                continue
            if not isinstance(flows, dict):
                b.project.note(
                    "unreadable-file",
                    None,
                    source,
                    ("flows",),
                    file=source.display,
                    problem="'flows' is not a map of flow ids",
                )
                continue
            for flow_id, raw in flows.items():
                if isinstance(raw, dict) and isinstance(raw.get("steps"), list) and raw["steps"]:
                    self.flows.setdefault(
                        str(flow_id), _CalmFlow(str(flow_id), source, raw, ("flows", flow_id))
                    )
        for name in _DEFAULT_PATTERNS:
            if name not in self.flows:
                self._default_pattern(name)
        for flow_id in self.flows:
            b.ids.claim(flow_id)
        # Explicit step ids (local to their flow in Rasa) keep their names where they can;
        # generated ones take what is left.
        for flow in self.flows.values():
            for raw, _ in _calm_steps(flow.raw["steps"], (*flow.at, "steps")):
                if isinstance(raw.get("id"), str) and raw["id"] not in flow.local:
                    flow.local[raw["id"]] = b.ids.claim(raw["id"])
        for flow in self.flows.values():
            self.built[flow.id] = self._flow(flow)
            b.flows.append(self.built[flow.id])
        self._connect_ends()
        self._entries()

    def _default_pattern(self, name: str) -> None:
        response, text = _DEFAULT_PATTERNS[name]
        b = self.b
        flow = _Flow(b.ids.claim(name), None)
        step = _Step(b.ids.claim(response))
        step.data = {
            "say": {b.language: text},
            "x-rasa": "Rasa's default, not overridden",
            "end": True,
        }
        flow.steps.append(step)
        b.flows.append(flow)
        self.built[name] = flow

    def _entries(self) -> None:
        b = self.b
        for flow_id, flow in self.flows.items():
            guard = flow.raw.get("if")
            origin = (flow.source, flow.at)
            if flow_id == "pattern_session_start":
                b.start = flow_id
                continue
            if flow_id == "pattern_cannot_handle":
                b.fallback = (flow_id, origin)
                continue
            if flow_id == "pattern_completed":
                continue
            triggers = flow.raw.get("nlu_trigger")
            if isinstance(triggers, list):
                for i, trigger in enumerate(triggers):
                    name = trigger.get("intent") if isinstance(trigger, dict) else trigger
                    if isinstance(name, dict):
                        name = name.get("name")
                    if isinstance(name, str):
                        b.make_global(name, flow_id, (flow.source, (*flow.at, "nlu_trigger", i)))
            if guard is False or str(guard).lower() == "false":
                continue
            intent = b.intent(flow_id)
            description = flow.raw.get("description")
            if isinstance(description, str) and description.strip():
                intent["examples"] = {b.language: [" ".join(description.split())]}
                b.intent_origins[flow_id][("examples",)] = (flow.source, (*flow.at, "description"))
            b.make_global(flow_id, flow_id, origin)
        for name in _DEFAULT_PATTERNS:
            if name in self.flows:
                continue
            if name == "pattern_cannot_handle":
                b.fallback = (name, None)
            else:
                b.make_global(name, name, None)

    def _flow(self, flow: _CalmFlow) -> _Flow:
        built = _Flow(flow.id, (flow.source, flow.at))
        self._sequence(flow, built, flow.raw["steps"], (*flow.at, "steps"), None)
        return built

    def _sequence(
        self,
        flow: _CalmFlow,
        built: _Flow,
        raws: list[Any],
        at: DataPath,
        after: str | None,
    ) -> str | None:
        """Build a list of steps; returns the first step's id. ``after`` is where the list goes
        on when its last step has no next of its own (None: the flow ends)."""
        made: list[tuple[_Step, dict[str, Any], DataPath]] = []
        for i, raw in enumerate(raws):
            if not isinstance(raw, dict):
                continue
            step = _Step(self._id(flow, raw), origins={(): (flow.source, (*at, i))})
            built.steps.append(step)
            made.append((step, raw, (*at, i)))
        for k, (step, raw, here) in enumerate(made):
            following = made[k + 1][0].id if k + 1 < len(made) else after
            self._content(flow, built, step, raw, here, following)
        return made[0][0].id if made else after

    def _id(self, flow: _CalmFlow, raw: dict[str, Any]) -> str:
        if isinstance(raw.get("id"), str):
            return flow.ref(raw["id"])
        for key in ("collect", "action"):
            if isinstance(raw.get(key), str):
                return self.b.ids.claim(raw[key])
        for key in ("link", "call"):
            if isinstance(raw.get(key), str):
                return self.b.ids.claim(f"{key}_{raw[key]}")
        if "set_slots" in raw:
            return self.b.ids.claim("set_slots")
        return self.b.ids.claim("noop")

    def _content(
        self,
        flow: _CalmFlow,
        built: _Flow,
        step: _Step,
        raw: dict[str, Any],
        here: DataPath,
        following: str | None,
    ) -> None:
        b = self.b
        origin = (flow.source, here)
        if isinstance(raw.get("collect"), str):
            slot = raw["collect"]
            asks = [raw["utter"]] if isinstance(raw.get("utter"), str) else []
            b.ask_of(step, [*asks, f"utter_ask_{slot}", f"action_ask_{slot}"])
            b.collect(step, slot, (flow.source, (*here, "collect")))
            self._rejections(flow, built, step, raw, here)
        elif isinstance(raw.get("action"), str):
            action = raw["action"]
            b.action_step(step, action, (flow.source, (*here, "action")))
            if action == "action_trigger_search":
                step.data["generate"] = {
                    "prompt": {"x-rasa": "enterprise search answers from documents"}
                }
                b.rephrased.discard(action)
            if action in b.domain.responses:
                step.data["x-response"] = action
        elif isinstance(raw.get("link"), str) or isinstance(raw.get("call"), str):
            key = "link" if isinstance(raw.get("link"), str) else "call"
            target = raw[key]
            if target not in self.flows and target not in self.built:
                raise b.project.fail(f"{key} '{target}' names no flow", flow.source, (*here, key))
            step.set("next", target, (flow.source, (*here, key)))
            if key == "call":
                back = raw.get("next")
                ret = flow.ref(back) if isinstance(back, str) and back != _END else following
                self.returns.setdefault(target, (ret or "", origin))
            return
        if "handoff" in step.data:
            return
        self._next(flow, built, step, raw.get("next"), here, following)
        if isinstance(raw.get("collect"), str):
            self._collect_buttons(step, raw["collect"])

    def _collect_buttons(self, step: _Step, slot: str) -> None:
        """The buttons of a CALM question set the slot; each goes where the flow's conditions
        send that value (the first branch whose condition it meets, else the ``else`` branch),
        or on to the next step. The branches that buttons now name keep no condition-only
        option of their own."""
        b = self.b
        buttons: list[tuple[_Button, str]] = []
        for button in b.buttons(step.asked_by):
            value = button.slot_value(slot)
            if value is not None:
                buttons.append((button, value))
        if not buttons:
            return
        branches = [
            (o["label"]["x-if"], o["goto"], step.origins.get(("options", i)))
            for i, o in enumerate(step.data.get("options", []))
            if set(o["label"]) == {"x-if"}
        ]
        onward = step.data.get("next")
        chosen: list[tuple[_Button, str]] = []
        for button, value in buttons:
            target = next((goto for cond, goto, _ in branches if _meets(cond, slot, value)), None)
            if target is None:
                target = next((goto for cond, goto, _ in branches if cond == "else"), onward)
            if target is not None:
                chosen.append((button, target))
        if not chosen:
            return
        named = {target for _, target in chosen}
        kept = [(cond, goto, origin) for cond, goto, origin in branches if goto not in named]
        rejections = [
            (o, step.origins.get(("options", i)))
            for i, o in enumerate(step.data.get("options", []))
            if set(o["label"]) != {"x-if"}
        ]
        step.data.pop("options", None)
        for key in [k for k in step.origins if k[:1] == ("options",)]:
            del step.origins[key]
        for button, target in chosen:
            step.add_option(b.label(button), target, button.origin, button.title_origin)
        for cond, goto, origin in kept:
            step.add_option({"x-if": cond}, goto, origin)
        for option, origin in rejections:
            step.add_option(option["label"], option["goto"], origin)
        if onward is not None and onward in named:
            del step.data["next"]

    def _rejections(
        self, flow: _CalmFlow, built: _Flow, step: _Step, raw: dict[str, Any], here: DataPath
    ) -> None:
        rejections = raw.get("rejections")
        if not isinstance(rejections, list):
            return
        for i, rejection in enumerate(rejections):
            if not isinstance(rejection, dict) or not isinstance(rejection.get("utter"), str):
                continue
            at = (*here, "rejections", i)
            retry = _Step(self.b.ids.claim(rejection["utter"]), origins={(): (flow.source, at)})
            self.b.action_step(retry, rejection["utter"], (flow.source, (*at, "utter")))
            retry.data["next"] = step.id
            built.steps.append(retry)
            step.data.setdefault("options", []).append(
                {"label": {"x-if": str(rejection.get("if", ""))}, "goto": retry.id}
            )
            step.origins[("options", len(step.data["options"]) - 1)] = (flow.source, at)

    def _next(
        self,
        flow: _CalmFlow,
        built: _Flow,
        step: _Step,
        raw: Any,
        here: DataPath,
        following: str | None,
    ) -> None:
        at = (*here, "next")
        if raw is None:
            self._go(flow, step, following, (flow.source, here))
            return
        if isinstance(raw, str):
            self._go(flow, step, None if raw == _END else flow.ref(raw), (flow.source, at))
            return
        if not isinstance(raw, list):
            raise self.b.project.fail(
                "next must be a step id, END or a list of conditions", flow.source, at
            )
        options = step.data.setdefault("options", [])
        for i, branch in enumerate(raw):
            if not isinstance(branch, dict):
                continue
            condition = "else" if "else" in branch else str(branch.get("if", ""))
            then = branch.get("else", branch.get("then"))
            where = (*at, i, "else" if "else" in branch else "then")
            if isinstance(then, list):
                target = self._sequence(flow, built, then, where, following)
            elif isinstance(then, str):
                target = None if then == _END else flow.ref(then)
            else:
                continue
            if target is None:
                target = self._end_step(flow, built)
            options.append({"label": {"x-if": condition}, "goto": target})
            step.origins[("options", len(options) - 1)] = (flow.source, (*at, i))
        if not options:
            del step.data["options"]
            self._go(flow, step, following, (flow.source, here))

    def _go(self, flow: _CalmFlow, step: _Step, target: str | None, origin: Origin) -> None:
        if target is not None:
            step.set("next", target, origin)
        else:
            self.ends.setdefault(flow.id, []).append(step)

    def _end_step(self, flow: _CalmFlow, built: _Flow) -> str:
        name = f"{flow.id}_END"
        if not any(s.id == name for s in built.steps):
            end = _Step(self.b.ids.claim(name), origins={(): (flow.source, flow.at)})
            built.steps.append(end)
            self.ends.setdefault(flow.id, []).append(end)
            return end.id
        return name

    def _connect_ends(self) -> None:
        """Where a flow ends: back to the step after its call, else the conversation may end."""
        completed = "pattern_completed" if "pattern_completed" in self.flows else None
        for flow_id, steps in self.ends.items():
            back = self.returns.get(flow_id)
            for step in steps:
                if "handoff" in step.data:
                    continue
                if back is not None and back[0]:
                    step.set("next", back[0], back[1])
                    step.data["end"] = True  # when the flow was started on its own
                elif completed is not None and not flow_id.startswith("pattern_"):
                    step.data["next"] = completed  # Rasa runs pattern_completed after a flow
                else:
                    step.data["end"] = True


def _meets(condition: str, slot: str, value: str) -> bool:
    """Does ``slot`` set to ``value`` meet a CALM condition? Read for the common shapes only:
    ``slots.x == 'v'`` or ``slots.x is "v"`` (joined with ``or``), ``slots.x``, ``not slots.x``."""
    name = re.escape(f"slots.{slot}")
    text = condition.strip()
    if re.fullmatch(name, text):
        return value.lower() in ("true", "yes", "1")
    if re.fullmatch(rf"not\s+{name}", text):
        return value.lower() in ("false", "no", "0")
    for part in re.split(r"\s+or\s+", text):
        found = re.fullmatch(rf"{name}\s*(?:==|is(?!\s+not\b))\s*(['\"]?)(.*?)\1", part.strip())
        if found is not None and found.group(2).lower() == value.lower():
            return True
    return False


def _calm_steps(raws: Any, at: DataPath) -> Iterator[tuple[dict[str, Any], DataPath]]:
    """Every step of a CALM flow, nested `then` lists included."""
    if not isinstance(raws, list):
        return
    for i, raw in enumerate(raws):
        if not isinstance(raw, dict):
            continue
        yield raw, (*at, i)
        branches = raw.get("next")
        if isinstance(branches, list):
            for j, branch in enumerate(branches):
                if isinstance(branch, dict):
                    for key in ("then", "else"):
                        yield from _calm_steps(branch.get(key), (*at, i, "next", j, key))


# -- entry point ------------------------------------------------------------------------------


def build(project: Project) -> None:
    """Import a Rasa 3 or Rasa Pro CALM project into ``project.data`` (flow format 1)."""
    builder = _Builder(project)
    if project.kind == "rasa-calm":
        _Calm(builder).build()
    else:
        _Rasa3(builder).build()
    builder.emit()
