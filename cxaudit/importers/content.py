"""What an imported bot's own words say, read the same way for every platform.

After an importer has built the flow data, one pass reads the bot's texts with the shared
evidence layer (:mod:`cxaudit.evidence`):

* every contact channel a text gives customers (a phone number, an e-mail address) is a way to a
  person the export does not model: a ``humans`` entry per channel (``phone_in_text``,
  ``email_in_text``), placed at the first text that gives it;
* opening hours a text states ("Monday to Friday from 9 to 5") are the hours of the humans that
  have none;
* a link in a text about privacy is the privacy policy;
* the sector, from the texts, intents and names, with its evidence, when the project says none
  (``sector-inferred`` or ``sector-unknown``, notes that say how to declare it);
* the name the bot gives itself ("I'm Rasano, your banking assistant"): its persona. A project
  whose bot never names itself keeps the project's name with ``persona: false``, so no advice
  greets customers with a folder or agent id.

After the overlay is merged, :func:`settle_notes` drops the sector notes when it declares the
sector. What an export cannot say otherwise (the team's hours, the privacy policy, what an agent
receives, who confirms in writing) is no note: the rules say it, in the platform's words, naming
the overlay section that declares it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from cxaudit.evidence import contacts_in, hours_in, sector_of
from cxaudit.importers.base import Origin, Project
from cxaudit.locations import DataPath

OVERLAY = "cxaudit.overlay.yaml"

Text = tuple[str, str, DataPath]  # (language, text, where in the flow data)

#: The channels of a contact a text gives, as a humans entry.
_CHANNELS = {"phone": "phone", "email": "email"}
# A link: http(s) or www, up to a space or a closing bracket or quote.
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>()\[\]\"']+", re.IGNORECASE)
_PRIVACY = re.compile(
    r"privacy|privacidad|datenschutz|confidentialit|persoonsgegevens|gdpr|avg\b", re.IGNORECASE
)
# "I'm Rasano", "Ik ben Sanne", "Ich bin Anna", "Je suis Julie", "You are Mel" (a prompt): a
# capitalised name right after the words that introduce one (not a company's, "Mobile's").
_INTRODUCES = re.compile(
    r"(?:\b(?:I'm|I am|my name is|ik ben|mijn naam is|ich bin|mein name ist"
    r"|ich heiße|je suis|je m'appelle|you are)\s+)(?P<name>[A-ZÀ-Þ][\w'-]+)",
    re.IGNORECASE,
)
_NOT_NAMES = frozenset(
    {
        "a",
        "an",
        "the",
        "your",
        "jouw",
        "je",
        "uw",
        "de",
        "het",
        "een",
        "ihr",
        "der",
        "die",
        "das",
        "ein",
        "eine",
        "le",
        "la",
        "un",
        "une",
        "votre",
        "sorry",
        "here",
        "hier",
        "ici",
        "not",
        "afraid",
        "glad",
        "happy",
        "unable",
        "able",
        "just",
        "still",
        "now",
        "also",
        "bot",
        "chatbot",
        "assistant",
    }
)


def read_content(project: Project) -> None:
    """Read the built flow data's texts for what the importer could not model (see above)."""
    data = project.data
    texts = list(_texts(data))
    _contacts(project, texts)
    _hours(project, texts)
    _policy(project, texts)
    _sector(project, texts)
    _persona(project, texts)


def _texts(data: dict[str, Any]) -> Iterator[Text]:
    """Every bot text (say, ask, a model's prompt) in every language, with where it is."""
    languages = (data.get("bot") or {}).get("languages") or ["en"]
    for f, flow in enumerate(data.get("flows") or []):
        for s, step in enumerate(flow.get("steps") or []):
            for key in ("say", "ask", "generate"):
                text = step.get(key)
                at: DataPath = ("flows", f, "steps", s, key)
                if key == "generate":
                    text = text.get("prompt") if isinstance(text, dict) else None
                    at = (*at, "prompt")
                if isinstance(text, str) and text.strip():
                    yield languages[0], text, at
                elif isinstance(text, dict):
                    for language, value in text.items():
                        if (
                            isinstance(value, str)
                            and value.strip()
                            and not language.startswith("x-")
                        ):
                            yield language, value, (*at, language)


def _origin(project: Project, at: DataPath) -> Origin | None:
    return project.locator.origin_of(at)


