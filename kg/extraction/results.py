"""Reported numbers: a value with its metric, and the method and dataset when the same sentence names them.

A value is a percentage, a factor (``6.5x``, ``3.0x-6.5x``), a signed gain (``+1.2``), or a plain number
directly followed by a metric that is a unit (``180 Gop/s``). It belongs to the metric just before it in the
sentence, else the one just after it, else the sentence's "in terms of <metric>". A number with no metric
named is not a result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.lang.en.stop_words import STOP_WORDS

# a percent or factor sign as ML abstracts write it: "%", LaTeX "\\%" or "$\\%$", "x", "X", "\u00d7", "$\\times$",
# "times" (with or without the space), "-fold"
_UNIT = r"(?:\s?(?:\\?%|\$\\%\$)|\s?(?:x|X|\u00d7)(?![A-Za-z]|\s?\d)|\s?\$?\\times\$?(?![A-Za-z]|\s?\d)|\s?times\b|-fold\b)"
_NUM = r"\d+(?:[.,]\d+)?"
ANY_DIGIT = re.compile(r"\d")
VALUE = re.compile(
    rf"(?<![\w.^/])((?:\+\s?|[\-\u2212])?{_NUM}{_UNIT}"
    rf"(?:\s?(?:-|\u2013|to|~|\\?sim)\s?{_NUM}{_UNIT})?"
    # a range whose sign comes once, at its end: "6.98-8.89%", "7\u201310%"
    rf"|{_NUM}\s?(?:-|\u2013)\s?{_NUM}{_UNIT}"
    r"|(?:\+\s?|[\-\u2212])\d+(?:\.\d+)?(?![\w.]))"
)
PLAIN_NUMBER = re.compile(r"(?<![\w.^/\-])(\d+(?:\.\d+)?(?:\s?[\-\u2013]\s?\d+(?:\.\d+)?)?)(?=\s)")
# "14.9/8.8 mAP": values for two settings, one metric
SLASH_PAIR = re.compile(r"(?<![\w.^/\-])(\d+(?:\.\d+)?)/(\d+(?:\.\d+)?)(?=\s)")
# "by 1.1 points", "5.6 points in perplexity", "more than 10 F1 points": a difference in the metric's units
POINTS = re.compile(r"(?<![\w.^/\-])(\d+(?:\.\d+)?)\s+(?:percentage\s+)?(?:points?|pp)\b")
# values closing a "respectively" list: "to 47.69 and 40.68 respectively", "of 0.92, 0.88 and 0.90, respectively"
RESPECTIVELY_LIST = re.compile(
    r"(?<![\w.^/\-])\d+(?:\.\d+)?(?:\s*(?:,\s*(?:and\s+)?|\s(?:and|or)\s+)\d+(?:\.\d+)?)+,?\s+respectively\b"
)
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
        "speedups",
        "absolute",
    ]
)
# comparatives after a value that may count something else ("20% fewer parameters"): the value belongs to a
# metric only when one follows closely ("30 times smaller in the model size", "50x improved sample efficiency")
COMPARATIVE_BEFORE_METRIC = frozenset(
    ["smaller", "larger", "fewer", "less", "more", "improved", "increased", "reduced", "lower", "greater"]
)
METRIC_THEN_NUMBER = re.compile(
    r"\s*(?:\([^()]{1,20}\)\s*)?(?:scores?\s+)?(?:(?:of|=|:|is|was|reaches|reached|achieves|achieved)\s*"
    r"(?:about|around|approximately|up\s+to|over|nearly)?\s*(\d+(?:\.\d+)?(?:\s?\\?%)?)|(\d+\.\d+))(?!\w|\.\d)"
)
METRIC_FROM_TO = re.compile(
    r"\s+(?:(?:is|was|are|were)\s+)?(?:\w+\s+)?from\s+\d+(?:\.\d+)?\s?\\?%?\s+to\s+(\d+(?:\.\d+)?(?:\s?\\?%)?)(?!\w|\.\d)"
)
BEFORE_WINDOW = 90
# the next number of a list a metric's value opens: "of 3.08 or 2.52", "of 59.0 (+2.8), 69.5 (+3.0), and 74.4"
LISTED_NUMBER = re.compile(
    r"(?:\s*\([^()]{1,12}\))?\s*(?:,\s*(?:and\s+|or\s+)?|\s(?:and|or)\s+)(\d+(?:\.\d+)?(?:\s?\\?%)?)(?![\w.]|\.\d)"
)
# two levels set side by side in parentheses: "(2.9 vs. 2.2)", "(5.9\\% vs 1.9\\% word error rates)"
VERSUS = re.compile(
    r"\(\s*(\d+(?:\.\d+)?(?:\s?\\?%)?)\s+(?:vs\.?|versus)\s+(\d+(?:\.\d+)?(?:\s?\\?%)?)(?![\w.]|\.\d)"
)
# between a metric and its value: "an entropy of 1.26 bits/char" is the entropy's value, in bits/char
METRIC_SLOT = re.compile(
    r"\s*(?:\([^()]{1,20}\)\s*)?(?:scores?\s+)?(?:of|=|:|is|was|reaches|reached|achieves|achieved)\s+"
    r"(?:(?:about|around|approximately|nearly|over|only|just|up\s+to)\s+)?\$?"
)
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
    kind: str  # one of kg.core.domain.RESULT_KIND_NAMES


# -- what kind of number a value is (GUIDELINES: score, change or ratio), read from how English reports it --

# a factor: "6.5x", "2times", "3-fold", "1/4 parameters"
RATIO_VALUE = re.compile(r"(?:x|\u00d7|times|fold)\$?$|^\d+/\d+$", re.IGNORECASE)
RATIO_AFTER = re.compile(r"^\s*-?\s*(?:times|fold)\b", re.IGNORECASE)
# a difference: the noun or comparative right after the value ("1.2% improvement", "0.7% higher")
CHANGE_AFTER = re.compile(
    r"^\s*(?:\w+\s+){0,1}?(?:absolute\s+|relative\s+)?"
    r"(?:improvements?|gains?|increases?|increased|decreases?|decreased|reductions?|reduced|drops?|boosts?"
    r"|higher|lower|better|worse|fewer|less|more|smaller|larger|faster|slower|up|down|advantage|margin)\b",
    re.IGNORECASE,
)
# ... or the verb or preposition before it ("reduces MSE by 11.1%", "a gain of 2 points", "saving 90%")
CHANGE_BEFORE = re.compile(
    r"(?:\bby|\bimprovements?\s+of|\bgains?\s+of|\bincreases?\s+of|\bdecreases?\s+of|\breductions?\s+of"
    r"|\bdrops?\s+of|\bmargins?\s+of|\bboosts?\s+of"
    r"|\b(?:improv|increas|decreas|reduc|boost|sav|cut|lower|rais|surpass|outperform|exceed|beat)\w*"
    r"(?:\s+(?!of\b|to\b|from\b)[\w@.\-]+){0,3}?\s+(?:by|over))"
    r"\s+(?:up\s+to\s+|about\s+|around\s+|approximately\s+|roughly\s+|nearly\s+|over\s+|more\s+than\s+"
    r"|at\s+least\s+|an?\s+average\s+of\s+|on\s+average\s+|between\s+|~\s*)*$"
    r"|\b(?:reduc|sav|cut)(?:es|ed|ing|e|s)?\s+(?:up\s+to\s+|about\s+|around\s+|over\s+|nearly\s+)*$"
    # "the drop of mIoU is within 0.8%", "the gain in accuracy was about 2 points"
    r"|\b(?:drops?|decreases?|loss|gap|reductions?|increases?|improvements?|gains?)\s+(?:of|in)\s+\S+(?:\s\S+)?"
    r"\s+(?:is|was|are|were)\s+(?:within\s+|about\s+|around\s+|only\s+|just\s+|less\s+than\s+|up\s+to\s+)?$",
    re.IGNORECASE,
)
# "a 175% improvement in <what changed>"
CHANGE_OF = re.compile(
    r"\s+(?:absolute\s+|relative\s+|average\s+)?(?:improvements?|increases?|reductions?|decreases?|gains?|drops?"
    r"|boosts?)\s+(?:in|of|on)\s+(?:the\s+)?",
    re.IGNORECASE,
)
COMPARED_TO = re.compile(
    r"\b(?:compared\s+(?:to|with)|(?<!more\s)(?<!less\s)(?<!fewer\s)(?<!greater\s)than|against)"
    r"\s+(?:only\s+|just\s+|(?:less|more|fewer)\s+than\s+)?$",
    re.IGNORECASE,
)
# "improving over the previous best IS of 52.52": a level others reached
OTHERS_LEVEL = re.compile(
    r"\b(?:previous|prior|former)\s+(?:best|state[\s-]of[\s-]the[\s-]art|sota|record)\b", re.IGNORECASE
)
# "from 0.620 to 0.651": the old level is no result of the paper, the new one is
FROM_VALUE = re.compile(r"\bfrom\s+$", re.IGNORECASE)


# "55.6% of FLOPs are reduced", "0.09 increase in FID score": the change word after the metric
CHANGE_AFTER_METRIC = re.compile(
    r"\s*(?:scores?\s+)?(?:(?:of\s+\S+\s+)?(?:is|are|was|were|be|been)\s+)?(?:absolute\s+|relative\s+)?"
    r"(?:improvements?|improved|gains?|increases?|increased|decreases?|decreased|reductions?|reduced"
    r"|drops?|dropped|boosts?|boosted)\b",
    re.IGNORECASE,
)


def result_kind(text: str, start: int, end: int, clause_start: int, metric: Span | None = None) -> str:
    """``score``, ``change`` or ``ratio`` for the value at ``text[start:end]``: a factor is a ratio; a signed
    value, or one the words around call a difference ("by 3.6%", "1.5% higher", "0.21% top-1 accuracy
    increase"), is a change."""
    value = text[start:end].strip()
    after = text[end : end + 40]
    before = text[max(clause_start, start - 80) : start]
    if RATIO_VALUE.search(value) or RATIO_AFTER.match(after):
        return "ratio"
    if value[:1] in "+-\u2212" or CHANGE_AFTER.match(after) or CHANGE_BEFORE.search(before):
        return "change"
    if (
        metric is not None
        and 0 <= metric.start - end <= 12
        and CHANGE_AFTER_METRIC.match(text, metric.end, metric.end + 60)
    ):
        return "change"
    if metric is not None and re.search(
        r"\b(?:savings|reductions?|improvements?|gains?|drops?)$", metric.name, re.IGNORECASE
    ):
        return "change"  # "memory savings of up to 50%": the metric's name says it is a difference
    return "score"


# the head nouns of metric names in ML writing; a phrase ending in one that sits in a value's slot ("a click
# rate of 1.785", "46.8% zero-shot accuracy", "20x faster sampling speed") names the value's metric even
# where the entity stage found no metric there, or only its head
METRIC_HEAD = (
    r"(?:FLOPs|parameters?|memory|cost|latency)\s+reductions?|accuracy|accuracies|error\s+rates?|errors?|precision|recall|perplexity|perplexities|speed-?ups?|latency"
    r"|throughput|entropy|similarity|correlation|F1|F-score|F1[\s-]score|scores?|speed|AUROC|AUC|IoU|mIoU|mAP"
    r"|BLEU|ROUGE(?:-\w+)?|PSNR|SSIM|FID|WER|CER|EER|MRR|NDCG(?:@\d+)?|Recall@\d+|R@\d+|Hits@\d+"
    r"|(?:training|inference|testing|running|wall-clock|wall\s+clock|GPU|run)\s+(?:time|hours)|parameters|FLOPs"
    r"|PQ|AP|AR|MAP|GLEU|METEOR|CIDEr|SARI|bits/char|BPC|bpc|frames\s+per\s+second|FPS|fps"
    r"|model\s+size|(?:training|inference|GPU)\s+memory|memory\s+(?:usage|consumption|footprint|savings)"
)
PHRASE_BEFORE_VALUE = re.compile(
    rf"((?:[A-Za-z][\w\-']*\s+){{0,2}}(?:{METRIC_HEAD}))\s+(?:of|=|:|is|was|reaches|reached|(?:(?:is|are|was|were)\s+)?(?:reduced|improved|increased|decreased|lowered|boosted)?\s*by)\s+"
    r"(?:(?:about|around|approximately|nearly|over|only|just|up\s+to|between|more\s+than|an\s+average\s+of)\s+)*"
    r"\$?[+\-\u2212]?\d",
)
PHRASE_AFTER_VALUE = re.compile(
    r"\d(?:[\d.,]*)(?:\s?(?:\\?%|\$\\%\$|x|X|\u00d7|\$?\\times\$?|times))?\s+"
    r"(?:(?:higher|lower|better|faster|slower|improved|increased|reduced|absolute|relative)\s+(?:in\s+(?:the\s+)?)?)?"
    rf"((?:[A-Za-z][\w\-']*\s+){{0,2}}(?:{METRIC_HEAD}))\b"
)
# "audio similarity (0.580 vs 0.681)": the value in parentheses right after the metric's name
PHRASE_BEFORE_PARENTHESIS = re.compile(
    rf"((?:[A-Za-z][\w\-']*\s+){{0,2}}(?:{METRIC_HEAD}))\s+\(\s*[+\-\u2212]?\d"
)
# words that qualify a value, not the metric's name
EVALUATIVE = frozenset(
    [
        "highest",
        "lowest",
        "best",
        "new",
        "strong",
        "competitive",
        "state-of-the-art",
        "sota",
        "better",
        "worse",
        "superior",
        "significant",
        "significantly",
        "impressive",
        "high",
        "low",
        "good",
        "remarkable",
        "overall",
        "improved",
        "increased",
        "reduced",
        "higher",
        "lower",
        "faster",
        "slower",
        "achieves",
        "achieved",
        "achieving",
        "reaches",
        "reached",
        "obtains",
        "obtained",
        "yields",
        "attains",
        "attaining",
        "relative",
        "absolute",
        "substantial",
        "comparable",
        "promising",
        "excellent",
        "average-case",
        "report",
        "reports",
        "reported",
        "obtain",
        "obtains",
        "get",
        "gets",
        "reach",
        "attain",
        "yield",
        "yields",
        "show",
        "shows",
        "give",
        "gives",
        "see",
        "achieve",
        "point",
        "points",
        "dataset",
        "datasets",
        "benchmark",
        "benchmarks",
        "set",
        "task",
        "tasks",
        "fewer",
        "less",
        "more",
        "smaller",
        "larger",
        "bigger",
        "million",
        "billion",
        "thousand",
        "m",
        "b",
        "k",
        "times",
        "improve",
        "improves",
        "reduce",
        "reduces",
        "increase",
        "increases",
        "raise",
        "raises",
        "raised",
        "decrease",
        "decreases",
        "decreased",
        "boost",
        "boosts",
        "boosted",
        "lowers",
        "lowered",
        "outperform",
        "outperforms",
        "outperformed",
        "cut",
        "cuts",
        "surpass",
        "surpasses",
        "surpassed",
        "exceed",
        "exceeds",
        "exceeded",
        "averaging",
    ]
)


COMPARATIVES = COMPARATIVE_BEFORE_METRIC | {"faster", "slower", "higher", "better", "worse"}


def metric_phrases(text: str, s_start: int, s_end: int) -> list[Span]:
    """Metric names the sentence writes in a value's slot, trimmed of the words that only qualify the value."""
    spans: list[Span] = []
    for pattern in (PHRASE_BEFORE_VALUE, PHRASE_AFTER_VALUE, PHRASE_BEFORE_PARENTHESIS):
        for m in pattern.finditer(text, s_start, s_end):
            start, end = m.start(1), m.end(1)
            words = list(re.finditer(r"\S+", text[start:end]))
            keep = len(words) - 1  # the head
            while keep > 0:
                w = words[keep - 1].group()
                if (
                    w.lower() in STOP_WORDS
                    or w.lower() in EVALUATIVE
                    or not re.match(r"[A-Za-z]", w)
                    or re.fullmatch(r"[a-z]+ing", w)  # "enhancing FPS"
                ):
                    break
                keep -= 1
            start = m.start(1) + words[keep].start()
            if keep == len(words) - 1 and re.fullmatch(r"scores?", words[-1].group()):
                continue  # "score" alone names no metric
            if end > start:
                spans.append(Span(start, end, text[start:end]))
    return spans


def _long_form(text: str, metric: Span, metrics: list[Span], lo: int) -> Span:
    """The metric's long form where the text defines its acronym right there and never uses it again:
    "Fr\u00e9chet Inception Distance (FID) score of 3.08" names the metric by its long form; an acronym the
    text goes on to use ("Equal Error Rate (EER) of 12 ... an EER of 10.8") is the text's name for it."""
    if text[metric.start - 1 : metric.start] != "(" or metric.start - 1 < lo:
        return metric
    if len(re.findall(rf"(?<!\w){re.escape(metric.name)}(?!\w)", text)) > 1:
        return metric
    return next((m for m in metrics if 0 < metric.start - m.end <= 2 and m.start < metric.start), metric)


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
    proposed: Span | None = None,
) -> list[FoundResult]:
    """Results in ``text``; ``sentences`` are (start, end) offsets, the entity spans offsets of mentions.
    ``proposed`` is the paper's own method: a result whose clause names no other method as its subject is
    the paper's."""
    found: list[FoundResult] = []
    for s_start, s_end in sentences:
        if not ANY_DIGIT.search(text, s_start, s_end):
            continue  # every value and every metric phrase found in a value's slot holds a digit
        sent_metrics = [m for m in metrics if s_start <= m.start and m.end <= s_end]
        for phrase in metric_phrases(text, s_start, s_end):
            inside = [m for m in sent_metrics if phrase.start <= m.start and m.end <= phrase.end]
            if any(m.start < phrase.end and phrase.start < m.end for m in sent_metrics if m not in inside):
                continue  # it crosses a metric the entity stage found
            if inside and all(m.end == phrase.end for m in inside):
                sent_metrics = [m for m in sent_metrics if m not in inside]  # "zero-shot" + "accuracy"
            elif inside:
                continue
            sent_metrics.append(phrase)
        sent_metrics.sort(key=lambda m: m.start)
        if not sent_metrics:
            continue
        values = [(m.start(1), m.end(1)) for m in VALUE.finditer(text, s_start, s_end)]
        points = {(m.start(1), m.end(1)) for m in POINTS.finditer(text, s_start, s_end)}
        for m in PLAIN_NUMBER.finditer(text, s_start, s_end):
            nxt = _nearest_after(sent_metrics, m.end(1), 2, s_end)
            if nxt is None and (change_of := CHANGE_OF.match(text, m.end(1), s_end)):
                nxt = _nearest_after(sent_metrics, change_of.end(), 1, s_end)  # "a 0.09 increase in FID"
            if nxt is not None and all(not (a <= m.start(1) < b) for a, b in values):
                values.append((m.start(1), m.end(1)))
        for m in SLASH_PAIR.finditer(text, s_start, s_end):
            if _nearest_after(sent_metrics, m.end(), 2, s_end) is None:
                continue
            if "." not in m.group() and int(m.group(1)) < int(m.group(2)):
                values.append((m.start(1), m.end(2)))  # "1/4 parameters": a fraction, a ratio
            else:
                values += [(m.start(1), m.end(1)), (m.start(2), m.end(2))]
        for m in POINTS.finditer(text, s_start, s_end):
            if all(not (a <= m.start(1) < b) for a, b in values):
                values.append((m.start(1), m.end(1)))
        for m in RESPECTIVELY_LIST.finditer(text, s_start, s_end):
            for n in re.finditer(r"\d+(?:\.\d+)?", m.group()):
                if all(not (a <= m.start() + n.start() < b) for a, b in values):
                    values.append((m.start() + n.start(), m.start() + n.end()))
        plain_values = set(values)
        for metric in sent_metrics:  # "mIoU is increased from 0.620 to 0.651", "FPS from 533 to 2364"
            m = METRIC_FROM_TO.match(text, metric.end, s_end)
            if m and all(not (a <= m.start(1) < b) for a, b in values):
                values.append((m.start(1), m.end(1)))
        for metric in sent_metrics:  # "F1 score of 0.4178", "AUC (%) = 0.88"
            m = METRIC_THEN_NUMBER.match(text, metric.end)
            group = 1 if m and m.group(1) else 2
            if m and m.end(group) <= s_end and all(not (a <= m.start(group) < b) for a, b in values):
                values.append((m.start(group), m.end(group)))
                # "an FID of 3.08 or 2.52", "accuracies of 59.0 (+2.8), 69.5 (+3.0)": the list goes on
                pos = m.end(group)
                while nxt := LISTED_NUMBER.match(text, pos, s_end):
                    if all(not (a <= nxt.start(1) < b) for a, b in values):
                        values.append((nxt.start(1), nxt.end(1)))
                    pos = nxt.end(1)
        for m in VERSUS.finditer(text, s_start, s_end):  # "a better simplicity score (2.9 vs. 2.2)"
            for g in (1, 2):
                if all(not (a <= m.start(g) < b) for a, b in values):
                    values.append((m.start(g), m.end(g)))
        values.sort()
        anchored = set(values) - plain_values  # found beside their metric ("accuracy of 90%")
        terms = re.search(r"\bin\s+terms\s+of\s+", text[s_start:s_end])
        terms_metric = _nearest_after(sent_metrics, s_start + terms.end(), 5, s_end) if terms else None
        accepted: list[tuple[int, int, Span | None]] = []
        for v_start, v_end in values:
            if re.fullmatch(r"(?:19|20)\d\d", text[v_start:v_end]):
                continue  # "BLEU on WMT 2014": a year, not a value
            shown = v_start
            if FROM_VALUE.search(text, max(s_start, v_start - 6), v_start) and (
                to := re.search(r"\sto\s?(?=[~\d])", text[v_start:v_end])
            ):
                shown = v_start + to.end()  # "from 31.2% to 44.6%": the level reached, not the one before
            if FROM_VALUE.search(text, max(s_start, v_start - 6), v_start) and re.match(
                r"\s+to\s+[~\d]", text[v_end : v_end + 12]
            ):
                continue  # "from 0.620 to 0.651": the level before, not the paper's result
            noun = re.match(r"\s+([a-z][a-z\-]*)", text[v_end : v_end + 30])
            word = noun.group(1) if noun else ""
            if (
                noun
                and (v_start, v_end) not in anchored
                and _nearest_after(sent_metrics, v_end, 2, s_end) is None
                and (
                    _nearest_after(sent_metrics, v_end, 30, s_end) is None
                    if word in COMPARATIVE_BEFORE_METRIC
                    else word not in AFTER_VALUE and word not in STOP_WORDS
                )
            ):
                continue  # "7.9% layers": the number counts something else
            after = _nearest_after(sent_metrics, v_end, AFTER_WINDOW, s_end)
            if after is not None and not re.match(
                r"\s?(?:\([^()]{1,40}\)\s?)?(?:\S+\s(?:(?:in|of)\s+(?:the\s+|terms\s+of\s+(?:the\s+)?)?)?)?\S*$",
                text[v_end : after.start],
            ):
                after = (
                    None  # only "84.4% top-1 accuracy", "4.6% higher top-1 accuracy", "2x faster in speed"
                )
            before = _nearest_before(
                sent_metrics,
                v_start,
                BEFORE_WINDOW,
                clause_of(text, v_start, v_end, s_start, s_end, METRIC_BREAK)[0],
            )
            named_before = before is not None and METRIC_SLOT.fullmatch(text, before.end, v_start)
            metric = (
                after
                if after is not None
                and not named_before
                and (before is None or after.start - v_end < 3 or word in COMPARATIVES)
                else before
            )  # "20% fewer parameters": what the comparative says is fewer
            metric = metric or terms_metric
            if metric is None and (v_start, v_end) in points:  # "..., and 0.5 points more than X"
                metric = _nearest_before(sent_metrics, v_start, s_end - s_start, s_start)
            change_of = CHANGE_OF.match(text, v_end, s_end)
            if change_of:  # "a 175% improvement in inference speed": the text names what changed
                metric = _nearest_after(sent_metrics, change_of.end(), 1, s_end)
            in_metric = re.match(
                r"\s+(?:percentage\s+)?(?:points?|pp)\s+(?:in|on|of)\s+(?:the\s+)?", text[v_end:s_end]
            )
            if in_metric:  # "5.6 points in perplexity"
                metric = _nearest_after(sent_metrics, v_end + in_metric.end(), 1, s_end) or metric
            if metric is not None:
                metric = _long_form(text, metric, sent_metrics, s_start)
            if COMPARED_TO.search(text, max(s_start, v_start - 30), v_start):
                continue  # "compared to 24 tokens/s of X": another method's level
            accepted.append((shown, v_end, metric))
        # "0.7% and 1.5% higher top-1 accuracy": a value listed with the next one shares its metric
        for i in range(len(accepted) - 2, -1, -1):
            v_start, v_end, metric = accepted[i]
            nxt = accepted[i + 1]
            if metric is None and nxt[2] is not None and COORDINATED.fullmatch(text[v_end : nxt[0]]):
                accepted[i] = (v_start, v_end, nxt[2])
        accepted = [(a, b, metric) for a, b, metric in accepted if metric is not None]
        kinds = _coordinated_kinds(text, accepted, s_start)
        sent_datasets = [d for d in datasets if s_start <= d.start and d.end <= s_end]
        zipped = _respectively(text, accepted, sent_datasets, s_start, s_end)
        for i, ((v_start, v_end, metric), kind) in enumerate(zip(accepted, kinds, strict=True)):
            c_start, c_end = clause_of(text, v_start, v_end, s_start, s_end)
            if kind == "score" and OTHERS_LEVEL.search(text, c_start, v_start):
                continue
            dataset = zipped.get(i) or _dataset_of(
                text, sent_datasets, v_start, v_end, c_start, c_end, methods + sent_metrics
            )
            method = _method_of(text, methods, v_start, v_end, c_start, c_end) or proposed
            found.append(FoundResult(text[v_start:v_end], v_start, v_end, metric, method, dataset, kind))
    return found


