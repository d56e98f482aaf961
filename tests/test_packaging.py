"""The project's own promises: two README commands, CI runs the second, packaging lists agree."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import pytest
from conftest import REPO
from packaging.requirements import Requirement

import toolkit
from toolkit.cli import main


def _quick_start_commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", section, flags=re.S)]


def test_readme_quick_start_has_exactly_two_one_line_commands():
    commands = _quick_start_commands()
    assert commands == ["make all", "make test"]


def test_ci_runs_the_readme_test_command_verbatim():
    ci_lines = [
        line.strip()
        for line in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert _quick_start_commands()[1] in ci_lines
    assert "set -euo pipefail" in ci_lines


def _runtime_requirements(*, extras: tuple[str, ...] = ()) -> dict[str, Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = project["dependencies"] + [r for extra in extras for r in project["optional-dependencies"][extra]]
    return {Requirement(r).name.lower(): Requirement(r) for r in specs}


def _environment_requirements() -> dict[str, Requirement]:
    import yaml

    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    specs: list[str] = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            specs += [s for s in dep["pip"] if not s.startswith("-")]
        elif not re.fullmatch(r"(python|pip)([<>=].*)?", dep):
            specs.append(dep)
    return {Requirement(s).name.lower(): Requirement(s) for s in specs}


def test_environment_yml_lists_the_same_runtime_dependencies_as_pyproject():
    runtime, conda = _runtime_requirements(extras=("dask",)), _environment_requirements()
    assert sorted(conda) == sorted(runtime)
    drift = {name: (str(runtime[name].specifier), str(conda[name].specifier)) for name in runtime}
    assert {n: d for n, d in drift.items() if d[0] != d[1]} == {}
    assert all(str(r.specifier).startswith(">=") for r in runtime.values()), "every dependency has a lower bound"


def test_torch_stays_satisfiable_at_2_14_1():
    from packaging.version import Version

    torch = _runtime_requirements().get("torch")
    assert torch is None or torch.specifier.contains(Version("2.14.1"))
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    pinned = re.search(r"^TORCH \?= torch==([\d.]+)$", makefile, flags=re.M)
    assert pinned and Version(pinned.group(1)) <= Version("2.14.1")


def test_generated_folders_are_ignored_and_raw_data_is_not():
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert {"data/processed/", "models/", "reports/"} <= set(ignored)
    assert (REPO / "data" / "raw" / "000_6115d0bf09f38642.txt").is_file()


def test_help_lists_the_subcommands(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for command in ("clean", "topics", "themes", "report"):
        assert re.search(rf"^\s+{command}\s", out, flags=re.M), command


def test_bad_usage_exits_2_with_one_line_and_no_traceback():
    run = subprocess.run(
        [sys.executable, "-m", "toolkit.cli", "clean"], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert "the following arguments are required: inputs" in run.stderr


def test_missing_input_exits_2_naming_the_file(tmp_path):
    missing = tmp_path / "nowhere.txt"
    run = subprocess.run(
        [sys.executable, "-m", "toolkit.cli", "topics", str(missing), "-o", str(tmp_path / "m")],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and str(missing) in lines[0], run.stderr


def test_import_toolkit_is_light_and_exposes_the_public_surface():
    code = "import sys, toolkit; print(*(name in sys.modules for name in ('bertopic', 'torch', 'numba')))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["False", "False", "False"]
    assert {"load_articles", "fit_topics", "score_themes", "display_text", "build_reports"} <= set(dir(toolkit))
    with pytest.raises(AttributeError):
        _ = toolkit.no_such_name
