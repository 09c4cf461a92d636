"""JSON Schema validation with messages written for people: position, path, did-you-mean.

jsonschema's own messages quote the whole offending instance (which may be megabytes) and
speak in schema terms; cxaudit rewrites each error into one short sentence that names the key
and where it is, and suggests the nearest known key or value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from cxaudit.diagnostics import Diagnostic
from cxaudit.fastschema import Predicate, Unsupported, compile_schema
from cxaudit.locations import data_at, format_path
from cxaudit.resources import schema_path
from cxaudit.suggest import did_you_mean, did_you_mean_value, quoted, short

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

    from cxaudit.loader import Document
    from cxaudit.locations import DataPath, Location, PathElem

#: Stop after this many schema errors in one file; the first ones are the useful ones.
MAX_ERRORS = 50

_TYPE_NAMES = {
    "string": "a text",
    "object": "a map",
    "array": "a list",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "nothing (null)",
}


@cache
def load_schema(name: str) -> dict[str, Any]:
    """A shipped JSON Schema (``flow.schema.json``), parsed."""
    with schema_path(name).open(encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


@cache
def _validator(name: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load_schema(name))


@cache
def _fast(name: str) -> Predicate | None:
    try:
        return compile_schema(load_schema(name))
    except Unsupported:  # pragma: no cover - cxaudit's schemas use only what is compiled
        return None


def validate(document: Document, schema_name: str) -> list[Diagnostic]:
    """Every schema error in ``document``, as diagnostics sorted by position.

    A compiled yes/no check goes first; jsonschema runs only to explain an invalid document.
    """
    fast = _fast(schema_name)
    if fast is not None and fast(document.data):
        return []
    found: dict[tuple[int, int, str], Diagnostic] = {}
    for error in _validator(schema_name).iter_errors(document.data):
        for path, message, at_key in _explain(error, document):
            loc = document.source_map.locate(path, key=at_key)
            where = format_path(path)
            text = f"{where}: {message}" if where else message
            found.setdefault(
                (loc.line, loc.column, text),
                Diagnostic(loc.file or document.path, text, loc.line, loc.column),
            )
        if len(found) >= MAX_ERRORS:
            break
    return [found[key] for key in sorted(found)]


_CODE_KEY = re.compile(r"[a-z]{2}|x-.*")


def _comma_split(document: Document, path: DataPath) -> str | None:
    """For a language map written on one line, ``{nl: Hallo, ik ben een bot}``: the comma ends
    the unquoted text and YAML reads the rest as a second key (with no value). Say so, and show
    the map with its texts quoted; None for any other bad key."""
    *where, key = path
    parent = data_at(document.data, tuple(where))
    if not isinstance(parent, dict) or not isinstance(key, str) or parent.get(key, "") is not None:
        return None
    locate = document.source_map.locate
    line = locate(path, key=True).line
    entries: list[list[str]] = []  # [key, text, text, ...]: one language and its pieces
    for name, value in parent.items():
        if not isinstance(name, str) or locate((*where, name), key=True).line != line:
            return None
        if value is None and not _CODE_KEY.fullmatch(name):
            if not entries:
                entries.append(["", name])
            else:
                entries[-1].append(name)
        elif isinstance(value, str):
            entries.append([name, value])
        else:
            return None
    fixed = {k: ", ".join(pieces) for k, *pieces in entries}
    if "" in fixed:  # no language code before the comma: the braces made the text a map
        if len(fixed) > 1:
            return None
        return (
            "braces {...} make a map of language codes, and each comma in it starts a new "
            f"key; for a text in one language, leave out the braces and quote the text: "
            f"{_key_prefix(where)}{quoted(fixed[''])}"
        )
    before = next(k for k, *pieces in entries if key in pieces)
    shown = "{" + ", ".join(f"{k}: {quoted(v)}" for k, v in fixed.items()) + "}"
    if len(shown) > 120:
        shown = "{" + f"{before}: {quoted(fixed[before])}" + "}"
    return (
        f"the comma in the {before} text ends it, so YAML reads '{short(key)}' as a language "
        f"code; quote the text: {shown}"
    )


def _comma_in_text(document: Document, path: DataPath) -> str | None:
    """For a map written on one line, ``{label: Iets retourneren, graag, goto: returns}``: the
    comma ends the unquoted text of ``label``, and YAML reads the rest as a key with no value.
    Say so, with the text quoted; None for any other unknown key.

    Told from positions alone: the unknown key has no value (not even a colon), and sits on the
    same line right after a comma that follows another key's plain (unquoted) text."""
    *where, key = path
    parent = data_at(document.data, tuple(where))
    if not isinstance(parent, dict) or not isinstance(key, str) or key not in parent:
        return None
    locate = document.source_map.locate
    texts: list[tuple[str, str, list[str]]] = []  # a plain text's key, the text, its pieces
    end: Location | None = None  # where the last plain text (and its pieces) ends
    for name, value in parent.items():
        if not isinstance(name, str):
            return None
        at_key = locate((*where, name), key=True)
        at_value = locate((*where, name))
        if (  # a key with no colon and no value, right after the text: a piece of it
            value is None
            and end is not None
            and end.end_column is not None
            and end.end_line == at_key.line
            and at_key.column > end.end_column
            and (at_value.line, at_value.column) == (at_key.end_line, at_key.end_column)
        ):
            owner, text, pieces = texts[-1]
            text += "," + " " * (at_key.column - end.end_column - 1) + name
            texts[-1] = (owner, text, [*pieces, name])
            end = at_key
            continue
        end = None
        if isinstance(value, str) and _plain_on_one_line(value, at_value):
            texts.append((name, value, []))
            end = at_value
    for owner, text, pieces in texts:
        if key in pieces:
            return (
                f"the comma in the text of '{short(owner)}' ends it, so YAML reads "
                f"'{short(key)}' as a key; quote the text: {owner}: {quoted(text)}"
            )
    return None


