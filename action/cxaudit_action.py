"""The GitHub Action's script: what `action.yml` runs, in Python so that it can be tested here.

Standard library only; it runs on the Python the action set up, before and after cxaudit is
installed. Every input reaches it as an environment variable (`CXAUDIT_*`, set in action.yml),
never pasted into a script, so a file name or a flag value cannot inject code.

    python cxaudit_action.py prepare   # decide on the SARIF upload, compute the pip cache key
    python cxaudit_action.py check     # run `cxaudit check`, write the job summary and the outputs
    python cxaudit_action.py uploaded  # after the upload step: say what became of the upload

`prepare` and `uploaded` never fail: code scanning is a bonus, the gate is `check`'s exit code.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

EXIT_INPUT = 2
TRUE, FALSE = "true", "false"
SUMMARY_NAME = "cxaudit-summary.md"


class InputError(Exception):
    """An action input that cannot be used as given."""


def command(msg_kind: str, message: str, **properties: str) -> str:
    """A workflow command line (``::warning title=...::message``), escaped as GitHub documents."""

    def data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    props = ",".join(f"{key}={prop(value)}" for key, value in properties.items())
    return f"::{msg_kind}{' ' + props if props else ''}::{data(message)}"


def flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    """A true/false input; anything else is an input error naming the input."""
    raw = env.get(f"CXAUDIT_{name.upper().replace('-', '_')}", "").strip().lower()
    if not raw:
        return default
    if raw in (TRUE, FALSE):
        return raw == TRUE
    raise InputError(f"the input '{name}' must be true or false, not '{raw}'")


def split_files(text: str) -> list[str]:
    """The ``files`` input: one per line when it has several lines (a YAML block, ``files: |``,
    even of one line), else separated by spaces, with quotes for a name with spaces
    (``"my bots/shop bot.flow.yaml" more/``).

    Lines are stripped and empty ones skipped.
    """
    if "\n" in text:
        return [line.strip() for line in text.splitlines() if line.strip()]
    try:
        return shlex.split(text, comments=False, posix=True)
    except ValueError as exc:
        raise InputError(f"the input 'files' cannot be split into names: {exc}") from None


def split_args(text: str) -> list[str]:
    """The ``args`` input: extra arguments, quoted as in a POSIX shell (never run by one)."""
    try:
        return shlex.split(text, comments=False, posix=True)
    except ValueError as exc:  # "No closing quotation", "No escaped character"
        raise InputError(f"the input 'args' cannot be split into arguments: {exc}") from None


def check_arguments(env: Mapping[str, str], temp: Path) -> list[str]:
    """The arguments of ``cxaudit check`` for the action's inputs.

    The action's own ones come first and the user's ``args`` last, so a flag in ``args`` wins
    over an input (the command line takes the last value given).
    """
    files = split_files(env.get("CXAUDIT_FILES", "")) or ["."]
    args = [
        "check",
        "--format",
        "github",
        "--report",
        f"sarif={env.get('CXAUDIT_SARIF') or 'cxaudit.sarif'}",
        "--report",
        f"markdown={temp / SUMMARY_NAME}",
    ]
    for name, option in (
        ("FAIL_UNDER", "--fail-under"),
        ("CONFIG", "--config"),
        ("BASELINE", "--baseline"),
        ("LANG", "--lang"),
    ):
        value = env.get(f"CXAUDIT_{name}", "").strip()
        if value:
            args += [option, value]
    # The files after `--`: a name that starts with '-' is a file, not an option.
    return [*args, *split_args(env.get("CXAUDIT_ARGS", "")), "--", *files]


#: Arguments in ``args`` that take the report away from the annotations and the job summary.
OUTPUT_FLAGS = ("--format", "-f", "--output", "-o", "--quiet", "-q")


def output_warning(args: Sequence[str]) -> str:
    """A warning when the user's ``args`` change where the report goes (the action writes the
    annotations and the job summary)."""
    found = sorted({a.split("=", 1)[0] for a in args if a.split("=", 1)[0] in OUTPUT_FLAGS})
    if not found:
        return ""
    return (
        f"the input 'args' has {', '.join(found)}: the action prints GitHub annotations and "
        "writes the job summary itself; use --report FORMAT=FILE for more formats"
    )


def upload_decision(env: Mapping[str, str], event: Mapping[str, object]) -> tuple[bool, str]:
    """Whether to upload the SARIF report, and the notice that says why not.

    Off unless the ``upload-sarif`` input asks. Even then a pull request from a fork, or one
    opened by Dependabot, gets a read-only token that code scanning refuses: skipped, said.
    """
    if not flag(env, "upload-sarif", default=False):
        return False, ""
    if env.get("GITHUB_ACTOR") == "dependabot[bot]":
        return False, (
            "SARIF upload skipped: Dependabot's runs get a read-only token. "
            "The findings are in the annotations and the job summary."
        )
    if env.get("GITHUB_EVENT_NAME", "") in ("pull_request", "pull_request_review"):
        pull = event.get("pull_request")
        head = pull.get("head") if isinstance(pull, dict) else None
        repo = head.get("repo") if isinstance(head, dict) else None
        name = repo.get("full_name") if isinstance(repo, dict) else None
        if name != env.get("GITHUB_REPOSITORY"):
            return False, (
                "SARIF upload skipped: this pull request comes from a fork, whose token may not "
                "write to code scanning. The findings are in the annotations and the job summary."
            )
    return True, ""


def cache_key(env: Mapping[str, str], action_path: Path) -> str:
    """A pip cache key: what is installed (this action's pyproject, or the version asked)."""
    version = env.get("CXAUDIT_VERSION", "").strip()
    pyproject = action_path / "pyproject.toml"
    source = version.encode() if version else pyproject.read_bytes()
    digest = hashlib.sha256(source).hexdigest()[:16]
    python = env.get("CXAUDIT_PYTHON_VERSION", "").strip() or "default"
    return f"cxaudit-pip-{env.get('RUNNER_OS', 'unknown')}-py{python}-{digest}"


def write_outputs(env: Mapping[str, str], **outputs: str) -> None:
    """Step outputs, appended to ``$GITHUB_OUTPUT`` (one ``name=value`` line each)."""
    target = env.get("GITHUB_OUTPUT")
    if not target:
        return
    with Path(target).open("a", encoding="utf-8") as stream:
        for name, value in outputs.items():
            stream.write(f"{name.replace('_', '-')}={value}\n")


def read_event(env: Mapping[str, str]) -> dict[str, object]:
    path = env.get("GITHUB_EVENT_PATH")
    if not path:
        return {}
    try:
        event = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return event if isinstance(event, dict) else {}


def prepare(env: Mapping[str, str], out: list[str]) -> int:
    try:
        upload, reason = upload_decision(env, read_event(env))
    except InputError as exc:
        out.append(command("error", str(exc), title="cxaudit"))
        return EXIT_INPUT
    if reason:
        out.append(command("notice", reason, title="cxaudit"))
    action_path = Path(env.get("GITHUB_ACTION_PATH", "."))
    write_outputs(env, upload=TRUE if upload else FALSE, cache_key=cache_key(env, action_path))
    return 0


def check(env: Mapping[str, str], out: list[str], python: str = sys.executable) -> int:
    temp = Path(env.get("RUNNER_TEMP") or ".")
    try:
        args = check_arguments(env, temp)
    except InputError as exc:
        out.append(command("error", str(exc), title="cxaudit"))
        write_outputs(env, exit_code=str(EXIT_INPUT), sarif_written=FALSE)
        return EXIT_INPUT
    warning = output_warning(split_args(env.get("CXAUDIT_ARGS", "")))
    if warning:
        out.append(command("warning", warning, title="cxaudit"))
    sarif = Path(env.get("CXAUDIT_SARIF") or "cxaudit.sarif")
    summary_source, summary = temp / SUMMARY_NAME, env.get("GITHUB_STEP_SUMMARY")
    # A report from an earlier step in the job is never uploaded or summed up again.
    sarif.unlink(missing_ok=True)
    summary_source.unlink(missing_ok=True)
    sarif.parent.mkdir(parents=True, exist_ok=True)
    flush(out)
    code = subprocess.run([python, "-m", "cxaudit", *args], check=False).returncode
    if summary and summary_source.is_file():
        with Path(summary).open("a", encoding="utf-8") as stream:
            stream.write(summary_source.read_text(encoding="utf-8"))
    write_outputs(env, exit_code=str(code), sarif_written=TRUE if sarif.is_file() else FALSE)
    return code


def uploaded(env: Mapping[str, str], out: list[str]) -> int:
    """After the upload step (``continue-on-error``): its outcome, said; never a failure."""
    outcome = env.get("CXAUDIT_UPLOAD_OUTCOME", "")
    if outcome == "failure":
        private = read_event(env).get("repository")
        is_private = isinstance(private, dict) and private.get("private") is True
        where = (
            "a private repository needs GitHub Code Security for code scanning"
            if is_private
            else "code scanning may be off for this repository"
        )
        out.append(
            command(
                "warning",
                f"The SARIF report could not be uploaded ({where}; the upload step's log says "
                "why). The job's result is cxaudit's own; the findings are in the annotations "
                "and the job summary.",
                title="cxaudit: SARIF upload",
            )
        )
    write_outputs(env, sarif_uploaded=TRUE if outcome == "success" else FALSE)
    return 0


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    env = os.environ if env is None else env
    steps = {"prepare": prepare, "check": check, "uploaded": uploaded}
    if len(argv) != 1 or argv[0] not in steps:
        sys.stderr.write(f"usage: cxaudit_action.py {{{','.join(steps)}}}\n")
        return EXIT_INPUT
    out: list[str] = []
    code = steps[argv[0]](env, out)
    flush(out)
    return code


def flush(out: list[str]) -> None:
    """Print the workflow commands collected so far (before cxaudit prints its own)."""
    for line in out:
        sys.stdout.write(line + "\n")
    sys.stdout.flush()
    out.clear()


if __name__ == "__main__":
    raise SystemExit(main())
