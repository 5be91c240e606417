"""`kg build`, `kg extract` and the CLI as a whole, through click's CliRunner."""

from __future__ import annotations

import json
import re

import click
import pytest
from click.testing import CliRunner

from kg import __version__
from kg.cli import main

from .conftest import ROOT

GOOD_RECORD = {
    "id": "p1",
    "title": "HiCMAE: Hierarchical Contrastive Masked Autoencoder",
    "abstract": "We propose HiCMAE. Code is at https://github.com/sunlicai/HiCMAE.",
}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def good_jsonl(tmp_path):
    path = tmp_path / "good.jsonl"
    path.write_text(json.dumps(GOOD_RECORD) + "\n")
    return path


def test_version(runner):
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_every_command_has_help_and_is_in_the_readme(runner):
    readme = (ROOT / "README.md").read_text()
    context = click.Context(main)
    names = main.list_commands(context)
    assert {"build", "extract", "query"} <= set(names)
    for name in names:
        command = main.get_command(context, name)
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        assert (command.help or "").strip(), f"`kg {name}` has no help text"
        assert f"kg {name}" in readme, f"`kg {name}` is not in the README"
        if isinstance(command, click.Group):
            for sub in command.commands:
                assert runner.invoke(main, [name, sub, "--help"]).exit_code == 0


def test_build_reports_bad_inputs_and_keeps_the_good_ones(runner, tmp_path, good_jsonl):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(GOOD_RECORD | {"id": "p2", "title": "Another paper"}) + "\n{not json\n")
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    out = tmp_path / "out"
    args = [
        "build",
        str(good_jsonl),
        str(bad),
        str(binary),
        str(tmp_path / "missing.txt"),
        str(tmp_path),
        "--out",
        str(out),
        "--no-html",
    ]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert re.search(r"bad\.jsonl:2\b", result.stderr)
    assert "missing.txt" in result.stderr and "blob.bin" in result.stderr
    assert re.search(r"\b2 papers read", result.stdout)
    assert (out / "graph.ttl").exists() and not (out / "graph.html").exists()
    strict = runner.invoke(main, args + ["--strict"])
    assert strict.exit_code == 1
    assert (out / "graph.ttl").exists()


def test_build_with_nothing_readable_exits_non_zero_with_one_line(runner, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = runner.invoke(main, ["build", str(empty), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "empty.txt" in result.stderr and "Traceback" not in result.output


def test_build_summary_names_every_count(runner, tmp_path, good_jsonl):
    result = runner.invoke(main, ["build", str(good_jsonl), "--out", str(tmp_path / "o"), "--no-html"])
    assert result.exit_code == 0, result.output
    for word in ("papers", "methods", "datasets", "metrics", "tasks", "repositories", "triples", " s"):
        assert word in result.stdout


def test_extract_writes_one_line_per_paper_with_the_guideline_fields(runner, tmp_path, good_jsonl):
    out = tmp_path / "ex.jsonl"
    result = runner.invoke(main, ["extract", str(good_jsonl), "-o", str(out)])
    assert result.exit_code == 0, result.output
    (line,) = [json.loads(text) for text in out.read_text().splitlines()]
    assert line["id"] == "p1" and line["title"] == GOOD_RECORD["title"]
    for field in (
        "methods",
        "techniques",
        "datasets",
        "metrics",
        "tasks",
        "proposed",
        "aliases",
        "repos",
        "project_pages",
        "results",
        "lineage",
    ):
        assert isinstance(line[field], list), field
    assert [repo["url"] for repo in line["repos"]] == ["https://github.com/sunlicai/HiCMAE"]


def test_extract_reads_json_lines_from_stdin(runner):
    result = runner.invoke(main, ["extract", "-"], input=json.dumps(GOOD_RECORD) + "\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[0])["id"] == "p1"
