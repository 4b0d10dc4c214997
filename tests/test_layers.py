"""The one-way dependency rule holds (docs/architecture.md): import-linter's contracts in pyproject.toml.

``make test`` runs ``lint-imports`` before pytest; this test keeps the rule when only
pytest runs. Imports inside functions count too.
"""

from __future__ import annotations

from pathlib import Path

from importlinter.cli import lint_imports

import gis

ROOT = Path(__file__).resolve().parents[1]
PASSED, FAILED = 0, 1


def test_the_code_under_test_is_this_tree():
    assert Path(gis.__file__).resolve().is_relative_to(ROOT)  # not another checkout on the path


def test_every_layer_contract_is_kept(capsys):
    result = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    assert result == PASSED, capsys.readouterr().out


def test_a_broken_contract_is_reported(tmp_path, capsys):
    """The checker really looks: gis uses SQLAlchemy, so forbidding it must fail."""
    config = tmp_path / "layers.toml"
    config.write_text(
        "[tool.importlinter]\n"
        'root_packages = ["gis"]\n'
        "include_external_packages = true\n"
        "[[tool.importlinter.contracts]]\n"
        'name = "gis without SQLAlchemy"\n'
        'type = "forbidden"\n'
        'source_modules = ["gis.storage"]\n'
        'forbidden_modules = ["sqlalchemy"]\n',
        encoding="utf-8",
    )
    assert lint_imports(config_filename=str(config), no_cache=True, no_logo=True) == FAILED
    assert "gis.storage" in capsys.readouterr().out
