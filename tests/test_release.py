"""The release is ready to be cut (docs/releasing.md): one version, valid SemVer, shown by the
command and the installed metadata alike; every dependency bounded to the majors that are
installed and tested here; a CHANGELOG section for the version or an Unreleased one on top; the
project's addresses; an sdist that carries everything the tests read, and a wheel that carries
the rule catalogue."""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
import tarfile
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest

# packaging is a dependency of pytest itself, so it is here wherever the tests run.
from packaging.requirements import Requirement
from packaging.version import Version

import cxaudit
from tests.conftest import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,no-redef,unused-ignore]

#: SemVer 2.0.0's core version only: cxaudit's releases are MAJOR.MINOR.PATCH, tagged vX.Y.Z
#: (Python spells a SemVer pre-release, 1.0.0-rc.1, as 1.0.0rc1: the tag and the package would
#: disagree).
SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")
#: An upper bound: ``<`` or ``<=``, or an exact or compatible-release pin.
UPPER = {"<", "<=", "==", "~=", "==="}


@cache
def pyproject() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as file:
        data: dict[str, Any] = tomllib.load(file)
    return data


def requirements(*extras: str) -> list[Requirement]:
    project = pyproject()["project"]
    texts: list[str] = list(project["dependencies"])
    for extra in extras:
        texts += project["optional-dependencies"][extra]
    return [Requirement(text) for text in texts]


def runtime_and_test() -> list[Requirement]:
    return requirements("test")


def test_every_runtime_and_test_dependency_has_an_upper_bound() -> None:
    unbounded = [
        str(requirement)
        for requirement in runtime_and_test()
        if not any(spec.operator in UPPER for spec in requirement.specifier)
    ]
    assert unbounded == [], "bound each to the next major after the one tested (<N+1)"


@pytest.mark.parametrize("requirement", runtime_and_test(), ids=lambda r: r.name)
def test_the_installed_version_is_inside_the_declared_range(requirement: Requirement) -> None:
    """What CI installs and tests is what the ranges promise: a new major that pip brought in,
    or a bound that was moved without testing, fails here."""
    if requirement.marker is not None and not requirement.marker.evaluate():
        pytest.skip(f"{requirement} is not for Python {sys.version_info[0]}.{sys.version_info[1]}")
    try:
        installed = importlib.metadata.version(requirement.name)
    except importlib.metadata.PackageNotFoundError:
        pytest.fail(f"{requirement.name} is not installed: pip install -e '.[test]'")
    assert requirement.specifier.contains(installed, prereleases=True), (
        f"{requirement.name} {installed} is installed, outside {requirement.specifier}: test the "
        "new release and move the bound, or install one inside it"
    )


def test_the_version_has_one_source() -> None:
    data = pyproject()
    assert "version" not in data["project"], "the version lives in cxaudit/_version.py only"
    assert "version" in data["project"]["dynamic"]
    assert data["tool"]["hatch"]["version"]["path"] == "cxaudit/_version.py"


