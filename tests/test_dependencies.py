"""Every third-party module the shipped code imports is a declared dependency, and every
declared dependency is used: an undeclared import works only while something else happens
to pull it in, and an unused one is weight (and a licence, and a security notice) for nothing."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

# Loaded by name rather than imported: SQLAlchemy opens psycopg2 for a postgresql:// URL.
USED_WITHOUT_IMPORT = {"psycopg2-binary"}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _shipped_files() -> list[Path]:
    """The packages the wheel ships (setuptools include list), the server module and the migrations."""
    patterns = PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
    roots = [ROOT / p.rstrip("*") for p in patterns] + [ROOT / "migrations"]
    return [ROOT / "server.py"] + [f for r in roots for f in sorted(r.rglob("*.py"))]


def _own_top_levels() -> set[str]:
    patterns = PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
    return {p.rstrip("*") for p in patterns} | {"server", "migrations"}


def imported_top_levels() -> dict[str, set[str]]:
    """Top-level module name -> files importing it (absolute imports only, at any depth of the code)."""
    found: dict[str, set[str]] = {}
    for path in _shipped_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(str(path.relative_to(ROOT)))
    return found


def third_party_imports() -> dict[str, set[str]]:
    own = _own_top_levels()
    return {m: files for m, files in imported_top_levels().items() if m not in sys.stdlib_module_names and m not in own}


def declared() -> set[str]:
    return {_normal(re.match(r"[A-Za-z0-9_.-]+", spec).group(0)) for spec in PYPROJECT["project"]["dependencies"]}


def distribution_of(module: str) -> set[str]:
    return {_normal(d) for d in packages_distributions().get(module, [])}


def test_the_walk_sees_the_imports_it_should():
    """Guard against a walk that silently finds nothing: known imports, including one inside a function."""
    modules = third_party_imports()
    assert {"flask", "shapely", "sqlalchemy", "alembic", "yaml"} <= modules.keys()
    assert "gis" not in modules and "json" not in modules
    assert any(f.startswith("migrations/") for f in modules["alembic"])


def test_every_imported_third_party_module_is_a_declared_dependency():
    wanted = declared()
    missing = {}
    for module, files in third_party_imports().items():
        dists = distribution_of(module)
        assert dists, f"{module} is imported ({sorted(files)[:3]}) but no installed distribution provides it"
        if not dists & wanted:
            missing[module] = (sorted(dists), sorted(files)[:3])
    assert not missing, f"imported but not declared in [project] dependencies: {missing}"


def test_every_declared_dependency_is_imported():
    provided = {d for module in third_party_imports() for d in distribution_of(module)}
    unused = declared() - provided - USED_WITHOUT_IMPORT
    assert not unused, f"declared in [project] dependencies but never imported: {sorted(unused)}"
