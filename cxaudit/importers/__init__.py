"""Read the bots teams already have: Rasa 3, Rasa Pro CALM and Dialogflow CX projects.

An importer turns a project into the data a flow file would hold, with positions that point
into the project's own files (:mod:`cxaudit.importers.base`); :mod:`cxaudit.importers.load`
detects projects, unpacks archives and merges ``cxaudit.overlay.yaml``. The names below are
imported on first use, so a run that checks only flow files never loads the importers.
"""

from __future__ import annotations

from typing import Any

from cxaudit.platforms import FORMATS

__all__ = ["FORMATS", "detect", "import_path", "is_project", "load_project"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from cxaudit.importers import load

        return getattr(load, name)
    raise AttributeError(f"module 'cxaudit.importers' has no attribute {name!r}")
