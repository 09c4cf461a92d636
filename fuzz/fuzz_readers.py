"""Coverage-guided fuzzing of the readers that take files from a pull request besides flow files
(not part of the test run; tests/test_fuzz_targets.py runs each target on seeds and mutations):

- ``baseline``: a baseline file (``check --baseline``);
- ``config``: a ``.cxaudit.yaml`` and a ``pyproject.toml`` with ``[tool.cxaudit]``;
- ``zip``: a Dialogflow export archive, unpacked and imported;
- ``cx-page``, ``es-intent``, ``rasa-rules``, ``calm-flows``: one file of a small project of
  each kind, the rest of the project fixed.

The first byte of an input picks the target (modulo their number), the rest is the file. An
``InputError`` is the expected answer to bad input; any other exception, a hang or a crash is a
bug:

    pip install atheris
    python fuzz/fuzz_readers.py -max_total_time=300 -max_len=65536 fuzz/corpus-readers

A failure leaves a ``crash-*`` file to reproduce with ``python fuzz/fuzz_readers.py crash-...``.
"""

from __future__ import annotations

import contextlib
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

try:
    import atheris
except ImportError:  # tests/test_fuzz_targets.py runs the targets without it
    atheris = None

with atheris.instrument_imports() if atheris is not None else contextlib.nullcontext():
    from cxaudit.baseline import read_baseline
    from cxaudit.config import read_config
    from cxaudit.diagnostics import InputError
    from cxaudit.importers.load import import_path
    from cxaudit.pyproject import TomlSourceMap, read_section


def _write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def baseline(folder: Path, data: bytes) -> None:
    read_baseline(_write(folder, "baseline.json", data), "baseline.json")


def config(folder: Path, data: bytes) -> None:
    read_config(_write(folder, ".cxaudit.yaml", data))
    pyproject = _write(folder, "pyproject.toml", b"[tool.cxaudit]\n" + data)
    _, positions = read_section(pyproject, "pyproject.toml")
    TomlSourceMap(data.decode("utf-8", "replace"))
    positions.locate(("rules", "CX01"))


def archive(folder: Path, data: bytes) -> None:
    import_path(_write(folder, "agent.zip", data), "agent.zip")


def cx_page(folder: Path, data: bytes) -> None:
    root = folder / "agent"
    _write(root, "agent.json", json.dumps({"displayName": "Bot", "defaultLanguageCode": "en"}))
    start = {
        "displayName": "Default Start Flow",
        "transitionRoutes": [{"intent": "Default Welcome Intent", "targetPage": "Menu"}],
    }
    _write(root, "flows/Default Start Flow/Default Start Flow.json", json.dumps(start))
    _write(root, "flows/Default Start Flow/pages/Menu.json", data)
    _write(root, "intents/Default Welcome Intent/Default Welcome Intent.json", "{}")
    import_path(root, "agent")


def es_intent(folder: Path, data: bytes) -> None:
    root = folder / "agent"
    _write(root, "agent.json", json.dumps({"displayName": "Bot", "language": "en"}))
    _write(root, "intents/Default Welcome Intent.json", data)
    _write(root, "intents/Default Welcome Intent_usersays_en.json", "[]")
    import_path(root, "agent")


def rasa_rules(folder: Path, data: bytes) -> None:
    root = folder / "bot"
    _write(root, "domain.yml", 'version: "3.1"\nresponses:\n  utter_greet:\n  - text: "Hi"\n')
    _write(root, "data/rules.yml", data)
    import_path(root, "bot")


def calm_flows(folder: Path, data: bytes) -> None:
    root = folder / "bot"
    _write(root, "domain.yml", 'version: "3.1"\nresponses:\n  utter_greet:\n  - text: "Hi"\n')
    _write(root, "data/flows.yml", b"flows:\n" + data)
    import_path(root, "bot")


TARGETS: dict[str, Callable[[Path, bytes], None]] = {
    "baseline": baseline,
    "config": config,
    "zip": archive,
    "cx-page": cx_page,
    "es-intent": es_intent,
    "rasa-rules": rasa_rules,
    "calm-flows": calm_flows,
}


def test_one_input(raw: bytes) -> None:
    if not raw:
        return
    target = list(TARGETS.values())[raw[0] % len(TARGETS)]
    with tempfile.TemporaryDirectory(prefix="cxaudit-fuzz-") as folder:
        try:
            target(Path(folder), raw[1:])
        except InputError:
            return


def main() -> None:
    if atheris is None:
        sys.exit("pip install atheris")
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