# where a clause ends inside a sentence: a semicolon, a parenthesis, or a conjunction starting a new clause
CLAUSE_BREAK = re.compile(
    r";|[()]|,\s+(?:and|but|while|whereas|which|where|respectively|outperforming|surpassing|compared|"
    r"exceeding|beating|improving|yielding|achieving|reaching|setting)\b|\s(?:while|whereas|but)\s",
    re.IGNORECASE,
)
# what comes before another method's name when the sentence compares against it
COMPARED_METHOD = re.compile(
    r"(?:\bthan|\bover|\boutperform\w*|\bsurpass\w*|\bbeat\w*|\bexceed\w*|\bcompared\s+(?:to|with)|\bversus"
    r"|\bvs\.?|\bagainst|\blike|\bsuch\s+as|\bincluding|\bbaselines?|\bfrom|\bwith|\busing|\bof)"
    r"(?:\s+(?:the|a|an|strong|prior|previous|existing|state-of-the-art|competitive|baselines?|methods?|models?))*"
    r"\s*(?:\(|,)?\s*$",
    re.IGNORECASE,
)


# a metric named before a value reaches it across commas and parentheses ("a Fr\u00e9chet Inception Distance
# (FID) score of 3.08", "accuracies of 59.0 (+2.8), 69.5"), not across a contrast or a new clause
METRIC_BREAK = re.compile(r";|\s(?:while|whereas|but)\s|,\s+(?:which|where)\b", re.IGNORECASE)


