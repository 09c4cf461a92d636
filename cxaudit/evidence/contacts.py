"""Every way a bot text gives customers to reach people: phone numbers, e-mail addresses and
contact pages, each with where it stands in the text.

The vocabulary is ``rules/evidence/contacts.yaml``. The rules:

- **phone**: a run of digits with the usual separators (7 to 15 digits). A number after a cue
  ("call", "bel", "Telefon", "appelez", "on") is a phone number; after an order, account,
  reference, amount or postcode word it is not (the nearest cue in the sentence decides). Without
  a cue only unmistakable forms count: an international number (``+31 20 123 4567``), a North
  American one (``(646) 531-3242``, ``1-646-531-3242``), a free or service number (``0800 0123``)
  and a national number that starts with 0 and is written in groups (``020-7777777``). A
  toll-free number spelt in letters (``1-800-FLOWERS``) counts. Dates, times, amounts, IBANs,
  postcodes and version numbers never do.
- **email**: an address is the organisation's unless the nearest cue before it makes it the
  customer's own, read back to them ("We sent it to jan@example.com", "Is your email ...
  correct?", "e.g. name@example.com"); no-reply addresses are nobody's.
- **web**: a link (``https://...``, ``www....`` or ``host.tld/path``) whose host or path names a
  contact, support, chat or callback page, or that follows a contact cue ("contact us via");
  privacy and terms pages never.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from cxaudit.evidence.texts import blanked
from cxaudit.evidence.words import LANGUAGES, evidence_data, fold

Channel = Literal["phone", "email", "web"]


@dataclass(frozen=True)
class Contact:
    """One way to reach people that a text gives: its channel, its text, and where it stands."""

    channel: Channel
    value: str
    start: int
    end: int


_EMAIL = re.compile(
    r"(?<![\w.+-])(?:mailto:)?[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){0,5}\.[A-Za-z]{2,24}\b"
)
_URL = re.compile(
    r"(?<![\w@.-])(?:https?://|www\.)[^\s<>\"'()\[\]{}]{1,500}"
    r"|(?<![\w@./-])[a-z0-9][a-z0-9-]{0,62}(?:\.[a-z0-9-]{1,63}){0,4}\.[a-z]{2,12}/[^\s<>\"'()\[\]{}]{0,500}",
    re.IGNORECASE,
)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")
# A candidate number: a digit, then digits and separators, then a digit; a leading + or (.
_NUMBER = re.compile(r"(?<![\w@/+.,:-])(?:\+|\(\+?)?\d[\d \t().\-/]{4,24}\d(?![\w@])(?![.,]\d)")
_VANITY = re.compile(
    r"(?<![\w+])(?:\+?1[ .-]?)?\(?8[0-8]{2}\)?[ .-]?[A-Z0-9]{3}[ .-]?[A-Z]{4}\b|(?<![\w+])1[ .-]8[0-8]{2}[ .-][A-Z]{4,10}\b"
)
_US = re.compile(r"^(?:\+?1[ .-]?)?(?:\(\d{3}\)|\d{3})[ .-]?\d{3}[ .-]\d{4}$")
_DATE = re.compile(r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$|^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$")
_TIME_RANGE = re.compile(r"\d{1,2}[.:]\d{2} ?[-/] ?\d{1,2}[.:]\d{2}")
_VERSION = re.compile(r"^\d{1,3}(?:\.\d{1,4}){2,3}$")
_DOUBLE_SEPARATOR = re.compile(r"[ .\-/]{2,}(?<! - )|\t")
_GROUPED = re.compile(r"^0\d{1,4}[ .\-/]\d")
_CURRENCY = re.compile(
    r"(?:[€$£¥]|\b(?:eur|euro|euros|usd|gbp|chf|dollars?|pounds?)\b)\s*$", re.IGNORECASE
)
_CURRENCY_AFTER = re.compile(
    r"^\s*(?:[€$£¥]|(?:eur|euro|euros|usd|gbp|chf|dollars?|pounds?|k|m)\b)", re.IGNORECASE
)
_SENTENCE_START = re.compile(r"(?<!\b\w)[.!?]\s|\n")  # not after "e.g."
_WINDOW = 80  # characters before a candidate in which a cue is looked for


@dataclass(frozen=True)
class _Cues:
    phone: tuple[str, ...]
    not_phone: tuple[str, ...]
    prefixes: tuple[str, ...]
    own_email: tuple[str, ...]
    contact_email: tuple[str, ...]
    no_reply: tuple[str, ...]
    paths: tuple[str, ...]
    web: tuple[str, ...]
    not_paths: tuple[str, ...]


def _words(node: Any) -> tuple[str, ...]:
    return tuple(fold(str(w)) for lang in LANGUAGES for w in (node or {}).get(lang) or [])


@cache
def _cues() -> _Cues:
    data = evidence_data("contacts")
    phone, email, web = data["phone"], data["email"], data["web"]
    return _Cues(
        phone=_words(phone["cues"]),
        not_phone=_words(phone["not_cues"]),
        prefixes=tuple(str(p) for p in phone["service_prefixes"]),
        own_email=_words(email["own"]),
        contact_email=_words(email["contact"]),
        no_reply=tuple(str(w) for w in email["no_reply"]),
        paths=tuple(str(w) for w in web["paths"]),
        web=_words(web["cues"]),
        not_paths=tuple(str(w) for w in web["not_paths"]),
    )


def contacts_in(text: str) -> list[Contact]:
    """Every phone number, e-mail address and contact page the text gives customers, in order.

    >>> [(c.channel, c.value) for c in contacts_in("Call 020-7777777 or mail help@bank.nl.")]
    [('phone', '020-7777777'), ('email', 'help@bank.nl')]
    >>> contacts_in("We sent it to jan@example.com.")
    []
    """
    plain = blanked(text)
    folded = fold(plain)
    found: list[Contact] = []
    masked = list(plain)

    def mask(start: int, end: int) -> None:
        masked[start:end] = " " * (end - start)

    for match in _EMAIL.finditer(plain):
        mask(match.start(), match.end())
        value = match.group(0).removeprefix("mailto:")
        if _is_organisation_address(folded, match.start(), value):
            found.append(Contact("email", value, match.end() - len(value), match.end()))
    for match in _URL.finditer("".join(masked)):
        value = match.group(0).rstrip(".,;:!?")
        mask(match.start(), match.start() + len(value))
        if _is_contact_page(folded, match.start(), value):
            found.append(Contact("web", value, match.start(), match.start() + len(value)))
    rest = _IBAN.sub(lambda m: " " * len(m.group(0)), "".join(masked))
    for match in _VANITY.finditer(rest):
        found.append(Contact("phone", match.group(0), match.start(), match.end()))
        rest = rest[: match.start()] + " " * (match.end() - match.start()) + rest[match.end() :]
    for match in _NUMBER.finditer(rest):
        value = match.group(0).rstrip(" -./(")
        start = match.start()
        if value.startswith("(") and ")" not in value:
            value, start = value[1:], start + 1
        if _is_phone(rest, folded, start, value):
            found.append(Contact("phone", value, start, start + len(value)))
    return sorted(found, key=lambda c: c.start)


def _before(folded: str, start: int) -> str:
    """The folded text of the sentence before ``start``, at most ``_WINDOW`` characters."""
    window = folded[max(0, start - _WINDOW) : start]
    begin = max((cut.end() for cut in _SENTENCE_START.finditer(window)), default=0)
    return " ".join(re.split(r"[^\w']+", window[begin:])).strip()


def _last_cue(before: str, cues: tuple[str, ...]) -> int:
    """Where the last of ``cues`` ends in ``before`` (as whole words), or -1."""
    best = -1
    padded = f" {before} "
    for cue in cues:
        at = padded.rfind(f" {cue} ")
        if at != -1:
            best = max(best, at + len(cue))
    return best


def _is_phone(text: str, folded: str, start: int, value: str) -> bool:
    digits = sum(ch.isdigit() for ch in value)
    if not 7 <= digits <= 15 or _DOUBLE_SEPARATOR.search(value.strip()):
        return False
    compact = value.strip()
    if _DATE.match(compact) or _TIME_RANGE.search(compact) or _VERSION.match(compact):
        return False
    if _CURRENCY.search(text[max(0, start - 6) : start]) or _CURRENCY_AFTER.match(
        text[start + len(value) : start + len(value) + 8]
    ):
        return False
    cues = _cues()
    before = _before(folded, start)
    yes, no = _last_cue(before, cues.phone), _last_cue(before, cues.not_phone)
    if no > yes:
        return False
    if yes >= 0 and digits >= 7:
        return True
    national = compact.lstrip("(")
    return (
        compact.startswith(("+", "(+"))
        or _US.match(compact) is not None
        or any(national.replace(" ", "").replace("-", "").startswith(p) for p in cues.prefixes)
        or (_GROUPED.match(national) is not None and 9 <= digits <= 11)
    )


def _is_organisation_address(folded: str, start: int, value: str) -> bool:
    cues = _cues()
    local = fold(value.split("@", 1)[0])
    if any(local.startswith(fold(n)) for n in cues.no_reply):
        return False
    before = _before(folded, start)
    return _last_cue(before, cues.own_email) <= _last_cue(before, cues.contact_email)


def _is_contact_page(folded: str, start: int, value: str) -> bool:
    cues = _cues()
    lowered = fold(value)
    address = re.sub(r"^(?:https?://)?(?:www\.)?", "", lowered)
    parts = set(re.split(r"[/.?#=&_]+", address))
    if parts & set(cues.not_paths):
        return False
    if any(p in parts or any(seg.startswith(p) for seg in parts) for p in cues.paths):
        return True
    return _last_cue(_before(folded, start), cues.web) >= 0
