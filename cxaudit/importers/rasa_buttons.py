"""A question's buttons in a Rasa project: the customer's choices, as options of its step.

* Rasa 3: a button goes where the intent of its payload (``/intent``) leads from there: the
  step's ``on`` edge for that intent, else the step the intent starts globally; buttons of a
  form's question fill the slot and the form goes on, except one whose title refuses ("No,
  cancel the transaction"), which stops the form (the form's validation is code cxaudit cannot
  read; it takes the title at its word);
* CALM: a ``/SetSlots(slot=value)`` button goes to the branch of ``next`` whose condition that
  value meets (``slots.x == 'v'``, ``slots.x is "v"``, ``slots.x``, ``not slots.x``), else the
  ``else`` branch, else on to the next step.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from cxaudit.importers.build import Flow, Step
from cxaudit.importers.rasa_common import Builder
from cxaudit.importers.rasa_domain import Button

_CANCELLED = "the form stops here: its question's refusing button (the form's code decides)"


def intent_buttons(b: Builder, step: Step, name: str, starts: Mapping[str, str]) -> None:
    """The buttons of response ``name`` as options of ``step``: each to where its intent leads
    from here (an ``on`` edge, else where the intent ``starts``); unknown ones are left out."""
    on: dict[str, str] = step.data.get("on", {})
    for button in b.buttons(name):
        intent = button.intent or ""
        target = on.pop(intent, None)  # the button now carries that edge
        if target is None:
            target = starts.get(intent)
        if target is not None:
            step.add_option(b.label(button), target, button.origin, button.title_origin)
    if "on" in step.data and not on:
        del step.data["on"]


def form_buttons(b: Builder, flow: Flow, step: Step) -> None:
    """The buttons of a form's question: a choice to go on with the form, or to leave it.

    A button whose intent leads elsewhere from here (an ``on`` edge) is that edge. Any other
    button fills the slot and the form goes on, except one whose title refuses: the form then
    ends there.
    """
    buttons = b.buttons(b.asked_by.get(step.id))
    if not buttons:
        return
    on: dict[str, str] = step.data.get("on", {})
    onward = step.data.get("next")
    for button in buttons:
        target = on.get(button.intent or "")
        if target is None and b.refuses(button.title):
            target = _cancelled(b, flow, button).id
        if target is None:
            target = onward
        if target is not None:
            step.add_option(b.label(button), target, button.origin, button.title_origin)
    if onward is not None and any(o["goto"] == onward for o in step.data.get("options", [])):
        del step.data["next"]  # going on is now a choice among the buttons


def _cancelled(b: Builder, flow: Flow, button: Button) -> Step:
    """The end of a form that its question's refusing button stops (one per form)."""
    for step in flow.steps:
        if step.data.get("x-rasa") == _CANCELLED:
            return step
    step = Step(b.ids.claim(f"{flow.id}_cancelled"), origins={(): button.origin})
    step.data.update({"end": True, "x-rasa": _CANCELLED})
    flow.steps.append(step)
    return step


def slot_buttons(b: Builder, step: Step, slot: str) -> None:
    """The buttons of a CALM question set the slot; each goes where the flow's conditions
    send that value (the first branch whose condition it meets, else the ``else`` branch),
    or on to the next step. The branches that buttons now name keep no condition-only
    option of their own."""
    buttons: list[tuple[Button, str]] = []
    for button in b.buttons(b.asked_by.get(step.id)):
        value = button.slot_value(slot)
        if value is not None:
            buttons.append((button, value))
    if not buttons:
        return
    branches = [
        (o["label"]["x-if"], o["goto"], step.origins.get(("options", i)))
        for i, o in enumerate(step.data.get("options", []))
        if set(o["label"]) == {"x-if"}
    ]
    onward = step.data.get("next")
    chosen: list[tuple[Button, str]] = []
    for button, value in buttons:
        target = next((goto for cond, goto, _ in branches if meets(cond, slot, value)), None)
        if target is None:
            target = next((goto for cond, goto, _ in branches if cond == "else"), onward)
        if target is not None:
            chosen.append((button, target))
    if not chosen:
        return
    named = {target for _, target in chosen}
    kept = [(cond, goto, origin) for cond, goto, origin in branches if goto not in named]
    rejections = [
        (o, step.origins.get(("options", i)))
        for i, o in enumerate(step.data.get("options", []))
        if set(o["label"]) != {"x-if"}
    ]
    step.data.pop("options", None)
    for key in [k for k in step.origins if k[:1] == ("options",)]:
        del step.origins[key]
    for button, target in chosen:
        step.add_option(b.label(button), target, button.origin, button.title_origin)
    for cond, goto, origin in kept:
        step.add_option({"x-if": cond}, goto, origin)
    for option, origin in rejections:
        step.add_option(option["label"], option["goto"], origin)
    if onward is not None and onward in named:
        del step.data["next"]


def meets(condition: str, slot: str, value: str) -> bool:
    """Does ``slot`` set to ``value`` meet a CALM condition? Read for the common shapes only:
    ``slots.x == 'v'`` or ``slots.x is "v"`` (joined with ``or``), ``slots.x``, ``not slots.x``."""
    name = re.escape(f"slots.{slot}")
    text = condition.strip()
    if re.fullmatch(name, text):
        return value.lower() in ("true", "yes", "1")
    if re.fullmatch(rf"not\s+{name}", text):
        return value.lower() in ("false", "no", "0")
    for part in re.split(r"\s+or\s+", text):
        found = re.fullmatch(rf"{name}\s*(?:==|is(?!\s+not\b))\s*(['\"]?)(.*?)\1", part.strip())
        if found is not None and found.group(2).lower() == value.lower():
            return True
    return False