def clause_of(
    text: str, v_start: int, v_end: int, s_start: int, s_end: int, breaks: re.Pattern[str] = CLAUSE_BREAK
) -> tuple[int, int]:
    """The (start, end) of the clause holding the value: the sentence cut at clause breaks on either side."""
    c_start, c_end = s_start, s_end
    for m in breaks.finditer(text, s_start, s_end):
        if m.end() <= v_start:
            c_start = m.end()
        elif m.start() >= v_end:
            c_end = m.start()
            break
    return c_start, c_end


# a dataset the entity stage did not find, named where a result's dataset is written: right after the value
# and its metric, "on" a capitalised name, often followed by "dataset", "benchmark" or "test set"
DATASET_SLOT = re.compile(
    r"(?:\s*[^\s,;.()]+){0,4}?\s+on\s+(?:the\s+)?(?:(?:challenging|popular|standard|public|large-scale|widely[\s-]used)\s+)*"
    r"((?=[^\s]*[A-Z0-9])[A-Za-z][\w\-.']*[\w'](?:\s+(?:[A-Z0-9][\w\-.']*[\w']|\d+))*)"
    r"(?=\s+(?:dataset|benchmark|test\s+set|corpus|challenge)\b|\s*[,.;()]|\s+(?:and|with|while|for|in|using)\b|\s*$)"
)


