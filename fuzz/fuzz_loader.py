"""Coverage-guided fuzzing of cxaudit's input path with atheris (not part of the test run).

Every input goes the way a flow file goes: bytes -> UTF-8 -> YAML -> data -> schema -> model ->
the ten rules. An ``InputError`` is the expected answer to bad input; any other exception, a
hang or a crash is a bug. Start from the examples and the hostile cases:

    pip install atheris
    python fuzz/fuzz_loader.py -max_total_time=300 -max_len=65536 fuzz/corpus examples

New inputs that reach new code are written to fuzz/corpus (not committed); a failure leaves a
``crash-*`` file to reproduce with ``python fuzz/fuzz_loader.py crash-...``.
"""

from __future__ import annotations

import contextlib
import sys

try:
    import atheris
except ImportError:  # tests/test_fuzz_targets.py runs the target without it
    atheris = None

with atheris.instrument_imports() if atheris is not None else contextlib.nullcontext():
    from cxaudit.checks import REGISTRY
    from cxaudit.checks.base import Context
    from cxaudit.config import Overrides, resolve
    from cxaudit.diagnostics import InputError
    from cxaudit.graph import FlowGraph
    from cxaudit.loader import load_text
    from cxaudit.loading import FLOW_SCHEMA
    from cxaudit.model import build
    from cxaudit.reading import decode
    from cxaudit.schema import validate

_RULES = resolve((), sector="other", cli=Overrides()).rules  # the catalogue's defaults


def test_one_input(raw: bytes) -> None:
    try:
        document = load_text(decode(raw, "fuzz.yaml"), "fuzz.yaml")
        if not isinstance(document.data, dict) or validate(document, FLOW_SCHEMA):
            return
        bot = build(document)
    except InputError:
        return
    context = Context(bot, FlowGraph(bot), strict=False)
    for rule_id, run in REGISTRY.items():
        run(context, _RULES[rule_id].option_values())


def main() -> None:
    if atheris is None:
        sys.exit("pip install atheris")
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
