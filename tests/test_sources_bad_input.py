"""Bad input: each case is one Problem naming the file (and line), never an exception, and the good records
of the same run are kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.core.papers import Paper
from kg.sources import Problem, iter_papers, read_papers
from kg.sources.base import MONTHS

DATA = Path(__file__).parent / "data" / "sources"
GOOD = DATA / "papers.jsonl"


def split(items) -> tuple[list[Paper], list[Problem]]:
    items = list(items)
    return [i for i in items if isinstance(i, Paper)], [i for i in items if isinstance(i, Problem)]


def read_with_good_file(bad: Path | str) -> tuple[list[Paper], list[Problem]]:
    """Read a bad input between two copies of a good file: its papers must all survive."""
    papers, problems = split(iter_papers([GOOD, bad, GOOD]))
    good_titles = [p.title for p in split(iter_papers([GOOD]))[0]]
    assert [p.title for p in papers[: len(good_titles)]] == good_titles
    assert [p.title for p in papers[-len(good_titles) :]] == good_titles
    return papers[len(good_titles) : -len(good_titles)], problems


def test_problem_reads_as_path_line_message():
    assert str(Problem("a/b.jsonl", 3, "invalid JSON")) == "a/b.jsonl:3: invalid JSON"
    assert str(Problem("a/b.jsonl", None, "empty file")) == "a/b.jsonl: empty file"


def test_missing_path(tmp_path):
    missing = tmp_path / "nope.jsonl"
    papers, problems = read_with_good_file(missing)
    assert not papers
    assert [str(p) for p in problems] == [f"{missing}: no such file"]


def test_directory(tmp_path):
    papers, problems = read_with_good_file(tmp_path)
    assert not papers
    assert len(problems) == 1 and problems[0].source == str(tmp_path) and "directory" in problems[0].message


def test_binary_data(tmp_path):
    path = tmp_path / "figure.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    papers, problems = read_with_good_file(path)
    assert not papers
    assert [(p.source, p.line) for p in problems] == [(str(path), None)] and "binary" in problems[0].message


def test_utf16_text_is_reported_as_not_utf8(tmp_path):
    path = tmp_path / "papers.jsonl"
    path.write_text(GOOD.read_text(encoding="utf-8"), encoding="utf-16")
    papers, problems = read_with_good_file(path)
    assert not papers and len(problems) == 1 and "UTF-16" in problems[0].message


@pytest.mark.parametrize("content", [b"", b"\n\n   \r\n\t"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    papers, problems = read_with_good_file(path)
    assert not papers
    assert [str(p) for p in problems] == [f"{path}: empty file"]


def test_non_utf8_line_in_json_lines_loses_only_that_line(tmp_path):
    lines = GOOD.read_bytes().splitlines(keepends=True)
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(
        lines[0] + '{"id": "x", "title": "Caf\u00e9 models", "abstract": "a"}\n'.encode("latin-1") + lines[1]
    )
    papers, problems = read_with_good_file(path)
    assert [p.record_id for p in papers] == ["p-pointer", "p-codegen2"]
    assert [(p.line, p.message) for p in problems] == [(2, "not UTF-8 text (byte 0xe9 at column 26)")]


def test_non_utf8_dump_keeps_the_papers_before_the_bad_line(tmp_path):
    lines = (DATA / "hf_dump_lines.txt").read_bytes().splitlines(keepends=True)
    path = tmp_path / "dump.txt"
    path.write_bytes(b"".join(lines[:6]) + "Na\u00efve title\n".encode("latin-1") + b"".join(lines[6:]))
    papers, problems = read_with_good_file(path)
    assert len(papers) == 2
    assert len(problems) == 1 and problems[0].line == 7 and "not UTF-8" in problems[0].message


def test_truncated_dump_keeps_whole_records_and_reports_the_cut_one():
    path = DATA / "hf_dump_truncated.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    papers, problems = read_with_good_file(path)
    assert [p.title for p in papers] == [lines[2].removeprefix("Subscribe"), lines[4]]
    assert len(problems) == 1
    assert (problems[0].source, problems[0].line) == (str(path), 8)
    assert lines[6][:40] in problems[0].message.replace("…", "") or "cut off" in problems[0].message


def test_dump_ending_after_a_title(tmp_path):
    path = tmp_path / "dump.txt"
    path.write_text(
        (DATA / "hf_dump_blocks.txt").read_text(encoding="utf-8") + "\nA Title With No Abstract\n",
        encoding="utf-8",
    )
    papers, problems = read_with_good_file(path)
    assert len(papers) == 3
    assert [p.line for p in problems] == [24] and "A Title With No Abstract" in problems[0].message


def test_dump_title_missing_its_abstract_in_the_middle(tmp_path):
    lines = (DATA / "hf_dump_lines.txt").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "dump.txt"
    path.write_text("\n".join(lines[:4] + ["An Orphan Title"] + lines[4:]), encoding="utf-8")
    papers, problems = read_with_good_file(path)
    assert [p.title for p in papers] == [lines[2].removeprefix("Subscribe"), lines[4], lines[6]]
    assert [p.line for p in problems] == [5] and "no abstract" in problems[0].message


def test_dump_with_details_missing_an_abstract_is_one_problem(tmp_path):
    lines = (DATA / "hf_dump_details.txt").read_text(encoding="utf-8").splitlines()
    second_abstract = lines.index("", 20) + 1  # title at line 21, blank, abstract at line 23
    path = tmp_path / "dump.txt"
    path.write_text("\n".join(lines[: second_abstract - 1] + lines[second_abstract + 1 :]), encoding="utf-8")
    papers, problems = read_with_good_file(path)
    assert len(papers) == 4 and "Linguistic Collapse" not in {p.title for p in papers}
    assert [p.line for p in problems] == [21] and "no abstract" in problems[0].message


def test_dump_paragraph_without_a_title(tmp_path):
    lines = (DATA / "hf_dump_lines.txt").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "dump.txt"
    path.write_text("\n".join(lines[:6] + [lines[7]] + lines[6:]), encoding="utf-8")  # an abstract twice
    papers, problems = read_with_good_file(path)
    assert [p.abstract for p in papers] == [lines[3], lines[5], lines[7]]
    assert [p.line for p in problems] == [7] and "where a title was expected" in problems[0].message


@pytest.mark.parametrize("at", [0, 1, 3])
def test_malformed_json_line_keeps_every_other_line(tmp_path, at):
    lines = GOOD.read_text(encoding="utf-8").splitlines()
    lines.insert(at, '{"id": "broken", "title": "Half a rec')
    path = tmp_path / "papers.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    papers, problems = read_with_good_file(path)
    assert [p.record_id for p in papers] == ["p-pointer", "p-codegen2", "p-dexml"]
    assert len(problems) == 1 and str(problems[0]).startswith(f"{path}:{at + 1}: invalid JSON")


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"id": "no-title", "abstract": "An abstract."}, "record 'no-title' has no title"),
        ({"id": "blank", "title": "  ", "abstract": "An abstract."}, "record 'blank' has no title"),
        ({"id": "number", "title": 42}, "record 'number' has a title that is a number, not text"),
        ({"title": "\u0007\u0008"}, "record has a title with no printable text"),
        (["a", "list"], "expected a JSON object for a paper, found a list"),
        ({"title": "T", "abstract": ["not", "text"]}, "the abstract of 'T' is a list, not text"),
        ({"error": "Invalid rate limit"}, "an error response, not a paper: 'Invalid rate limit'"),
    ],
)
def test_record_that_is_not_a_paper(tmp_path, record, expected):
    path = tmp_path / "papers.jsonl"
    path.write_text(GOOD.read_text(encoding="utf-8") + json.dumps(record) + "\n", encoding="utf-8")
    papers, problems = read_with_good_file(path)
    assert len(papers) == 3
    assert [str(p) for p in problems] == [f"{path}:4: {expected}"]


def test_truncated_json_document_keeps_the_records_before_the_cut(tmp_path):
    text = (DATA / "papers.json").read_text(encoding="utf-8")
    path = tmp_path / "papers.json"
    path.write_text(text[: text.index('"p-codegen2"') + 40], encoding="utf-8")
    papers, problems = read_with_good_file(path)
    assert [p.record_id for p in papers] == ["p-pointer"]
    assert len(problems) == 1 and problems[0].line is not None and "invalid JSON" in problems[0].message


def test_json_document_with_trailing_garbage(tmp_path):
    path = tmp_path / "papers.json"
    path.write_text((DATA / "hf_paper.json").read_text(encoding="utf-8") + "\n}\n", encoding="utf-8")
    papers, problems = read_with_good_file(path)
    assert len(papers) == 1
    assert len(problems) == 1 and "Extra data" in problems[0].message


def test_windows_line_endings_and_bom_read_the_same(tmp_path):
    for name in (
        "hf_dump_lines.txt",
        "hf_dump_blocks.txt",
        "hf_dump_details.txt",
        "papers.jsonl",
        "arxiv_feed.atom",
        "hf_daily_papers.json",
    ):
        original = DATA / name
        path = tmp_path / name
        path.write_bytes(b"\xef\xbb\xbf" + original.read_bytes().replace(b"\n", b"\r\n"))
        (expected, none), (papers, problems) = split(iter_papers([original])), split(iter_papers([path]))
        assert not none and not problems, name
        assert [(p.title, p.abstract, p.date, p.record_id) for p in papers] == [
            (p.title, p.abstract, p.date, p.record_id) for p in expected
        ], name


def test_lone_surrogates_and_control_characters_are_cleaned(tmp_path):
    path = tmp_path / "papers.jsonl"
    path.write_text(
        '{"id": "s", "title": "Bad \\ud800 surrogate", "abstract": "Bell\\u0007 and escape\\u001b[31m here."}\n'
        '{"id": "\\udfff", "abstract": "no title and a surrogate id"}\n'
        '{"id": "id\\udc80", "title": "T", "authors": ["A\\ud83d", {"name": "B\\u0000"}], "url": "u\\ud800"}\n',
        encoding="utf-8",
    )
    papers, problems = split(iter_papers([path]))
    assert len(papers) == 2
    first, second = papers
    text = first.title + first.abstract + second.record_id + "".join(second.authors)
    assert not any("\ud800" <= ch <= "\udfff" or (ord(ch) < 32) for ch in text)
    assert "surrogate" in first.title and "escape" in first.abstract and len(second.authors) == 2
    assert second.url is None  # "u\ufffd" is no URL: dropped, with a warning
    assert [problem.line for problem in problems] == [2, 3] and "url" in problems[1].message
    for problem in problems:
        str(problem).encode("utf-8")  # printable: no lone surrogate reaches the message


def test_control_characters_in_a_dump(tmp_path):
    lines = (DATA / "hf_dump_lines.txt").read_text(encoding="utf-8").splitlines()
    lines[4] = lines[4].replace(" ", "\u0007 ", 1)
    path = tmp_path / "dump.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    papers, problems = split(iter_papers([path]))
    assert not problems and len(papers) == 3
    assert (
        "\u0007" not in papers[1].title and papers[1].title.split() == lines[4].replace("\u0007", "").split()
    )


def test_a_feed_with_entities_is_refused_without_expanding_them(tmp_path):
    feed = (DATA / "arxiv_feed.atom").read_text(encoding="utf-8")
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n'
        + feed.split("\n", 1)[1].replace("Pointer Networks", "&b;")
    )
    path = tmp_path / "feed.atom"
    path.write_text(bomb, encoding="utf-8")
    papers, problems = read_with_good_file(path)
    assert not papers
    assert [p.line for p in problems] == [2] and "entities" in problems[0].message


def test_broken_feed_keeps_the_entries_before_the_break(tmp_path):
    feed = (DATA / "arxiv_feed.atom").read_text(encoding="utf-8")
    path = tmp_path / "feed.atom"
    cut = feed.index("<title>Pointer Networks</title>") + 20
    path.write_text(feed[:cut], encoding="utf-8")
    papers, problems = read_with_good_file(path)
    assert [p.arxiv_id for p in papers] == ["2401.15077"]
    assert len(problems) == 1 and "invalid XML" in problems[0].message and problems[0].line


def test_a_text_file_that_is_no_dump(tmp_path):
    path = tmp_path / "notes.html"
    path.write_text("<!DOCTYPE html>\n<html><body>papers</body></html>\n", encoding="utf-8")
    papers, problems = read_with_good_file(path)
    assert not papers and len(problems) == 1 and "not a format kg reads" in problems[0].message


def test_problems_of_one_file_are_capped(tmp_path):
    path = tmp_path / "papers.jsonl"
    path.write_text('{"id": "cut\n' * 50 + GOOD.read_text(encoding="utf-8"), encoding="utf-8")
    papers, problems = read_with_good_file(path)
    assert len(papers) == 3
    assert len(problems) == 21 and problems[-1].message == "30 more problems not shown"


def test_read_papers_gathers_good_papers_and_all_problems(tmp_path):
    missing = tmp_path / "missing.txt"
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    papers, problems = read_papers([missing, DATA / "hf_dump_truncated.txt", empty, DATA / "arxiv_feed.atom"])
    assert len(papers) == 2 + 3
    assert [p.source for p in problems] == [str(missing), str(DATA / "hf_dump_truncated.txt"), str(empty)]


def test_month_table_has_every_month():
    assert sorted(MONTHS.values()) == list(range(1, 13))
