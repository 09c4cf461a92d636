from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cxaudit.engine import Settings, audit
from cxaudit.report import Report

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"

Check = Callable[..., Report]


@pytest.fixture
def check_text(tmp_path: Path) -> Check:
    """Write a flow text to a file and audit it (report language English unless told)."""

    def run(
        text: str, *, name: str = "flow.yaml", language: str = "en", **settings: object
    ) -> Report:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return audit([(path, name)], Settings(language=language, **settings))  # type: ignore[arg-type]

    return run


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty repository (with .git, where the search for configuration stops), as cwd."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "bots").mkdir()
    return tmp_path


def data_paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into a loaded YAML document, for damaging it somewhere at random."""
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += data_paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += data_paths(value, (*prefix, index))
    return found


def parent_of(data: Any, path: tuple[Any, ...]) -> Any:
    """The map or list that holds the item at ``path``."""
    for part in path[:-1]:
        data = data[part]
    return data
