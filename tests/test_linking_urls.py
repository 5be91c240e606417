"""URL finding and normalisation: every URL in the seed abstracts, plus explicit cases."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.core.urls import find_links, repository_parts

SEEDS = sorted(Path("/work/shared/seeds").glob("*.txt"))
SEED_TEXTS = [path.read_text(encoding="utf-8") for path in SEEDS]
# Independent of the module's pattern: anything that starts like a URL or a bare code-host domain.
URL_START = re.compile(
    r"https?://|(?<![\w/])www\.|(?<![\w@./])(?:github\.com|gitlab\.com|bitbucket\.org|huggingface\.co)/"
    r"|(?<![\w@./-])[\w-]+\.github\.io"
)
REPOSITORY = re.compile(
    r"https://(github\.com|gitlab\.com|bitbucket\.org|huggingface\.co)/[^/\s]+/[^/\s]+"
    r"|https://huggingface\.co/(spaces|datasets)/[^/\s]+/[^/\s]+"
)


def seed_links():
    return [(text, link) for text in SEED_TEXTS for link in find_links(text)]


@pytest.mark.skipif(not SEEDS, reason="the seed abstracts are not on this machine")
def test_every_url_in_the_seeds_is_found_once():
    for text in SEED_TEXTS:
        starts = sorted(match.start() for match in URL_START.finditer(text))
        found = sorted(link.start for link in find_links(text))
        assert found == starts, [text[s : s + 60] for s in set(starts) ^ set(found)]


@pytest.mark.skipif(not SEEDS, reason="the seed abstracts are not on this machine")
def test_seed_links_are_normalised_and_slice_to_what_was_written():
    links = seed_links()
    assert len(links) >= 40
    for text, link in links:
        assert text[link.start : link.end] == link.raw
        assert link.raw[-1] not in ".,;:!?)]}'\"*", link.raw
        assert not link.url.endswith((".", "/", ".git")), link.url
        if link.kind == "repository":
            assert REPOSITORY.fullmatch(link.url), link.url
            assert link.url.count("/") == (5 if "/spaces/" in link.url or "/datasets/" in link.url else 4)
            owner_name = link.url.split("/", 3)[3].lower()
            assert owner_name in link.raw.lower()
            if link.path:
                assert link.raw.lower().rstrip("/").endswith(link.path.lower())
        else:
            assert "github.com/" not in link.url
    assert {link.kind for _, link in links} >= {"repository", "project_page"}


@pytest.mark.parametrize(
    ("text", "raw", "url", "path"),
    [
        (
            "Code is at https://github.com/sunlicai/HiCMAE.",
            "https://github.com/sunlicai/HiCMAE",
            "https://github.com/sunlicai/HiCMAE",
            None,
        ),
        (
            "released at https://github.com/ekinakyurek/google-research/blob/master/incontext",
            "https://github.com/ekinakyurek/google-research/blob/master/incontext",
            "https://github.com/ekinakyurek/google-research",
            "/blob/master/incontext",
        ),
        (
            "(Our implementation is available in https://github.com/LZY-the-boys/Twin-Mergin.)",
            "https://github.com/LZY-the-boys/Twin-Mergin",
            "https://github.com/LZY-the-boys/Twin-Mergin",
            None,
        ),
        (
            "source code at www.github.com/marccoru/locationencoder",
            "www.github.com/marccoru/locationencoder",
            "https://github.com/marccoru/locationencoder",
            None,
        ),
        (
            "publicly available at~https://github.com/rabeehk/compacter.",
            "https://github.com/rabeehk/compacter",
            "https://github.com/rabeehk/compacter",
            None,
        ),
        (
            "see https://github.com/Ach-1914/LadleNet/tree/main/.",
            "https://github.com/Ach-1914/LadleNet/tree/main/",
            "https://github.com/Ach-1914/LadleNet",
            "/tree/main",
        ),
        (
            "clone http://GitHub.com/a-b/c.d.git, then",
            "http://GitHub.com/a-b/c.d.git",
            "https://github.com/a-b/c.d",
            None,
        ),
        (
            "at gitlab.com/huutan86/contrimix;",
            "gitlab.com/huutan86/contrimix",
            "https://gitlab.com/huutan86/contrimix",
            None,
        ),
        (
            "demo: https://huggingface.co/spaces/org/demo/tree/main”",
            "https://huggingface.co/spaces/org/demo/tree/main",
            "https://huggingface.co/spaces/org/demo",
            "/tree/main",
        ),
        (
            "[code](https://bitbucket.org/team/repo)",
            "https://bitbucket.org/team/repo",
            "https://bitbucket.org/team/repo",
            None,
        ),
    ],
)
def test_repository_examples(text, raw, url, path):
    (link,) = find_links(text)
    assert (link.raw, link.url, link.path, link.kind) == (raw, url, path, "repository")
    assert text[link.start : link.end] == raw


def test_github_io_pages_suggest_a_repository_with_low_confidence():
    text = (
        "Project: https://yingyichen-cyy.github.io/CompressFeatNoisyLabels/. Also https://magicmix.github.io "
        "and https://songluchuan.github.io/Tri2Plane.github.io/."
    )
    page, root, site = find_links(text)
    assert site.kind == "project_page" and site.suggested_repository is None
    assert page.kind == "project_page"
    assert page.url == "https://yingyichen-cyy.github.io/CompressFeatNoisyLabels"
    assert page.suggested_repository == "https://github.com/yingyichen-cyy/CompressFeatNoisyLabels"
    assert root.kind == "project_page" and root.suggested_repository is None


def test_papers_and_site_pages_are_not_repositories():
    text = (
        "See https://arxiv.org/abs/2401.01234, https://github.com/topics/nlp and https://github.com/someone "
        "and https://huggingface.co/papers/2401.01234 and https://aka.ms/BLURB."
    )
    kinds = [(link.kind, link.url) for link in find_links(text)]
    assert kinds == [
        ("reference", "https://arxiv.org/abs/2401.01234"),
        ("project_page", "https://github.com/topics/nlp"),
        ("project_page", "https://github.com/someone"),
        ("project_page", "https://huggingface.co/papers/2401.01234"),
        ("project_page", "https://aka.ms/BLURB"),
    ]


def test_no_links_in_plain_prose_and_emails():
    assert (
        find_links("We compare with Huggingface's implementation; mail me@lab.github.io or a.b@c.org.") == []
    )


def test_parentheses_inside_a_url_are_kept():
    (link,) = find_links("(see https://en.wikipedia.org/wiki/Adam_(optimizer)).")
    assert link.raw == "https://en.wikipedia.org/wiki/Adam_(optimizer)"


def test_repository_parts():
    assert repository_parts("https://github.com/Owner/Name.git/") == ("github.com", "Owner", "Name")
    assert repository_parts("https://huggingface.co/datasets/o/n") == ("huggingface.co", "datasets/o", "n")
    assert repository_parts("https://owner.github.io/name") is None


@given(
    st.lists(
        st.sampled_from(list("ab./:-_()[] .,\n") + ["https://", "github.com/", "www.", ".github.io"]),
        max_size=30,
    ).map("".join)
)
def test_offsets_always_slice_to_raw(text):
    for link in find_links(text):
        assert text[link.start : link.end] == link.raw
        assert link.raw and link.raw[-1] not in ".,;:!?"


def test_module_examples():
    import doctest

    import kg.core.urls

    assert doctest.testmod(kg.core.urls).failed == 0
