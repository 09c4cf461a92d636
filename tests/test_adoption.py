"""The adoption files work as documented: the GitHub Action and the pre-commit hook.

The action runs here step by step as the GitHub runner would (tests/action_sim.py), with the
other actions it uses stood in for: a passing check stays green whatever becomes of the upload.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from tests.action_sim import Job, run_action
from tests.conftest import ROOT


def _action_script() -> ModuleType:
    """action/cxaudit_action.py, the action's own script (not part of the cxaudit package)."""
    spec = importlib.util.spec_from_file_location(
        "cxaudit_action", ROOT / "action" / "cxaudit_action.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


action_script = _action_script()

ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def test_pre_commit_hook() -> None:
    (hook,) = HOOKS
    assert hook["id"] == "cxaudit"
    assert hook["entry"].split()[:2] == ["cxaudit", "check"]
    pattern = re.compile(hook["files"])
    assert pattern.search("bots/shop.flow.yaml")
    assert pattern.search("bots/bank.cxaudit.yml")
    assert not pattern.search("docker-compose.yaml")
    assert not pattern.search(".cxaudit.yaml")


# -- the action's definition ---------------------------------------------------------------------


def test_action_inputs_and_outputs() -> None:
    assert set(ACTION["inputs"]) == {
        "files", "fail-under", "config", "baseline", "lang", "args", "sarif",
        "upload-sarif", "category", "version", "python-version",
    }  # fmt: skip
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["outputs"]) == {"sarif", "exit-code", "sarif-uploaded"}
    text = (ROOT / "action.yml").read_text(encoding="utf-8")
    for name in ACTION["inputs"]:
        assert f"inputs.{name} }}}}" in text, f"the input {name} is never used"


def test_action_uses_current_majors_and_never_always() -> None:
    uses = {
        step["uses"].split("@")[0]: step["uses"].split("@")[1]
        for step in ACTION["runs"]["steps"]
        if "uses" in step
    }
    assert uses == {
        "actions/setup-python": "v7",
        "actions/cache/restore": "v6",
        "actions/cache/save": "v6",
        "github/codeql-action/upload-sarif": "v4",
    }
    for step in ACTION["runs"]["steps"]:
        assert "always()" not in str(step.get("if", "")), "a cancelled run must stop"


def test_action_upload_may_fail_without_failing_the_job() -> None:
    (upload,) = (s for s in ACTION["runs"]["steps"] if "upload-sarif" in s.get("uses", ""))
    assert upload["continue-on-error"] is True
    assert "!cancelled()" in upload["if"]


def test_action_never_pastes_inputs_into_a_script() -> None:
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), (
            f"step {step.get('id') or step.get('name')} pastes an expression into its script"
        )


# -- the script's logic ---------------------------------------------------------------------------


def test_files_input_one_per_line_or_spaces() -> None:
    assert action_script.split_files("bots/ more/") == ["bots/", "more/"]
    assert action_script.split_files("my bots/a b.flow.yaml\n  x.flow.yaml  \n\n") == [
        "my bots/a b.flow.yaml",
        "x.flow.yaml",
    ]
    assert action_script.split_files("my bots/a b.flow.yaml\n") == ["my bots/a b.flow.yaml"]
    assert action_script.split_files('"my bots/a b.flow.yaml" x/') == [
        "my bots/a b.flow.yaml",
        "x/",
    ]
    with pytest.raises(action_script.InputError, match="'files' cannot be split"):
        action_script.split_files('"my bots')


def test_args_input_is_split_as_a_shell_would_never_run_by_one(tmp_path: Path) -> None:
    args = action_script.split_args("""--select CX01,CX02 --exclude "drafts/*" '$(touch x)'""")
    assert args == ["--select", "CX01,CX02", "--exclude", "drafts/*", "$(touch x)"]
    with pytest.raises(action_script.InputError, match=r"args.*closing quotation"):
        action_script.split_args('--exclude "drafts')


