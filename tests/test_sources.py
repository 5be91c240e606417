"""The readers on small real snippets of every input format, format detection, and the seed corpus."""

from __future__ import annotations

import io
import json
import sys
import tracemalloc
from pathlib import Path

import pytest

from kg.core.papers import Paper, normalise_title
from kg.core.resources import sample_paths
from kg.core.urls import web_iri
from kg.sources import FORMATS, Problem, detect_format, iter_papers, read_papers
from kg.sources.hf_dump import CHROME, TITLE_MAX

DATA = Path(__file__).parent / "data" / "sources"


def papers_and_problems(*paths, fmt=None) -> tuple[list[Paper], list[Problem]]:
    items = list(iter_papers(list(paths), fmt))
    return [i for i in items if isinstance(i, Paper)], [i for i in items if isinstance(i, Problem)]


def content_lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("hf_dump_lines.txt", "hf-dump"),
        ("hf_dump_blocks.txt", "hf-dump"),
        ("hf_dump_details.txt", "hf-dump"),
        ("papers.jsonl", "jsonl"),
        ("papers.json", "json"),
        ("arxiv_feed.atom", "arxiv"),
        ("hf_daily_papers.json", "hf-api"),
        ("hf_paper.json", "hf-api"),
    ],
)
def test_format_is_detected_from_content(name, expected, tmp_path):
    path = DATA / name
    assert detect_format(path, path.read_text(encoding="utf-8")[:4096]) == expected
    # the file name plays no part: the same bytes under a misleading name read the same
    renamed = tmp_path / "misleading.txt"
    renamed.write_bytes(path.read_bytes())
    assert [p.title for p in papers_and_problems(renamed)[0]] == [
        p.title for p in papers_and_problems(path)[0]
    ]


@pytest.mark.parametrize(
    "head", ["", "  \n", "\x89PNG\r\n\x1a\n\x00\x00", "<!DOCTYPE html><html><body>", "<rss>"]
)
def test_no_format_for_what_kg_does_not_read(head):
    assert detect_format(Path("x"), head) is None


def test_dump_without_blank_lines_ungludes_subscribe_from_the_first_title():
    path = DATA / "hf_dump_lines.txt"
    papers, problems = papers_and_problems(path)
    lines = content_lines(path)
    assert not problems
    assert lines[2].startswith("Subscribe")
    assert [p.title for p in papers] == [lines[2].removeprefix("Subscribe"), lines[4], lines[6]]
    assert [p.abstract for p in papers] == [lines[3], lines[5], lines[7]]
    assert [p.source for p in papers] == [f"{path}:3", f"{path}:5", f"{path}:7"]


def test_dump_in_blocks_skips_the_page_header():
    path = DATA / "hf_dump_blocks.txt"
    papers, problems = papers_and_problems(path)
    lines = content_lines(path)
    header = lines[:5]  # new, Get trending..., Subscribe, byAK..., Mar 11
    assert header[-1] == "Mar 11" and all(line in CHROME for line in header[:-1])
    assert not problems
    assert [(p.title, p.abstract) for p in papers] == [
        (lines[5], lines[6]),
        (lines[7], lines[8]),
        (lines[9], lines[10]),
    ]
    assert all(p.date is None for p in papers)


def test_dump_with_author_counts_and_dates_reads_date_and_upvotes():
    path = DATA / "hf_dump_details.txt"
    papers, problems = papers_and_problems(path)
    assert not problems
    lines = content_lines(path)
    date_lines = [line for line in lines if line[:3] in ("Jan", "Apr", "May", "Sep") and len(line) < 20]
    assert date_lines == ["Jan 11, 2024", "May 27, 2024", "Apr 10, 2024 2", "Sep 28, 2023", "Sep 25"]
    assert [p.date for p in papers] == ["2024-01-11", "2024-05-27", "2024-04-10", "2023-09-28", None]
    assert [p.upvotes for p in papers] == [None, None, 2, None, None]
    # no detail line ends up in a title or an abstract
    assert all("authors" not in p.title and p.abstract in lines for p in papers)


