"""The report's own words in each report language (rule texts live in the catalogue)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from cxaudit.languages import LANGUAGES

_WORDS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "score": "Score",
        "grade": "Grade",
        "passed": "PASSED",
        "failed": "FAILED",
        "fails_because": "Fails because: {reasons}.",
        "ignored": "ignored on the command line",
        "summary_cut": (
            "The findings' details are left out: with them this summary would pass {kib} KiB "
            "(GitHub drops a summary over 1 MiB); {files} more file(s) not shown. The full report "
            "is in the job log and in the report files cxaudit wrote (--report)."
        ),
        "below_threshold": "the score {score} is below {fail_under}",
        "error_findings": "{count} error finding(s) count ({which})",
        "rule": "Rule",
        "name": "Name",
        "status": "Status",
        "weight": "Weight",
        "findings": "Findings",
        "hint": "hint",
        "step": "step",
        "no_findings": "No findings.",
        "pass": "pass",
        "warn": "warn",
        "fail": "fail",
        "skipped": "skipped",
        "disabled": "off",
        "waived": "waived",
        "baselined": "baselined",
        "profile": "profile",
        "config": "config",
        "no_config": "no configuration file",
        "fail_under": "passes at {fail_under}",
        "baseline_line": "Baseline {path}: {recorded:.1f} when taken, {current:.1f} now ({change:+.1f}); {known} known finding(s) not counted.",
        "fixed": "Fixed since the baseline ({count})",
        "suppressed_summary": "{waived} waived, {baselined} baselined.",
        "annotations_left": (
            "not annotated: {what} (GitHub shows {limit} of each kind per step); the full list is "
            "in the report files of this run (--report; the job summary with the cxaudit action)."
        ),
        "left_error": "{count} more error(s)",
        "left_warning": "{count} more warning(s)",
        "left_notice": "{count} more notice(s)",
        "suppressed_file": "Not counted: {waived} waived, {baselined} baselined finding(s).",
        "error": "error",
        "warning": "warning",
        "info": "info",
        "did_you_mean": " Did you mean '{value}'?",
        "and_more": " and {count} more",
        "in_all": " ({count} in all)",
        "in_all_steps": " ({count} in all: {steps})",
        "same-question": "the same question again",
        "your-bot-name": "<your bot's name>",
        "openers-failing": "; {failing} of the {total} ways a conversation opens",
        "incomplete-outside": ", nor where they can go when no one is there",
        "incomplete-outside-fix": " Name an alternative for when no one is there (a callback, e-mail or ticket): handoff.outside_hours.",
        "secret-password": "a password",
        "secret-passcode": "a passcode",
        "secret-pin": "a PIN",
        "secret-one_time_code": "a one-time code",
        "secret-card_number": "a full card number",
        "secret-cvv": "a card security code (CVV)",
        "secret-security_answer": "the answer to a security question",
        "also_at": "also at",
        "unknown": "unknown",
        "weighed": "Score weighed down by",
        "summary": "{files} file(s): {passed} passed, {failed} failed, {invalid} not checked (input errors).",
        "statistics": "Findings per rule and check",
        "gate": "Passes when the score is at least {fail_under} and there is no error finding.",
        "bot": "Bot",
        "sector": "sector",
        "clear-explanation": "Clear explanation",
        "human-contact": "Human contact",
        "correct-service": "Correct and complete service",
        "data": "Data",
        "tone": "Tone",
    },
    "nl": {
        "score": "Score",
        "grade": "Cijfer",
        "passed": "GESLAAGD",
        "failed": "GEZAKT",
        "fails_because": "Gezakt omdat: {reasons}.",
        "ignored": "genegeerd via de opdrachtregel",
        "summary_cut": (
            "De details van de bevindingen zijn weggelaten: daarmee zou deze samenvatting groter "
            "worden dan {kib} KiB (GitHub laat een samenvatting boven 1 MiB weg); nog {files} "
            "bestand(en) niet getoond. Het volledige rapport staat in de joblog en in de "
            "rapportbestanden die cxaudit schreef (--report)."
        ),
        "below_threshold": "de score {score} ligt onder {fail_under}",
        "error_findings": "{count} fout(en) tellen mee ({which})",
        "rule": "Regel",
        "name": "Naam",
        "status": "Status",
        "weight": "Gewicht",
        "findings": "Bevindingen",
        "hint": "tip",
        "step": "stap",
        "no_findings": "Geen bevindingen.",
        "pass": "goed",
        "warn": "let op",
        "fail": "fout",
        "skipped": "n.v.t.",
        "disabled": "uit",
        "waived": "uitgezonderd",
        "baselined": "in baseline",
        "profile": "profiel",
        "config": "configuratie",
        "no_config": "geen configuratiebestand",
        "fail_under": "geslaagd vanaf {fail_under}",
        "baseline_line": "Baseline {path}: {recorded:.1f} bij het vastleggen, nu {current:.1f} ({change:+.1f}); {known} bekende bevinding(en) tellen niet mee.",
        "fixed": "Opgelost sinds de baseline ({count})",
        "suppressed_summary": "{waived} uitgezonderd, {baselined} in de baseline.",
        "annotations_left": (
            "niet als annotatie getoond: {what} (GitHub toont er {limit} van elke soort per "
            "stap); de volledige lijst staat in de rapportbestanden van deze run (--report; de "
            "jobsamenvatting bij de cxaudit-action)."
        ),
        "left_error": "nog {count} fout(en)",
        "left_warning": "nog {count} waarschuwing(en)",
        "left_notice": "nog {count} melding(en)",
        "suppressed_file": "Telt niet mee: {waived} uitgezonderde en {baselined} bekende bevinding(en).",
        "error": "fout",
        "warning": "waarschuwing",
        "info": "info",
        "did_you_mean": " Bedoelde je '{value}'?",
        "and_more": " en nog {count}",
        "in_all": " ({count} in totaal)",
        "in_all_steps": " ({count} in totaal: {steps})",
        "same-question": "dezelfde vraag opnieuw",
        "your-bot-name": "<naam van je bot>",
        "openers-failing": "; {failing} van de {total} manieren waarop een gesprek opent",
        "incomplete-outside": ", en ook niet waar ze terechtkunnen als er niemand is",
        "incomplete-outside-fix": " Noem een alternatief voor als er niemand is (terugbellen, e-mail of een ticket): handoff.outside_hours.",
        "secret-password": "een wachtwoord",
        "secret-passcode": "een toegangscode",
        "secret-pin": "een pincode",
        "secret-one_time_code": "een eenmalige code",
        "secret-card_number": "een volledig kaartnummer",
        "secret-cvv": "een beveiligingscode van een kaart (CVV)",
        "secret-security_answer": "het antwoord op een beveiligingsvraag",
        "also_at": "ook bij",
        "unknown": "onbekend",
        "weighed": "Score omlaag gedrukt door",
        "summary": "{files} bestand(en): {passed} geslaagd, {failed} gezakt, {invalid} niet gecontroleerd (invoerfouten).",
        "statistics": "Bevindingen per regel en controle",
        "gate": "Geslaagd bij een score van minstens {fail_under} en geen bevinding van niveau fout.",
        "bot": "Bot",
        "sector": "sector",
        "clear-explanation": "Duidelijke uitleg",
        "human-contact": "Menselijk contact",
        "correct-service": "Correcte en volledige dienstverlening",
        "data": "Gegevens",
        "tone": "Toon",
    },
}


# Values from the flow format that appear inside messages, in each report language.
_AGREEMENTS: Mapping[str, Mapping[str, str]] = {
    "order": {"en": "order", "nl": "bestelling"},
    "cancellation": {"en": "cancellation", "nl": "opzegging"},
    "refund": {"en": "refund", "nl": "terugbetaling"},
    "appointment": {"en": "appointment", "nl": "afspraak"},
    "contract_change": {"en": "contract change", "nl": "contractwijziging"},
    "payment": {"en": "payment", "nl": "betaling"},
    "complaint": {"en": "complaint", "nl": "klacht"},
}
_OR = {"en": " or ", "nl": " of "}


def agreement(kind: str) -> Mapping[str, str]:
    """An agreement kind (``contract_change``) in words, per report language."""
    return _AGREEMENTS.get(kind, {lang: kind for lang in LANGUAGES})


def either(values: list[str]) -> Mapping[str, str]:
    """``a or b`` / ``a of b``, per report language."""
    return {lang: _OR[lang].join(values) for lang in LANGUAGES}


def translated(key: str) -> Mapping[str, str]:
    """One of the report's own words in every report language, as a message parameter."""
    return {lang: word(lang, key) for lang in LANGUAGES}


def word(language: str, key: str, **params: object) -> str:
    text = _WORDS.get(language, _WORDS["en"]).get(key) or _WORDS["en"][key]
    return text.format(**params) if params else text


def language_from_environment() -> str | None:
    """The report language from LANG / LC_ALL / LC_MESSAGES, if it is one cxaudit speaks."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if not value:
            continue
        # The first one set decides, as for every program: LC_ALL=C means no Dutch.
        code = value.split("_")[0].split(".")[0].lower()
        return code if code in LANGUAGES else None
    return None
