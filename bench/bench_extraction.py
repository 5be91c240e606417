"""Extraction speed over the sample corpus, against spaCy's tokenizer alone on the same texts.

    python bench/bench_extraction.py [--repeat N] [--workers N]

Prints abstracts per second for ``nlp.make_doc`` (tokenizer only), for the full pipeline plus the assembly
of each ``Extraction`` (what ``kg extract`` does), and their ratio. The target is a ratio of at least 1/4.
"""

from __future__ import annotations

import argparse
import time

from kg.extraction import build_pipeline, extract_many
from kg.resources import sample_paths
from kg.sources import read_papers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="passes over the corpus (default 3)")
    parser.add_argument("--workers", type=int, default=1, help="spaCy processes for the pipeline (default 1)")
    args = parser.parse_args()

    papers, _ = read_papers(sample_paths())
    papers = papers * args.repeat
    texts = [paper.text for paper in papers]
    chars = sum(len(t) for t in texts)

    start = time.perf_counter()
    nlp = build_pipeline()
    load = time.perf_counter() - start

    start = time.perf_counter()
    for text in texts:
        nlp.make_doc(text)
    tokenizer = time.perf_counter() - start

    start = time.perf_counter()
    count = sum(1 for _ in extract_many(papers, workers=args.workers))
    full = time.perf_counter() - start

    print(
        f"papers: {count} ({chars / len(texts):.0f} characters each on average), pipeline load {load:.2f} s"
    )
    print(f"tokenizer only (nlp.make_doc): {len(texts) / tokenizer:9.1f} abstracts/s")
    print(f"extraction (workers={args.workers}):    {len(texts) / full:9.1f} abstracts/s")
    print(f"ratio extraction/tokenizer:    {tokenizer / full:9.3f} (target >= 0.25)")


if __name__ == "__main__":
    main()