def _contacts(project: Project, texts: list[Text]) -> None:
    """Each contact channel a text gives is a humans entry, at the first text that gives it."""
    found: dict[str, DataPath] = {}
    for _, text, at in texts:
        for contact in contacts_in(text):
            if contact.channel in _CHANNELS:
                found.setdefault(_CHANNELS[contact.channel], at)
    if not found:
        return
    humans = project.data.setdefault("humans", [])
    known = {h.get("channel") for h in humans if isinstance(h, dict)}
    for channel, at in sorted(found.items()):
        if channel in known:
            continue
        humans.append({"id": f"{channel}_in_text", "channel": channel})
        origin = _origin(project, at)
        if origin is not None:
            project.origin(("humans", len(humans) - 1), origin)


def _hours(project: Project, texts: list[Text]) -> None:
    """Opening hours a text states are those of the humans whose hours the project leaves out."""
    humans = [h for h in project.data.get("humans") or [] if isinstance(h, dict)]
    if not humans or all("hours" in h for h in humans):
        return
    for language, text, at in texts:
        hours = hours_in(text, language)
        if hours is None or hours.normalised is None:
            continue
        origin = _origin(project, at)
        for i, human in enumerate(project.data["humans"]):
            if isinstance(human, dict) and "hours" not in human:
                human["hours"] = hours.normalised
                if origin is not None:
                    project.origin(("humans", i, "hours"), origin)
        return


def _policy(project: Project, texts: list[Text]) -> None:
    """A link in a text about privacy (or a link whose address says privacy) is the policy."""
    privacy = project.data.get("privacy") or {}
    if "policy_url" in privacy:
        return
    for _, text, at in texts:
        for url in _URL.findall(text):
            if not (_PRIVACY.search(url) or _PRIVACY.search(text)):
                continue
            link = url.rstrip(".,;:!?")
            link = link if link.lower().startswith("http") else f"https://{link}"
            if not link.lower().startswith("https://"):
                continue  # the flow format takes an https link only
            project.data.setdefault("privacy", {})["policy_url"] = link
            origin = _origin(project, at)
            if origin is not None:
                project.origin(("privacy", "policy_url"), origin)
            return


def _sector(project: Project, texts: list[Text]) -> None:
    """The sector from what the bot says and what customers say to it, with its evidence."""
    bot = project.data.setdefault("bot", {})
    if "sector" in bot:
        return
    said = [(language, text) for language, text, _ in texts]
    names: list[str] = []
    for intent in project.data.get("intents") or []:
        if not isinstance(intent, dict):
            continue
        names.append(str(intent.get("id", "")))
        examples = intent.get("examples")
        lists = examples.values() if isinstance(examples, dict) else [examples or []]
        language = (bot.get("languages") or ["en"])[0]
        for phrases in lists:
            said += [(language, p) for p in phrases if isinstance(p, str)]
    for flow in project.data.get("flows") or []:
        for step in flow.get("steps") or []:
            names += [str(step.get(k)) for k in ("id", "action", "collect") if step.get(k)]
    guess = sector_of(said, names)
    if guess is None:
        project.note("sector-unknown", None)
        return
    bot["sector"] = guess.sector
    evidence = ", ".join(f"{word} ({count})" for word, count in guess.evidence[:6])
    project.note(
        "sector-inferred", None, sector=guess.sector, evidence=evidence, texts=str(guess.texts)
    )


def _persona(project: Project, texts: list[Text]) -> None:
    """The name the bot introduces itself with; else the project's name is no persona."""
    bot = project.data.setdefault("bot", {})
    start = bot.get("start")
    ordered = sorted(texts, key=lambda t: 0 if _step_id(project, t[2]) == start else 1)
    for _, text, at in ordered:
        for found in _INTRODUCES.finditer(text):
            name = found.group("name")
            if name.lower() in _NOT_NAMES or not name[0].isupper() or name.endswith(("'s", "s'")):
                continue  # "I'm Mobile's virtual assistant" names the company, not the bot
            bot["name"] = name
            origin = _origin(project, at)
            if origin is not None:
                project.origin(("bot", "name"), origin)
            return
    bot["persona"] = False


def _step_id(project: Project, at: DataPath) -> str | None:
    flows = project.data.get("flows") or []
    try:
        step = flows[int(at[1])]["steps"][int(at[3])]
    except (IndexError, KeyError, TypeError, ValueError):
        return None
    value = step.get("id")
    return value if isinstance(value, str) else None


def settle_notes(project: Project) -> None:
    """Drop the sector notes when the overlay declares the sector: it needs no inference."""
    sector = project.locator.origin_of(("bot", "sector"))
    overlaid = sector is not None and sector.source.display.endswith(OVERLAY)
    project.notes[:] = [
        note
        for note in project.notes
        if not (overlaid and note.check in ("sector-inferred", "sector-unknown"))
    ]