def _plain_on_one_line(value: str, at: Location) -> bool:
    """Is this text written unquoted on one line (as long in the file as it is)?"""
    return (
        at.end_line == at.line
        and at.end_column is not None
        and at.end_column - at.column == len(value)
        and value[:1] not in ("'", '"')
    )


def _key_prefix(path: list[PathElem]) -> str:
    return f"{path[-1]}: " if path and isinstance(path[-1], str) else ""


def _explain(
    error: ValidationError, document: Document | None = None
) -> list[tuple[DataPath, str, bool]]:
    """One or more (path, message, point-at-key) for a jsonschema error; the document, where
    given, lets a message say how the YAML was read."""
    path: DataPath = tuple(error.absolute_path)
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    instance = error.instance
    validator = error.validator
    expected: Any = error.validator_value
    if "propertyNames" in error.absolute_schema_path and isinstance(instance, str):
        # A map key that is not allowed (a language code, an id): point at the key itself. The
        # key may be explained by a branch below propertyNames (a text map's language_key).
        expect = _expect(error, "a valid key")
        message = f"the key '{short(instance)}' is not {expect}{_value_hint(error)}"
        if document is not None:
            message = _comma_split(document, (*path, instance)) or message
        return [((*path, instance), message, True)]
    if validator in ("oneOf", "anyOf"):
        deeper = _deeper_error(error)
        if deeper is not None:
            return _explain(deeper, document)
        expect = schema.get("x-expect", "another kind of value")
        return [(path, f"expected {expect}, got {_kind(instance)}", False)]
    if validator == "additionalProperties" and isinstance(instance, dict):
        # `additionalProperties: false` is only used on maps with named keys (and x- notes).
        known = list(schema.get("properties", {}))
        pattern_keys = [re.compile(p) for p in schema.get("patternProperties", {})]
        extras = [
            k for k in instance if k not in known and not any(p.search(k) for p in pattern_keys)
        ]
        found: list[tuple[DataPath, str, bool]] = []
        for k in extras:
            comma = _comma_in_text(document, (*path, k)) if document is not None else None
            if comma:
                found.append(((*path, k), f"unknown key '{short(k)}': {comma}", True))
                continue
            message = f"unknown key '{short(k)}'{did_you_mean(k, known)}"
            if not did_you_mean(k, known):
                message += f" (known keys: {', '.join(known)})"
            found.append(((*path, k), message, True))
        return found
    if validator == "required":
        missing = [k for k in expected if isinstance(instance, dict) and k not in instance]
        return [(path, f"missing required key '{k}'", False) for k in missing]
    if validator == "type":
        names = [expected] if isinstance(expected, str) else list(expected)
        wanted = " or ".join(_TYPE_NAMES.get(n, n) for n in names)
        return [(path, f"expected {wanted}, got {_kind(instance)}", False)]
    if validator == "enum":
        allowed = [str(v) for v in expected]
        hint = did_you_mean(str(instance), allowed) if isinstance(instance, str) else ""
        return [(path, f"'{short(instance)}' is not one of: {', '.join(allowed)}{hint}", False)]
    if validator == "const":
        return [
            (
                path,
                f"expected {schema.get('x-expect', repr(expected))}, got '{short(instance)}'",
                False,
            )
        ]
    if validator == "pattern":
        expect = _expect(error, _NO_EXPECT)
        return [(path, f"'{short(instance)}' is not {expect}{_value_hint(error)}", False)]
    if validator == "minItems":
        return [(path, f"needs at least {expected} item(s)", False)]
    if validator == "minProperties":
        return [(path, f"needs at least {expected} key(s)", False)]
    if validator == "minLength":
        return [(path, "must not be empty", False)]
    if validator == "minimum":
        return [(path, f"must be at least {expected}, got {short(instance)}", False)]
    if validator == "maximum":
        return [(path, f"must be at most {expected}, got {short(instance)}", False)]
    if validator == "exclusiveMinimum":
        return [(path, f"must be more than {expected}, got {short(instance)}", False)]
    if validator == "uniqueItems":
        return [(path, "lists the same item more than once", False)]
    return [(path, f"is not valid here ({validator})", False)]