def _dataset_of(
    text: str, datasets: list[Span], v_start: int, v_end: int, c_start: int, c_end: int, others: list[Span]
) -> Span | None:
    """The dataset the value's clause names: "48.1 mIoU on ADE20K" (after it), else "on ADE20K, X reaches
    48.1" (before it); a sentence naming only one dataset names it for all its values."""
    after = _nearest_after(datasets, v_end, 60, c_end)
    if after is not None:
        return after
    named = DATASET_SLOT.match(text, v_end, c_end)
    if (
        named
        and named.end(1) - v_end <= 70
        and not any(m.start < named.end(1) and named.start(1) < m.end for m in others)
    ):  # "84.2% accuracy on the French Street Name Signs (FSNS) dataset"
        return Span(named.start(1), named.end(1), named.group(1))
    before = _nearest_before(datasets, v_start, 200, c_start)
    if before is not None:
        return before
    if len({d.name.lower() for d in datasets}) == 1:
        return datasets[0]
    return None


def _method_of(
    text: str, methods: list[Span], v_start: int, v_end: int, c_start: int, c_end: int
) -> Span | None:
    """The method the clause reports the value for: the nearest one before it that is not the one compared
    against ("X outperforms Y by 2%": X), else one right after it ("84.4% for ResNet-50")."""
    for m in sorted((m for m in methods if c_start <= m.start and m.end <= v_start), key=lambda m: -m.end):
        if not COMPARED_METHOD.search(text, max(c_start, m.start - 40), m.start):
            return m
    after = _nearest_after(methods, v_end, 12, c_end)
    if after is not None and re.match(r"\s*(?:for|with|by|of)\s+(?:the\s+)?$", text[v_end : after.start]):
        return after
    return None