def test_the_version_is_semver_and_the_same_everywhere() -> None:
    version = cxaudit.__version__
    assert SEMVER.fullmatch(version), f"{version!r} is not MAJOR.MINOR.PATCH"
    assert str(Version(version)) == version, "the version must be PEP 440's own spelling of it"
    installed = importlib.metadata.version("cxaudit")
    assert installed == version, (
        f"the installed metadata says {installed}, the package {version}: pip install -e '.[test]'"
    )
    shown = subprocess.run(
        [sys.executable, "-m", "cxaudit", "--version"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert shown.stdout == f"cxaudit {version}\n"


def changelog_sections() -> list[str]:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    return re.findall(r"^## (.*)$", text, flags=re.MULTILINE)


def test_the_changelog_has_the_version_or_unreleased_on_top() -> None:
    """Until a release, the top section is ``## [Unreleased]``; a release renames it to
    ``## [X.Y.Z] - YYYY-MM-DD`` for the version in cxaudit/_version.py."""
    sections = changelog_sections()
    assert sections, "CHANGELOG.md has no ## section"
    released = [re.fullmatch(r"\[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})", s) for s in sections]
    assert all(
        match is not None or section == "[Unreleased]"
        for match, section in zip(released, sections, strict=True)
    ), f"each section is [Unreleased] or [X.Y.Z] - YYYY-MM-DD: {sections}"
    assert "[Unreleased]" not in sections[1:], "[Unreleased] is the top section or none"
    versions = [Version(match.group(1)) for match in released if match is not None]
    assert versions == sorted(versions, reverse=True), "released sections, newest first"
    current = Version(cxaudit.__version__)
    assert all(version <= current for version in versions), (
        f"the CHANGELOG has a release after {current}: bump cxaudit/_version.py"
    )
    assert sections[0] == "[Unreleased]" or current in versions, (
        f"no section for {current} and no [Unreleased] on top"
    )


def test_the_project_addresses() -> None:
    urls: dict[str, str] = pyproject()["project"]["urls"]
    assert {"Homepage", "Repository", "Documentation", "Changelog", "Issues"} <= set(urls)
    assert all(url.startswith("https://") for url in urls.values())


def paths_the_tests_read() -> set[str]:
    """The top-level files and folders that the tests name from the repository's root."""
    root = re.compile(r"(?:\bROOT|\.parent\.parent|\.parents\[1\])\s*/\s*\"([^\"]+)\"")
    named = {
        match.split("/")[0]
        for path in (ROOT / "tests").glob("*.py")
        for match in root.findall(path.read_text(encoding="utf-8"))
    }
    return named


def test_the_sdist_include_list_has_what_the_tests_read() -> None:
    include: list[str] = pyproject()["tool"]["hatch"]["build"]["targets"]["sdist"]["include"]
    assert {"cxaudit", "rules", "examples", "tests"} <= paths_the_tests_read()
    # hatch puts pyproject.toml in every sdist by itself
    missing = paths_the_tests_read() - set(include) - {"pyproject.toml"}
    assert missing == set(), "add them to [tool.hatch.build.targets.sdist] include"


def repository_files(folder: str) -> set[str]:
    return {
        path.relative_to(ROOT / folder).as_posix()
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_the_release_build(tmp_path: Path) -> None:
    """``python -m build`` as a release runs it (the wheel built from the sdist): the wheel holds
    the package and the whole rule catalogue, its metadata the version and the dependencies; the
    sdist holds everything the tests read. .ci/run installs the wheel and runs it."""
    pytest.importorskip("build", reason="pip install -e '.[test]' brings build")
    subprocess.run(
        [sys.executable, "-m", "build", "--quiet", "--outdir", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    version = cxaudit.__version__
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        f"cxaudit-{version}-py3-none-any.whl",
        f"cxaudit-{version}.tar.gz",
    ]
    with zipfile.ZipFile(tmp_path / f"cxaudit-{version}-py3-none-any.whl") as wheel:
        names = wheel.namelist()
        metadata = wheel.read(f"cxaudit-{version}.dist-info/METADATA").decode("utf-8")
    assert {name.split("/")[0] for name in names} == {"cxaudit", f"cxaudit-{version}.dist-info"}
    rules = {name.removeprefix("cxaudit/_rules/") for name in names}
    assert repository_files("rules") <= rules, "the wheel lacks part of the rule catalogue"
    assert f"\nVersion: {version}\n" in metadata
    declared = {str(Requirement(text)) for text in pyproject()["project"]["dependencies"]}
    in_wheel = {
        str(Requirement(line.removeprefix("Requires-Dist: ")))
        for line in metadata.splitlines()
        if line.startswith("Requires-Dist: ") and "extra ==" not in line
    }
    assert {r.lower() for r in in_wheel} == {r.lower() for r in declared}
    with tarfile.open(tmp_path / f"cxaudit-{version}.tar.gz") as sdist:
        top = {name.split("/")[1] for name in sdist.getnames() if name.count("/") >= 1}
    assert paths_the_tests_read() <= top
