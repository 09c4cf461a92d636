"""Import a Rasa Pro CALM project: flows and patterns (the shared parts: rasa_common.py).

* a flow is a flow, ``collect`` is an ``ask`` step, ``call``/``link`` lead into the other flow,
  conditional ``next`` become options whose labels hold the condition (an ``x-if`` key, so no
  text rule reads them), and every flow that is not guarded by ``if: False`` can be started by
  the command generator at any turn (a global intent whose example is its description);
* ``pattern_session_start`` is the start (without it the customer speaks first) and
  ``pattern_cannot_handle`` the fallback; Rasa's default patterns stand in where the project
  does not override them, and a request for a person runs ``pattern_human_handoff``, whatever
  flows the project has for it (``rasa_patterns.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from cxaudit.importers.base import Origin, Project, Source
from cxaudit.importers.build import Flow, Step
from cxaudit.importers.rasa_buttons import slot_buttons
from cxaudit.importers.rasa_common import MARKERS, Builder
from cxaudit.importers.rasa_notes import add_notes
from cxaudit.importers.rasa_patterns import (
    DEFAULTS,
    default_entries,
    default_pattern,
    person_requests,
)
from cxaudit.locations import DataPath

__all__ = ["MARKERS", "build"]

_END = "END"


@dataclass
class _CalmFlow:
    id: str
    source: Source
    raw: dict[str, Any]
    at: DataPath
    local: dict[str, str] = field(default_factory=dict)  # the flow's step ids -> unique ids

    def ref(self, name: str) -> str:
        return self.local.get(name, name)


class Calm:
    """CALM flows as flows; patterns as the fallback, the start and global intents."""

    def __init__(self, builder: Builder) -> None:
        self.b = builder
        self.flows: dict[str, _CalmFlow] = {}
        self.built: dict[str, Flow] = {}
        self.returns: dict[str, tuple[str, Origin]] = {}  # called flow -> the caller's next step
        self.ends: dict[str, list[Step]] = {}  # flow -> its steps that end it

    def build(self) -> None:
        b = self.b
        for source in b.data_sources:
            data = source.data
            assert isinstance(data, dict)
            if isinstance(data.get("nlu"), list):
                b.nlu(source, data["nlu"])
            for key in ("rules", "stories"):
                if data.get(key):
                    b.project.unsupported("rules-beside-calm", Origin(source, (key,)), key=key)
            flows = data.get("flows")
            if flows is None:
                continue
            if not isinstance(flows, dict):
                where = Origin(source, ("flows",))
                b.project.note("section-not-a-map", None, where, file=source.display, key="flows")
                continue
            for flow_id, raw in flows.items():
                if isinstance(raw, dict) and isinstance(raw.get("steps"), list) and raw["steps"]:
                    self.flows.setdefault(
                        str(flow_id), _CalmFlow(str(flow_id), source, raw, ("flows", flow_id))
                    )
        for name in DEFAULTS:
            if name not in self.flows:
                self.built[name] = default_pattern(b, name)
        for flow_id in self.flows:
            b.ids.claim(flow_id)
        # Explicit step ids (local to their flow in Rasa) keep their names where they can;
        # generated ones take what is left.
        for flow in self.flows.values():
            for raw, _ in _calm_steps(flow.raw["steps"], (*flow.at, "steps")):
                if isinstance(raw.get("id"), str) and raw["id"] not in flow.local:
                    flow.local[raw["id"]] = b.ids.claim(raw["id"])
        for flow in self.flows.values():
            self.built[flow.id] = self._flow(flow)
            b.flows.append(self.built[flow.id])
        self._connect_ends()
        self._entries()
        person_requests(b, self.built, self._places())

    def _entries(self) -> None:
        b = self.b
        for flow_id, flow in self.flows.items():
            guard = flow.raw.get("if")
            origin = Origin(flow.source, flow.at)
            if flow_id == "pattern_session_start":
                b.start = flow_id
                continue
            if flow_id == "pattern_cannot_handle":
                b.fallback = (flow_id, origin)
                continue
            if flow_id == "pattern_completed":
                continue
            triggers = flow.raw.get("nlu_trigger")
            if isinstance(triggers, list):
                for i, trigger in enumerate(triggers):
                    name = trigger.get("intent") if isinstance(trigger, dict) else trigger
                    if isinstance(name, dict):
                        name = name.get("name")
                    if isinstance(name, str):
                        b.make_global(
                            name, flow_id, Origin(flow.source, (*flow.at, "nlu_trigger", i))
                        )
            if guard is False or str(guard).lower() == "false":
                continue
            intent = b.intent(flow_id)
            description = flow.raw.get("description")
            if isinstance(description, str) and description.strip():
                examples = {b.language: [" ".join(description.split())]}
                intent.set("examples", examples, Origin(flow.source, (*flow.at, "description")))
            b.make_global(flow_id, flow_id, origin)
        default_entries(b, self._places())

    def _places(self) -> dict[str, tuple[Source, DataPath]]:
        return {flow_id: (flow.source, flow.at) for flow_id, flow in self.flows.items()}

    def _flow(self, flow: _CalmFlow) -> Flow:
        built = Flow(flow.id, Origin(flow.source, flow.at))
        self._sequence(flow, built, flow.raw["steps"], (*flow.at, "steps"), None)
        return built

    def _sequence(
        self,
        flow: _CalmFlow,
        built: Flow,
        raws: list[Any],
        at: DataPath,
        after: str | None,
    ) -> str | None:
        """Build a list of steps; returns the first step's id. ``after`` is where the list goes
        on when its last step has no next of its own (None: the flow ends)."""
        made: list[tuple[Step, dict[str, Any], DataPath]] = []
        for i, raw in enumerate(raws):
            if not isinstance(raw, dict):
                continue
            step = Step(self._id(flow, raw), origins={(): Origin(flow.source, (*at, i))})
            built.steps.append(step)
            made.append((step, raw, (*at, i)))
        for k, (step, raw, here) in enumerate(made):
            following = made[k + 1][0].id if k + 1 < len(made) else after
            self._content(flow, built, step, raw, here, following)
        return made[0][0].id if made else after

    def _id(self, flow: _CalmFlow, raw: dict[str, Any]) -> str:
        if isinstance(raw.get("id"), str):
            return flow.ref(raw["id"])
        for key in ("collect", "action"):
            if isinstance(raw.get(key), str):
                return self.b.ids.claim(raw[key])
        for key in ("link", "call"):
            if isinstance(raw.get(key), str):
                return self.b.ids.claim(f"{key}_{raw[key]}")
        if "set_slots" in raw:
            return self.b.ids.claim("set_slots")
        return self.b.ids.claim("noop")

    def _content(
        self,
        flow: _CalmFlow,
        built: Flow,
        step: Step,
        raw: dict[str, Any],
        here: DataPath,
        following: str | None,
    ) -> None:
        b = self.b
        origin = Origin(flow.source, here)
        if isinstance(raw.get("collect"), str):
            slot = raw["collect"]
            asks = [raw["utter"]] if isinstance(raw.get("utter"), str) else []
            b.ask_of(step, [*asks, f"utter_ask_{slot}", f"action_ask_{slot}"])
            b.collect(step, slot, Origin(flow.source, (*here, "collect")))
            self._rejections(flow, built, step, raw, here)
        elif isinstance(raw.get("action"), str):
            action = raw["action"]
            b.action_step(step, action, Origin(flow.source, (*here, "action")))
            if action == "action_trigger_search":
                step.data["generate"] = {
                    "prompt": {"x-rasa": "enterprise search answers from documents"}
                }
                b.rephrased.discard(action)
            if action in b.domain.responses:
                step.data["x-response"] = action
        elif isinstance(raw.get("link"), str) or isinstance(raw.get("call"), str):
            key = "link" if isinstance(raw.get("link"), str) else "call"
            target = raw[key]
            if target not in self.flows and target not in self.built:
                raise b.project.fail(f"{key} '{target}' names no flow", origin.below(key))
            step.set("next", target, origin.below(key))
            if key == "call":
                back = raw.get("next")
                ret = flow.ref(back) if isinstance(back, str) and back != _END else following
                self.returns.setdefault(target, (ret or "", origin))
            return
        if "handoff" in step.data:
            return
        self._next(flow, built, step, raw.get("next"), here, following)
        if isinstance(raw.get("collect"), str):
            slot_buttons(b, step, raw["collect"])

    def _rejections(
        self, flow: _CalmFlow, built: Flow, step: Step, raw: dict[str, Any], here: DataPath
    ) -> None:
        rejections = raw.get("rejections")
        if not isinstance(rejections, list):
            return
        for i, rejection in enumerate(rejections):
            if not isinstance(rejection, dict) or not isinstance(rejection.get("utter"), str):
                continue
            at = (*here, "rejections", i)
            retry = Step(
                self.b.ids.claim(rejection["utter"]), origins={(): Origin(flow.source, at)}
            )
            self.b.action_step(retry, rejection["utter"], Origin(flow.source, (*at, "utter")))
            retry.data["next"] = step.id
            built.steps.append(retry)
            step.data.setdefault("options", []).append(
                {"label": {"x-if": str(rejection.get("if", ""))}, "goto": retry.id}
            )
            step.mark(("options", len(step.data["options"]) - 1), Origin(flow.source, at))

    def _next(
        self,
        flow: _CalmFlow,
        built: Flow,
        step: Step,
        raw: Any,
        here: DataPath,
        following: str | None,
    ) -> None:
        at = (*here, "next")
        if raw is None:
            self._go(flow, step, following, Origin(flow.source, here))
            return
        if isinstance(raw, str):
            self._go(flow, step, None if raw == _END else flow.ref(raw), Origin(flow.source, at))
            return
        if not isinstance(raw, list):
            raise self.b.project.fail(
                "next must be a step id, END or a list of conditions", Origin(flow.source, at)
            )
        options = step.data.setdefault("options", [])
        for i, branch in enumerate(raw):
            if not isinstance(branch, dict):
                continue
            condition = "else" if "else" in branch else str(branch.get("if", ""))
            then = branch.get("else", branch.get("then"))
            where = (*at, i, "else" if "else" in branch else "then")
            if isinstance(then, list):
                target = self._sequence(flow, built, then, where, following)
            elif isinstance(then, str):
                target = None if then == _END else flow.ref(then)
            else:
                continue
            if target is None:
                target = self._end_step(flow, built)
            options.append({"label": {"x-if": condition}, "goto": target})
            step.mark(("options", len(options) - 1), Origin(flow.source, (*at, i)))
        if not options:
            del step.data["options"]
            self._go(flow, step, following, Origin(flow.source, here))

    def _go(self, flow: _CalmFlow, step: Step, target: str | None, origin: Origin) -> None:
        if target is not None:
            step.set("next", target, origin)
        else:
            self.ends.setdefault(flow.id, []).append(step)

    def _end_step(self, flow: _CalmFlow, built: Flow) -> str:
        name = f"{flow.id}_END"
        if not any(s.id == name for s in built.steps):
            end = Step(self.b.ids.claim(name), origins={(): Origin(flow.source, flow.at)})
            built.steps.append(end)
            self.ends.setdefault(flow.id, []).append(end)
            return end.id
        return name

    def _connect_ends(self) -> None:
        """Where a flow ends: back to the step after its call, else the conversation may end."""
        completed = "pattern_completed" if "pattern_completed" in self.flows else None
        for flow_id, steps in self.ends.items():
            back = self.returns.get(flow_id)
            for step in steps:
                if "handoff" in step.data:
                    continue
                if back is not None and back[0]:
                    step.set("next", back[0], back[1])
                    step.data["end"] = True  # when the flow was started on its own
                elif completed is not None and not flow_id.startswith("pattern_"):
                    step.data["next"] = completed  # Rasa runs pattern_completed after a flow
                else:
                    step.data["end"] = True


def _calm_steps(raws: Any, at: DataPath) -> Iterator[tuple[dict[str, Any], DataPath]]:
    """Every step of a CALM flow, nested `then` lists included."""
    if not isinstance(raws, list):
        return
    for i, raw in enumerate(raws):
        if not isinstance(raw, dict):
            continue
        yield raw, (*at, i)
        branches = raw.get("next")
        if isinstance(branches, list):
            for j, branch in enumerate(branches):
                if isinstance(branch, dict):
                    for key in ("then", "else"):
                        yield from _calm_steps(branch.get(key), (*at, i, "next", j, key))


def build(project: Project) -> None:
    """Import a Rasa Pro CALM project into ``project.data`` (flow format 1)."""
    builder = Builder(project)
    Calm(builder).build()
    builder.emit()
    add_notes(builder)
