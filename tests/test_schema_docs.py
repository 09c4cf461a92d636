"""The flow schema documents itself for editors (docs/editors.md).

Every key has a description, references read as references, every example is valid where it
stands, the ``$id`` is the address editors fetch the schema from, and the SchemaStore entry
points there and covers the bundled examples' names. An editor (VS Code's YAML extension)
checks with Draft 7 rules, so the schema keeps to keywords Draft 7 knows.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from cxaudit.fastschema import compile_schema
from cxaudit.loader import load_text
from cxaudit.schema import validate
from tests.conftest import EXAMPLES, ROOT

SCHEMAS = ROOT / "cxaudit" / "schemas"
RAW = "https://raw.githubusercontent.com/cxaudit/cxaudit/main/"
FLOW: dict[str, Any] = json.loads((SCHEMAS / "flow.schema.json").read_text(encoding="utf-8"))
CATALOG_ENTRY = ROOT / "docs" / "schemastore-catalog-entry.json"
EDITORS = ROOT / "docs" / "editors.md"
ID = "#/$defs/id"

# Keywords whose value is a map of names to subschemas, a subschema, or a list of subschemas.
_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SINGLE = ("items", "additionalProperties", "propertyNames", "not", "contains", "if", "then")
_LISTS = ("oneOf", "anyOf", "allOf", "prefixItems")

#: Where an id is declared rather than referred to. Steps and flows share one namespace, unique
#: across the file; humans, intents and data fields each have their own.
DECLARATIONS = {
    "/$defs/step/properties/id",
    "/$defs/flow/properties/id",
    "/$defs/human/properties/id",
    "/$defs/intent/properties/id",
    "/$defs/data_field/properties/field",
}
FILE_WIDE = {"/$defs/step/properties/id", "/$defs/flow/properties/id"}
OLD_ID_TEXT = "unique across the file"
READS_AS_REFERENCE = re.compile(r"\bthe (?:id|ids|name|names) of\b", re.IGNORECASE)

#: Draft 7's keywords (validation and annotation), plus the ones the flow schema may add: the
#: 2020-12 `$defs` (editors resolve a `#/$defs/...` reference like any other), cxaudit's own
#: `x-expect` for its error messages, and VS Code's `markdownDescription`.
DRAFT7 = frozenset(
    {
        "$schema",
        "$id",
        "$ref",
        "$comment",
        "title",
        "description",
        "default",
        "examples",
        "readOnly",
        "writeOnly",
        "type",
        "enum",
        "const",
        "multipleOf",
        "maximum",
        "exclusiveMaximum",
        "minimum",
        "exclusiveMinimum",
        "maxLength",
        "minLength",
        "pattern",
        "format",
        "items",
        "additionalItems",
        "maxItems",
        "minItems",
        "uniqueItems",
        "contains",
        "maxProperties",
        "minProperties",
        "required",
        "properties",
        "patternProperties",
        "additionalProperties",
        "dependencies",
        "propertyNames",
        "if",
        "then",
        "else",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "definitions",
        "contentMediaType",
        "contentEncoding",
    }
)
EXTRA_KEYWORDS = frozenset({"$defs", "x-expect", "markdownDescription"})
ANNOTATIONS = frozenset({"title", "description", "markdownDescription", "examples", "x-expect"})


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def subschemas(node: Any, pointer: str = "", via: str = "") -> Iterator[tuple[str, Any, str]]:
    """Every subschema with its JSON pointer and the keyword it sits under ("" for the root)."""
    yield pointer, node, via
    if not isinstance(node, dict):
        return
    for keyword in _MAPS:
        for name, sub in node.get(keyword, {}).items():
            yield from subschemas(sub, f"{pointer}/{keyword}/{_escape(name)}", keyword)
    for keyword in _SINGLE:
        if keyword in node:
            yield from subschemas(node[keyword], f"{pointer}/{keyword}", keyword)
    for keyword in _LISTS:
        for i, sub in enumerate(node.get(keyword, [])):
            yield from subschemas(sub, f"{pointer}/{keyword}/{i}", keyword)


NODES = list(subschemas(FLOW))
#: Every key of the format at every depth, and every shared definition.
PROPERTIES = {p: node for p, node, via in NODES if via in ("properties", "$defs")}
REFERENCES = {p: node for p, node, _ in NODES if isinstance(node, dict) and node.get("$ref") == ID}
EXAMPLES_AT = [
    (p, i, example)
    for p, node, _ in NODES
    if isinstance(node, dict) and "examples" in node
    for i, example in enumerate(node["examples"])
]


def _refers_to_id(node: Any) -> bool:
    """Does this subschema take an id, itself or in its items, branches or map keys and values?
    (Not through `properties`: a map with named keys is described key by key.)"""
    return any(
        isinstance(sub, dict) and sub.get("$ref") == ID
        for pointer, sub, _ in subschemas(node)
        if "/properties/" not in pointer and "/$defs/" not in pointer
    )


def test_the_walk_finds_the_whole_schema() -> None:
    assert len(PROPERTIES) >= 80
    assert set(REFERENCES) >= DECLARATIONS  # declarations take the shared id definition too
    assert len(REFERENCES) - len(DECLARATIONS) >= 15
    assert len(EXAMPLES_AT) >= 50


@pytest.mark.parametrize("pointer", sorted(PROPERTIES))
def test_every_key_and_definition_is_described(pointer: str) -> None:
    node = PROPERTIES[pointer]
    assert isinstance(node, dict)
    description = node.get("description")
    assert isinstance(description, str) and description.strip(), f"{pointer} has no description"


@pytest.mark.parametrize("pointer", sorted(set(REFERENCES) - DECLARATIONS))
def test_a_reference_says_what_it_names(pointer: str) -> None:
    """Each use of the shared id definition carries its own description (Draft 2020-12 allows
    it beside `$ref`), so an editor never shows a declaration's text on a reference."""
    description = REFERENCES[pointer].get("description", "")
    assert READS_AS_REFERENCE.search(description), f"{pointer}: {description!r}"
    assert OLD_ID_TEXT not in description


