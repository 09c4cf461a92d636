"""A fast yes/no JSON Schema check for the keywords cxaudit's own schemas use.

jsonschema explains every error well but walks a big document slowly (it was more than the YAML
parse itself on a 10,000-step bot). Almost every file cxaudit sees is valid, so a schema is
compiled once into plain Python closures that only answer "valid?"; when the answer is no,
jsonschema runs to say why. The compiler refuses any keyword it does not implement, so it can
never wave through what jsonschema would reject (a test compares the two on random documents).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

Predicate = Callable[[Any], bool]

# Keywords that only annotate, and the ones implemented below. Anything else: not compiled.
_ANNOTATIONS = frozenset(
    {
        "$schema",
        "$id",
        "title",
        "description",
        "markdownDescription",
        "examples",
        "x-expect",
        "$defs",
        "default",
    }
)
_IMPLEMENTED = frozenset(
    {
        "$ref",
        "type",
        "properties",
        "required",
        "additionalProperties",
        "patternProperties",
        "propertyNames",
        "enum",
        "const",
        "pattern",
        "minLength",
        "minItems",
        "maxItems",
        "minProperties",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "uniqueItems",
        "items",
        "oneOf",
        "anyOf",
    }
)


class Unsupported(Exception):
    """The schema uses a keyword this compiler does not implement."""


def compile_schema(schema: Mapping[str, Any]) -> Predicate:
    """A function that says whether an instance is valid against ``schema``."""
    return _Compiler(schema).compile(schema)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_TYPES: dict[str, Predicate] = {
    "string": lambda v: isinstance(v, str),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": _is_number,
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool))
        or (isinstance(v, float) and v.is_integer())
    ),
}


def _equal(a: Any, b: Any) -> bool:
    """JSON equality: true is not 1, and containers compare item by item."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    if _is_number(a) and _is_number(b):
        return bool(a == b)
    return type(a) is type(b) and bool(a == b)


class _Compiler:
    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root
        self.refs: dict[str, Predicate] = {}

    def compile(self, schema: Any) -> Predicate:
        if schema is True:
            return lambda _: True
        if schema is False:
            return lambda _: False
        if not isinstance(schema, Mapping):
            raise Unsupported(f"schema {schema!r}")
        unknown = set(schema) - _IMPLEMENTED - _ANNOTATIONS
        if unknown:
            raise Unsupported(", ".join(sorted(unknown)))
        predicates: list[Predicate] = []
        for name in schema:
            if name in _IMPLEMENTED:
                predicate = self._keyword(name, schema[name], schema)
                if predicate is not None:
                    predicates.append(predicate)
        if not predicates:
            return lambda _: True
        if len(predicates) == 1:
            return predicates[0]
        return lambda value: all(each(value) for each in predicates)

    def _ref(self, ref: str) -> Predicate:
        if not ref.startswith("#/"):
            raise Unsupported(f"$ref {ref}")
        if ref not in self.refs:
            self.refs[ref] = lambda value: False  # placeholder while compiling a recursive ref
            node: Any = self.root
            for part in ref[2:].split("/"):
                node = node[part]
            compiled = self.compile(node)
            self.refs[ref] = compiled
        refs = self.refs
        return lambda value: refs[ref](value)

    def _keyword(self, name: str, value: Any, schema: Mapping[str, Any]) -> Predicate | None:
        if name == "$ref":
            return self._ref(value)
        if name == "type":
            names = [value] if isinstance(value, str) else list(value)
            tests = [_TYPES[n] for n in names]
            return lambda v: any(t(v) for t in tests)
        if name == "properties":
            compiled = {key: self.compile(sub) for key, sub in value.items()}
            return lambda v: (
                not isinstance(v, dict)
                or all(predicate(v[key]) for key, predicate in compiled.items() if key in v)
            )
        if name == "required":
            keys = list(value)
            return lambda v: not isinstance(v, dict) or all(key in v for key in keys)
        if name == "additionalProperties":
            known = set(schema.get("properties", {}))
            patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
            extra = self.compile(value)

            def additional(v: Any) -> bool:
                if not isinstance(v, dict):
                    return True
                for key, item in v.items():
                    if (
                        key not in known
                        and not any(p.search(key) for p in patterns)
                        and not extra(item)
                    ):
                        return False
                return True

            return additional
        if name == "patternProperties":
            compiled_patterns = [(re.compile(p), self.compile(sub)) for p, sub in value.items()]
            return lambda v: (
                not isinstance(v, dict)
                or all(
                    predicate(item)
                    for key, item in v.items()
                    for p, predicate in compiled_patterns
                    if p.search(key)
                )
            )
        if name == "propertyNames":
            names_predicate = self.compile(value)
            return lambda v: not isinstance(v, dict) or all(names_predicate(key) for key in v)
        if name == "enum":
            options = list(value)
            return lambda v: any(_equal(v, option) for option in options)
        if name == "const":
            return lambda v: _equal(v, value)
        if name == "pattern":
            pattern = re.compile(value)
            return lambda v: not isinstance(v, str) or pattern.search(v) is not None
        if name == "minLength":
            return lambda v: not isinstance(v, str) or len(v) >= value
        if name == "minItems":
            return lambda v: not isinstance(v, list) or len(v) >= value
        if name == "maxItems":
            return lambda v: not isinstance(v, list) or len(v) <= value
        if name == "minProperties":
            return lambda v: not isinstance(v, dict) or len(v) >= value
        if name == "minimum":
            return lambda v: not _is_number(v) or v >= value
        if name == "maximum":
            return lambda v: not _is_number(v) or v <= value
        if name == "exclusiveMinimum":
            return lambda v: not _is_number(v) or v > value
        if name == "uniqueItems":
            return _unique if value else None
        if name == "items":
            item_predicate = self.compile(value)
            return lambda v: not isinstance(v, list) or all(item_predicate(item) for item in v)
        if name == "oneOf":
            branches = [self.compile(sub) for sub in value]
            return lambda v: sum(1 for branch in branches if branch(v)) == 1
        if name == "anyOf":
            branches = [self.compile(sub) for sub in value]
            return lambda v: any(branch(v) for branch in branches)
        raise Unsupported(name)  # pragma: no cover - _IMPLEMENTED and this list agree


def _unique(value: Any) -> bool:
    if not isinstance(value, list):
        return True
    return all(not _equal(a, b) for i, a in enumerate(value) for b in value[i + 1 :])
