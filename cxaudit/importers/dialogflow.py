"""What the Dialogflow CX and ES importers share.

Both read a Dialogflow export of JSON files into flow data the same way in places: loose JSON
values read without trusting their type (:func:`as_map`, :func:`as_list`, :func:`as_str`),
language codes (:func:`language_of`, :func:`languages_of`), ids made from display names
(:func:`slug`, :meth:`Dialogflow.claim`), what a response says (:class:`Said`,
:func:`text_of`), and what both keep while they build (:class:`Dialogflow`): the flow, the
handoffs met with what each passes to the agent, the agreements, and the notes on what both
exports leave to ``cxaudit.overlay.yaml``.

What names and texts mean comes from the content-evidence layer (:mod:`cxaudit.evidence`), the
same for every importer: which personal data a parameter holds (:func:`category_of`, with the
platform's own system entity types first), which agreement a webhook, action or intent name
makes and which one a text reports (:meth:`Dialogflow.mark_agreement`,
:meth:`Dialogflow.mark_text_agreement`), whether a parameter preset or an action asks the
integration to hand over (:func:`cxaudit.evidence.names_handoff`,
:func:`cxaudit.evidence.flags_handoff`) and what a handoff's metadata says it passes
(:func:`cxaudit.evidence.context_of`). What is the platform's own is here: its system entity
types, and how the handoffs met add up to the flow's ``humans`` and ``handoff`` sections.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from cxaudit.evidence import (
    CONTEXT_ITEMS,
    agreement_of_name,
    agreement_of_text,
    personal_category,
    words_of,
)
from cxaudit.evidence.words import Phrase, evidence_data, has, phrases
from cxaudit.importers.base import Origin, Project, Source
from cxaudit.importers.build import FlowBuilder, Step, Text
from cxaudit.locations import DataPath

Texts = dict[str, list[tuple[str, DataPath]]]  # language -> [(text, where in its file)]

WELCOME_INTENT = "Default Welcome Intent"
SSML_TAG = re.compile(r"<[^<>]*>")  # [^<>]: "<<<<" is not searched to the end from each "<"
UNDECLARED = "undeclared"
#: What an agent receives at one handoff: the items its metadata or parameters show (empty:
#: nothing can pass, as at a bare phone transfer), or ``undeclared`` (an integration that could
#: pass a summary or a transcript does the handoff, and the export does not show what it passes).
Context = frozenset[str] | str
NOTHING: frozenset[str] = frozenset()

HUMANS = {  # kind of handoff -> (humans id, channel)
    "live_agent": ("live_agent", "live_chat"),
    "telephony_transfer": ("telephony_transfer", "phone"),
    "escalation": ("human_escalation", "live_chat"),
    "integration": ("integration_transfer", "live_chat"),
    "callback": ("callback", "callback"),
}

# The platform's system entity types that say what they hold; a date or time entity is
# personal data only as a birth date or a card's expiry date.
_SYS_CATEGORIES = {
    "sys.email": "contact",
    "sys.phone-number": "contact",
    "sys.person": "identifier",
    "sys.given-name": "identifier",
    "sys.last-name": "identifier",
    "sys.address": "contact",
    "sys.street-address": "contact",
    "sys.zip-code": "contact",
    "sys.location": "location",
}
_SYS_DATES = {"sys.date", "sys.date-time", "sys.date-period", "sys.time", "sys.time-period"}


def as_map(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """``value`` when it is a JSON list, else an empty one."""
    return value if isinstance(value, list) else []


def as_str(value: Any) -> str:
    """``value`` when it is a string, else the empty string."""
    return value if isinstance(value, str) else ""


def language_of(code: Any) -> str:
    """The language of a language code, lower case (``en-GB`` and ``en_gb`` are ``en``)."""
    return as_str(code).split("-")[0].split("_")[0].lower()


def languages_of(default: Any, supported: Any) -> list[str]:
    """The bot's languages: the default one (``en`` when it has none) first, then the other
    supported ones that are two-letter languages, each once."""
    languages = [language_of(default) or "en"]
    for code in as_list(supported):
        lang = language_of(code)
        if re.fullmatch(r"[a-z]{2}", lang) and lang not in languages:
            languages.append(lang)
    return languages


def text_of_parts(parts: Any) -> str:
    """The text of a training phrase, from its list of parts (``{"text": ...}`` each)."""
    return "".join(as_str(as_map(part).get("text")) for part in as_list(parts))


def slug(name: str) -> str:
    """An id made from a display name: runs of other characters become one underscore."""
    return re.sub(r"[^A-Za-z0-9_.\-]+", "_", name).strip("_") or "unnamed"


def category_of(
    name: str,
    entity: str,
    *,
    question: str | None = None,
    language: str = "en",
    choices: bool = False,
) -> str | None:
    """The personal-data category of a parameter, or None when it is not personal data.

    In order: a system entity type that says what it holds (``@sys.email``); a date or time (a
    date entity type, or a name the evidence vocabulary reads as a date), which is personal only
    as a birth date or a card's expiry date, as the name, the entity type's name or the question
    says; a custom entity type that enumerates ``choices`` (its file says so), which is never
    the customer's own data; then the parameter's name and the ``question`` that asks for it
    (:func:`cxaudit.evidence.personal_category`). A custom entity type's name says no more:
    it names the component it belongs to as often as what it holds
    (``@prebuilt_components_name_collection_seperator``).
    """
    entity = entity.lstrip("@")
    if entity in _SYS_CATEGORIES:
        return _SYS_CATEGORIES[entity]
    custom = "" if entity.startswith("sys.") else entity
    if entity in _SYS_DATES or has(words_of(name), _dates()):
        dated = personal_category(f"{name} {custom} date", question=question, language=language)
        return dated if dated in ("identifier", "financial") else None
    if choices and custom:
        return None
    return personal_category(name, question=question, language=language)


@cache
def _dates() -> frozenset[Phrase]:
    """The evidence vocabulary's words for a date or time (``personal.dates``)."""
    return phrases(evidence_data("names")["personal"]["dates"], "names.yaml: personal.dates")


