#!/usr/bin/env python3
"""A synthetic corpus of N papers scaled from the bundled sample, as JSON Lines.

usage: python bench/make_corpus.py N [-o FILE] [--seed S]

Real sentences are recombined; the proposed method of each paper gets a coined name, and the methods and
datasets a paper uses are drawn with a long-tailed (Zipf) frequency, so a few names recur in thousands of
papers and most appear once, as in a real arXiv category.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.core.resources import sample_paths
from kg.sources import read_papers

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
SYLLABLES = ["ra", "to", "vi", "ne", "lo", "ka", "mi", "su", "de", "xo", "zen", "tri", "qua", "bel", "fo"]
SUFFIXES = ["Net", "Former", "GPT", "BERT", "GAN", "Diff", "ViT", "LM", "Seg", "Flow", ""]
DATASET_STEMS = ["Bench", "QA", "Set", "Corpus", "-1K", "Eval", "Data"]
METRICS = ["accuracy", "F1", "BLEU", "mAP", "mIoU", "WER", "FID", "PSNR", "AUC", "top-1 accuracy", "ROUGE-L"]


def coined(rng: random.Random, suffixes: list[str]) -> str:
    stem = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3))).capitalize()
    name = stem + rng.choice(suffixes)
    return name if rng.random() < 0.7 else f"{name}-{rng.randint(2, 4)}"


def zipf_pool(rng: random.Random, size: int, make) -> tuple[list[str], list[float]]:
    names = list(dict.fromkeys(make() for _ in range(size)))
    weights = [1.0 / (rank + 1) ** 1.1 for rank in range(len(names))]
    return names, weights


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("-o", "--output", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    papers, _ = read_papers(sample_paths())
    sentences = [s for p in papers for s in SENTENCE_END.split(p.abstract) if 40 <= len(s) <= 400]
    subtitles = [p.title.split(":", 1)[1].strip() for p in papers if ":" in p.title]
    subtitles += [p.title for p in papers if ":" not in p.title]
    methods, method_weights = zipf_pool(rng, max(50, args.n // 4), lambda: coined(rng, SUFFIXES))
    datasets, dataset_weights = zipf_pool(rng, max(20, args.n // 20), lambda: coined(rng, DATASET_STEMS))

    with open(args.output or sys.stdout.fileno(), "w", encoding="utf-8", closefd=bool(args.output)) as out:
        for index in range(args.n):
            name = coined(rng, SUFFIXES)
            used = rng.choices(methods, method_weights, k=2)
            dataset = rng.choices(datasets, dataset_weights, k=1)[0]
            body = rng.sample(sentences, k=rng.randint(4, 8))
            body.insert(1, f"We propose {name}, which builds on {used[0]}.")
            body.append(
                f"{name} outperforms {used[1]} and reaches {rng.choice(METRICS)} of "
                f"{rng.uniform(20, 99):.1f}% on the {dataset} benchmark."
            )
            if rng.random() < 0.2:
                body.append(f"Code is available at https://github.com/lab{index % 997}/{name}.")
            record = {
                "id": f"syn{index:07d}",
                "arxiv_id": f"{2400 + index // 100000 % 100}.{index % 100000:05d}",
                "title": f"{name}: {rng.choice(subtitles)}",
                "abstract": " ".join(body),
                "date": f"20{rng.randint(19, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            }
            out.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    main()
