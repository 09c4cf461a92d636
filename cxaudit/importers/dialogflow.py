"""What the Dialogflow CX and ES importers share.

Both read a Dialogflow export of JSON files into flow data the same way in places: loose JSON
values read without trusting their type (:func:`as_map`, :func:`as_list`, :func:`as_str`),
language codes (:func:`language_of`, :func:`languages_of`), ids made from display names
(:func:`slug`, :meth:`Importer.claim`), which parameters hold personal data
(:func:`category_of`), which webhook actions conclude an agreement (:func:`agreement_of`), steps
built with their origins (:class:`Step`), what a response says (:class:`Said`), and how the
built flow file closes: its ``humans``, its ``privacy.data`` and the ``not-in-export`` notes
both exports leave to ``cxaudit.overlay.yaml`` (:class:`Importer`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cxaudit.importers.base import Ids, Project, Source
from cxaudit.locations import DataPath

Origin = tuple[DataPath, Source, DataPath]  # (path in the flow data, file, path in the file)
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
class Step:
    """A step being built: its flow data and where each part of it was read from."""

    data: dict[str, Any]
    origins: list[Origin] = field(default_factory=list)

    @property
    def id(self) -> str:
        return str(self.data["id"])

    def mark(self, relative: DataPath, source: Source, at: DataPath) -> None:
        """Record that ``relative`` (a path in the step) was read from ``at`` in ``source``."""
        self.origins.append((relative, source, at))


@dataclass
class Said:
    """What a response or fulfilment says and whether it hands the customer over; each
    importer adds what else its export's messages do."""

    texts: Texts = field(default_factory=dict)
    handoff: tuple[str, DataPath] | None = None  # (the importer's kind of handoff, where)


def record_steps(project: Project, flow: int, steps: list[Step]) -> None:
    """Record the origins of the built ``steps`` of the flow at index ``flow``."""
    for si, step in enumerate(steps):
        for relative, source, at in step.origins:
            project.origin(("flows", flow, "steps", si, *relative), source, at)


class Importer:
    """What both Dialogflow importers keep while they build: the ids taken, the languages,
    the handoffs met, the personal data collected and the steps that conclude agreements."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.ids = Ids("_")
        self.languages: list[str] = []
        self.skipped_languages: set[str] = set()
        self.humans: dict[str, tuple[Source, DataPath]] = {}  # kind -> where first met
        self.undeclared: dict[str, tuple[dict[str, Any], Source, DataPath]] = {}
        self.agreements: list[str] = []  # ids of steps with an agreement

    def claim(self, base: str) -> str:
        """A new id: ``base``, else ``base_2``, ``base_3``, ... (the first not taken)."""
        return self.ids.claim(base)

    @property
    def taken(self) -> set[str]:
        return self.ids.taken

    def known_language(self, lang: str) -> bool:
        """Is ``lang`` one of the bot's languages? Texts in others are skipped, with one
        ``unsupported`` note per language."""
        if lang in self.languages:
            return True
        if lang not in self.skipped_languages:
            self.skipped_languages.add(lang)
            self.project.note(
                "unsupported",
                None,
                what=f"texts in '{lang}', a language agent.json does not list",
            )
        return False

    def mark_agreement(
        self, step: Step, names: tuple[str, ...], source: Source, at: DataPath
    ) -> None:
        """Give ``step`` the agreement one of ``names`` (its action, ...) names, if any."""
        agreement = agreement_of(*names)
        if agreement is not None:
            step.data["agreement"] = agreement
            step.mark(("agreement",), source, at)
            self.agreements.append(step.id)

    def humans_entries(self, kinds: Mapping[str, tuple[str, str]]) -> list[dict[str, Any]]:
        """The ``humans`` entries, in the order of ``kinds`` (a kind of handoff -> (humans id,
        channel)), of the kinds of handoff met, with their origins."""
        humans: list[dict[str, Any]] = []
        for kind, (human_id, channel) in kinds.items():
            if kind in self.humans:
                source, at = self.humans[kind]
                self.project.origin(("humans", len(humans)), source, at)
                humans.append({"id": human_id, "channel": channel})
        return humans

    def privacy_entries(self) -> list[dict[str, Any]]:
        """The ``privacy.data`` entries of the personal data collected, with their origins."""
        entries: list[dict[str, Any]] = []
        for entry, source, at in self.undeclared.values():
            self.project.origin(("privacy", "data", len(entries)), source, at)
            entries.append(entry)
        return entries

    def note_not_in_export(
        self, humans: list[dict[str, Any]], *, without_humans: bool, has_policy: bool
    ) -> None:
        """The ``not-in-export`` notes both exports need, in this order: when the ``humans``
        are available and how long customers wait (CX05; with ``without_humans`` also when
        no handoff names them, asking which team is behind the bot), what an agent receives at
        a handoff (CX04, when there are humans), where the privacy policy is (CX09, unless
        ``has_policy``) and where upset customers are routed (CX07)."""
        project = self.project
        if humans or without_humans:
            names = ", ".join(h["id"] for h in humans)
            project.note(
                "not-in-export",
                "CX05",
                what=f"when the humans behind the bot ({names}) are available and how long customers wait"
                if humans
                else "which human team is behind the bot, when it is available and how long customers wait",
                section="humans[].hours and humans[].expected_wait",
            )
        if humans:
            project.note(
                "not-in-export",
                "CX04",
                what="what the human agent receives at a handoff",
                section="handoff.context",
            )
        if not has_policy:
            project.note(
                "not-in-export",
                "CX09",
                what="where the privacy policy is",
                section="privacy.policy_url",
            )
        project.note(
            "not-in-export",
            "CX07",
            what="where upset customers are routed",
            section="escalation.upset",
        )
