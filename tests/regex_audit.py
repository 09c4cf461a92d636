"""Every regular expression cxaudit uses, and texts built to make each one backtrack (issue 10).

:func:`collect` records each pattern compiled while cxaudit imports all its modules, checks the
bundled examples and the rule cases, and compiles every lexicon entry (the patterns of
``rules/``); :func:`adversarial` builds texts from a pattern's own alphabet: its literal runs and
characters, the characters its classes stand for, repeated alone, in pairs, and as a prefix
before a long run (``"[[" + blanks``, ``"<s " * n``, ``"$flow.a(" * n``). A pattern that
backtracks takes time quadratic (or worse) in such a text; a linear one a millisecond.

``tests/test_regexes.py`` runs every pattern on texts of 20,000 characters;
``bench/regexes.py`` on 100,000 and reports the slowest.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cxaudit.regex_literals import sre_modules

parser, sre = sre_modules()  # re._parser and re._constants (sre_parse, sre_constants on 3.10)
ROOT = Path(__file__).resolve().parent.parent

# Characters texts are made of anyway: blanks, letters, digits, punctuation, quotes, markup.
COMMON = (" ", "\t", "\n", "a", "A", "0", ".", ",", "-", "'", '"', "<", ">", "[", "(", "#", "=")
_CATEGORY = {
    sre.CATEGORY_DIGIT: "0",
    sre.CATEGORY_NOT_DIGIT: "a",
    sre.CATEGORY_SPACE: " ",
    sre.CATEGORY_NOT_SPACE: "a",
    sre.CATEGORY_WORD: "a",
    sre.CATEGORY_NOT_WORD: " ",
}


def collect() -> dict[tuple[str, int], re.Pattern[str]]:
    """(source, flags) -> pattern, for every text pattern cxaudit compiles, recorded in a fresh
    interpreter (in one that ran cxaudit before, cached patterns are not compiled again)."""
    import json
    import subprocess

    done = subprocess.run(
        [sys.executable, "-c", "from tests.regex_audit import _print_collected as p; p()"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return {(source, flags): re.compile(source, flags) for source, flags in json.loads(done.stdout)}


def _print_collected() -> None:
    import json

    print(json.dumps(sorted(_collect_here())))


def _collect_here() -> dict[tuple[str, int], re.Pattern[str]]:
    import importlib
    import pkgutil

    import cxaudit

    recorded: dict[tuple[str, int], re.Pattern[str]] = {}
    original = re._compile  # type: ignore[attr-defined]

    package = str(Path(cxaudit.__file__).parent)

    def record(pattern: Any, flags: Any) -> Any:
        compiled = original(pattern, flags)
        if isinstance(pattern, str) and _called_from(package):
            recorded[(pattern, int(flags) & ~re.UNICODE)] = compiled
        return compiled

    re._compile = record  # type: ignore[attr-defined]
    re.purge()
    try:
        for module in pkgutil.walk_packages(cxaudit.__path__, "cxaudit."):
            if not module.name.endswith("__main__"):  # that one runs the command line
                importlib.import_module(module.name)
        _workload()
    finally:
        re._compile = original  # type: ignore[attr-defined]
    # Patterns compiled at import time before recording began are module attributes.
    for name, module_object in list(sys.modules.items()):
        if name.startswith("cxaudit"):
            for value in vars(module_object).values():
                if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                    recorded.setdefault((value.pattern, value.flags & ~re.UNICODE), value)
    return recorded


def _called_from(package: str) -> bool:
    """Was the pattern compiled by cxaudit's code (not by a library it uses, such as rich,
    whose patterns never see a bot's text: its reports are printed with markup off)?"""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.endswith(("re/__init__.py", "/re.py")):
        frame = frame.f_back  # type: ignore[assignment]
    return frame is not None and frame.f_code.co_filename.startswith(package)


def _workload() -> None:
    """Run what compiles patterns lazily: the engine on the examples and the rule cases, the
    lexicons, the evidence readers."""
    from cxaudit.engine import audit_files
    from cxaudit.lexicon import available_languages, load_lexicon
    from cxaudit.loading import Settings

    files = sorted((ROOT / "examples").glob("*.yaml")) + sorted(
        (ROOT / "tests" / "cases").glob("*.yaml")
    )
    audit_files([(f, f.name) for f in files], Settings(language="en", discover_config=False))
    for rule in [f"CX{n:02d}" for n in range(1, 11)] + _lexicon_names():
        for language in available_languages(rule):
            lexicon = load_lexicon(rule, language)
            for entry in lexicon.entries if lexicon else ():
                _ = entry.pattern, entry.rough_pattern


def _lexicon_names() -> list[str]:
    from cxaudit.resources import rules_dir

    names = {p.name.split(".")[0] for p in (rules_dir() / "lexicons").glob("*.yaml")}
    return sorted(n for n in names if not n.lower().startswith("cx"))


def tokens(pattern: str, flags: int = 0, most: int = 12) -> list[str]:
    """What texts against ``pattern`` are made of: its literal runs (longest first), the
    characters its classes stand for, then common characters, ``most`` at most."""
    runs: list[str] = []
    chars: list[str] = []

    def walk(items: Any) -> None:
        run = ""
        for op, arg in items:
            if op is sre.LITERAL:
                run += chr(arg)
                continue
            if run:
                runs.append(run)
                run = ""
            if op is sre.NOT_LITERAL:
                chars.append("a" if chr(arg) != "a" else "b")
            elif op is sre.IN:
                for kind, value in arg:
                    if kind is sre.LITERAL:
                        chars.append(chr(value))
                    elif kind is sre.RANGE:
                        chars.append(chr(value[0]))
                    elif kind is sre.CATEGORY:
                        chars.append(_CATEGORY.get(value, "a"))
            elif op is sre.ANY:
                chars.append("a")
            elif op is sre.SUBPATTERN:
                walk(arg[3])
            elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
                walk(arg[2])
            elif op is sre.BRANCH:
                for branch in arg[1]:
                    walk(branch)
            elif op in (sre.ASSERT, sre.ASSERT_NOT):
                walk(arg[1])
            elif op is getattr(sre, "ATOMIC_GROUP", None):
                walk(arg)
            elif op is sre.CATEGORY:
                chars.append(_CATEGORY.get(arg, "a"))
        if run:
            runs.append(run)

    try:
        walk(parser.parse(pattern, flags))
    except (re.error, TypeError, ValueError):
        return list(COMMON[:most])
    ordered: list[str] = []
    for token in [*sorted(set(runs), key=lambda r: (-len(r), r))[: most // 2], *chars, *COMMON]:
        if token and token not in ordered:
            ordered.append(token)
    return ordered[:most]


def adversarial(pattern: str, flags: int, size: int, most: int = 12) -> Iterator[tuple[str, str]]:
    """(description, text) pairs of about ``size`` characters built from the pattern's tokens."""
    parts = tokens(pattern, flags, most)
    for a in parts:
        yield f"{a!r}*n", a * (size // len(a))
        for b in parts:
            if a == b:
                continue
            yield f"({a!r}+{b!r})*n", (a + b) * (size // (len(a) + len(b)))
            yield f"{a!r}+{b!r}*n", a + b * (size // len(b))
            yield f"{a!r}*n+{b!r}", a * (size // len(a)) + b


def exercise(compiled: re.Pattern[str], text: str) -> None:
    """What cxaudit does with a pattern, at its most demanding: every match from every place."""
    for _ in compiled.finditer(text):
        pass