@dataclass
class Said:
    """What a response or fulfilment says and whether it hands the customer over; each
    importer adds what else its export's messages do."""

    texts: Texts = field(default_factory=dict)
    handoff: tuple[str, DataPath] | None = None  # (kind of handoff, see HUMANS; where)


def text_of(texts: Texts, source: Source, references: Texts | None = None) -> Text:
    """What a step says: each language's texts, one per line, placed at the first of them (and
    texts that are only parameter references, under their own key)."""
    values: dict[str, str] = {}
    origins: dict[str, Origin] = {}
    for key, found in [*texts.items(), *(references or {}).items()]:
        values[key] = "\n".join(text for text, _ in found)
        origins[key] = Origin(source, found[0][1])
    return Text(values, origins)


class Dialogflow:
    """What both Dialogflow importers keep while they build: the flow, the languages, the
    handoffs met (and what each passes to the agent) and the steps that conclude agreements."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.flow = FlowBuilder(project, "_")
        self.languages: list[str] = []
        self.skipped_languages: set[str] = set()
        self.handoffs: dict[str, Origin] = {}  # kind of handoff -> where first met
        self.contexts: list[tuple[Context, Origin]] = []  # what each handoff passes, and where
        self.agreements: dict[str, str] = {}  # step id -> the agreement it concludes
        self.reported: list[tuple[Step, str, Origin]] = []  # agreements texts report as made

    def claim(self, base: str) -> str:
        """A new id: ``base``, else ``base_2``, ``base_3``, ... (the first not taken)."""
        return self.flow.claim(base)

    @property
    def taken(self) -> set[str]:
        return self.flow.ids.taken

    def known_language(self, lang: str) -> bool:
        """Is ``lang`` one of the bot's languages? Texts in others are skipped, with one
        ``unlisted-language`` note per language."""
        if lang in self.languages:
            return True
        if lang not in self.skipped_languages:
            self.skipped_languages.add(lang)
            self.project.unsupported("unlisted-language", language=lang)
        return False

    def met_handoff(self, kind: str, origin: Origin, context: Context) -> None:
        """A handoff of ``kind`` (see :data:`HUMANS`) at ``origin``, passing ``context``."""
        self.handoffs.setdefault(kind, origin)
        self.contexts.append((context, origin))

    def mark_agreement(
        self, step: Step, names: tuple[str, ...], origin: Origin, *, webhook: bool
    ) -> None:
        """Give ``step`` the agreement its names (a webhook's function and tag, an action, an
        intent) say it makes, if any; one a ``webhook`` carries out may be confirmed in writing
        by a back end the export does not show (``confirm: {channel: undeclared}``)."""
        kind = agreement_of_name(" ".join(n for n in names if n))
        if kind is not None:
            self._agree(step, kind, origin, webhook=webhook)

    def mark_text_agreement(self, step: Step, texts: Texts, source: Source) -> None:
        """Note that one of ``step``'s texts reports an agreement as made ("Your appointment
        is booked"); :meth:`settle_agreements` decides whether it is one of its own."""
        for lang, found in texts.items():
            for text, at in found:
                kind = agreement_of_text(text, lang)
                if kind is not None:
                    self.reported.append((step, kind, Origin(source, at)))
                    return

    def settle_agreements(self) -> None:
        """A text that reports an agreement marks its step with it, unless a webhook or action
        of the bot makes that kind of agreement already: then the text is that agreement's
        report. With a webhook call on the step, its written confirmation is undeclared."""
        made = set(self.agreements.values())
        for step, kind, origin in self.reported:
            if "agreement" not in step.data and kind not in made:
                self._agree(step, kind, origin, webhook="action" in step.data)
        self.reported.clear()

    def _agree(self, step: Step, kind: str, origin: Origin, *, webhook: bool) -> None:
        step.set("agreement", kind, origin)
        if webhook:
            step.set("confirm", {"channel": UNDECLARED}, origin)
        self.agreements.setdefault(step.id, kind)

    def add_humans(self) -> list[str]:
        """The ``humans`` entries, in the order of :data:`HUMANS`, of the kinds of handoff
        met; their ids."""
        for kind, (human_id, channel) in HUMANS.items():
            if kind in self.handoffs:
                self.flow.human(human_id, channel, self.handoffs[kind])
        return list(self.flow.humans)

    def handoff_context(self) -> tuple[list[str] | str | None, Origin | None]:
        """What the agent receives at this bot's handoffs, and where that shows: None when a
        handoff passes nothing (a bare phone transfer; the rules fail it), ``undeclared`` when an
        integration that could pass more makes one, else what every handoff passes."""
        if not self.contexts:
            return None, None
        for context, origin in self.contexts:
            if context == NOTHING:
                return None, origin
        for context, origin in self.contexts:
            if context == UNDECLARED:
                return UNDECLARED, origin
        common = frozenset.intersection(*(frozenset(c) for c, _ in self.contexts))
        items = [item for item in CONTEXT_ITEMS if item in common]
        return items or None, self.contexts[0][1]

    def declare_handoff(self) -> None:
        """Write the flow's ``handoff`` section (after :meth:`FlowBuilder.emit`): its
        ``context`` as :meth:`handoff_context` says, placed at the handoff that shows it; a call
        back the bot arranges is there when no one is (``outside_hours``)."""
        context, origin = self.handoff_context()
        if origin is None:
            return
        section: dict[str, Any] = {} if context is None else {"context": context}
        if "callback" in self.handoffs:
            section["outside_hours"] = HUMANS["callback"][0]
            self.project.origin(("handoff", "outside_hours"), self.handoffs["callback"])
        data = self.project.data
        after = "humans" if "humans" in data else "bot"
        placed: dict[str, Any] = {}
        for key, value in data.items():
            placed[key] = value
            if key == after:
                placed["handoff"] = section
        self.project.data = placed
        self.project.origin(("handoff",), origin)
