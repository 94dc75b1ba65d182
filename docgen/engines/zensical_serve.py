"""`docgen serve --engine zensical`: Zensical's live preview of the staging folder.

Zensical watches its docs folder (the staging folder) and rebuilds what changed. docgen
watches what the staging folder is made from: the user's docs folder, mkdocs.yml and
every stage's sources (a workflow, a package, a diagram). On a change it runs the stages
again (unchanged stages come from the cache) and stages again; only files whose text
changed are rewritten, so Zensical rebuilds the pages an edit touched.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from docgen.engines import RenderJob, ServeJob
from docgen.engines.zensical_stage import Staged, stage, staging_root
from docgen.run import StageCache

if TYPE_CHECKING:
    from docgen.engines.zensical import ZensicalEngine

__all__ = ["Restager", "render_job", "serve"]

_SETTLE = 0.3  # seconds of quiet after a change before staging again (editors save twice)


def render_job(job: ServeJob, cache: StageCache | None = None) -> RenderJob:
    """The pipeline's generate step for `job`, as a `RenderJob`.

    Args:
        job: what `docgen serve` was asked.
        cache: the stages' results of earlier rounds (`docgen.run.StageCache`), reused
            while their sources are unchanged.
    """
    from docgen import pipeline  # noqa: PLC0415 - the pipeline imports the engines' interface

    config = job.config
    results = pipeline.generate(config, cache)
    known = pipeline.context(config, results, "zensical")
    return RenderJob(
        config,
        job.config_file,
        tuple(results),
        transform=partial(pipeline.transform, config, known),
    )


class Restager:
    """Stages again, once things settle, after any change under the watched paths.

    Attributes:
        make: builds the `RenderJob` (the stages run again, cached where unchanged).
        staged: what the last staging wrote.
        ignore: the staging folder: changes there are the staging's own.
        count: how many times it staged.
    """

    def __init__(self, make: Callable[[], RenderJob]) -> None:
        self.make = make
        job = make()
        self.ignore = staging_root(job.config).resolve()
        self.staged: Staged = stage(job.config, job.config_file, job.results, job.transform)
        self.count = 1
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def changed(self, path: str) -> None:
        """A file changed at `path`: stage again shortly, unless it is the staging folder's."""
        if Path(path).resolve().is_relative_to(self.ignore):
            return
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(_SETTLE, self.restage)
            self._timer.daemon = True
            self._timer.start()

    def restage(self) -> Staged:
        """Run the stages and stage again now."""
        job = self.make()
        self.staged = stage(job.config, job.config_file, job.results, job.transform)
        self.count += 1
        return self.staged

    def stop(self) -> None:
        """Cancel a pending restage."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()


def serve(engine: ZensicalEngine, job: ServeJob) -> None:
    """Serve `job`'s site with `zensical serve` until interrupted; see the module.

    Args:
        engine: the engine (how Zensical is run).
        job: the project's config and config file, and the address to serve on.
    """
    from watchdog.events import FileSystemEvent, FileSystemEventHandler  # noqa: PLC0415
    from watchdog.observers import Observer  # noqa: PLC0415

    cache = StageCache()
    restager = Restager(partial(render_job, job, cache))

    class _Handler(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            if event.event_type in ("created", "modified", "deleted", "moved"):
                restager.changed(str(event.src_path))

    observer = Observer()
    handler = _Handler()
    for path in restager.staged.watch:
        if path.is_dir():
            observer.schedule(handler, str(path), recursive=True)
        elif path.exists():
            observer.schedule(handler, str(path.parent), recursive=False)
    args = [*engine.command, "serve", "-f", str(restager.staged.config_file)]
    if job.dev_addr:
        args += ["--dev-addr", job.dev_addr]
    observer.start()
    process = subprocess.Popen(args, cwd=job.config.root)
    try:
        process.wait()
    except KeyboardInterrupt:
        process.terminate()
        process.wait()
    finally:
        restager.stop()
        observer.stop()
        observer.join()
