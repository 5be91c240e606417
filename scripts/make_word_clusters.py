"""Word classes learned from raw machine-learning text, for the resolver's features.

    python scripts/make_word_clusters.py [--scirex ../shared/external/scirex/docs.jsonl] [-o FILE]

A word seen in no annotated paper still says something through the words it keeps company with: "hashing"
falls with "retrieval", "BLEU" with "ROUGE". The resolver gets, beside each word, its class: distributional
word clusters in the manner of Brown clusters, cheaper to build. Counts of each word's neighbours (two
words either side) over the full text of the SciREX papers (Apache-2.0, 1.1 M words, no annotation used)
are weighted by positive pointwise mutual information, reduced to 64 dimensions by a truncated SVD and
grouped by k-means. Fixed seeds, so the same text gives the same classes.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SCIREX = ROOT.parent / "shared" / "external" / "scirex" / "docs.jsonl"
OUTPUT = ROOT / "kg" / "extraction" / "models" / "word_clusters.json"
MIN_COUNT = 5
WINDOW = 2
DIMENSIONS = 64
CLUSTERS = 256
SEED = 13
WORD = re.compile(r"[a-z][\w\-+.]*[\w+]|[a-z]")


def documents(path: Path) -> list[list[str]]:
    """Each paper's lower-cased words (tokens that start with a letter)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            words = [w.lower() for w in json.loads(line)["words"]]
            out.append([w for w in words if WORD.fullmatch(w)])
    return out


def clusters(
    docs: list[list[str]],
    n_clusters: int = CLUSTERS,
    dimensions: int = DIMENSIONS,
    min_count: int = MIN_COUNT,
) -> dict[str, int]:
    from scipy.sparse import coo_matrix
    from sklearn.cluster import KMeans
    from sklearn.decomposition import TruncatedSVD

    counts = Counter(w for doc in docs for w in doc)
    vocabulary = sorted(w for w, n in counts.items() if n >= min_count)
    index = {w: i for i, w in enumerate(vocabulary)}
    rows, cols = [], []
    for doc in docs:
        ids = [index.get(w, -1) for w in doc]
        for i, a in enumerate(ids):
            if a < 0:
                continue
            for b in ids[max(0, i - WINDOW) : i] + ids[i + 1 : i + 1 + WINDOW]:
                if b >= 0:
                    rows.append(a)
                    cols.append(b)
    size = len(vocabulary)
    matrix = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(size, size)).tocsr()
    matrix.sum_duplicates()
    total = matrix.sum()
    row_sums = np.asarray(matrix.sum(axis=1)).ravel()
    col_sums = np.asarray(matrix.sum(axis=0)).ravel()
    matrix = matrix.tocoo()
    pmi = np.log(matrix.data * total / (row_sums[matrix.row] * col_sums[matrix.col]))
    keep = pmi > 0
    ppmi = coo_matrix((pmi[keep], (matrix.row[keep], matrix.col[keep])), shape=(size, size)).tocsr()
    vectors = TruncatedSVD(dimensions, random_state=SEED).fit_transform(ppmi)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
    labels = KMeans(n_clusters, random_state=SEED, n_init=3).fit_predict(vectors)
    return {w: int(c) for w, c in zip(vocabulary, labels, strict=True)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scirex", type=Path, default=DEFAULT_SCIREX)
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    docs = documents(args.scirex)
    classes = clusters(docs)
    payload = {
        "source": "SciREX train_docs full text (Apache-2.0), allenai/SciREX; no annotation used",
        "method": f"PPMI of +-{WINDOW}-word windows, SVD {DIMENSIONS}, k-means {CLUSTERS}, seed {SEED}",
        "clusters": classes,
    }
    args.output.write_text(
        json.dumps(payload, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    print(f"{sum(map(len, docs))} words, {len(classes)} word types in {CLUSTERS} classes -> {args.output}")


if __name__ == "__main__":
    main()
