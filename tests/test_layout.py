"""The layout: data flows one way, floor by floor, and no import runs back up.

Every ``kg`` module's imports (at the top, inside functions and under TYPE_CHECKING alike) are read with
``ast``; a module may import its own part and the parts on floors below it, never one above. The floors
follow the data: the ground floor, then sources -> extraction -> linking -> graph -> store, the read side
over the store, the build and the API over both, and the site and the command on top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "kg"
FLOORS = (
    ("kg.core",),
    ("kg.sources",),
    ("kg.extraction",),
    ("kg.linking",),
    ("kg.graph",),
    ("kg.store",),
    ("kg.read",),
    ("kg.builder", "kg.api"),
    ("kg", "kg.site"),  # kg: the package's face, the API's names (loaded on first use) and its version
    ("kg.cli",),
    ("kg.__main__",),
)
MAX_LOOSE_MODULES = 6


def _part(module: str) -> str:
    """``kg.extraction.assemble`` -> ``kg.extraction``; ``kg.builder`` -> ``kg.builder``; ``kg`` -> ``kg``."""
    return ".".join(module.split(".")[:2])


FLOOR_OF = {part: floor for floor, parts in enumerate(FLOORS) for part in parts}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, module: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + [base]
                ).strip(".")
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {
        name for name in found if name == "kg" or name.startswith("kg.") or name.split(".")[0] == "training"
    }


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_part_of_kg_has_a_floor():
    parts = {_part(_module_name(path)) for path in MODULES}
    assert parts <= set(FLOOR_OF), f"parts with no floor in FLOORS: {sorted(parts - set(FLOOR_OF))}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_import_runs_back_up_a_floor(path):
    module = _module_name(path)
    floor = FLOOR_OF[_part(module)]
    above = set()
    for name in _imports(path, module):
        assert not name.startswith("training"), f"{module} imports {name}: training code is not part of kg"
        if FLOOR_OF.get(_part(name), -1) > floor:
            above.add(name)
    assert not above, f"{module} (floor {floor}) imports from higher floors: {sorted(above)}"


def test_few_modules_stand_loose_at_the_root():
    loose = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert len(loose) <= MAX_LOOSE_MODULES, loose


def test_the_check_sees_an_upward_import(tmp_path):
    """The test itself can fail: a core module importing the extraction is caught."""
    path = tmp_path / "kg" / "core" / "bad.py"
    path.parent.mkdir(parents=True)
    path.write_text("from kg.extraction.records import Extraction\n")
    imports = _imports(path, "kg.core.bad")
    assert "kg.extraction.records" in imports
    assert FLOOR_OF[_part("kg.extraction.records")] > FLOOR_OF[_part("kg.core.bad")]


@pytest.mark.parametrize(
    "package", ["kg", "kg.linking", "kg.graph", "kg.extraction", "kg.sources", "kg.store"]
)
def test_every_public_name_of_a_package_resolves(package):
    """Packages hand names on lazily (by module path in a table): a moved module must not leave one dangling."""
    import importlib

    module = importlib.import_module(package)
    missing = [name for name in getattr(module, "__all__", ()) if getattr(module, name, None) is None]
    assert not missing, f"{package} lists names it cannot give: {missing}"
