"""The fuzz targets (fuzz/), run here without atheris on seeds and on fixed mutations of them:
the harnesses stay runnable, and every mutation is either read or refused with an input error
(anything else raises here, as a fuzzer would report it)."""

from __future__ import annotations

import importlib.util
import json
import random
import zipfile
from io import BytesIO
from types import ModuleType

import pytest

from tests.conftest import ROOT

MUTATIONS = 60


def target(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "fuzz" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def mutations(seed: bytes, rng: random.Random) -> list[bytes]:
    """Byte flips, cuts, repeats and insertions of characters that matter to YAML and JSON."""
    found = [seed]
    for _ in range(MUTATIONS):
        data = bytearray(seed)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(data) + 1)
            kind = rng.randrange(4)
            if kind == 0 and data:
                data[min(at, len(data) - 1)] = rng.randrange(256)
            elif kind == 1:
                del data[at : at + rng.randint(1, 16)]
            elif kind == 2:
                data[at:at] = rng.choice([b"[", b"{", b"&a ", b"*a", b'"', b"\\u", b"\n- ", b": "])
            else:
                data[at:at] = data[at : at + rng.randint(1, 32)] * rng.randint(2, 20)
        found.append(bytes(data))
    return found


def _zip() -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "agent.json", json.dumps({"displayName": "Bot", "defaultLanguageCode": "en"})
        )
        archive.writestr("flows/Default Start Flow/Default Start Flow.json", '{"displayName": "x"}')
    return buffer.getvalue()


SEEDS = {
    "baseline": b'{"cxaudit": "0.1.0", "format": 1, "files": {"flow.yaml": {"score": 50.0, '
    b'"findings": [{"fingerprint": "abc", "rule": "CX01", "check": "x", "message": "m"}]}}}',
    "config": b"fail_under: 70\nrules:\n  CX03: {max_retries: 2}\nprofile: strict\n",
    "zip": _zip(),
    "cx-page": json.dumps(
        {
            "displayName": "Menu",
            "entryFulfillment": {"messages": [{"text": {"text": ["Hi, I am a bot."]}}]},
            "transitionRoutes": [{"intent": "agent", "targetPage": "End Session"}],
        }
    ).encode(),
    "es-intent": json.dumps(
        {"name": "Default Welcome Intent", "responses": [{"messages": [{"speech": ["Hi"]}]}]}
    ).encode(),
    "rasa-rules": b'version: "3.1"\nrules:\n- rule: greet\n  steps:\n  - intent: greet\n'
    b"  - action: utter_greet\n",
    "calm-flows": b"  main:\n    description: help\n    steps:\n    - collect: a\n"
    b"      next:\n      - if: slots.a is x\n        then: END\n      - else: END\n",
}


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_a_reader_target_reads_or_refuses_every_mutation(name: str) -> None:
    module = target("fuzz_readers")
    index = list(module.TARGETS).index(name)
    rng = random.Random(name)  # the same mutations on every run
    for data in mutations(SEEDS[name], rng):
        module.test_one_input(bytes([index]) + data)


def test_the_flow_target_reads_or_refuses_every_mutation() -> None:
    module = target("fuzz_loader")
    rng = random.Random("flow")
    seed = (ROOT / "examples" / "webshop.flow.yaml").read_bytes()
    for data in mutations(seed, rng)[:30]:
        module.test_one_input(data)
