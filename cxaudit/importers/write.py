"""Write an imported project as a flow file (``cxaudit import``)."""

from __future__ import annotations

from typing import Any

import yaml

from cxaudit._version import __version__
from cxaudit.catalogue import fill, import_checks
from cxaudit.importers.base import Project
from cxaudit.inert import one_line
from cxaudit.loader import plain_is_text


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe writer, quoting what cxaudit's YAML 1.2 reading would not take as text."""


# Line breaks of YAML 1.1 that PyYAML's writer leaves bare, where a reader folds them away.
_BREAKS = frozenset("\x85\u2028\u2029")


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if _BREAKS & set(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    if plain_is_text(value):
        return dumper.represent_str(value)
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="'")


_Dumper.add_representer(str, _text)


def render_flow(project: Project) -> str:
    """The flow file for an imported project: its data as YAML, after a header that says where
    it came from and lists what the project's files could not say (the import notes)."""
    # Names and messages come from the project: kept to one comment line each, so that a file
    # name holding a line break cannot write YAML (a waiver, say) into the flow file.
    lines = [
        f"# Imported by cxaudit {__version__} from {one_line(project.display)} ({project.kind}).",
        "# Edit freely: this file is now the source; `cxaudit check` reads it like any flow file.",
    ]
    if project.notes:
        lines.append("#")
        lines.append("# What the project's files could not say (declare it below):")
        checks = import_checks()
        for note in project.notes:
            params = {"rule": note.rule or "import", **note.params}
            where = (
                f" ({one_line(note.location.file or '')}:{note.location.line})"
                if note.location
                else ""
            )
            message = fill(checks[note.check].message["en"], params)
            lines.append(f"# - {one_line(' '.join(message.split()))}{where}")
    data: dict[str, Any] = {
        "cxaudit": 1,
        **{k: v for k, v in project.data.items() if k != "cxaudit"},
    }
    body = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    return "\n".join(lines) + "\n" + body
