"""What is Rasa's own in a project's names and texts; the rest is the evidence layer's.

What a name or a text says about agreements, personal data and promised transfers is read by
:mod:`cxaudit.evidence` (``agreement_of_name``, ``personal_category``, ``promises_transfer``),
as for every importer. Left here is what only a Rasa project has:

* Rasa's built-in actions (never a custom action with a message of its own);
* whether a custom action's name says it hands the customer over to a person
  (``action_human_handoff``, ``action_transfer_to_agent``, ``action_doorverbinden_medewerker``),
  and not just offers to (``action_handoff_options``, ``action_ask_handoff``);
* whether a handoff host of ``actions/handoff_config.yml`` is another bot;
* whether a response the bot sends after an agreement says that a written confirmation went out
  ("We've emailed you a receipt"), and by which channel.
"""

from __future__ import annotations

import re

from cxaudit.evidence import words_of
from cxaudit.evidence.texts import is_question, sentences, without_placeholders

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
        "action_cannot_handle",
        "action_block_digressions",
        "action_continue_digression",
        "action_hangup",
        "action_repeat_bot_messages",
    }
)
SESSION_START = "action_session_start"

# Words of a custom action's name (nl, en, de, fr): a handoff word alone says it, a person word
# needs a word that moves the customer; a word that asks, offers or checks says it does not.
_HANDOFF_WORDS = frozenset(
    {"handoff", "handover", "overdracht", "doorverbinden", "doorschakelen", "uebergabe"}
)
_PERSON_WORDS = frozenset(
    {
        *("human", "agent", "person", "operator", "live", "staff", "colleague"),
        *("representative", "advisor", "adviser", "specialist", "mens", "medewerker"),
        *("collega", "mensch", "mitarbeiter", "berater", "humain", "conseiller", "operateur"),
    }
)
_MOVE_WORDS = frozenset(
    {
        *("transfer", "connect", "escalate", "to", "hand", "route", "forward"),
        *("verbinden", "escaleren", "naar", "weiterleiten", "zu", "transferer", "transfert"),
        *("vers", "escalader"),
    }
)
_NOT_A_TRANSFER = frozenset(
    {
        *("options", "ask", "offer", "check", "confirm", "cancel", "cancelled", "deny"),
        *("not", "no", "availability", "available", "hours", "aanbieden", "vragen", "anbieten"),
        *("proposer", "money", "funds", "payment"),
    }
)
# A handoff host whose name or title says it is a machine (financial-demo's "Helpdesk Assistant").
_MACHINE_WORDS = frozenset({"bot", "assistant", "assistent", "ai", "chatbot", "virtual"})


def says_handoff(action: str) -> bool:
    """Does a custom action's name say it transfers to a person (and not just offer to)?"""
    words = set(words_of(action))
    if words & _NOT_A_TRANSFER:
        return False
    if words & _HANDOFF_WORDS or {"hand", "off"} <= words or {"hand", "over"} <= words:
        return True
    return bool(words & _PERSON_WORDS and words & _MOVE_WORDS)


def is_machine(name: str) -> bool:
    """Does a handoff host's name or title say it is another bot?"""
    return bool(set(words_of(name)) & _MACHINE_WORDS)


# -- written confirmations ---------------------------------------------------------------------

# A sentence that reports a written message as sent (or on its way), in nl, en, de or fr: a verb
# that says it was sent, or one that says it will come with what comes (a confirmation, a
# receipt), and a channel; negations, failures and conditions report nothing.
_SENT = re.compile(
    r"\b(?:sent|e-?mailed|mailed|texted|posted|gestuurd|verstuurd|toegestuurd|gemaild"
    r"|gesendet|geschickt|zugeschickt|envoy[ée]e?s?)\b",
    re.IGNORECASE,
)
_COMING = re.compile(
    r"\b(?:send(?:ing)?|receive|get|sturen|stuurt|mailen|ontvang\w*|krijg\w*|senden|schicken"
    r"|erhalt\w*|bekomm\w*|envoy\w*|enverr\w*|recev\w*)\b",
    re.IGNORECASE,
)
_PROOF = re.compile(
    r"\b(?:confirmation|receipt|copy|summary|bevestiging\w*|ontvangstbewijs|kopie|overzicht"
    r"|best[äa]tigung\w*|quittung|beleg|zusammenfassung|re[cç]u|r[ée]capitulatif|justificatif)\b",
    re.IGNORECASE,
)
_CHANNELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email", re.compile(r"\b(?:e-?mail\w*|mail(?:ed|box)?|inbox|courriel|gemaild)\b", re.I)),
    ("sms", re.compile(r"\b(?:sms\w*|text(?:ed| message)|texto)\b", re.IGNORECASE)),
    ("letter", re.compile(r"\b(?:letter|by post|per post|brief|lettre|courrier)\b", re.I)),
)
_NOT_SENT = re.compile(
    r"\b(?:not|n't|never|no|unable|failed|fail|if|unless|niet|geen|nooit|mislukt|als|indien"
    r"|nicht|kein\w*|nie|fehlgeschlagen|wenn|falls|pas|jamais|[ée]chou\w*|si)\b",
    re.IGNORECASE,
)


def written_confirmation(text: str) -> str | None:
    """The channel (``email``, ``sms``, ``letter``) by which a bot text says a written message
    went out to the customer, or None ("We've emailed you a receipt" -> ``email``)."""
    for sentence in sentences(without_placeholders(text)):
        if is_question(sentence) or _NOT_SENT.search(sentence):
            continue
        if not (_SENT.search(sentence) or (_COMING.search(sentence) and _PROOF.search(sentence))):
            continue
        for channel, pattern in _CHANNELS:
            if pattern.search(sentence):
                return channel
    return None
