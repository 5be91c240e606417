"""Reported numbers: a value with its metric, and the method and dataset when the same sentence names them.

A value is a percentage, a factor (``6.5x``, ``3.0x-6.5x``), a signed gain (``+1.2``), or a plain number
directly followed by a metric that is a unit (``180 Gop/s``). It belongs to the metric just before it in the
sentence, else the one just after it, else the sentence's "in terms of <metric>". A number with no metric
named is not a result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

VALUE = re.compile(
    r"(?<![\w.^/])([+\-\u2212]?\d+(?:[.,]\d+)?(?:\s?\\?%|\s?(?:x|\u00d7)(?![a-z]))"
    r"(?:\s?(?:-|\u2013|to)\s?\d+(?:\.\d+)?(?:\s?\\?%|\s?(?:x|\u00d7)(?![a-z])))?"
    r"|[+\-\u2212]\d+(?:\.\d+)?(?![\w.]))"
)
PLAIN_NUMBER = re.compile(r"(?<![\w.^/\-])(\d+(?:\.\d+)?)(?=\s)")
# words that may follow a value that still belongs to a metric
AFTER_VALUE = frozenset(
    [
        "higher",
        "lower",
        "better",
        "worse",
        "improvement",
        "improvements",
        "gain",
        "gains",
        "increase",
        "decrease",
        "reduction",
        "relative",
        "absolute",
        "points",
        "point",
        "on",
        "in",
        "of",
        "for",
        "over",
        "and",
        "or",
        "compared",
        "with",
        "at",
        "to",
        "than",
        "from",
        "by",
        "while",
        "when",
        "respectively",
        "faster",
        "slower",
        "speedup",
        "reductions",
        "drop",
        "boost",
        "average",
        "top",
        "overall",
    ]
)
METRIC_THEN_NUMBER = re.compile(
    r"\s*(?:\([^()]{1,20}\)\s*)?(?:scores?\s+)?(?:(?:of|=|:|is|was|reaches|reached|achieves|achieved)\s*"
    r"(?:about|around|approximately|up\s+to|over|nearly)?\s*(\d+(?:\.\d+)?(?:\s?\\?%)?)|(\d+\.\d+))(?!\w|\.\d)"
)
BEFORE_WINDOW = 90
AFTER_WINDOW = 40


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    name: str


@dataclass(frozen=True)
class FoundResult:
    value: str
    start: int
    end: int
    metric: Span
    method: Span | None
    dataset: Span | None


def _nearest_before(spans: list[Span], pos: int, window: int, lo: int) -> Span | None:
    """The span ending closest before ``pos``, at most ``window`` characters away and after ``lo``."""
    near = [s for s in spans if lo <= s.start and s.end <= pos and pos - s.end <= window]
    return max(near, key=lambda s: s.end, default=None)


def _nearest_after(spans: list[Span], pos: int, window: int, hi: int) -> Span | None:
    """The span starting closest after ``pos``, at most ``window`` characters away and before ``hi``."""
    near = [s for s in spans if pos <= s.start and s.end <= hi and s.start - pos <= window]
    return min(near, key=lambda s: s.start, default=None)


def find_results(
    text: str,
    sentences: list[tuple[int, int]],
    metrics: list[Span],
    methods: list[Span],
    datasets: list[Span],
) -> list[FoundResult]:
    """Results in ``text``; ``sentences`` are (start, end) offsets, the entity spans offsets of mentions."""
    found: list[FoundResult] = []
    for s_start, s_end in sentences:
        sent_metrics = [m for m in metrics if s_start <= m.start and m.end <= s_end]
        if not sent_metrics:
            continue
        values = [(m.start(1), m.end(1)) for m in VALUE.finditer(text, s_start, s_end)]
        for m in PLAIN_NUMBER.finditer(text, s_start, s_end):
            nxt = _nearest_after(sent_metrics, m.end(1), 2, s_end)
            if nxt is not None and all(not (a <= m.start(1) < b) for a, b in values):
                values.append((m.start(1), m.end(1)))
        for metric in sent_metrics:  # "F1 score of 0.4178", "AUC (%) = 0.88"
            m = METRIC_THEN_NUMBER.match(text, metric.end)
            group = 1 if m and m.group(1) else 2
            if m and m.end(group) <= s_end and all(not (a <= m.start(group) < b) for a, b in values):
                values.append((m.start(group), m.end(group)))
        values.sort()
        terms = re.search(r"\bin\s+terms\s+of\s+", text[s_start:s_end])
        terms_metric = _nearest_after(sent_metrics, s_start + terms.end(), 5, s_end) if terms else None
        for v_start, v_end in values:
            noun = re.match(r"\s+([a-z][a-z\-]*)", text[v_end : v_end + 30])
            if (
                noun
                and noun.group(1) not in AFTER_VALUE
                and _nearest_after(sent_metrics, v_end, 2, s_end) is None
            ):
                continue  # "7.9% layers": the number counts something else
            after = _nearest_after(sent_metrics, v_end, AFTER_WINDOW, s_end)
            if after is not None and re.match(r"\s?(?:\S+\s)?\S*$", text[v_end : after.start]) is None:
                after = None  # only "84.4% top-1 accuracy" or "4.6% higher top-1 accuracy"
            before = _nearest_before(sent_metrics, v_start, BEFORE_WINDOW, s_start)
            metric = after if after is not None and (before is None or after.start - v_end < 3) else before
            metric = metric or terms_metric
            if metric is None:
                continue
            method = _nearest_before(methods, v_start, 200, s_start) or _nearest_after(
                methods, v_end, 30, s_end
            )
            dataset = _nearest_after(datasets, v_end, 60, s_end) or _nearest_before(
                datasets, v_start, 200, s_start
            )
            found.append(FoundResult(text[v_start:v_end], v_start, v_end, metric, method, dataset))
    return found