def test_check_arguments_put_the_users_args_last(tmp_path: Path) -> None:
    env = {
        "CXAUDIT_FILES": "bots/",
        "CXAUDIT_FAIL_UNDER": "85",
        "CXAUDIT_LANG": "nl",
        "CXAUDIT_ARGS": "--fail-under 90 --exit-zero",
        "CXAUDIT_SARIF": "out.sarif",
    }
    args = action_script.check_arguments(env, tmp_path)
    assert args[:3] == ["check", "--format", "github"]
    assert args[args.index("--lang") + 1] == "nl"
    # The user's args last among the options; the files after `--` (a name may start with -).
    assert args[-5:] == ["--fail-under", "90", "--exit-zero", "--", "bots/"]
    assert "sarif=out.sarif" in args
    assert action_script.output_warning(["--fail-under", "90", "--exit-zero"]) == ""
    noisy = action_script.split_args("--format=json -o r.txt --select CX01")
    assert "has --format, -o:" in action_script.output_warning(noisy)


@pytest.mark.parametrize(
    ("inputs", "event", "upload", "notice"),
    [
        ({}, {}, False, ""),
        ({"CXAUDIT_UPLOAD_SARIF": "false"}, {}, False, ""),
        ({"CXAUDIT_UPLOAD_SARIF": "true", "GITHUB_EVENT_NAME": "push"}, {}, True, ""),
        (
            {"CXAUDIT_UPLOAD_SARIF": "True", "GITHUB_EVENT_NAME": "pull_request"},
            {"pull_request": {"head": {"repo": {"full_name": "someone/fork"}}}},
            False,
            "fork",
        ),
        (
            {
                "CXAUDIT_UPLOAD_SARIF": "true",
                "GITHUB_EVENT_NAME": "pull_request",
                "GITHUB_ACTOR": "dependabot[bot]",
            },
            {"pull_request": {"head": {"repo": {"full_name": "bank/bot"}}}},
            False,
            "Dependabot",
        ),
        (
            {
                "CXAUDIT_UPLOAD_SARIF": "true",
                "GITHUB_EVENT_NAME": "push",
                "GITHUB_ACTOR": "dependabot[bot]",
            },
            {},
            False,
            "Dependabot",
        ),
        (
            {"CXAUDIT_UPLOAD_SARIF": "true", "GITHUB_EVENT_NAME": "pull_request"},
            {"pull_request": {"head": {"repo": {"full_name": "bank/bot"}}}},
            True,
            "",
        ),
    ],
)
def test_upload_decision(inputs: dict, event: dict, upload: bool, notice: str) -> None:  # type: ignore[type-arg]
    env = {"GITHUB_REPOSITORY": "bank/bot", **inputs}
    decided, reason = action_script.upload_decision(env, event)
    assert decided is upload
    assert (notice in reason) if notice else reason == ""


def test_upload_input_must_be_true_or_false() -> None:
    with pytest.raises(action_script.InputError, match="'upload-sarif' must be true or false"):
        action_script.upload_decision({"CXAUDIT_UPLOAD_SARIF": "yes please"}, {})


def test_workflow_commands_are_escaped() -> None:
    line = action_script.command("warning", "50% done\nnext", title="a: b, c")
    assert line == "::warning title=a%3A b%2C c::50%25 done%0Anext"


def test_cache_key_follows_what_is_installed() -> None:
    env = {"RUNNER_OS": "Linux", "CXAUDIT_PYTHON_VERSION": "3.12"}
    own = action_script.cache_key(env, ROOT)
    pinned = action_script.cache_key({**env, "CXAUDIT_VERSION": "0.1.0"}, ROOT)
    assert own.startswith("cxaudit-pip-Linux-py3.12-")
    assert own != pinned
    assert own == action_script.cache_key(env, ROOT)


# -- the whole action, run as GitHub would ---------------------------------------------------------


def fake_python(tmp_path: Path) -> Path:
    """A `python` for the install step: makes the venv's python this one; records pip installs."""
    record = tmp_path / "pip-installs.txt"
    script = tmp_path / "fake-python"
    venv_python = (
        "#!/bin/sh\n"
        'if [ "$1" = -m ] && [ "$2" = pip ]; then shift 2; echo "$*" >> '
        f"'{record}'; exit 0; fi\n"
        f"exec '{sys.executable}' \"$@\"\n"
    )
    script.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = -m ] && [ "$2" = venv ]; then mkdir -p "$3/bin"; '
        f"cat > \"$3/bin/python\" <<'EOF'\n{venv_python}EOF\n"
        'chmod +x "$3/bin/python"; exit 0; fi\n'
        f"exec '{sys.executable}' \"$@\"\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return script


