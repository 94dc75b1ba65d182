"""The `properdocs` engine: ProperDocs, a maintained fork of MkDocs 1.6, with docgen's plugin.

ProperDocs keeps MkDocs' plugin API and reads mkdocs.yml. Once `properdocs.replacement` is
imported, every `mkdocs.*` import gives the `properdocs.*` module, so the `mkdocs`
engine (`docgen.engines.mkdocs`) runs on ProperDocs unchanged. Its own `properdocs build`
loads plugins of the `mkdocs.plugins` entry-point group too: `docgen` in mkdocs.yml runs
there as it is, with no docgen command at all.

The alias works only for what is imported after it. When this process has not imported
MkDocs yet, the engine turns the alias on and renders here. When MkDocs is already loaded
(the docgen CLI reads mkdocs.yml with it), the `mkdocs` engine renders in a fresh Python
process (`multiprocessing`'s spawn) that turns the alias on first: the job goes there
and the rendered pages come back pickled, and the process stays until `publish` hands it
the report, since MkDocs renders the quality page with that build's state. The stages
ran here already; the checks run here on what comes back: nothing is done twice.
"""

from __future__ import annotations

import importlib
import importlib.util
import multiprocessing
import pickle
import signal
import subprocess
import sys
import traceback
from collections.abc import Mapping
from multiprocessing.connection import Connection
from typing import Any

from docgen.engines import Engine, Rendered, RenderJob, ServeJob

__all__ = ["ProperDocsEngine", "aliased", "engine"]

# ProperDocs is an extra (`pip install 'docgen[properdocs]'`): without it, `engines.get`
# says this engine is not available. Only looked up: importing it here would make the
# `mkdocs` engine of this process believe ProperDocs runs it.
if importlib.util.find_spec("properdocs") is None:  # pragma: no cover - a dev install has it
    raise ModuleNotFoundError("No module named 'properdocs'", name="properdocs")

_WAIT = 3600.0  # seconds a render may take before the engine gives up on its process


def engine() -> ProperDocsEngine:
    """A new `properdocs` engine (it keeps one build's state, for `publish`)."""
    return ProperDocsEngine()


def aliased() -> bool:
    """`mkdocs.*` imports give ProperDocs here, or can still be made to (none imported yet)."""
    loaded = sys.modules.get("mkdocs")
    return loaded is None or loaded is sys.modules.get("properdocs")


def _inner() -> Engine:
    """The `mkdocs` engine, on ProperDocs: the alias first, then MkDocs' imports."""
    importlib.import_module("properdocs.replacement")  # from now on mkdocs.* is properdocs.*

    from docgen.engines import mkdocs  # noqa: PLC0415

    return mkdocs.engine()


class ProperDocsEngine:
    """The `properdocs` engine; see the module.

    Attributes:
        name: the engine's name, as the report gives it.
    """

    name = "properdocs"

    def __init__(self) -> None:
        self._here: Engine | None = None
        self._child: _Child | None = None

    def render(self, job: RenderJob) -> Rendered:
        """Render `job` with the `mkdocs` engine on ProperDocs, here or in a fresh process."""
        self.close()
        if aliased():
            self._here = _inner()
            return self._here.render(job).wait()  # MkDocs: finished already
        self._child = _Child()
        return self._child.render(job)

    def publish(self, rendered: Rendered, report: Mapping[str, object]) -> None:
        """Write report.json and the quality page, by the engine that rendered the site."""
        if self._here is not None:
            self._here.publish(rendered, report)
        elif self._child is not None:
            self._child.publish(report)
            self._child = None

    def serve(self, job: ServeJob) -> None:
        """`docgen serve --engine mkdocs` in a Python that imported the alias first.

        Args:
            job: the project's config and config file, and the address to serve on.
        """
        args = ["serve", "--engine", "mkdocs", "-f", str(job.config_file)]
        if job.dev_addr:
            args += ["--dev-addr", job.dev_addr]
        if job.config.offline:
            args.append("--offline")
        code = "import sys, properdocs.replacement; from docgen.cli import main; sys.exit(main())"
        # (the child imports the alias first, as `_child_main` does)
        process = subprocess.Popen([sys.executable, "-c", code, *args], cwd=job.config.root)
        try:
            process.wait()
        except KeyboardInterrupt:  # Ctrl-C reached both: let the server stop on its own
            process.send_signal(signal.SIGINT)
            process.wait()

    def close(self) -> None:
        """End a render process that is still waiting for its report."""
        if self._child is not None:
            self._child.close()
            self._child = None


class _Child:
    """A fresh Python process that renders with the `mkdocs` engine on ProperDocs."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")  # a new interpreter: no MkDocs in it
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=_child_main, args=(theirs,), daemon=True)
        self.process.start()
        theirs.close()

    def render(self, job: RenderJob) -> Rendered:
        site = job.site_dir or job.config.site_dir
        try:
            self.connection.send_bytes(pickle.dumps(job))
            if not self.connection.poll(_WAIT):
                self.close()
                return _failed(site, f"ProperDocs did not finish within {_WAIT:.0f} s")
            kind, payload = pickle.loads(self.connection.recv_bytes())  # noqa: S301 - our child
        except (OSError, EOFError, pickle.PickleError, AttributeError, TypeError) as exc:
            self.close()
            return _failed(site, f"the ProperDocs build process failed: {exc}")
        if kind != "rendered":
            self.close()
            return _failed(site, f"the ProperDocs build failed: {payload}")
        assert isinstance(payload, Rendered)
        return payload

    def publish(self, report: Mapping[str, object]) -> None:
        try:
            self.connection.send_bytes(pickle.dumps(dict(report)))
            self.connection.recv_bytes()  # done (or its error, said by the child)
        except (OSError, EOFError):
            pass
        self.close()

    def close(self) -> None:
        self.connection.close()
        self.process.join(5)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()


def _failed(site: Any, why: str) -> Rendered:
    return Rendered(site_dir=site, aborted=why, complete=False)


def _child_main(connection: Connection) -> None:  # pragma: no cover - runs in the child
    """Render one job on ProperDocs, send the result, then publish the report sent back."""
    inner = _inner()
    try:
        job = pickle.loads(connection.recv_bytes())  # noqa: S301 - from our parent
        rendered = inner.render(job).wait()
        connection.send_bytes(pickle.dumps(("rendered", rendered)))
    except Exception as exc:
        last = traceback.format_exception_only(exc)[-1].strip()
        connection.send_bytes(pickle.dumps(("error", last)))
        return
    try:
        report = pickle.loads(connection.recv_bytes())  # noqa: S301
    except EOFError:
        return
    inner.publish(rendered, report)
    connection.send_bytes(b"done")
