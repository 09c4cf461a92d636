"""The platforms cxaudit imports projects from, by name: the registry the command line, the
catalogue's platform texts and the importers take their names from. Plain data, below every
layer that uses it."""

from __future__ import annotations

#: The registry: format -> the module that reads it, imported on first use. Each module has a
#: ``build(project)`` that imports a project and ``MARKERS``, the files (or folders) a project
#: of its format cannot do without.
FORMATS: dict[str, str] = {
    "rasa": "cxaudit.importers.rasa3",
    "rasa-calm": "cxaudit.importers.rasa_calm",
    "dialogflow-cx": "cxaudit.importers.dialogflow_cx",
    "dialogflow-es": "cxaudit.importers.dialogflow_es",
}
