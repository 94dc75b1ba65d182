"""Every library docgen imports is a declared runtime dependency (and none is GPL-bound).

`pip install docgen` brings only `[project] dependencies`: an import that some other
package happens to bring (mike once brought verspec) breaks a user's install as soon as
that package leaves the closure.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0]).lower()


def _imports(folder: Path) -> dict[str, str]:
    """Each top-level module imported under `folder` → one file:line that imports it."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.partition(".")[0]
                if (path.parent / f"{top}.py").is_file():
                    continue  # a sibling, as a script run by path imports it (the page driver)
                found.setdefault(top, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_import_of_docgen_is_a_declared_runtime_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_name(r) for r in project["dependencies"]}
    providers = packages_distributions()
    missing = []
    for module, where in sorted(_imports(ROOT / "docgen").items()):
        if module in sys.stdlib_module_names or module == "docgen":
            continue
        dists = {_name(d) for d in providers.get(module, [])}
        if not dists & declared:
            missing.append(f"{where}: {module} (from {sorted(dists) or 'no installed package'})")
    assert not missing, "imported but not in [project] dependencies:\n" + "\n".join(missing)


def test_the_check_sees_an_undeclared_import(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("import os\nfrom verspec.loose import X\n", encoding="utf-8")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert _imports(tmp_path) == {"os": "m.py:1", "verspec": "m.py:2"}
    finally:
        ROOT = saved
    assert _name("ruamel.yaml>=0.18") == "ruamel-yaml"
    assert _name("Jinja2 >=3") == "jinja2"
