"""The arrows between apps point one way (docs/architecture.md): import-linter's contracts in pyproject.toml.

``core`` imports no app; ``accounts`` ← ``adoption`` ← ``commissions`` ← ``approvals`` ← ``audit`` ←
``dashboards`` / ``api`` / ``demo`` ← ``config``; the engine imports neither Django nor the database layer.
"""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def _lint(config: Path, cwd: Path) -> subprocess.CompletedProcess:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    return subprocess.run(  # noqa: S603 - our own tool, our own config
        [lint, str(config), "--no-cache"], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_no_app_imports_an_app_above_it():
    result = _lint(ROOT / "pyproject.toml", ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_app_of_the_project_has_a_layer():
    ours = {name.split(".")[0] for name in settings.INSTALLED_APPS if (ROOT / name.split(".")[0]).is_dir()}
    assert ours <= set(CONFIG["root_packages"])
    layered = {app.strip() for layer in CONFIG["contracts"][0]["layers"] for app in layer.split("|")}
    assert set(CONFIG["root_packages"]) == layered


def _modules_the_contracts_name() -> set[str]:
    """Every dotted module of ours a contract names (so the copied tree holds them all)."""
    roots = set(CONFIG["root_packages"])
    names = set()
    for contract in CONFIG["contracts"]:
        for key in ("source_modules", "forbidden_modules"):
            names.update(m for m in contract.get(key, []) if "." in m and m.split(".")[0] in roots)
    return names


@pytest.mark.parametrize(
    ("module", "imports"), [("core.errors", "accounts"), ("adoption.extra", "approvals")]
)
def test_an_upward_import_breaks_the_contract(tmp_path, module, imports):
    """The same contract over a copy of the app tree with one upward import added fails."""
    for app in CONFIG["root_packages"]:
        (tmp_path / app).mkdir()
        (tmp_path / app / "__init__.py").write_text("")
    for name in _modules_the_contracts_name():
        path = tmp_path / (name.replace(".", "/") + ".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.parent.joinpath("__init__.py").touch()
        path.touch()
    (tmp_path / (module.replace(".", "/") + ".py")).write_text(f"import {imports}\n")
    config = tmp_path / "pyproject.toml"
    config.write_text((ROOT / "pyproject.toml").read_text())
    result = _lint(config, tmp_path)
    assert result.returncode != 0
    assert f"{module} -> {imports}" in result.stdout
