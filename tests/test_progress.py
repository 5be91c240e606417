"""The status line of long steps: shown on request or on a terminal, silent in pipes and tests."""

from __future__ import annotations

import io
import json
import time

from click.testing import CliRunner

from kg.cli import main
from kg.cli.build import STAGE_LABELS
from kg.cli.progress import StatusLine

RECORD = {
    "id": "p1",
    "title": "HiCMAE: Hierarchical Contrastive Masked Autoencoder",
    "abstract": "We propose HiCMAE. Code is at https://github.com/sunlicai/HiCMAE.",
}


def test_status_line_counts_and_spins_then_clears_itself():
    stream = io.StringIO()
    line = StatusLine(stream, show=True)
    line.stage("extracting", 4)
    line.advance(3)
    assert line.text() == "extracting 3/4 (75%) 0 s"
    line.stage("validating")
    assert line.text(tick=1) == "validating / 0 s"
    time.sleep(0.5)  # the redraw thread runs a few times
    line.close()
    drawn = stream.getvalue()
    assert "\rvalidating" in drawn and drawn.endswith("\r")
    assert drawn.rsplit("\r", 2)[-2].strip() == ""  # the last drawing is blanks: the line is cleared


def test_hidden_status_line_writes_nothing_and_starts_no_thread():
    stream = io.StringIO()
    line = StatusLine(stream, show=False)
    line.stage("extracting", 2)
    line.advance(2)
    line.close()
    assert stream.getvalue() == "" and line._thread is None


def test_build_is_quiet_in_a_pipe_and_shows_its_stages_with_progress(tmp_path):
    papers = tmp_path / "papers.jsonl"
    papers.write_text(json.dumps(RECORD) + "\n")
    args = ["build", str(papers), "--out", str(tmp_path / "out"), "--no-html"]
    quiet = CliRunner().invoke(main, args)
    assert quiet.exit_code == 0, quiet.output
    assert quiet.stderr == ""
    shown = CliRunner().invoke(main, ["--progress", *args])
    assert shown.exit_code == 0, shown.output
    drawn = {label for label in STAGE_LABELS.values() if "\r" + label in shown.stderr}
    assert drawn, shown.stderr  # each stage is drawn if it lasts a redraw (0.2 s); the build takes seconds
    assert shown.stderr.endswith("\r") and "\n" not in shown.stderr  # cleared, nothing left on screen
    assert shown.stdout == quiet.stdout.replace(_seconds(quiet.stdout), _seconds(shown.stdout))


def _seconds(summary: str) -> str:
    return summary.split(" triples in ")[1].split(" s")[0]