def test_keys_holding_references_read_as_references() -> None:
    holding = [
        p
        for p, node in PROPERTIES.items()
        if p not in DECLARATIONS and p.split("/")[-2] == "properties" and _refers_to_id(node)
    ]
    assert len(holding) >= 13
    for pointer in holding:
        description = PROPERTIES[pointer]["description"]
        assert READS_AS_REFERENCE.search(description), f"{pointer}: {description!r}"
        assert OLD_ID_TEXT not in description, pointer


def test_only_step_and_flow_ids_are_unique_across_the_file() -> None:
    said = {
        p
        for p, node, _ in NODES
        if isinstance(node, dict) and OLD_ID_TEXT in node.get("description", "")
    }
    assert said == FILE_WIDE
    assert OLD_ID_TEXT not in FLOW["$defs"]["id"]["description"]
    for pointer in DECLARATIONS:
        assert "declared here" in REFERENCES[pointer]["description"], pointer


def _registry() -> Registry[Any]:
    resource: Resource[Any] = Resource.from_contents(FLOW, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(FLOW["$id"], resource)
    return registry


REGISTRY = _registry()


@pytest.mark.parametrize(
    ("pointer", "index", "example"),
    EXAMPLES_AT,
    ids=[f"{p or '/'}[{i}]" for p, i, _ in EXAMPLES_AT],
)
def test_every_example_is_valid_where_it_stands(pointer: str, index: int, example: Any) -> None:
    """Resolved against the whole schema, so an example of a key that refers to a shared
    definition is checked against that definition too."""
    validator = Draft202012Validator({"$ref": f"{FLOW['$id']}#{pointer}"}, registry=REGISTRY)
    errors = [e.message for e in validator.iter_errors(example)]
    assert not errors, f"{pointer} examples[{index}]: {errors}"


@pytest.mark.parametrize("path", sorted(SCHEMAS.glob("*.schema.json")), ids=lambda path: path.name)
def test_the_id_is_the_raw_address_of_the_file(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["$id"] == RAW + path.relative_to(ROOT).as_posix()


def test_the_schemastore_entry_points_at_the_flow_schema() -> None:
    entry = json.loads(CATALOG_ENTRY.read_text(encoding="utf-8"))
    assert set(entry) == {"name", "description", "fileMatch", "url"}
    assert entry["name"].strip() and entry["description"].strip()
    assert entry["url"] == FLOW["$id"]
    assert entry["fileMatch"] == ["*.flow.yaml", "*.flow.yml"]
    names = sorted(path.name for path in EXAMPLES.glob("*.yaml"))
    assert names
    for name in names:
        assert any(fnmatch.fnmatchcase(name, pattern) for pattern in entry["fileMatch"]), name


def test_the_editors_page_shows_the_entry_and_the_address() -> None:
    page = EDITORS.read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(.*?)```", page, re.DOTALL)
    entry = json.loads(CATALOG_ENTRY.read_text(encoding="utf-8"))
    assert entry in [json.loads(block) for block in blocks]
    assert f"$schema={FLOW['$id']}" in page
    assert f'"{FLOW["$id"]}": [' in page  # the yaml.schemas mapping


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.flow.yaml")), ids=lambda p: p.name)
def test_the_bundled_examples_still_validate(path: Path) -> None:
    document = load_text(path.read_text(encoding="utf-8"), path.name)
    assert Draft202012Validator(FLOW).is_valid(document.data)
    assert compile_schema(FLOW)(document.data) is True  # the annotations keep the fast check on
    assert validate(document, "flow.schema.json") == []


@pytest.mark.parametrize("path", sorted(SCHEMAS.glob("*.schema.json")), ids=lambda p: p.name)
def test_the_schemas_keep_to_what_editors_implement(path: Path) -> None:
    """Draft 7 keywords only (and `$defs`); beside a `$ref` only annotations, which Draft 7
    editors show but whose validation they would skip."""
    schema = json.loads(path.read_text(encoding="utf-8"))
    for pointer, node, _ in subschemas(schema):
        if not isinstance(node, dict):
            continue
        unknown = set(node) - DRAFT7 - EXTRA_KEYWORDS
        assert not unknown, f"{path.name}{pointer}: {sorted(unknown)}"
        if "$ref" in node:
            assert set(node) - {"$ref"} <= ANNOTATIONS, f"{path.name}{pointer}"
