"""Run the composite action in action.yml the way the GitHub runner does, on this machine.

Enough of the runner for the action's own steps: ``${{ }}`` expressions over ``inputs``,
``steps.<id>.outputs``/``outcome``, ``github.action_path``, ``runner.temp`` and ``runner.os``
(``&&``, ``||``, ``!``, ``==``, ``!=``, ``'strings'``, ``cancelled()``/``success()``/
``failure()``/``always()``); ``if:``, ``continue-on-error``, step ``env``, ``$GITHUB_OUTPUT``
and ``$GITHUB_ENV``; a failed step fails the job unless it may fail. Steps that ``uses:`` another
action are stood in for by a function of the test (no network here): the result is a job's
outcome as GitHub would compute it for the same step results.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import ROOT

#: A stand-in for a ``uses:`` step: given its ``with:`` values, returns (ok, outputs).
StandIn = Callable[[Mapping[str, str]], tuple[bool, dict[str, str]]]

_TOKEN = re.compile(r"\s*(?:(\|\||&&|==|!=|!|\(|\))|'((?:[^']|'')*)'|([A-Za-z_][\w.-]*))")


@dataclass
class Job:
    """The result of one run: each step's outcome and outputs, the job's, and what it printed."""

    outcomes: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    action_outputs: dict[str, str] = field(default_factory=dict)
    log: str = ""
    failed: bool = False


class Expression:
    """A GitHub Actions expression, evaluated over a context (strings all the way)."""

    def __init__(self, text: str, lookup: Callable[[str], str], job: Job) -> None:
        self.tokens = [m for m in _TOKEN.finditer(text) if m.group(0).strip()]
        consumed = "".join(m.group(0) for m in self.tokens).replace(" ", "")
        if consumed != text.replace(" ", ""):
            raise ValueError(f"cannot read the expression {text!r}")
        self.pos, self.lookup, self.job = 0, lookup, job

    def value(self) -> Any:
        result = self._or()
        if self.pos != len(self.tokens):
            raise ValueError("trailing tokens in an expression")
        return result

    def _peek(self) -> str | None:
        return self.tokens[self.pos].group(1) if self.pos < len(self.tokens) else None

    def _or(self) -> Any:
        left = self._and()
        while self._peek() == "||":
            self.pos += 1
            right = self._and()
            left = left or right
        return left

    def _and(self) -> Any:
        left = self._compare()
        while self._peek() == "&&":
            self.pos += 1
            right = self._compare()
            left = left and right
        return left

    def _compare(self) -> Any:
        left = self._unary()
        while self._peek() in ("==", "!="):
            op = self._peek()
            self.pos += 1
            right = self._unary()
            left = (str(left).lower() == str(right).lower()) == (op == "==")
        return left

    def _unary(self) -> Any:
        if self._peek() == "!":
            self.pos += 1
            return not self._unary()
        if self._peek() == "(":
            self.pos += 1
            inner = self._or()
            self.pos += 1
            return inner
        token = self.tokens[self.pos]
        self.pos += 1
        if token.group(2) is not None:
            return token.group(2).replace("''", "'")
        name = token.group(3)
        if self._peek() == "(":
            self.pos += 2
            return {
                "cancelled": False,
                "always": True,
                "success": not self.job.failed,
                "failure": self.job.failed,
            }[name]
        if name in ("true", "false"):
            return name == "true"
        return self.lookup(name)


def run_action(
    workdir: Path,
    inputs: Mapping[str, str],
    stand_ins: Mapping[str, StandIn],
    environ: Mapping[str, str] | None = None,
) -> Job:
    """Run action.yml's steps in ``workdir`` with ``inputs`` (defaults from action.yml)."""
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    values = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    values.update(inputs)
    temp = workdir / ".runner-temp"
    temp.mkdir(exist_ok=True)
    job = Job()
    env_file = temp / "github_env"
    env_file.touch()
    base = {
        **(os.environ if environ is None else environ),
        "GITHUB_ACTION_PATH": str(ROOT),
        "RUNNER_TEMP": str(temp),
        "RUNNER_OS": "Linux",
        "GITHUB_STEP_SUMMARY": str(temp / "summary.md"),
        "GITHUB_ENV": str(env_file),
    }

    def lookup(name: str) -> str:
        parts = name.split(".")
        if parts[0] == "inputs":
            return values[parts[1]]
        if parts[0] == "steps":
            if parts[2] == "outcome":
                return job.outcomes.get(parts[1], "")
            return job.outputs.get(parts[1], {}).get(parts[3], "")
        if name == "github.action_path":
            return str(ROOT)
        if name == "runner.temp":
            return str(temp)
        if name == "runner.os":
            return "Linux"
        raise KeyError(f"no such context in the simulator: {name}")

    def render(text: str) -> str:
        return re.sub(
            r"\$\{\{(.*?)\}\}",
            lambda m: _text(Expression(m.group(1).strip(), lookup, job).value()),
            text,
        )

    for number, step in enumerate(action["runs"]["steps"]):
        step_id = step.get("id", f"__{number}")
        condition = str(step.get("if", "success()"))
        condition = condition.removeprefix("${{").removesuffix("}}").strip()
        if not Expression(condition, lookup, job).value():
            job.outcomes[step_id] = "skipped"
            continue
        if "uses" in step:
            name = step["uses"].split("@")[0]
            with_values = {key: render(str(value)) for key, value in step.get("with", {}).items()}
            ok, outputs = stand_ins[name](with_values)
        else:
            ok, outputs = _run_script(step, render, base, env_file, temp, workdir, job)
        job.outcomes[step_id] = "success" if ok else "failure"
        job.outputs[step_id] = outputs
        if not ok and not step.get("continue-on-error", False):
            job.failed = True
    job.action_outputs = {
        name: render(str(spec["value"])) for name, spec in action["outputs"].items()
    }
    return job


def _run_script(
    step: Mapping[str, Any],
    render: Callable[[str], str],
    base: Mapping[str, str],
    env_file: Path,
    temp: Path,
    workdir: Path,
    job: Job,
) -> tuple[bool, dict[str, str]]:
    output_file = temp / "github_output"
    output_file.write_text("", encoding="utf-8")
    exported = dict(
        line.split("=", 1) for line in env_file.read_text(encoding="utf-8").splitlines() if line
    )
    env = {
        **base,
        **exported,
        **{key: render(str(value)) for key, value in step.get("env", {}).items()},
        "GITHUB_OUTPUT": str(output_file),
    }
    # `shell: bash` runs `bash --noprofile --norc -eo pipefail {0}`.
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    job.log += result.stdout + result.stderr
    outputs = dict(
        line.split("=", 1) for line in output_file.read_text(encoding="utf-8").splitlines() if line
    )
    return result.returncode == 0, outputs


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