def test_seed_corpus_has_215_distinct_papers_each_with_title_and_abstract():
    paths = sample_paths()
    assert len(paths) == 5
    items = list(iter_papers(paths))
    assert not [i for i in items if isinstance(i, Problem)]
    records = [i for i in items if isinstance(i, Paper)]
    papers, problems = read_papers(paths)
    assert not problems
    assert len(papers) == 215 < len(records)
    assert len({normalise_title(p.title) for p in papers}) == 215
    source_lines = {line for path in paths for line in content_lines(path)}
    for paper in papers:
        assert paper.title and paper.abstract, paper.source
        assert paper.title not in CHROME and not paper.title.startswith("Subscribe"), paper.source
        assert len(paper.title) <= TITLE_MAX < len(paper.abstract), paper.source
        # each abstract is one whole line of its file: none was split or glued to another
        assert paper.abstract in source_lines, paper.source


def test_seed_copies_are_the_shared_seeds():
    shared = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip(f"{shared} is not beside the project")
    assert {p.name: p.read_bytes() for p in sample_paths()} == {
        p.name: p.read_bytes() for p in shared.glob("*.txt")
    }


def test_json_lines_keep_ids_authors_and_arxiv_ids():
    path = DATA / "papers.jsonl"
    papers, problems = papers_and_problems(path)
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert not problems
    assert [p.record_id for p in papers] == [r["id"] for r in records]
    assert [p.id for p in papers] == [r["id"] for r in records]
    assert papers[0].arxiv_id == "1506.03134"  # "1506.03134v2" in the record: the version is dropped
    assert papers[0].authors == records[0]["authors"]
    assert papers[1].authors == [a["name"] for a in records[1]["authors"]]
    assert (papers[1].date, papers[2].date) == ("2023-05", None)
    assert [p.source for p in papers] == [f"{path}:{n}" for n in (1, 2, 3)]


def test_json_document_gives_each_record_its_line():
    path = DATA / "papers.json"
    papers, problems = papers_and_problems(path)
    assert not problems
    lines = path.read_text(encoding="utf-8").splitlines()
    for paper in papers:
        line = int(paper.source.rsplit(":", 1)[1])
        assert lines[line - 1].strip() == "{" and f'"{paper.record_id}"' in lines[line]


def test_a_json_list_of_records_reads_like_json_lines(tmp_path):
    records = [json.loads(line) for line in (DATA / "papers.jsonl").read_text(encoding="utf-8").splitlines()]
    path = tmp_path / "list.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    papers, problems = papers_and_problems(path)
    assert not problems and [p.record_id for p in papers] == [r["id"] for r in records]


