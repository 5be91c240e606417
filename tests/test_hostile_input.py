"""One bad record never costs a run: each case beside good records, through `kg build`, with no traceback.

One build (module fixture) reads good papers and one hostile record per case; each test checks its case:
the warning, the good papers kept, and nothing unsafe in the store or the Turtle.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from kg.core.io import terminal_safe
from kg.core.namespaces import KG, SCHEMA
from kg.sources import read_papers
from kg.store import Store

GOOD = [
    {"id": f"good{i}", "title": f"Good paper {i}", "abstract": "We fine-tune BERT on SQuAD and report F1."}
    for i in range(3)
]
HUGE_ABSTRACT = "We evaluate BERT on SQuAD. " * 80_000  # 2 MB
HOSTILE = [
    {"id": "huge", "title": "A paper with a 2 MB abstract", "abstract": HUGE_ABSTRACT},
    {
        "id": "token",
        "title": "A paper with a giant token",
        "abstract": "We use BERT. " + "x" * 100_000 + " On SQuAD.",
    },
    {"id": "space", "title": "Repository with a space", "abstract": "We use BERT.", "repository": "x:a b"},
    {
        "id": "inject",
        "title": "Repository that injects",
        "abstract": "We use BERT.",
        "githubRepo": "x:a> . <urn:evil:s> <urn:evil:p> <urn:evil:o",
    },
    {
        "id": "script",
        "title": "Script URL",
        "abstract": "We use BERT.",
        "repository": "javascript:alert(4)",
        "url": "javascript:alert(4)",
        "project_page": 'https://example.com/a b"<>',
    },
    {
        "id": "owner",
        "title": "Over-long owner",
        "abstract": "We use BERT.",
        "repository": "https://github.com/" + "o" * 5000 + "/name",
    },
    {"id": "name", "title": "We propose " + "Q" * 100_000, "abstract": "We propose " + "Z" * 100_000 + "."},
    {
        "id": "turkish",
        "title": "Sentiment Analysis of Tweets from İzmir with BERTurk",
        "abstract": "We fine-tune BERTurk on İzmir tweets. BERTurk beats BERT.",
    },
    {
        "id": "bidi",
        "title": "Evil \u202etitle\u202c with \x1b[31mcolour",
        "abstract": "We use BERT.",
        "repository": "not a url \u202e",
    },
]


def run_kg(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kg", *args], cwd=cwd, capture_output=True, text=True, timeout=900, check=False
    )


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    records = folder / "papers.jsonl"
    lines = [json.dumps(record, ensure_ascii=False) for record in [*GOOD, *HOSTILE]]
    records.write_text("\n".join(lines) + "\n", encoding="utf-8")
    scalar = folder / "scalar.json"
    scalar.write_text("42\n", encoding="utf-8")
    result = run_kg("build", str(records), str(scalar), "--out", str(folder / "out"), "--no-html", cwd=folder)
    return folder, result


def test_the_build_keeps_every_paper_and_shows_no_traceback(hostile_build):
    folder, result = hostile_build
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    papers = len(GOOD) + len(HOSTILE)
    # every record kept; the one skipped input is the bare scalar file, the rest are fields dropped or cut
    assert result.stdout.startswith(
        f"read {papers} records: 0 duplicates merged, {papers} papers kept; 1 skipped"
    )
    assert "dropped or cut from papers kept" in result.stdout.splitlines()[0]
    with Store(folder / "out" / "store", read_only=True) as store:
        titles = {str(row[0]) for row in store.query("SELECT ?t WHERE { ?p a kg:Paper ; schema:name ?t }")}
    assert {record["title"][:60] for record in GOOD} <= titles


def test_case_1_an_over_long_abstract_is_extracted_up_to_the_limit_with_a_warning(hostile_build):
    folder, result = hostile_build
    records = folder / "papers.jsonl"
    assert (
        f"warning: {records}:{len(GOOD) + 1}: the abstract of 'A paper with a 2 MB abstract' has "
        in result.stderr
    )
    assert "extraction reads the first 100,000" in result.stderr
    assert "E088" not in result.stderr
    with Store(folder / "out" / "store", read_only=True) as store:
        found = store.query(
            "ASK { ?p kg:arxivId ?x . } ",
        )
        datasets = store.query(
            "SELECT ?d WHERE { ?p schema:name 'A paper with a 2 MB abstract' ; kg:evaluatedOn ?d }"
        ).rows
        abstract = store.query(
            "SELECT ?a WHERE { ?p schema:name 'A paper with a 2 MB abstract' ; schema:abstract ?a }"
        ).rows
    assert found.kind == "ask"
    assert datasets  # extracted from the first 100,000 characters
    assert len(str(abstract[0][0])) == len(HUGE_ABSTRACT.strip())  # the record itself is kept whole


def test_case_3_urls_from_records_go_through_the_normaliser_or_are_dropped(hostile_build):
    folder, result = hostile_build
    for value in ("'x:a b'", "'javascript:alert(4)'", "x:a> . <urn:evil:s>"):
        assert value in result.stderr
    turtle = (folder / "out" / "graph.ttl").read_text(encoding="utf-8")
    graph = Graph().parse(data=turtle, format="turtle")  # parses: nothing broke the Turtle
    assert "urn:evil" not in turtle and "javascript:" not in turtle
    for _, _, code in graph.triples((None, SCHEMA.codeRepository, None)):
        assert str(code).startswith("https://")
    for _, _, page in graph.triples((None, KG.hasProjectPage, None)):
        assert str(page).startswith(("https://", "http://"))
    # and the store takes another build and export after it (one record used to poison it)
    again = run_kg(
        "build", str(folder / "papers.jsonl"), "--out", str(folder / "out"), "--no-html", cwd=folder
    )
    assert again.returncode == 0 and "Traceback" not in again.stderr


def test_case_6_a_bare_json_scalar_gets_the_right_warning(hostile_build):
    folder, result = hostile_build
    assert (
        f"warning: {folder / 'scalar.json'}:1: expected a JSON object for a paper, found a number"
        in result.stderr
    )
    assert "title" not in next(line for line in result.stderr.splitlines() if "scalar.json" in line)


def test_case_7_long_names_and_owners_are_capped(hostile_build):
    folder, result = hostile_build
    assert "not a GitHub owner" in result.stderr or "longer than" in result.stderr
    with Store(folder / "out" / "store", read_only=True) as store:
        labels = [str(row[0]) for row in store.query("SELECT ?l WHERE { ?e skos:prefLabel ?l }").rows]
        repos = [str(row[0]) for row in store.query("SELECT ?r WHERE { ?r a kg:Repository }").rows]
    assert max(map(len, labels)) <= 200
    assert all(len(repo) < 300 for repo in repos)


def test_case_7_nothing_printed_can_reorder_or_recolour_the_terminal(hostile_build):
    _, result = hostile_build
    assert "Evil" in result.stderr
    assert not any(ch in result.stderr for ch in "\u202e\u202c\x1b")
    assert terminal_safe("a\u202eb\x1b[31mc\u2066d\te\n") == "a\ufffdb\ufffd[31mc\ufffdd\te\n"


def test_case_8_a_dotted_capital_i_keeps_the_paper(hostile_build):
    folder, _ = hostile_build
    with Store(folder / "out" / "store", read_only=True) as store:
        methods = store.query(
            "SELECT ?l WHERE { ?p schema:name ?t ; kg:usesMethod ?m . ?m skos:prefLabel ?l "
            "FILTER(CONTAINS(?t, 'İzmir')) }"
        ).rows
    assert {"BERTurk", "BERT"} <= {str(row[0]) for row in methods}


def test_case_2_json_lines_whose_first_record_is_long_are_read_whole(tmp_path):
    records = [
        {"id": f"a{i}", "title": f"Paper {i}", "abstract": "word " * (8000 if i == 0 else 5)}
        for i in range(6)
    ]
    path = tmp_path / "firstlong.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    papers, problems = read_papers([path])
    assert [paper.title for paper in papers] == [f"Paper {i}" for i in range(6)]
    assert not problems
    # forced to JSON, the same file still loses nothing
    papers, problems = read_papers([path], "json")
    assert len(papers) == 6 and not problems


def test_a_record_cannot_inject_through_the_url_field(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text(
        json.dumps({"id": "u", "title": "T", "url": "https://x.org/a> . <urn:evil:s"})
        + "\n"
        + json.dumps({"id": "v", "title": "Kept", "url": "https://Example.org/page/"})
        + "\n",
        encoding="utf-8",
    )
    papers, problems = read_papers([path])
    assert [paper.url for paper in papers] == [None, "https://example.org/page"]
    assert len(problems) == 1 and problems[0].line == 1 and "url" in problems[0].message
    assert URIRef(papers[1].url)  # a valid IRI
