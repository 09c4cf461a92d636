"""What the Dialogflow CX and ES importers share.

Both read a Dialogflow export of JSON files into flow data the same way in places: loose JSON
values read without trusting their type (:func:`as_map`, :func:`as_list`, :func:`as_str`),
language codes (:func:`language_of`, :func:`languages_of`), ids made from display names
(:func:`slug`, :meth:`Dialogflow.claim`), which parameters hold personal data
(:func:`category_of`), which webhook actions conclude an agreement (:func:`agreement_of`),
what a response says (:class:`Said`, :func:`text_of`), and what both keep while they build
(:class:`Dialogflow`): the flow, the handoffs met, and the notes on what both exports leave to
``cxaudit.overlay.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cxaudit.importers.base import Origin, Project, Source
from cxaudit.importers.build import FlowBuilder, Step, Text
from cxaudit.locations import DataPath

Texts = dict[str, list[tuple[str, DataPath]]]  # language -> [(text, where in its file)]

WELCOME_INTENT = "Default Welcome Intent"
SSML_TAG = re.compile(r"<[^>]*>")

# Webhook actions (and ES intent names) that conclude an agreement CX08 asks to confirm in
# writing, first match wins.
AGREEMENTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"process.*pay|pay.*process|make.?payment"), "payment"),
    (re.compile(r"cancel"), "cancellation"),
    (re.compile(r"refund"), "refund"),
    (re.compile(r"appointment|booking"), "appointment"),
)

# Personal data by parameter name (then entity type), first match wins.
_CATEGORIES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), category)
    for pattern, category in (
        (r"passport|ssn|social.?security|national.?id|bsn|driver|tax.?id", "government_id"),
        (r"health|medical|symptom|medication|diagnos", "health"),
        (r"card|cvv|cvc|iban|account.?number|bank|(^|[_.-])amount$|transaction", "financial"),
        (r"e-?mail|phone|telephone|mobile", "contact"),
        (r"address|location|zip|post.?code|geo|city", "location"),
        (r"name|person|dob|birth|passcode|password|otp|(^|_)(pin|code)$|security", "identifier"),
    )
)
_ENTITY_HINT = re.compile(r"(dob|birth|card|cvv|account|passcode|password)")
_ENTITY_CATEGORIES = {
    "dob": "identifier",
    "birth": "identifier",
    "card": "financial",
    "cvv": "financial",
    "account": "financial",
    "passcode": "identifier",
    "password": "identifier",
}
_SYS_CATEGORIES = {
    "sys.email": "contact",
    "sys.phone-number": "contact",
    "sys.person": "identifier",
    "sys.given-name": "identifier",
    "sys.last-name": "identifier",
    "sys.address": "location",
    "sys.location": "location",
    "sys.zip-code": "location",
    "sys.geo-city": "location",
}
# Dates and times are personal data only when they are a birth date (a payment or expiry
# date is not, whatever else the name says).
_DATE_WORDS = {"date", "dates", "datetime", "time", "day", "month", "year", "dob", "birthday"}
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


def _words(name: str) -> set[str]:
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)
    return {w for w in re.split(r"[^a-z0-9]+", spaced.lower()) if w}


def category_of(name: str, entity: str, *, choices: bool = False) -> str | None:
    """The personal-data category of a parameter, or None when it is not personal data.

    In order: a system entity that says what it holds (``@sys.email``); a date or time, which is
    personal only as a birth date (``dob``, ``birth`` in the name or the entity type) or a card's
    expiry date (card data, financial); a custom
    entity type that enumerates ``choices`` (its file says so, see the Dialogflow CX importer's
    ``is_choice``), which is never the customer's own data; then the parameter name; then the
    entity type's name.
    """
    entity = entity.lstrip("@")
    if entity in _SYS_CATEGORIES:
        return _SYS_CATEGORIES[entity]
    lowered = name.lower()
    if entity in _SYS_DATES or _words(name) & _DATE_WORDS:
        birth = any("dob" in _words(n) or "birth" in n.lower() for n in (name, entity))
        if birth:
            return "identifier"
        # A card's expiry date is card data (what a payment needs with the number), not a date.
        both = f"{lowered} {entity.lower()}"
        return "financial" if "expir" in both and "card" in both else None
    if choices and not entity.startswith("sys."):
        return None
    for pattern, category in _CATEGORIES:
        if pattern.search(lowered):
            return category
    if entity.startswith("sys."):
        return None
    found = _ENTITY_HINT.search(entity.lower())  # a custom entity type says what it holds
    return _ENTITY_CATEGORIES[found.group(1)] if found else None


def agreement_of(*names: str) -> str | None:
    """The agreement (``payment``, ``cancellation``, ...) the first of :data:`AGREEMENTS` that
    matches one of ``names`` (in lower case) names, or None."""
    for pattern, agreement in AGREEMENTS:
        if any(pattern.search(name.lower()) for name in names):
            return agreement
    return None


@dataclass
class Said:
    """What a response or fulfilment says and whether it hands the customer over; each
    importer adds what else its export's messages do."""

    texts: Texts = field(default_factory=dict)
    handoff: tuple[str, DataPath] | None = None  # (the importer's kind of handoff, where)


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
    handoffs met and the steps that conclude agreements."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.flow = FlowBuilder(project, "_")
        self.languages: list[str] = []
        self.skipped_languages: set[str] = set()
        self.handoffs: dict[str, Origin] = {}  # kind of handoff -> where first met
        self.agreements: list[str] = []  # ids of steps with an agreement

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

    def mark_agreement(self, step: Step, names: tuple[str, ...], origin: Origin) -> None:
        """Give ``step`` the agreement one of ``names`` (its action, ...) names, if any."""
        agreement = agreement_of(*names)
        if agreement is not None:
            step.set("agreement", agreement, origin)
            self.agreements.append(step.id)

    def add_humans(self, kinds: Mapping[str, tuple[str, str]]) -> list[str]:
        """The ``humans`` entries, in the order of ``kinds`` (a kind of handoff -> (humans id,
        channel)), of the kinds of handoff met; their ids."""
        for kind, (human_id, channel) in kinds.items():
            if kind in self.handoffs:
                self.flow.human(human_id, channel, self.handoffs[kind])
        return list(self.flow.humans)

    def note_missing(self, humans: list[str], *, without_humans: bool, has_policy: bool) -> None:
        """What both exports leave to ``cxaudit.overlay.yaml``, in this order: when the
        ``humans`` are available and how long customers wait (CX05; with ``without_humans``
        also when no handoff names them, asking which team is behind the bot), what an agent
        receives at a handoff (CX04, when there are humans), where the privacy policy is (CX09,
        unless ``has_policy``) and where upset customers are routed (CX07)."""
        project = self.project
        if humans:
            project.missing("hours", humans=humans)
        elif without_humans:
            project.missing("team")
        if humans:
            project.missing("handoff-context")
        if not has_policy:
            project.missing("policy")
        project.missing("upset-route")
