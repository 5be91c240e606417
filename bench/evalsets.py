"""What the bench scripts share about the annotated sets: where they lie, which source each file is (the
training module's one definition) and the eval's own scorer."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from training.resolver import EVAL as DEFAULT_EVAL_DIR
from training.resolver import GOLD_FILES
from training.resolver import SOURCES as SOURCE_OF_STEM

SOURCES = {name: SOURCE_OF_STEM[Path(name).stem] for name in GOLD_FILES}  # file name -> source

__all__ = ["DEFAULT_EVAL_DIR", "SOURCES", "load_scorer", "scorer_missing"]


def load_scorer(eval_dir: Path = DEFAULT_EVAL_DIR) -> ModuleType:
    """The eval's ``score.py`` as a module (it is not a package): the one definition of how a prediction
    is matched."""
    spec = importlib.util.spec_from_file_location("kg_eval_score", eval_dir / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def scorer_missing(eval_dir: Path) -> bool:
    """Whether ``eval_dir`` has no ``score.py``, said on standard error (the scripts then exit with 2)."""
    if (eval_dir / "score.py").is_file():
        return False
    print(f"warning: {eval_dir}: no score.py here (give --eval-dir)", file=sys.stderr)
    return True
