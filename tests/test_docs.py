"""The README is a manual: every command has --help text and a section; the quick start is true."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from veille.query.cli import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
COMMANDS = sorted(cli.commands)


def test_there_are_commands():
    assert {"index", "search", "analyze"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert cli.commands[command].help and len(cli.commands[command].help) > 40
    assert f"Usage: cli {command}" in result.output or f"Usage: veille {command}" in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_a_readme_section(command):
    assert re.search(rf"^### veille {command}$", README, re.M), (
        f"README lacks '### veille {command}'"
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_is_documented_in_its_section(command):
    section = README.split(f"### veille {command}", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    for param in cli.commands[command].params:
        for opt in param.opts:
            if opt.startswith("--") and opt != "--help":
                assert opt in section or opt in README.split("## Commands", 1)[1].split("###")[0], (
                    f"{opt} of veille {command} is not in its README section"
                )


def quick_start(marker: str) -> list[str]:
    block = README.split(f"<!-- {marker} -->", 1)[1].split(f"<!-- /{marker} -->", 1)[0]
    return [line for line in block.strip().splitlines() if not line.startswith("```")]


def test_quick_start_has_exactly_two_setup_commands():
    run_cmd, test_cmd = quick_start("run-command"), quick_start("test-command")
    assert len(run_cmd) == 1 and len(test_cmd) == 1
    assert "pip install ." in run_cmd[0] and "veille search" in run_cmd[0]
    assert "pip install '.[test]'" in test_cmd[0] and "pytest" in test_cmd[0]


def test_ci_runs_the_readme_test_command():
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text("utf-8")
    assert "test-command" in ci