def test_dev_set_reads_with_its_ids(eval_dev):
    papers, problems = read_papers([eval_dev])
    ids = [
        json.loads(line)["id"] for line in eval_dev.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    assert not problems
    assert len(papers) == 30 and [p.record_id for p in papers] == ids
    assert all(p.title and p.abstract for p in papers)


def test_hf_daily_papers_list_maps_repository_project_page_and_upvotes():
    path = DATA / "hf_daily_papers.json"
    papers, problems = papers_and_problems(path)
    items = json.loads(path.read_text(encoding="utf-8"))
    assert not problems
    assert [p.arxiv_id for p in papers] == [i["paper"]["id"] for i in items]
    assert [p.abstract for p in papers] == [i["paper"]["summary"] for i in items]
    assert [p.repository for p in papers] == [i["paper"]["githubRepo"] for i in items]
    # URLs come through the one normaliser (kg.core.urls): a trailing slash goes
    assert [p.project_page for p in papers] == [web_iri(i["paper"].get("projectPage")) for i in items]
    assert [p.upvotes for p in papers] == [i["paper"]["upvotes"] for i in items]
    assert [p.date for p in papers] == [i["paper"]["publishedAt"][:10] for i in items]
    assert papers[0].authors == [a["name"] for a in items[0]["paper"]["authors"]]
    assert papers[0].url == f"https://huggingface.co/papers/{items[0]['paper']['id']}"


def test_hf_single_paper_object():
    path = DATA / "hf_paper.json"
    (paper,), problems = papers_and_problems(path)
    record = json.loads(path.read_text(encoding="utf-8"))
    assert not problems
    assert (paper.title, paper.abstract, paper.arxiv_id) == (record["title"], record["summary"], record["id"])
    assert (paper.repository, paper.project_page) == (record["githubRepo"], None)


def test_arxiv_feed_entries_become_papers():
    path = DATA / "arxiv_feed.atom"
    papers, problems = papers_and_problems(path)
    assert not problems
    assert [p.arxiv_id for p in papers] == ["2401.15077", "1506.03134", "1811.06965"]
    assert papers[0].title == "EAGLE: Speculative Sampling Requires Rethinking Feature Uncertainty"
    assert "\n" not in papers[0].abstract and papers[0].abstract.startswith("Auto-regressive decoding")
    assert [p.date for p in papers] == ["2024-01-26", "2015-06-09", "2018-11-16"]
    assert papers[1].authors == ["Oriol Vinyals", "Meire Fortunato", "Navdeep Jaitly"]
    assert papers[2].url == "http://arxiv.org/abs/1811.06965v5"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert all(lines[int(p.source.rsplit(":", 1)[1]) - 1].strip() == "<entry>" for p in papers)


def test_arxiv_error_feed_is_a_problem_not_a_paper():
    papers, problems = papers_and_problems(DATA / "arxiv_error.atom")
    assert not papers
    assert len(problems) == 1 and "incorrect id format" in problems[0].message


def test_stdin_is_read_as_json_lines(monkeypatch):
    data = (DATA / "papers.jsonl").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    papers, problems = papers_and_problems("-")
    assert not problems
    assert [p.record_id for p in papers] == ["p-pointer", "p-codegen2", "p-dexml"]
    assert papers[0].source == "<stdin>:1"


def test_one_paper_from_several_formats_is_merged():
    papers, problems = read_papers(
        [DATA / "papers.jsonl", DATA / "arxiv_feed.atom", DATA / "hf_dump_blocks.txt"]
    )
    assert not problems
    pointer = [p for p in papers if p.title == "Pointer Networks"]
    assert len(pointer) == 1  # in the JSON Lines file and the feed, under the same arXiv id
    assert pointer[0].record_id == "p-pointer" and pointer[0].date == "2015-06-09"
    # 3 records + 3 entries + 3 dump papers, one paper shared
    assert len(papers) == 8


def test_a_forced_format_overrides_detection():
    papers, problems = papers_and_problems(DATA / "papers.jsonl", fmt="json")
    # read as JSON, the first line is a document and each later line another: none is lost
    assert [p.title for p in papers] == [p.title for p in papers_and_problems(DATA / "papers.jsonl")[0]]
    assert not problems


def test_unknown_format_name_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown format"):
        list(iter_papers([DATA / "papers.jsonl"], "csv"))
    assert "jsonl" in FORMATS


def _peak_memory_reading(path: Path) -> tuple[int, int]:
    tracemalloc.start()
    try:
        count = sum(1 for _ in iter_papers([path]))
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_json_lines_are_read_without_holding_the_file(tmp_path):
    def write(name: str, count: int) -> Path:
        path = tmp_path / name
        with path.open("w", encoding="utf-8") as handle:
            for n in range(count):  # bulky lines (an unused field) that are cheap to turn into papers
                record = {
                    "id": f"r{n}",
                    "title": f"Paper {n}",
                    "abstract": "We study x.",
                    "extra": "x" * 1000,
                }
                handle.write(json.dumps(record) + "\n")
        return path

    small, big = write("small.jsonl", 300), write("big.jsonl", 2400)
    (small_count, small_peak), (big_count, big_peak) = _peak_memory_reading(small), _peak_memory_reading(big)
    assert (small_count, big_count) == (300, 2400)
    # eight times the input, about the same memory: far less than the extra input
    assert big_peak - small_peak < (big.stat().st_size - small.stat().st_size) / 8, (small_peak, big_peak)