def _respectively(
    text: str, values: list[tuple[int, int, Span]], datasets: list[Span], s_start: int, s_end: int
) -> dict[int, Span]:
    """Datasets zipped in order to values listed together ("on PTB and WikiText-2 to 47.69 and 40.68
    respectively"): value index -> dataset, where the sentence says "respectively" and lists as many
    datasets as values."""
    if not re.search(r"\brespectively\b", text[s_start:s_end]) or not values:
        return {}
    groups, group = [], [0]
    for i in range(1, len(values)):
        if COORDINATED.fullmatch(text[values[i - 1][1] : values[i][0]]):
            group.append(i)
        else:
            groups.append(group)
            group = [i]
    groups.append(group)
    names: list[Span] = []
    for d in sorted(datasets, key=lambda d: d.start):
        if all(d.name.lower() != n.name.lower() for n in names):
            names.append(d)
    zipped: dict[int, Span] = {}
    for group in groups:
        if len(group) >= 2 and len(names) == len(group):
            zipped.update(zip(group, names, strict=True))
    return zipped


COORDINATED = re.compile(
    r"(?:\s+(?:for|on|in|with)\s+[^\s,;]+(?:\s[^\s,;]+)?)?\s*(?:,\s*(?:and\s+|or\s+)?|\s(?:and|or)\s+|/)\s*"
)
# values listed together for the kind they share may each carry the metric's name and a qualifier
# ("by nearly 1.0 F1 on news and more than 2.0 F1")
COORDINATED_KIND = re.compile(
    r"(?:\s+(?!points?\b)[^\s,;\d][^\s,;]*)?(?:\s+(?:for|on|in|with)\s+[^\s,;]+(?:\s[^\s,;]+)?)?\s*"
    r"(?:,\s*(?:and\s+|or\s+)?|\s(?:and|or)\s+|/)\s*(?:(?:more\s+than|nearly|about|over|almost|up\s+to)\s+)?"
)