#: What a pattern without an ``x-expect`` asks for: never the regex itself, which few can read.
_NO_EXPECT = "written the way this key needs (`cxaudit schema` shows the format)"


def _expect(error: ValidationError, default: str) -> str:
    """What the value should be, in words: the ``x-expect`` of the failing schema, else of the
    nearest schema around it (an anyOf branch's own pattern has none), else ``default``."""
    current: Any = error  # jsonschema types .parent as its private base class
    while current is not None:
        schema = current.schema if isinstance(current.schema, Mapping) else {}
        if isinstance(schema.get("x-expect"), str):
            return str(schema["x-expect"])
        current = current.parent
    return default


def _value_hint(error: ValidationError) -> str:
    """ "; did you mean '...'?" for a text that fails a pattern: a correction that matches the
    pattern, or, for one branch of an anyOf/oneOf, the pattern of another branch."""
    if not isinstance(error.instance, str):
        return ""
    patterns = [error.validator_value] if error.validator == "pattern" else []
    parent: Any = error.parent
    if parent is not None and parent.validator in ("anyOf", "oneOf"):
        patterns += [e.validator_value for e in parent.context or () if e.validator == "pattern"]
    for pattern in patterns:
        hint = did_you_mean_value(error.instance, pattern) if isinstance(pattern, str) else ""
        if hint:
            return hint
    return ""


def _deeper_error(error: ValidationError) -> ValidationError | None:
    """For oneOf/anyOf: the branch error that explains the problem, if one branch fits the type."""
    from jsonschema.exceptions import best_match

    if not error.context:
        return None
    # Only branches whose own type accepted the value are informative: for a map where a
    # text was expected, "expected a string" from the other branch says nothing new, and
    # neither does anything else that branch says about it.
    wrong_type = {
        e.relative_schema_path[0]
        for e in error.context
        if e.validator == "type" and not e.relative_path and e.relative_schema_path
    }
    fitting = [
        e
        for e in error.context
        if (e.validator != "type" or len(e.relative_path) > 0)
        and not (e.relative_schema_path and e.relative_schema_path[0] in wrong_type)
    ]
    if not fitting:
        return None
    best: ValidationError | None = best_match(fitting)
    if best is None or (best.validator == "type" and not best.relative_path):
        return None
    return best


def _kind(instance: object) -> str:
    if isinstance(instance, bool):
        return f"'{str(instance).lower()}'"
    if isinstance(instance, str):
        return f"the text '{short(instance)}'"
    if isinstance(instance, dict):
        return "a map"
    if isinstance(instance, list):
        return "a list"
    if instance is None:
        return "nothing"
    return f"'{short(instance)}'"
