"""CX01: the bot says it is a bot, in its first message and in every language."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from cxaudit.checks._texts import report_missing_lexicons, text_items
from cxaudit.checks.base import Collector, Context, Outcome
from cxaudit.evidence import promises_transfer
from cxaudit.i18n import translated, word
from cxaudit.languages import LANGUAGES
from cxaudit.lexicon import ANY_LANGUAGE, Match, can_read, find, first_names, normalise
from cxaudit.locations import format_path
from cxaudit.model import Bot, Step

RULE = "CX01"
# An assistant (of any kind): a word that people's job titles share with bots.
_ASSISTANT = re.compile(r"\b(?:assistant|assistent|assistente|assistentin|assistante)\b")
# A name part that tells the customer it is a machine: "PakketBot", "Lisa (AI)", "Ava Assistant".
_MACHINE_WORD = re.compile(
    r"^(?:\w*bot|ai|gpt|ia|ki|robot|assistant|assistent|assistente|assistentin"
    r"|virtual|virtueel|virtuele|digital|digitaal|digitale)$"
)


def check(ctx: Context, options: Mapping[str, Any]) -> Outcome:
    bot = ctx.bot
    out = Collector()
    report_missing_lexicons(out, bot, RULE)
    # Confirmed only where a phrase list could read every opener in every language.
    disclosed_everywhere = True
    # (check, language, path, step id, params): every opener in every language.
    failing: list[tuple[str, str, Any, str, dict[str, str]]] = []
    for opener in bot.starts:
        first = _first_step_with_text(bot, opener)
        messages = first.messages() if first is not None else {}
        # A first message a language model writes: its prompt is all the files show of it.
        generated = first is not None and not messages and first.generate is not None
        if generated and first is not None and first.generate is not None:
            messages = {lang: (text, path) for lang, text, path in first.generate.prompt.variants}
        for language in bot.languages:
            out.checked("first-message")
            if first is None:
                disclosed_everywhere = False
                start = bot.steps[bot.step_index[bot.resolve(opener)]]
                failing.append(("missing", language, start.path, start.id, {}))
                continue
            if language not in messages:
                # These customers get the message in another language, judged under that one.
                shown = (
                    bot.default_language
                    if bot.default_language in messages
                    else next(iter(messages))
                )
                failing.append(
                    ("untranslated", language, messages[shown][1], first.id, {"shown": shown})
                )
                continue
            text, path = messages[language]
            if not can_read(RULE, language):
                disclosed_everywhere = False  # unknown: the no-lexicon info says why
            elif generated and _discloses(text, language, bot.name if bot.persona else ""):
                # Told to say it is a bot: likely, never certain, that the model does.
                disclosed_everywhere = False
                failing.append(("generated", language, path, first.id, {}))
            elif not _discloses(text, language, bot.name if bot.persona else ""):
                disclosed_everywhere = False
                # "I'm Rasano, your banking assistant": people are assistants too, but beside
                # the bot's name, which no person has, it is a weak disclosure rather than none
                # ("I'm your financial assistant", with no name, is none).
                weak = (
                    bot.persona
                    and not _is_bare_first_name(bot.name)
                    and normalise(bot.name) in normalise(text)
                    and _ASSISTANT.search(normalise(text)) is not None
                )
                failing.append(
                    ("assistant" if weak else "undisclosed", language, path, first.id, {})
                )
    # One finding per check about first messages, naming every language it fails in and
    # listing every opener it fails at: one cause, however many channels open with it.
    languages: dict[str, list[str]] = {}
    openers: dict[str, set[str]] = {}
    for kind, language, _, step, _ in failing:
        openers.setdefault(kind, set()).add(step)
        shown_language = "any" if language == ANY_LANGUAGE else language
        if shown_language not in languages.setdefault(kind, []):
            languages[kind].append(shown_language)
    for kind, language, path, step, extra in failing:
        check_id = (
            "first-message-missing"
            if kind == "missing"
            else "first-message-untranslated"
            if kind == "untranslated"
            else "first-message-assistant"
            if kind == "assistant"
            else "first-message-generated"
            if kind == "generated"
            else "first-message"
        )
        out.add(
            check_id,
            path,
            subject=f"first:{step}:{language}",
            step=step,
            unit="first-message",
            cause=check_id,
            language=", ".join(languages[kind]),
            openers=_openers(len(openers[kind]), len(bot.starts)),
            shown=extra.get("shown", ""),
            name=bot.name if bot.persona else translated("your-bot-name"),
        )
    # A first message that introduces a person ("Ik ben Sophie van Polderbank") and says
    # nothing of a bot is one cause, reported once: as the first message that does not say it.
    undisclosed = {path for kind, _, path, _, _ in failing if kind == "undisclosed"}
    reachable = ctx.graph.reachable
    for item in text_items(bot):
        if not reachable[bot.step_index[item.step.id]]:
            continue  # a part no customer reaches: CX03 reports it once
        out.checked("texts")
        matches = find(RULE, item.language, item.text)
        claims = [
            m
            for m in claims_in(item.text, item.language)
            if not (item.kind == "prompt" and m.negated)
        ]
        if item.path in undisclosed and all(m.entry.attrs.get("kind") == "persona" for m in claims):
            claims = []
        # A first name alone ("Hi, I'm Emma") is a claim only where the customer has not been
        # told otherwise: the first message and the bot's name answer for it.
        claims = [m for m in claims if m.entry.attrs.get("bare") != "yes"]
        hides = [m for m in matches if m.entry.attrs.get("kind") == "hides-ai"]
        if item.kind == "prompt" and (hides or claims):
            match = (hides or claims)[0]
            out.add(
                "prompt-hides-ai",
                item.path,
                subject=format_path(item.path),
                step=item.step.id,
                unit="texts",
                cause=match.entry.id,
                phrase=match.phrase,
            )
        elif claims:
            out.add(
                "claims-human",
                item.path,
                subject=format_path(item.path),
                step=item.step.id,
                unit="texts",
                cause=claims[0].entry.id,
                phrase=claims[0].phrase,
            )
    out.checked("name")
    if bot.persona and _is_bare_first_name(bot.name):
        out.add(
            "human-name-disclosed" if disclosed_everywhere else "human-name",
            ("bot", "name"),
            subject="bot.name",
            unit="name",
            name=bot.name,
        )
    return out.outcome()


def _openers(failing: int, total: int) -> str | Mapping[str, str]:
    """How many of the ways in a first-message finding is about, where there are several."""
    if total == 1:
        return ""
    return {lang: word(lang, "openers-failing", failing=failing, total=total) for lang in LANGUAGES}


def _first_step_with_text(bot: Bot, opener: str) -> Step | None:
    """The first step a customer sees: the opener, or the first with text along its `next`s."""
    seen: set[str] = set()
    current: str | None = bot.resolve(opener)
    while current is not None and current not in seen:
        seen.add(current)
        step = bot.steps[bot.step_index[current]]
        if step.messages() or step.generate is not None:  # a text of only x- keys says nothing
            return step
        current = bot.resolve(step.next) if step.next is not None else None
    return None


def _claims(match: Match, matches: list[Match], *, handover: bool = False) -> bool:
    """Does the match claim the bot is a person? A persona (a first name with a team: "Ik ben
    Sanne van de klantenservice") does so unless the same text says it is a bot ("..., de
    digitale assistent"); a claim to be human always does. In a text that hands the customer
    over ("Ik verbind je door. Je spreekt met Sanne van de klantenservice"), the person named
    is the one taking over: entries marked ``handover`` claim nothing there."""
    if handover and match.entry.attrs.get("handover"):
        return False
    kind = match.entry.attrs.get("kind")
    if kind == "persona":
        return not any(m.entry.attrs.get("kind") == "disclosure" for m in matches)
    return kind == "claims-human"


def claims_in(text: str, language: str) -> list[Match]:
    """The matches in a bot text that claim the bot is a person (see :func:`_claims`).

    What the bot quotes is not its own claim: an example to say ("Try: 'Turn the heating on
    when I get home'"), the customer's note read back ("Your note reads: 'My shift ends at 6'").
    """
    matches = find(RULE, language, _unquoted(text))
    handover = any(m.entry.attrs.get("handover") for m in matches) and promises_transfer(
        text, language
    )
    return [m for m in matches if _claims(m, matches, handover=handover)]


# A quotation, in any of the quote marks of the four languages; a single quote may hold
# apostrophes ('I'm on lunch'). At most 300 characters, so the search stays linear; only a
# quotation of more than one word is taken out (a name in quotes is the bot's own words).
_QUOTED = re.compile(
    r'"[^"\n]{1,300}"|“[^”\n]{1,300}”|„[^“”\n]{1,300}[“”]|«[^»\n]{1,300}»|‘[^’\n]{1,300}’'
    r"|(?<!\w)'(?:[^'\n]|'(?=\w)){1,300}'(?!\w)"
)


def _unquoted(text: str) -> str:
    """The text without the quotations it holds (see :data:`_QUOTED`)."""
    return _QUOTED.sub(lambda m: " " if " " in m.group(0).strip() else m.group(0), text)


def _discloses(message: str, language: str, name: str) -> bool:
    matches = find(RULE, language, message)
    if any(_claims(m, matches) for m in matches):
        return False
    if any(m.entry.attrs.get("kind") == "disclosure" for m in matches):
        return True
    # A name that says it is a machine ("PakketBot") discloses when the message uses it.
    return _name_is_machine(name) and normalise(name) in normalise(message)


def _name_is_machine(name: str) -> bool:
    return any(_MACHINE_WORD.match(part) for part in _name_parts(name))


def _name_parts(name: str) -> list[str]:
    # Split camel case too: "ChatBuddyBot" -> chat buddy bot.
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)
    return normalise(spaced).split()


def _is_bare_first_name(name: str) -> bool:
    parts = _name_parts(name)
    return bool(parts) and not _name_is_machine(name) and parts[0] in first_names()