def _coordinated_kinds(text: str, values: list[tuple[int, int, Span]], clause_start: int) -> list[str]:
    """Each value's kind; values in one list ("0.7%, 6.8% and 1.3% improvements", "by 1.0% for ResNet-32,
    0.5% for VGG-16") share what the words around the list say: a ratio-shaped value stays a ratio."""
    kinds = [result_kind(text, a, b, clause_start, metric) for a, b, metric in values]
    cued = [False] * len(values)  # a change cue stands before the value's list ("by 1.0 F1, ...")
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and COORDINATED.fullmatch(text[values[j][1] : values[j + 1][0]]):
            j += 1
        group = kinds[i : j + 1]
        if "change" in group:
            for k in range(i, j + 1):
                if kinds[k] == "score":
                    kinds[k] = "change"
        before = text[max(clause_start, values[i][0] - 80) : values[i][0]]
        if kinds[i] == "change" and CHANGE_BEFORE.search(before):
            cued[i : j + 1] = [True] * (j + 1 - i)
        i = j + 1
    # "by nearly 1.0 F1 on news and more than 2.0 F1": the cue before a list carries on to the values
    # listed after it, each with the metric's name
    for k in range(1, len(values)):
        if (
            cued[k - 1]
            and kinds[k] == "score"
            and COORDINATED_KIND.fullmatch(text[values[k - 1][1] : values[k][0]])
        ):
            kinds[k] = "change"
            cued[k] = True
    return kinds