def stand_ins(tmp_path: Path, upload_ok: bool, uploads: list[dict[str, str]]) -> dict:  # type: ignore[type-arg]
    python = str(fake_python(tmp_path))

    def upload(values: Mapping[str, str]) -> tuple[bool, dict[str, str]]:
        uploads.append(dict(values))
        return upload_ok, {}

    return {
        "actions/setup-python": lambda values: (True, {"python-path": python}),
        "actions/cache/restore": lambda values: (bool(values["key"]), {"cache-hit": "false"}),
        "actions/cache/save": lambda values: (bool(values["key"]), {}),
        "github/codeql-action/upload-sarif": upload,
    }


def run_in(
    tmp_path: Path,
    bots: list[str],
    inputs: dict[str, str],
    *,
    upload_ok: bool = True,
    event: dict | None = None,  # type: ignore[type-arg]
    event_name: str = "push",
) -> tuple[Job, list[dict[str, str]]]:
    (tmp_path / "bots").mkdir(exist_ok=True)
    for bot in bots:
        shutil.copy(ROOT / "examples" / f"{bot}.flow.yaml", tmp_path / "bots")
    event_path = tmp_path / "event.json"
    event_path.write_text(json.dumps(event or {}), encoding="utf-8")
    environ = {
        **os.environ,
        "GITHUB_EVENT_NAME": event_name,
        "GITHUB_EVENT_PATH": str(event_path),
        "GITHUB_REPOSITORY": "bank/bot",
        "GITHUB_ACTOR": "designer",
        "LANG": "C.UTF-8",
    }
    uploads: list[dict[str, str]] = []
    job = run_action(tmp_path, inputs, stand_ins(tmp_path, upload_ok, uploads), environ)
    return job, uploads


PRIVATE_REPO_PUSH = {"repository": {"private": True, "full_name": "bank/bot"}}


def test_private_repo_without_code_scanning_stays_green(tmp_path: Path) -> None:
    """The issue's case: upload asked, code scanning unavailable, cxaudit passed: job green."""
    job, uploads = run_in(
        tmp_path, ["webshop"], {"files": "bots", "upload-sarif": "true"},
        upload_ok=False, event=PRIVATE_REPO_PUSH,
    )  # fmt: skip
    assert not job.failed, job.log
    assert job.outcomes["upload"] == "failure"
    assert job.action_outputs["exit-code"] == "0"
    assert job.action_outputs["sarif-uploaded"] == "false"
    assert "private repository needs GitHub Code Security" in job.log
    assert "::warning title=cxaudit%3A SARIF upload::" in job.log
    assert uploads == [{"sarif_file": "cxaudit.sarif", "category": ""}]


def test_a_failing_bot_fails_the_job_and_still_uploads(tmp_path: Path) -> None:
    job, uploads = run_in(tmp_path, ["bank"], {"files": "bots", "upload-sarif": "true"})
    assert job.failed
    assert job.action_outputs["exit-code"] == "1"
    assert job.action_outputs["sarif-uploaded"] == "true"
    assert len(uploads) == 1
    annotations = [line for line in job.log.splitlines() if line.startswith("::")]
    assert annotations
    assert all(re.match(r"::(error|warning|notice)", line) for line in annotations)


def test_upload_is_off_unless_asked(tmp_path: Path) -> None:
    job, uploads = run_in(tmp_path, ["webshop"], {"files": "bots"})
    assert not job.failed, job.log
    assert uploads == []
    assert job.outcomes["upload"] == job.outcomes["uploaded"] == "skipped"
    assert job.action_outputs["sarif-uploaded"] == "false"
    assert (tmp_path / "cxaudit.sarif").is_file()  # written all the same, for an artifact
    assert "Score" in (tmp_path / ".runner-temp" / "summary.md").read_text(encoding="utf-8")


def test_pull_request_from_a_fork_skips_the_upload_with_a_notice(tmp_path: Path) -> None:
    fork = {"pull_request": {"head": {"repo": {"full_name": "someone/fork"}}}}
    job, uploads = run_in(
        tmp_path, ["webshop"], {"files": "bots", "upload-sarif": "true", "category": "bots"},
        event=fork, event_name="pull_request",
    )  # fmt: skip
    assert not job.failed, job.log
    assert uploads == []
    assert "::notice title=cxaudit::SARIF upload skipped: this pull request comes from a fork" in (
        job.log
    )


