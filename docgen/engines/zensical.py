"""The `zensical` engine: Zensical builds the site; docgen runs the pipeline around it.

Zensical (by Material for MkDocs' authors) reads mkdocs.yml but runs no plugins: it
silently ignores `docgen` under `plugins:`. So docgen does its plugin's part first and
Zensical only renders:

    stage     every page transformed, generated pages, assets, the nav and a derived
              config, written into `<root>/.cache/docgen/zensical` (`zensical_stage`)
    build     `zensical build -f <staging>/mkdocs.yml`, into `<staging>/site`, then moved
              to the site folder (Zensical wants its site folder inside the folder of its
              config); a failed build is one message with Zensical's first lines
    checks    the pipeline checks the staged pages while Zensical builds (`render`
              returns once it has started; `wait` collects it), then the site it wrote
    publish   report.json, and the quality page's HTML put in place of its placeholder's
              paragraph: re-running Zensical for that one page was measured at about a
              fifth of a cold build on 1,000 pages (it hashes and rewrites every page),
              the substitution at a few milliseconds
    serve     `zensical serve` on the staging folder; a change to a page, a stage's
              source or mkdocs.yml stages again (only changed files are rewritten), and
              Zensical rebuilds what changed

Diagrams use Zensical's own Mermaid support: the derived config keeps a `mermaid` custom
fence of pymdownx.superfences. Zensical's warnings become DG100 findings at the user's
file, as MkDocs' do; a failed build stops the run with one message.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import IO

from docgen import report as reporting
from docgen.config import duplicate_keys
from docgen.diagnostics import Diagnostic, Location, Severity
from docgen.engines import Rendered, Rendering, RenderJob, ServeJob
from docgen.engines.zensical_stage import PENDING_MARK, QUALITY_PAGE, Staged, stage

__all__ = ["ZensicalEngine", "engine", "quality_html", "site_path", "warnings"]

# Zensical is an extra (`pip install 'docgen[zensical]'`); it runs as a command, but
# without it `engines.get` says this engine is not available, before anything is staged.
if importlib.util.find_spec("zensical") is None:  # pragma: no cover - a dev install has it
    raise ModuleNotFoundError("No module named 'zensical'", name="zensical")

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_WARNING = re.compile(
    r"^Warning:\s*(?P<message>[^\n]+)(?:\n[^\n\[]*\[\s*(?P<page>[^\]\s]+?):(?P<line>\d+)(?::\d+)?\s*\])?",
    re.MULTILINE,
)
_SHOWN_LINES = 6


def engine() -> ZensicalEngine:
    """A new `zensical` engine."""
    return ZensicalEngine()


class ZensicalEngine:
    """The `zensical` engine; see the module.

    Attributes:
        name: the engine's name, as the report gives it.
        command: how Zensical is run (its CLI in this Python).
    """

    name = "zensical"

    def __init__(self) -> None:
        self.command: tuple[str, ...] = (sys.executable, "-m", "zensical")
        self._staged: Staged | None = None
        self._build: _Build | None = None

    def render(self, job: RenderJob) -> Rendering:
        """Stage `job`'s pages and start `zensical build`; return while it runs.

        The pipeline checks the staged pages meanwhile; `wait` collects the build and
        moves the site into place.
        """
        self.close()
        target = (job.site_dir or job.config.site_dir).resolve()
        try:
            staged = stage(job.config, job.config_file, job.results, job.transform)
        except (OSError, ValueError) as exc:  # mkdocs.yml unreadable: a ValueError
            return _failed(target, f"cannot stage the pages for Zensical: {exc}")
        self._staged = staged
        if staged.site_dir.exists():
            shutil.rmtree(staged.site_dir)
        # Never `--strict`: Zensical would stop at its first warning. Its warnings are
        # findings (DG100), which `--strict` (or `strict: true`) turns into errors after
        # every check has run, as with MkDocs.
        args = [*self.command, "build", "-f", str(staged.config_file)]
        # What it says goes to files, not pipes: a full pipe would stop it until `wait`.
        said = (tempfile.TemporaryFile(), tempfile.TemporaryFile())  # noqa: SIM115 - _Build closes
        try:
            process = subprocess.Popen(
                args, cwd=job.config.root, stdin=subprocess.DEVNULL, stdout=said[0], stderr=said[1]
            )
        except OSError as exc:
            _close(said)
            return _failed(target, f"cannot run Zensical: {exc.strerror}")
        self._build = _Build(process, said, staged, job, target)
        return self._build

    def close(self) -> None:
        """Stop a `zensical build` that is still running (its render is not waited for)."""
        if self._build is not None:
            self._build.close()
            self._build = None

    def publish(self, rendered: Rendered, report: Mapping[str, object]) -> None:
        """Write report.json and the quality page into the `rendered` site."""
        reporting.write_report(rendered.site_dir / "report.json", report)
        staged = self._staged
        if staged is None or QUALITY_PAGE not in staged.pages:
            return
        page = rendered.site_dir / site_path(QUALITY_PAGE, staged.use_directory_urls)
        try:
            built = page.read_text(encoding="utf-8")
        except OSError:
            return
        mark = f"<p>{PENDING_MARK}</p>"
        if mark in built:  # a hand-written quality page has no mark: it is left as it is
            page.write_text(built.replace(mark, quality_html(report), 1), encoding="utf-8")

    def serve(self, job: ServeJob) -> None:
        """`zensical serve` on the staging folder, staged again when a source changes.

        Args:
            job: the project's config and config file, and the address to serve on.
        """
        from docgen.engines import zensical_serve  # noqa: PLC0415 - watchdog loads here

        zensical_serve.serve(self, job)


def quality_html(report: Mapping[str, object]) -> str:
    """The quality page's body (its title is the placeholder's) as HTML, from `report`."""
    # Python-Markdown, Zensical's own renderer; imported by name: it ships no types.
    markdown = importlib.import_module("markdown")
    text = reporting.quality_page(report)
    body = text.split("\n", 1)[1] if text.startswith("# ") else text
    extensions = ["tables", "attr_list", "md_in_html", "toc"]
    configs = {"toc": {"permalink": True}}
    return str(markdown.markdown(body, extensions=extensions, extension_configs=configs))


def site_path(page: str, directory_urls: bool = True) -> str:
    """The HTML file Zensical (and MkDocs) writes for the page at docs path `page`.

    Args:
        page: the page's path in the docs folder (`guide/start.md`).
        directory_urls: the site's `use_directory_urls` (`guide/start/index.html`).
    """
    stem = page.rsplit(".", 1)[0]
    folder, _, name = stem.rpartition("/")
    prefix = f"{folder}/" if folder else ""
    if name in ("index", "README"):
        return f"{prefix}index.html"
    return f"{stem}/index.html" if directory_urls else f"{stem}.html"


def warnings(said: str, staged: Staged, job: RenderJob) -> list[Diagnostic]:
    """Zensical's warnings, each at the user's file when it names one (DG100).

    Args:
        said: what Zensical printed, ANSI colours removed.
        staged: what was staged (a generated page's warning goes to its source).
        job: the render job (the project's config).
    """
    config = job.config
    generated = {d.path: d.source for d in staged.documents if d.generated}
    found: list[Diagnostic] = []
    for match in _WARNING.finditer(said):
        page, line = match.group("page"), match.group("line")
        location = None
        if page is not None:
            source = generated.get(page)
            if source is None:
                location = Location(config.relative(config.docs_dir / page), int(line))
            elif not source.startswith("("):
                location = Location(source)
        message = f"zensical: {match.group('message').strip()}"
        if page is not None and location is None:
            message += f" (in the generated page {page})"
        found.append(Diagnostic("DG100", Severity.WARNING, message, location, stage="zensical"))
    return found


class _Build:
    """`zensical build` under way: the staged pages are known, the site is being written.

    Attributes:
        documents: every page as the checks see it (after the transforms).
    """

    def __init__(
        self,
        process: subprocess.Popen[bytes],
        said: tuple[IO[bytes], IO[bytes]],
        staged: Staged,
        job: RenderJob,
        target: Path,
    ) -> None:
        self.documents = staged.documents
        self._process, self._said, self._staged, self._job = process, said, staged, job
        self._target = target
        self._output = ("", "")
        self._done: Rendered | None = None

    @property
    def complete(self) -> bool:
        """False once the build has failed."""
        return self._done is None or self._done.complete

    def wait(self) -> Rendered:
        """Wait for `zensical build`, then move its site into place; see `ZensicalEngine`."""
        if self._done is None:
            try:
                self._process.wait()
            finally:
                self.close()  # Ctrl-C while waiting: Zensical stops too
            self._done = self._finish()
        return self._done

    def close(self) -> None:
        """Stop the build if it still runs, and let go of what it said."""
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        if not self._said[0].closed:
            self._output = (_read(self._said[0]), _read(self._said[1]))
            _close(self._said)

    def _finish(self) -> Rendered:
        staged, job, target = self._staged, self._job, self._target
        out, err = self._output
        said = _ANSI.sub("", out + "\n" + err)
        if self._process.returncode != 0 or not staged.site_dir.is_dir():
            return _failed(target, "zensical build failed: " + _first_lines(err, said))
        problem = _move(staged.site_dir, target, job.config.root, job.config.docs_dir)
        if problem is not None:
            return _failed(target, problem)
        built = tuple(
            p
            for p in (*(site_path(d, staged.use_directory_urls) for d in staged.pages), "404.html")
            if (target / p).is_file()
        )
        return Rendered(
            site_dir=target,
            documents=staged.documents,
            pages=built,
            diagnostics=(
                *duplicate_keys(job.config, job.config_file),
                *staged.diagnostics,
                *warnings(said, staged, job),
            ),
            sources=staged.sources,
            lines=staged.lines,
            strict=staged.strict,
        )


def _read(file: IO[bytes]) -> str:
    file.seek(0)
    return file.read().decode("utf-8", errors="replace").replace("\r\n", "\n")


def _close(files: tuple[IO[bytes], ...]) -> None:
    for file in files:
        file.close()


def _first_lines(stderr: str, said: str) -> str:
    text = _ANSI.sub("", stderr).strip() or said.strip()
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    errors = [i for i, line in enumerate(lines) if line.startswith("Error")]
    start = errors[0] if errors else 0
    shown = lines[start : start + _SHOWN_LINES]
    return "\n  ".join(shown) if shown else "(it said nothing)"


def _failed(target: Path, why: str) -> Rendered:
    return Rendered(site_dir=target, aborted=why, complete=False)


def _move(built: Path, target: Path, root: Path, docs: Path) -> str | None:
    """Put Zensical's site at `target`, replacing what was there; why not, if it cannot."""
    for kept in (root.resolve(), docs.resolve()):
        if kept.is_relative_to(target):
            return f"site_dir {target} holds {kept}: refusing to replace it"
    try:
        if target.exists():
            shutil.rmtree(target) if target.is_dir() else target.unlink()
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(built), str(target))
    except OSError as exc:
        return f"cannot write the site into {target}: {exc.strerror or exc}"
    return None
