"""`kg fetch arxiv` and `kg fetch hf` against a real local HTTP server standing in for the APIs."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.cli.fetch import fetch
from kg.core.papers import Paper
from kg.sources import FetchError, fetch_arxiv, iter_papers

DATA = Path(__file__).parent / "data" / "sources"
FEED = (DATA / "arxiv_feed.atom").read_text(encoding="utf-8")
ATOM = "application/atom+xml; charset=utf-8"


@pytest.fixture
def arxiv_api(httpserver):
    httpserver.expect_request(
        "/api/query", query_string={"search_query": "all:neural", "start": "0", "max_results": "3"}
    ).respond_with_data(FEED, content_type=ATOM)
    return httpserver.url_for("/api/query")


def test_fetch_arxiv_sends_the_query_and_returns_the_feed(arxiv_api, httpserver):
    assert fetch_arxiv("all:neural", max_results=3, base_url=arxiv_api) == FEED
    ((request, _),) = httpserver.log
    assert request.args["search_query"] == "all:neural"


def test_fetch_command_saves_a_feed_that_reads_as_papers(arxiv_api, tmp_path):
    out = tmp_path / "feeds" / "neural.atom"
    result = CliRunner().invoke(
        fetch,
        ["arxiv", "all:neural", "--max", "3", "-o", str(out), "--base-url", arxiv_api],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == FEED
    assert "saved 3 entries" in result.output
    assert [p.name for p in out.parent.iterdir()] == ["neural.atom"]  # no temporary file left behind
    papers = [item for item in iter_papers([out]) if isinstance(item, Paper)]
    assert [p.arxiv_id for p in papers] == ["2401.15077", "1506.03134", "1811.06965"]


def test_fetch_command_writes_stdout_without_output(arxiv_api):
    result = CliRunner().invoke(fetch, ["arxiv", "all:neural", "--max", "3", "--base-url", arxiv_api])
    assert result.exit_code == 0 and result.stdout == FEED


@pytest.mark.parametrize(
    ("status", "body", "content_type", "expected"),
    [
        (500, "Internal Server Error", "text/plain", "500"),
        (200, "<html><body>Rate limited</body></html>", "text/html", "did not answer with an Atom feed"),
        (200, (DATA / "arxiv_error.atom").read_text(encoding="utf-8"), ATOM, "incorrect id format"),
    ],
)
def test_a_failed_fetch_exits_4_and_leaves_the_old_file(
    httpserver, tmp_path, status, body, content_type, expected
):
    httpserver.expect_request("/api/query").respond_with_data(body, status=status, content_type=content_type)
    out = tmp_path / "feed.atom"
    out.write_text("previous feed", encoding="utf-8")
    result = CliRunner().invoke(
        fetch, ["arxiv", "id:1234.12345v99", "-o", str(out), "--base-url", httpserver.url_for("/api/query")]
    )
    assert result.exit_code == 4
    assert expected in result.output and "Traceback" not in result.output
    assert out.read_text(encoding="utf-8") == "previous feed"
    assert [p.name for p in tmp_path.iterdir()] == ["feed.atom"]


def test_unreachable_server_is_a_fetch_error(httpserver):
    url = httpserver.url_for("/api/query")
    httpserver.stop()
    try:
        with pytest.raises(FetchError, match=r"^cannot reach localhost: no network\?$"):
            fetch_arxiv("all:neural", max_results=1, base_url=url)
    finally:
        httpserver.start()


def test_max_is_bounded_by_the_api_limit():
    result = CliRunner().invoke(fetch, ["arxiv", "all:neural", "--max", "5000"])
    assert result.exit_code == 2 and "5000" in result.output
    with pytest.raises(FetchError, match="between 1 and 2000"):
        fetch_arxiv("all:neural", max_results=0)


# -- kg fetch hf: the Hugging Face daily-papers list ---------------------------------------------------------

DAILY = (DATA / "hf_daily_papers.json").read_text(encoding="utf-8")


def fetch_hf(httpserver, out):
    """`kg fetch hf --date 2025-03-04 -o OUT` against the local stand-in."""
    arguments = ["fetch", "hf", "--date", "2025-03-04", "-o", str(out)]
    return CliRunner().invoke(main, [*arguments, "--base-url", httpserver.url_for("/api/daily_papers")])


def test_fetch_hf_saves_the_daily_list_of_the_date(httpserver, tmp_path):
    httpserver.expect_request("/api/daily_papers", query_string={"date": "2025-03-04"}).respond_with_data(
        DAILY, content_type="application/json"
    )
    out = tmp_path / "daily.json"
    result = fetch_hf(httpserver, out)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == DAILY
    assert "saved 2 papers" in result.stderr
    papers = [item for item in iter_papers([out]) if isinstance(item, Paper)]
    assert [(p.arxiv_id, p.repository) for p in papers] == [
        ("2503.01840", "https://github.com/SafeAILab/EAGLE"),
        ("2502.18461", "https://github.com/HVision-NKU/K-LoRA"),
    ]


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        ('{"error": "Invalid date"}', 400, "answered HTTP 400"),
        ('{"error": "not a list"}', 200, "did not answer with a list of daily papers"),
        ("<html>maintenance</html>", 200, "did not answer with JSON"),
    ],
)
def test_fetch_hf_refuses_what_is_not_a_daily_list(httpserver, tmp_path, body, status, expected):
    httpserver.expect_request("/api/daily_papers").respond_with_data(body, status=status)
    out = tmp_path / "daily.json"
    result = fetch_hf(httpserver, out)
    assert result.exit_code == 4
    assert expected in result.stderr and "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.parametrize("command", [["arxiv", "all:neural"], ["hf", "--date", "2025-03-04"]])
def test_no_network_is_one_plain_line_and_exit_4(httpserver, command):
    url = httpserver.url_for("/api")
    httpserver.stop()
    try:
        result = CliRunner().invoke(main, ["fetch", *command, "--base-url", url])
    finally:
        httpserver.start()
    assert result.exit_code == 4
    assert result.stderr == "Error: cannot reach localhost: no network?\n"


def test_fetch_hf_needs_a_date_in_iso_form():
    result = CliRunner().invoke(main, ["fetch", "hf", "--date", "04/03/2025"])
    assert result.exit_code == 2 and "04/03/2025" in result.output
