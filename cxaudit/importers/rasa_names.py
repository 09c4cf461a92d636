"""What the names in a Rasa project say: which custom actions hand off to a person or conclude
an agreement, which slots hold personal data, and which texts promise a transfer.

Rasa projects say little about what their custom actions do (that is Python code), so the
importer reads their names: ``action_human_handoff`` hands off, ``action_pay_cc`` is a payment,
``payee_name`` is an identifier. A name is split into words (``payeeName`` and ``payee_name``
are ``payee name``) and judged by the word sets below; lookups (``check``, ``get``, ...) agree
nothing, and choices and statuses (``card_type``, ``confirm``) are no personal data.
"""

from __future__ import annotations

import re

from cxaudit.lexicon import find

# Built-in Rasa actions: never a custom action with a message of its own.
BUILTIN_ACTIONS = frozenset(
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


def category(slot: str) -> str | None:
    """The kind of personal data a slot's name says it holds, or None."""
    words = set(name_words(slot))
    if words & _NOT_PERSONAL:
        return None
    for category, keys in _CATEGORIES:
        if words & keys:
            return category
    return None


def agreement(action: str) -> str | None:
    """The agreement a custom action's name says it makes (a payment, an order, ...), or None."""
    words = set(name_words(action))
    if words & _LOOKUPS:
        return None
    if {"money"} <= words and {"transfer", "send"} & words:
        return "payment"
    for kind, keys in _AGREEMENTS:
        if words & keys:
            return kind
    if words & _CHANGE_VERBS and words & _CHANGE_OBJECTS:
        return "contract_change"
    return None


def says_handoff(action: str) -> bool:
    """Does a custom action's name say it transfers to a person (and not just offer to)?"""
    words = set(name_words(action))
    if words & _NOT_A_TRANSFER:
        return False
    if words & _HANDOFF_WORDS or {"hand", "off"} <= words or {"hand", "over"} <= words:
        return True
    return bool(words & _PERSON_WORDS and words & _MOVE_WORDS)


def promises_transfer(text: str, language: str) -> bool:
    """Does a text tell the customer they are (being) transferred? Offers and refusals don't.

    CX04's phrase list for the text's language decides; in English a looser pattern also
    catches "I would have handed you off" and "transferred to a human agent".
    """
    text = re.sub(r"\{[^{}]*\}", "…", text)  # {PERSON} is a slot, not a person
    if text.rstrip().endswith("?") or (language == "en" and _REFUSAL.search(text)):
        return False
    if any(m.entry.attrs.get("kind") == "transfer" for m in find("CX04", language, text)):
        return True
    return language == "en" and _TRANSFER_TEXT.search(text) is not None
