"""Import Rasa 3 (NLU + rules, stories and forms) and Rasa Pro CALM (flows) projects.

Both become flow data (format 1) whose positions point into the project's own files. This
module holds what the two flavours share (reading the domain and config.yml, the steps and flows
being built, the builder that emits the data); each flavour's module has its own ``build``:

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

from cxaudit.importers.base import Ids, Project, Source
from cxaudit.lexicon import find
from cxaudit.locations import DataPath

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

_HANDOFF_WORDS = frozenset({"handoff", "handover"})
_PERSON_WORDS = frozenset({"human", "agent", "person", "operator", "live", "staff", "colleague"})
_MOVE_WORDS = frozenset({"transfer", "connect", "escalate", "to", "hand"})
_NOT_A_TRANSFER = frozenset(
    {"options", "ask", "offer", "check", "confirm", "cancel", "cancelled", "deny", "not", "no"}
)

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


def name_words(name: str) -> list[str]:
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)
    return [w for w in re.split(r"[^a-z0-9]+", spaced.lower()) if w]


def _category(slot: str) -> str | None:
    """The kind of personal data a slot's name says it holds, or None."""
    words = set(name_words(slot))
    if words & _NOT_PERSONAL:
        return None
    for category, keys in _CATEGORIES:
        if words & keys:
            return category
    return None


def _agreement(action: str) -> str | None:
    """The agreement a custom action's name says it makes (a payment, an order, ...), or None."""
    words = set(name_words(action))
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
    words = set(name_words(action))
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
    from cxaudit.lexicon import find

    text = re.sub(r"\{[^{}]*\}", "…", text)  # {PERSON} is a slot, not a person
    if text.rstrip().endswith("?") or (language == "en" and _REFUSAL.search(text)):
        return False
    if any(m.entry.attrs.get("kind") == "transfer" for m in find("CX04", language, text)):
        return True
    return language == "en" and _TRANSFER_TEXT.search(text) is not None


# -- what is built ----------------------------------------------------------------------------

Origin = tuple[Source, DataPath]


@dataclass
class Step:
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
class Flow:
    id: str
    origin: Origin | None
    steps: list[Step] = field(default_factory=list)


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
class Button:
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


class Builder:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.language, self.languages, self.config_source, self.config = _language(project)
        self.domain = _read_domain(project)
        self.ids = Ids("-")
        self.flows: list[Flow] = []
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

    def use(self, step: Step, key: str, name: str, text: _Text) -> None:
        """Give a step the text of response ``name``; remember it if a model rephrases it."""
        step.set_text(key, text)
        if text.rephrased:
            self.rephrased.add(name)

    def response_origin(self, name: str) -> Origin | None:
        response = self.domain.responses.get(name)
        return (response.source, ("responses", name)) if response is not None else None

    def buttons(self, name: str | None) -> list[Button]:
        """The buttons of response ``name`` (those of its first variant that has any)."""
        response = self.domain.responses.get(name or "")
        if response is None:
            return []
        for i, variant in enumerate(response.variants):
            raw = variant.get("buttons") if isinstance(variant, dict) else None
            if not isinstance(raw, list):
                continue
            return [
                Button(
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

    def label(self, button: Button) -> dict[str, str]:
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

    def action_step(self, step: Step, action: str, origin: Origin | None) -> None:
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

    def ask_of(self, step: Step, names: list[str]) -> None:
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

    def collect(self, step: Step, slot: str, origin: Origin | None) -> None:
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

    def nlu(self, source: Source, items: Any) -> None:
        """Read a data file's ``nlu:`` section: its intents and their examples."""
        if not isinstance(items, list):
            return
        for i, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get("intent"), str):
                continue
            name = item["intent"]
            intent = self.intent(name)
            self.intent_origins[name][()] = (source, (*("nlu", i),))
            examples = _examples(item.get("examples"))
            if examples:
                lists = intent.setdefault("examples", {})
                lists.setdefault(self.language, []).extend(examples)
                self.intent_origins[name][("examples",)] = (source, ("nlu", i, "examples"))

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


def _reaching(steps: list[Step], handoffs: set[str]) -> set[str]:
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
