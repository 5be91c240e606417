"""Extraction speed over the sample corpus, against spaCy's tokenizer alone on the same texts.

    python bench/bench_extraction.py [--repeat N] [--workers N] [--rules-only]

Prints abstracts per second for ``nlp.make_doc`` (tokenizer only), for the full pipeline plus the assembly
of each ``Extraction`` (what ``kg extract`` does), and their ratio. The target is a ratio of at least 0.15.
With ``--rules-only`` it also times the same papers one by one with the learned resolver and without it
(``extract(..., model=None)``: the rules decide alone), in this process, to show what the resolver costs.
Beside wall-clock time it reports this process's CPU time (``time.process_time``), the steadier figure on a
shared, loaded machine.
"""

from __future__ import annotations

import argparse
import time

from kg.core.resources import sample_paths
from kg.extraction import build_pipeline, extract, extract_many
from kg.extraction.resolver import load_model
from kg.sources import read_papers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="passes over the corpus (default 3)")
    parser.add_argument("--workers", type=int, default=1, help="spaCy processes for the pipeline (default 1)")
    parser.add_argument(
        "--rules-only",
        action="store_true",
        help="also compare one-by-one extraction with and without the resolver",
    )
    args = parser.parse_args()

    papers, _ = read_papers(sample_paths())
    papers = papers * args.repeat
    texts = [paper.text for paper in papers]
    chars = sum(len(t) for t in texts)

    start = time.perf_counter()
    nlp = build_pipeline()
    load_model()  # the resolver's weights: loaded once per process, like the pipeline
    load = time.perf_counter() - start

    start, cpu = time.perf_counter(), time.process_time()
    for text in texts:
        nlp.make_doc(text)
    tokenizer, tokenizer_cpu = time.perf_counter() - start, time.process_time() - cpu

    start, cpu = time.perf_counter(), time.process_time()
    count = sum(1 for _ in extract_many(papers, workers=args.workers))
    full, full_cpu = time.perf_counter() - start, time.process_time() - cpu

    print(
        f"papers: {count} ({chars / len(texts):.0f} characters each on average), pipeline and model load {load:.2f} s"
    )
    print(f"tokenizer only (nlp.make_doc): {len(texts) / tokenizer:9.1f} abstracts/s")
    print(f"extraction (workers={args.workers}):    {len(texts) / full:9.1f} abstracts/s")
    print(f"ratio extraction/tokenizer:    {tokenizer / full:9.3f} (target >= 0.15)")
    if args.workers == 1:
        print(f"the same in CPU time:          {tokenizer_cpu / full_cpu:9.3f}")
    if args.rules_only:
        for label, options in (("with the resolver", {}), ("rules alone (model=None)", {"model": None})):
            start = time.perf_counter()
            for paper in papers:
                extract(paper, nlp, **options)
            seconds = time.perf_counter() - start
            print(
                f"one by one, {label + ':':26} {len(texts) / seconds:9.1f} abstracts/s, ratio {tokenizer / seconds:.3f}"
            )


if __name__ == "__main__":
    main()
