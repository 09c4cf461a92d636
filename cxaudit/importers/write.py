"""Write an imported project as a flow file (``cxaudit import``)."""

from __future__ import annotations

from typing import Any

import yaml

from cxaudit import __version__
from cxaudit.catalogue import fill, import_checks
from cxaudit.importers.base import Project


def render_flow(project: Project) -> str:
    """The flow file for an imported project: its data as YAML, after a header that says where
    it came from and lists what the project's files could not say (the import notes)."""
    lines = [
        f"# Imported by cxaudit {__version__} from {project.display} ({project.kind}).",
        "# Edit freely: this file is now the source; `cxaudit check` reads it like any flow file.",
    ]
    if project.notes:
        lines.append("#")
        lines.append("# What the project's files could not say (declare it below):")
        checks = import_checks()
        for note in project.notes:
            params = {"rule": note.rule or "import", **note.params}
            where = f" ({note.location.file}:{note.location.line})" if note.location else ""
            message = fill(checks[note.check].message["en"], params)
            lines.append(f"# - {' '.join(message.split())}{where}")
    data: dict[str, Any] = {
        "cxaudit": 1,
        **{k: v for k, v in project.data.items() if k != "cxaudit"},
    }
    body = yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False
    )
    return "\n".join(lines) + "\n" + body
