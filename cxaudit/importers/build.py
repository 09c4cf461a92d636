"""The flow data an importer builds, with where each part of it came from.

Every importer fills one :class:`FlowBuilder` and calls :meth:`FlowBuilder.emit`, which writes
``project.data`` (flow format 1) and records, for each part, the :class:`~.base.Origin` it was
read from, so that findings point into the project's own files:

* ``bot`` and ``escalation`` are plain sections; :meth:`FlowBuilder.mark` records where their
  values come from;
* ``humans`` and ``privacy.data`` entries are added once each (:meth:`FlowBuilder.human`,
  :meth:`FlowBuilder.personal`; the first one added wins) and written in the order added;
* intents (:meth:`FlowBuilder.intent`) and the steps of each :class:`Flow` are :class:`Part`
  objects: an id, the data below it, and an origin per path within it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cxaudit.importers.base import Ids, Origin, Project
from cxaudit.locations import DataPath


@dataclass(frozen=True)
class Text:
    """A text per language (``{"en": "..."}``), and where each language's text was read."""

    values: Mapping[str, str]
    origins: Mapping[str, Origin]


@dataclass(eq=False)
class Part:
    """A step or an intent being built: its id, its data (flow format, without the id) and
    where each part of it was read from (a path relative to the part; ``()`` is the whole)."""

    id: str
    data: dict[str, Any] = field(default_factory=dict)
    origins: dict[DataPath, Origin] = field(default_factory=dict)

    def mark(self, relative: DataPath, origin: Origin | None) -> None:
        """Record that ``relative`` (a path in the part) was read from ``origin`` (the last
        record wins)."""
        if origin is not None:
            self.origins[relative] = origin

    def set(self, key: str, value: Any, origin: Origin | None) -> None:
        self.data[key] = value
        self.mark((key,), origin)

    def set_text(self, key: str, text: Text) -> None:
        """``key`` says ``text``; the key itself is placed where its first language is."""
        self.data[key] = dict(text.values)
        if text.origins:
            self.mark((key,), next(iter(text.origins.values())))
        for language, origin in text.origins.items():
            self.mark((key, language), origin)

    def add_option(
        self,
        label: dict[str, Any],
        goto: str,
        origin: Origin | None,
        label_origin: Origin | None = None,
    ) -> None:
        options = self.data.setdefault("options", [])
        options.append({"label": label, "goto": goto})
        self.mark(("options", len(options) - 1), origin)
        self.mark(("options", len(options) - 1, "label"), label_origin)


Step = Part
Intent = Part


@dataclass(eq=False)
class Flow:
    id: str
    origin: Origin | None
    steps: list[Step] = field(default_factory=list)


@dataclass(frozen=True)
class Entry:
    """A ``humans`` or ``privacy.data`` entry and where it was read."""

    data: Mapping[str, str]
    origin: Origin | None


class FlowBuilder:
    """The flow data of one project while it is built, written by :meth:`emit`."""

    def __init__(self, project: Project, separator: str) -> None:
        self.project = project
        self.ids = Ids(separator)  # one namespace for steps and flows
        self.bot: dict[str, Any] = {}
        self.escalation: dict[str, Any] = {}
        self.policy_url: str | None = None
        self.humans: dict[str, Entry] = {}  # humans id -> entry
        self.personal_data: dict[str, Entry] = {}  # field -> privacy.data entry
        self.intents: dict[str, Intent] = {}
        self.flows: list[Flow] = []
        self._origins: dict[DataPath, Origin] = {}  # bot, escalation, privacy.policy_url

    def claim(self, name: str) -> str:
        """A new step or flow id: ``name``, numbered when it is taken."""
        return self.ids.claim(name)

    def mark(self, target: DataPath, origin: Origin | None) -> None:
        """Record where a value of ``bot``, ``escalation`` or ``privacy`` was read."""
        if origin is not None:
            self._origins[target] = origin

    def human(self, human_id: str, channel: str, origin: Origin | None) -> None:
        """A ``humans`` entry (once per id)."""
        self.humans.setdefault(human_id, Entry({"id": human_id, "channel": channel}, origin))

    def personal(self, name: str, category: str, origin: Origin | None, entity: str = "") -> None:
        """A ``privacy.data`` entry for personal data the project collects (once per field):
        the project never says on what basis, so CX09 reports it until the overlay does."""
        entry = {"field": name, "category": category, "basis": "undeclared"}
        if entity:
            entry["x-entity-type"] = entity
        self.personal_data.setdefault(name, Entry(entry, origin))

    def intent(self, intent_id: str) -> Intent:
        """The intent ``intent_id``, made on first use."""
        if intent_id not in self.intents:
            self.intents[intent_id] = Intent(intent_id)
        return self.intents[intent_id]

    def emit(self) -> None:
        """Write the built flow into ``project.data`` and record where every part came from."""
        data: dict[str, Any] = {"cxaudit": 1, "bot": self.bot}
        if self.humans:
            data["humans"] = [dict(entry.data) for entry in self.humans.values()]
            self._record(("humans",), list(self.humans.values()))
        if self.escalation:
            data["escalation"] = self.escalation
        privacy: dict[str, Any] = {}
        if self.policy_url is not None:
            privacy["policy_url"] = self.policy_url
        if self.personal_data:
            privacy["data"] = [dict(entry.data) for entry in self.personal_data.values()]
            self._record(("privacy", "data"), list(self.personal_data.values()))
        if privacy:
            data["privacy"] = privacy
        if self.intents:
            data["intents"] = []
            for i, intent in enumerate(self.intents.values()):
                data["intents"].append({"id": intent.id, **intent.data})
                self._parts(("intents", i), intent)
        data["flows"] = []
        for f, flow in enumerate(f for f in self.flows if f.steps):
            data["flows"].append({"id": flow.id, "steps": []})
            if flow.origin is not None:
                self.project.origin(("flows", f), flow.origin)
            for s, step in enumerate(flow.steps):
                data["flows"][f]["steps"].append({"id": step.id, **step.data})
                self._parts(("flows", f, "steps", s), step)
        for target, origin in self._origins.items():
            self.project.origin(target, origin)
        self.project.data = data

    def _record(self, at: DataPath, entries: list[Entry]) -> None:
        for i, entry in enumerate(entries):
            if entry.origin is not None:
                self.project.origin((*at, i), entry.origin)

    def _parts(self, at: DataPath, part: Part) -> None:
        for relative, origin in part.origins.items():
            self.project.origin((*at, *relative), origin)
