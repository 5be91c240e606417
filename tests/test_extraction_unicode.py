"""Property: random Unicode titles and abstracts never crash extraction, and every evidence span lies in its
sentence and slices to its name. Characters whose lower case is longer ("İ") once shifted offsets."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kg.core.papers import Paper
from kg.extraction import extract

# words that make rules fire (so spans exist), and characters that change length under lower()/upper()
WORDS = st.sampled_from(
    [
        "We",
        "propose",
        "BERT",
        "BERTurk",
        "İzmir",
        "İ",
        "ß",
        "ﬁ",
        "ǅ",
        "on",
        "ImageNet",
        "the",
        "dataset",
        "(",
        ")",
        ".",
        "named",
        "HiCMAE",
        "accuracy",
        "84.4%",
        "\n",
    ]
)
TEXT = st.lists(st.one_of(WORDS, st.text(max_size=6)), max_size=40).map(" ".join)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=TEXT, abstract=TEXT)
@example(
    title="Sentiment Analysis of Tweets from İzmir with BERTurk",
    abstract="BERTurk on İzmir tweets: BERTurk and bert.",
)
def test_random_unicode_never_raises_and_spans_lie_in_their_sentence(title, abstract):
    paper = Paper(title=title or "t", abstract=abstract)
    extraction = extract(paper)
    fields = {"title": paper.title, "abstract": paper.abstract}
    spans = [(e.evidence, e.name) for e in extraction.entities() + extraction.proposed]
    spans += [(a.evidence, a.short) for a in extraction.aliases]
    spans += [(r.evidence, None) for r in extraction.results]
    spans += [(edge.evidence, None) for edge in extraction.lineage]
    for evidence, name in spans:
        text = fields[evidence.field]
        assert 0 <= evidence.start <= evidence.end <= len(text)
        if name is not None:
            assert text[evidence.start : evidence.end] == name
        span = text[evidence.start : evidence.end]
        assert span.strip() in evidence.sentence
        # the sentence is a stretch of the field around the span
        starts = [i for i in range(len(text)) if text.startswith(evidence.sentence, i)]
        assert (
            any(s <= evidence.start and evidence.end <= s + len(evidence.sentence) for s in starts)
            or not span.strip()
        )
