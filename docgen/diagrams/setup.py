"""`docgen setup`: the pinned Mermaid (and jsdom) installed with npm into a per-user cache.

docgen ships `package.json` and `package-lock.json` as package data, so every repository
that uses docgen gets the same Mermaid, whatever its own tooling. They are installed with
`npm ci` into `<cache>/mermaid/<hash of the lock file>/`, where `<cache>` is
`$DOCGEN_CACHE`, else `$XDG_CACHE_HOME/docgen`, else `~/.cache/docgen`. A new lock file
means a new folder, so upgrading docgen never mixes versions; once installed, nothing
touches the network again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "SETUP_COMMAND",
    "SetupResult",
    "cache_root",
    "install",
    "install_dir",
    "installed",
    "mermaid_js",
    "mermaid_version",
]

SETUP_COMMAND = "docgen setup"
"""The command that installs Mermaid, as hints tell the user to run it."""
PACKAGE_DIR = Path(__file__).parent
_LOCK = PACKAGE_DIR / "package-lock.json"
_MANIFEST = PACKAGE_DIR / "package.json"
_DONE = ".docgen-installed"
_NPM_TIMEOUT = 600.0


@dataclass(frozen=True, slots=True)
class SetupResult:
    """What `install` did: `ok`, a `message` for the user, and the install folder (`path`)."""

    ok: bool
    message: str
    path: Path


def cache_root() -> Path:
    """docgen's per-user cache folder (see the module docstring)."""
    if os.environ.get("DOCGEN_CACHE"):
        return Path(os.environ["DOCGEN_CACHE"])
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "docgen"
    return Path.home() / ".cache" / "docgen"


def install_dir() -> Path:
    """Where this docgen's pinned Mermaid lives: keyed by the lock file's hash."""
    digest = hashlib.sha256(_LOCK.read_bytes()).hexdigest()[:16]
    return cache_root() / "mermaid" / digest


def mermaid_js(folder: Path | None = None) -> Path:
    """The browser build of Mermaid that the site serves, in `folder` or the install folder."""
    return (folder or install_dir()) / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"


def installed(folder: Path | None = None) -> bool:
    """True when `npm ci` finished in the install folder (a half install never counts)."""
    folder = folder or install_dir()
    return (folder / _DONE).is_file() and mermaid_js(folder).is_file()


def mermaid_version(folder: Path | None = None) -> str | None:
    """The version of Mermaid installed in `folder` (default: the install folder), or None."""
    import json  # noqa: PLC0415 - only needed here

    manifest = (folder or install_dir()) / "node_modules" / "mermaid" / "package.json"
    try:
        return str(json.loads(manifest.read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError):
        return None


def install(offline: bool = False) -> SetupResult:
    """Install the pinned Mermaid once; later calls (and `offline=True`) only check.

    npm runs in a temporary folder beside the final one, which is renamed into place only
    after `npm ci` succeeded, so an interrupted install never looks complete.
    """
    target = install_dir()
    if installed(target):
        return SetupResult(
            True, f"Mermaid {mermaid_version(target)} is installed in {target}", target
        )
    if offline:
        return SetupResult(
            False,
            f"Mermaid is not installed in {target} and --offline forbids installing it;"
            f" run `{SETUP_COMMAND}` with network access",
            target,
        )
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        return SetupResult(
            False,
            "Node.js and npm are needed to install Mermaid: install Node.js (20.19 or newer),"
            f" then run `{SETUP_COMMAND}`",
            target,
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".install-", dir=target.parent))
    try:
        shutil.copy2(_MANIFEST, work / "package.json")
        shutil.copy2(_LOCK, work / "package-lock.json")
        try:
            done = subprocess.run(
                [npm, "ci", "--omit=dev", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=work,
                capture_output=True,
                text=True,
                timeout=_NPM_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return SetupResult(False, f"npm ci took longer than {_NPM_TIMEOUT:.0f} s", target)
        if done.returncode != 0:
            output = (done.stderr or done.stdout).strip()
            return SetupResult(False, f"npm ci failed ({done.returncode}): {output}", target)
        (work / _DONE).write_text("npm ci --omit=dev\n", encoding="utf-8")
        if not installed(target):  # else another `docgen setup` finished first: as good
            shutil.rmtree(target, ignore_errors=True)  # a half-made folder, never complete
            work.rename(target)
        return SetupResult(True, f"installed Mermaid {mermaid_version(target)} in {target}", target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
