"""`docgen setup` for diagrams: the per-user cache, idempotence, offline, and npm's failures.

Every case runs the real npm; failures are real ones (an empty npm cache in offline mode).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import write

from docgen.diagrams import setup


def test_cache_root_follows_docgen_cache_then_xdg_then_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DOCGEN_CACHE", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert setup.cache_root() == tmp_path / "home" / ".cache" / "docgen"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert setup.cache_root() == tmp_path / "xdg" / "docgen"
    monkeypatch.setenv("DOCGEN_CACHE", str(tmp_path / "mine"))
    assert setup.cache_root() == tmp_path / "mine"
    folder = setup.install_dir()
    assert folder.parent == tmp_path / "mine" / "mermaid"
    assert len(folder.name) == 16  # keyed by the lock file: a new lock, a new folder


def test_offline_never_installs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCGEN_CACHE", str(tmp_path / "cache"))
    result = setup.install(offline=True)
    assert not result.ok
    assert "--offline forbids installing it; run `docgen setup`" in result.message
    assert not (tmp_path / "cache").exists()
    assert setup.mermaid_version() is None


def test_without_npm_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCGEN_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    result = setup.install()
    assert not result.ok
    assert result.message.startswith("Node.js and npm are needed")
    assert "`docgen setup`" in result.message


def test_npm_failure_is_folded_into_the_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCGEN_CACHE", str(tmp_path / "cache"))
    # An empty npm cache in offline mode: npm ci fails at once, without the network.
    monkeypatch.setenv("npm_config_cache", str(tmp_path / "npm-cache"))
    monkeypatch.setenv("npm_config_offline", "true")
    result = setup.install()
    assert not result.ok
    assert result.message.startswith("npm ci failed (1): ")
    assert "ENOTCACHED" in result.message
    assert not setup.installed()
    assert list((tmp_path / "cache" / "mermaid").iterdir()) == []  # the work folder is gone


@pytest.mark.slow
def test_fresh_install_replaces_a_half_made_folder_and_is_idempotent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCGEN_CACHE", str(tmp_path / "cache"))
    write(setup.install_dir(), {"node_modules/left-over.txt": "interrupted"})
    first = setup.install()
    assert first.ok, first.message
    assert first.message == f"installed Mermaid 11.17.2 in {setup.install_dir()}"
    assert setup.mermaid_js().stat().st_size > 1_000_000
    assert not (first.path / "node_modules" / "left-over.txt").exists()
    assert (first.path / "node_modules" / "jsdom").is_dir()
    # Once installed, nothing runs npm again: not even a PATH without it.
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    again = setup.install(offline=True)
    assert again.ok
    assert again.message == f"Mermaid 11.17.2 is installed in {first.path}"
    assert [p.name for p in first.path.parent.iterdir()] == [first.path.name]
    shutil.rmtree(first.path)


def test_the_shipped_lock_pins_what_package_json_asks_for() -> None:
    import json

    manifest = json.loads((setup.PACKAGE_DIR / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((setup.PACKAGE_DIR / "package-lock.json").read_text(encoding="utf-8"))
    for name, version in manifest["dependencies"].items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    assert manifest["dependencies"]["mermaid"].startswith("11.")
    assert setup.mermaid_js(Path("x")).name == "mermaid.min.js"
