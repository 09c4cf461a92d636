"""What is Rasa's own in a project's names: its built-in actions.

What a name or a text says is read by :mod:`cxaudit.evidence`, as for every importer: agreements
(``agreement_of_name``), personal data (``personal_category``), promised transfers
(``promises_transfer``), whether a custom action's name hands the customer over to a person
(``names_handoff``: ``action_human_handoff``, ``action_doorverbinden_medewerker``, not
``action_handoff_options``), whether a handoff host of ``actions/handoff_config.yml`` is another
bot (``is_machine``) and whether a response says a written confirmation went out
(``written_confirmation``). Left here is what only a Rasa project has: Rasa's built-in actions
(never a custom action with a message of its own).
"""

from __future__ import annotations

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