def test_every_input_reaches_cxaudit(tmp_path: Path) -> None:
    (tmp_path / "my bots").mkdir()
    shutil.copy(ROOT / "examples" / "bank.flow.yaml", tmp_path / "my bots" / "bank bot.flow.yaml")
    shutil.copy(ROOT / "examples" / "webshop.flow.yaml", tmp_path / "shop.flow.yaml")
    (tmp_path / "cx.yaml").write_text("fail_under: 50\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "cxaudit", "baseline", "my bots/bank bot.flow.yaml",
         "shop.flow.yaml", "-o", "base.json", "--config", "cx.yaml"],
        cwd=tmp_path, check=True, capture_output=True,
    )  # fmt: skip
    job, uploads = run_in(
        tmp_path,
        [],
        {
            "files": "my bots/bank bot.flow.yaml\n  shop.flow.yaml  \n\n",
            "fail-under": "95",
            "config": "cx.yaml",
            "baseline": "base.json",
            "sarif": "out dir.sarif",
            "lang": "nl",
            "args": "--select CX01,CX02,CX03,CX04,CX05,CX06,CX07,CX08,CX09,CX10",
            "upload-sarif": "true",
            "category": "bots",
        },
    )
    # Both files are checked (one per line, a space in a name), the baseline makes them pass
    # and --fail-under 95 wins over the configuration's 50; the report is in Dutch.
    assert not job.failed, job.log
    summary = (tmp_path / ".runner-temp" / "summary.md").read_text(encoding="utf-8")
    assert "geslaagd vanaf 95" in summary
    sarif = json.loads((tmp_path / "out dir.sarif").read_text(encoding="utf-8"))
    assert sarif["runs"][0]["language"] == "nl"
    assert uploads == [{"sarif_file": "out dir.sarif", "category": "bots"}]


def test_version_input_installs_that_release(tmp_path: Path) -> None:
    job, _ = run_in(tmp_path, ["webshop"], {"files": "bots", "version": "0.1.0"})
    assert not job.failed, job.log
    installs = (tmp_path / "pip-installs.txt").read_text(encoding="utf-8").splitlines()
    assert installs == ["install --quiet cxaudit==0.1.0"]
    job, _ = run_in(tmp_path, ["webshop"], {"files": "bots"})
    installs = (tmp_path / "pip-installs.txt").read_text(encoding="utf-8").splitlines()
    assert installs[-1] == f"install --quiet {ROOT}"


def test_unreadable_args_are_an_input_error(tmp_path: Path) -> None:
    job, _ = run_in(tmp_path, ["webshop"], {"files": "bots", "args": '--exclude "drafts'})
    assert job.failed
    assert job.action_outputs["exit-code"] == "2"
    assert "::error title=cxaudit::the input 'args' cannot be split" in job.log


def test_a_second_step_never_repeats_the_first_steps_report(tmp_path: Path) -> None:
    """Two cxaudit steps in one job: when the second fails before writing its report, the job
    summary does not get the first step's report again."""
    job, _ = run_in(tmp_path, ["webshop"], {"files": "bots"})
    summary = tmp_path / ".runner-temp" / "summary.md"
    first = summary.read_text(encoding="utf-8")
    job, _ = run_in(tmp_path, ["webshop"], {"files": "bots", "fail-under": "200"})
    assert job.failed and job.action_outputs["exit-code"] == "2"
    assert summary.read_text(encoding="utf-8") == first


def test_sarif_in_a_new_folder_and_a_file_named_like_an_option(tmp_path: Path) -> None:
    (tmp_path / "bots").mkdir()
    shutil.copy(ROOT / "examples" / "webshop.flow.yaml", tmp_path / "-shop.flow.yaml")
    job, _ = run_in(tmp_path, [], {"files": "-shop.flow.yaml", "sarif": "reports/cxaudit.sarif"})
    assert not job.failed, job.log
    assert (tmp_path / "reports" / "cxaudit.sarif").is_file()


def test_output_flags_in_args_are_warned_about(tmp_path: Path) -> None:
    job, _ = run_in(tmp_path, ["webshop"], {"files": "bots", "args": "--format json"})
    assert "::warning title=cxaudit::the input 'args' has --format" in job.log
