"""What personal data a slot or parameter holds, and whether it is a secret a bot must not ask.

Both read the name (``rules/evidence/names.yaml``, sections ``personal`` and ``secrets``) and,
when known, the question that asks for the value (``rules/lexicons/personal-question.<lang>.yaml``
and ``secret-request.<lang>.yaml``).

Rules chosen for :func:`personal_category`:

- a choice, a yes/no answer, a state, a count or the bot's own bookkeeping is not the customer's
  data, whatever stands beside it: ``confirm``, ``email_confirmed``, ``account_type``,
  ``number_of_guests``, ``feedback_rating``, ``next_form_name``; nor is a name that belongs to a
  thing: ``hotel_name``, ``product_name``, ``vendor_name``, ``merchant``, ``destination``;
- a date or time is personal only as a birth date (``dob``, ``geboortedatum``: identifier) or a
  card's expiry date (financial); ``payment_date``, ``time_period``: not personal;
- the amount a customer pays, transfers or holds is their financial data (``amount``,
  ``amount_of_money``, ``other_amount``); a price, cost or fee of the organisation is not;
- a postal address is contact data (it is how a letter reaches the customer); ``location`` is
  where the customer is; a bare ``city`` or ``country`` is neither (it is as often where the
  customer wants to go);
- credentials (``password``, ``pin``, ``otp``) are identifiers; see :func:`secret_of` for whether
  a bot may ask for them at all;
- of the words found, the longest phrase decides (``blood_type`` is health, although ``type``
  alone is a choice; ``ip_address`` is an identifier, ``card_number`` financial); between phrases
  of one length the not-personal lists win, then government_id, health, special, financial,
  contact, location, identifier;
- a question, when given, decides over the name unless the name is not personal: a question
  says what is asked better than a generic name (``input``, ``weight``, ``iron-heart``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from cxaudit.evidence.texts import lexicon, sentences, without_placeholders
from cxaudit.evidence.words import (
    Phrase,
    evidence_data,
    found_in,
    has,
    languages_for,
    phrases,
    words_of,
)

#: The flow format's personal-data categories, in the order that breaks a tie.
CATEGORIES = (
    "government_id",
    "health",
    "special",
    "financial",
    "contact",
    "location",
    "identifier",
)
#: The secrets :func:`secret_of` tells apart, in the order that breaks a tie.
SECRETS = ("card_number", "cvv", "security_answer", "passcode", "pin", "password", "one_time_code")

_NOT_PERSONAL = "-"  # the verdict of the not-personal and thing lists


@dataclass(frozen=True)
class _Personal:
    ranked: tuple[tuple[str, frozenset[Phrase]], ...]  # verdict -> phrases, in tie order
    dates: frozenset[Phrase]
    birth: frozenset[Phrase]
    expiry: frozenset[Phrase]
    cards: frozenset[Phrase]


@cache
def _personal() -> _Personal:
    data = evidence_data("names")["personal"]
    where = "names.yaml: personal"
    ranked = [
        (_NOT_PERSONAL, phrases(data["not_personal"], f"{where}.not_personal")),
        (_NOT_PERSONAL, phrases(data["things"], f"{where}.things")),
    ]
    ranked += [
        (category, phrases(data["categories"][category], f"{where}.categories.{category}"))
        for category in CATEGORIES
    ]
    return _Personal(
        ranked=tuple(ranked),
        dates=phrases(data["dates"], f"{where}.dates"),
        birth=phrases(data["birth"], f"{where}.birth"),
        expiry=phrases(data["expiry"], f"{where}.expiry"),
        cards=phrases(data["cards"], f"{where}.cards"),
    )


def personal_category(
    name: str, *, question: str | None = None, language: str = "en"
) -> str | None:
    """The personal-data category of a slot or parameter, or None when it holds none.

    >>> personal_category("payee_name")
    'identifier'
    >>> personal_category("Kontonummer")
    'financial'
    >>> personal_category("hotel_name") is None
    True
    >>> personal_category("weight", question="How much do you weigh?")
    'health'
    """
    verdict = _by_name(words_of(name))
    if verdict == _NOT_PERSONAL:
        return None
    if question:
        asked = _by_question(question, language)
        if asked:
            return asked
    return verdict


def _by_name(words: tuple[str, ...]) -> str | None:
    """The category a name says, ``_NOT_PERSONAL`` when it says it is none, else None."""
    if not words:
        return None
    p = _personal()
    if has(words, p.dates) or has(words, p.birth):
        if has(words, p.birth):
            return "identifier"
        if has(words, p.expiry) and has(words, p.cards):
            return "financial"
        if any(has(words, vocabulary) for verdict, vocabulary in p.ranked[:2]):
            return _NOT_PERSONAL
        return None
    best: tuple[int, int, str] | None = None  # (-length, rank, verdict)
    for rank, (verdict, vocabulary) in enumerate(p.ranked):
        for _, phrase in found_in(words, vocabulary):
            candidate = (-len(phrase), rank, verdict)
            if best is None or candidate < best:
                best = candidate
    return best[2] if best else None


def _by_question(question: str, language: str) -> str | None:
    found: list[str] = []
    for lang in languages_for(language):
        lex = lexicon("personal-question", lang)
        if lex is not None:
            found += [
                m.entry.attrs.get("category", "") for m in lex.find(question) if not m.negated
            ]
    ranked = [c for c in CATEGORIES if c in found]
    return ranked[0] if ranked else None


# -- secrets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Secrets:
    kinds: tuple[tuple[str, frozenset[Phrase]], ...]
    not_secret: frozenset[Phrase]


@cache
def _secrets() -> _Secrets:
    data = evidence_data("names")["secrets"]
    kinds = tuple(
        (kind, phrases(data["kinds"][kind], f"names.yaml: secrets.kinds.{kind}"))
        for kind in SECRETS
    )
    return _Secrets(kinds, phrases(data["not"], "names.yaml: secrets.not"))


def secret_of(
    name: str | None = None, *, question: str | None = None, language: str = "en"
) -> str | None:
    """The secret a slot name or a question asks for, or None.

    Secrets: ``password``, ``passcode``, ``pin``, ``one_time_code`` (OTP, TAN, SMS or
    verification code, 2FA security key), ``card_number`` (a full one: "last four digits" is
    not), ``cvv`` and ``security_answer``. A question counts only when it asks: "Never share your
    PIN with anyone", "reset your password" and "the last 4 digits of your card" do not.

    >>> secret_of("pin_code")
    'pin'
    >>> secret_of(question="Bitte geben Sie die TAN ein", language="de")
    'one_time_code'
    >>> secret_of(question="Never share your PIN with anyone.") is None
    True
    >>> secret_of("postcode") is None
    True
    """
    if question:
        asked = _asked_secret(question, language)
        if asked:
            return asked
    return _secret_by_name(words_of(name)) if name else None


def _secret_by_name(words: tuple[str, ...]) -> str | None:
    s = _secrets()
    if not words or has(words, s.not_secret):
        return None
    best: tuple[int, int, str] | None = None
    for rank, (kind, vocabulary) in enumerate(s.kinds):
        for _, phrase in found_in(words, vocabulary):
            candidate = (-len(phrase), rank, kind)
            if best is None or candidate < best:
                best = candidate
    return best[2] if best else None


def _asked_secret(question: str, language: str) -> str | None:
    for sentence in sentences(without_placeholders(question)):
        for lang in languages_for(language):
            lex = lexicon("secret-request", lang)
            if lex is None:
                continue
            matches = lex.find(sentence)
            kinds = {m.entry.attrs.get("kind") for m in matches if not m.negated}
            if not kinds or "not" in {m.entry.attrs.get("kind") for m in matches}:
                continue
            for kind in SECRETS:
                if kind in kinds:
                    return kind
    return None
