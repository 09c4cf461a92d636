"""``cxaudit.overlay.yaml``: what a project's files cannot say, declared beside the project.

An export holds no opening hours, no legal basis for the data it collects, no sector and no
topic of an intent; a team declares them in an overlay next to the project, in the sections of a
flow file (``bot``, ``humans``, ``handoff``, ``privacy``, ``escalation``, ``waivers``) and
``intents`` (the ``topic`` of an intent the project has). The overlay is merged into the imported
data, its positions pointing at the overlay, so the rules check what is declared; notes that ask
for something the overlay declares are dropped (:func:`cxaudit.importers.content.settle_notes`).
"""

from __future__ import annotations

from typing import Any

from cxaudit.importers.base import Origin, Project, Source
from cxaudit.suggest import did_you_mean

OVERLAY = "cxaudit.overlay.yaml"
SECTIONS = ("bot", "humans", "handoff", "privacy", "escalation", "intents", "waivers")
#: What an overlay may say of an intent the project has.
INTENT_KEYS = ("id", "topic")


def merge_overlay(project: Project, source: Source | None) -> None:
    """Merge an overlay's sections into the imported data; its positions point at the overlay.

    Maps merge key by key (the overlay wins), ``humans`` entries by ``id``, ``privacy.data``
    entries by ``field`` (a declared field replaces the importer's undeclared placeholder),
    ``intents`` give an intent of the project its ``topic``, and ``waivers`` are appended.
    """
    if source is None:
        return
    data: Any = source.data
    if data is None:
        return
    if not isinstance(data, dict):
        raise project.fail("an overlay is a map of flow-file sections", Origin(source))
    for key in data:
        if key not in SECTIONS:
            raise project.fail(
                f"'{key}' cannot be overlaid{did_you_mean(str(key), SECTIONS)} "
                f"(sections: {', '.join(SECTIONS)})",
                Origin(source, (key,)),
                key=True,
            )
    target = project.data
    for section in SECTIONS:
        if section not in data:
            continue
        value = data[section]
        if section == "humans" and isinstance(value, list):
            _merge_list(project, source, ("humans",), value, "id")
        elif section == "intents":
            _topics(project, source, value)
        elif section == "waivers" and isinstance(value, list):
            existing = target.setdefault("waivers", [])
            for i, item in enumerate(value):
                project.origin(("waivers", len(existing)), Origin(source, ("waivers", i)))
                existing.append(item)
        elif section == "privacy" and isinstance(value, dict):
            privacy = target.setdefault("privacy", {})
            for key, item in value.items():
                if key == "data" and isinstance(item, list):
                    _merge_list(project, source, ("privacy", "data"), item, "field")
                else:
                    privacy[key] = item
                    project.origin(("privacy", key), Origin(source, ("privacy", key)))
        elif isinstance(value, dict) and isinstance(target.get(section), dict):
            for key, item in value.items():
                target[section][key] = item
                project.origin((section, key), Origin(source, (section, key)))
        else:
            target[section] = value
            project.origin((section,), Origin(source, (section,)))


def _topics(project: Project, source: Source, value: Any) -> None:
    """``intents: [{id, topic}]``: the topic of intents the project has (it holds none)."""
    if not isinstance(value, list):
        raise project.fail("intents is a list of {id, topic}", Origin(source, ("intents",)))
    intents = project.data.setdefault("intents", [])
    index = {item.get("id"): i for i, item in enumerate(intents) if isinstance(item, dict)}
    for i, item in enumerate(value):
        at = Origin(source, ("intents", i))
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise project.fail("an intent entry is a map with an id and a topic", at)
        for key in item:
            if key not in INTENT_KEYS:
                raise project.fail(
                    f"'{key}' cannot be declared for an intent{did_you_mean(str(key), INTENT_KEYS)}"
                    f" (keys: {', '.join(INTENT_KEYS)})",
                    Origin(source, ("intents", i, key)),
                    key=True,
                )
        name = item["id"]
        if name not in index:
            known = [str(k) for k in index if isinstance(k, str)]
            hint = did_you_mean(name, known)
            raise project.fail(
                f"'{name}' is no intent of this project{hint}", Origin(source, ("intents", i, "id"))
            )
        if "topic" in item:
            intents[index[name]]["topic"] = item["topic"]
            project.origin(
                ("intents", index[name], "topic"), Origin(source, ("intents", i, "topic"))
            )


def _merge_list(
    project: Project, source: Source, at: tuple[str, ...], items: list[Any], key: str
) -> None:
    holder: Any = project.data
    for part in at[:-1]:
        holder = holder.setdefault(part, {})
    existing: list[Any] = holder.setdefault(at[-1], [])
    index = {
        item[key]: i
        for i, item in enumerate(existing)
        if isinstance(item, dict) and isinstance(item.get(key), str)
    }
    for i, item in enumerate(items):
        name = item.get(key) if isinstance(item, dict) else None
        if not isinstance(name, str):
            name = None  # not a name: appended, and the schema says what is wrong with it
        position = index.get(name) if name is not None else None
        if position is None:
            position = len(existing)
            existing.append(item)
        else:
            existing[position] = item
        project.origin((*at, position), Origin(source, (*at, i)))
