"""Every diagnostic code docgen has: its default severity, a title and its docs anchor.

A code means one thing, forever: a baseline (`.docgen/baseline.json`) keys findings by
code, and users silence or search for them by code. Each stage owns a range (`DG2xx`
pipelines, `DG3xx` links, ...). A new finding gets a new code here, and a row in the
reference page of codes (`docs/reference/diagnostics.md`), whose anchor is the code in
lower case (`#dg301`); tests hold the three together.

The severity is the one a finding of that code usually has; a few codes take theirs from
what reported it (`DG100`: MkDocs' log level; `DG214`: `audit_severity`; `DG014`: a
configured glob or a path given on the command line): `varies` says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

__all__ = ["CODES", "DOCS_PAGE", "DOCS_URL", "Code", "get", "is_registered", "url"]

Level = Literal["error", "warning", "info"]

DOCS_PAGE = "reference/diagnostics.md"
"""The page of the docs that lists every code, relative to the docs folder."""
DOCS_URL = "https://docgen.example.org/reference/diagnostics/"
"""That page on docgen's published site."""


@dataclass(frozen=True, slots=True)
class Code:
    """One diagnostic code.

    Attributes:
        code: `DG` and three digits (`DG301`).
        severity: the severity its findings have by default.
        title: what it means, in a few words.
        stage: the stage that reports it (`links`), or `docgen` for docgen itself.
        varies: the severity depends on what reported it, `severity` is the usual one.
    """

    code: str
    severity: Level
    title: str
    stage: str
    varies: bool = False

    @property
    def anchor(self) -> str:
        """The anchor of its row in the docs page of codes: `dg301`."""
        return self.code.lower()

    @property
    def docs(self) -> str:
        """Its row in the docs, relative to the docs folder: `reference/diagnostics.md#dg301`."""
        return f"{DOCS_PAGE}#{self.anchor}"


_E: Level = "error"
_W: Level = "warning"
_I: Level = "info"

_TABLE: tuple[tuple[str, Level, str, str], ...] = (
    ("DG001", _E, "a stage crashed: a docgen bug", "docgen"),
    # Benchmark results (`benchmarks:`).
    ("DG010", _E, "a result file is not valid JSON", "benchmarks"),
    ("DG011", _E, "a result file does not fit its format", "benchmarks"),
    ("DG012", _E, "a result file is in none of the formats docgen reads", "benchmarks"),
    ("DG013", _E, "a result file cannot be read", "benchmarks"),
    ("DG014", _W, "a `results` glob or path matches no file", "benchmarks"),
    ("DG015", _E, "a `directions` value is neither `smaller` nor `bigger`", "benchmarks"),
    ("DG016", _W, "a result file holds no benchmark", "benchmarks"),
    # The benchmark history (`docgen bench record`).
    ("DG020", _E, "the benchmark history cannot be read", "benchmarks"),
    ("DG021", _E, "the benchmark history is not docgen's, or of a later docgen", "benchmarks"),
    ("DG022", _E, "`--date` is not an ISO 8601 date", "benchmarks"),
    ("DG023", _E, "a retention setting of `benchmarks` is negative", "benchmarks"),
    ("DG024", _E, "nothing to record: no result was read", "benchmarks"),
    ("DG025", _E, "the benchmark history file cannot be written", "benchmarks"),
    # Benchmarks: the regression check.
    ("DG030", _E, "a benchmark regressed beyond its threshold", "benchmarks"),
    ("DG031", _W, "a benchmark's unit differs from its base's: not compared", "benchmarks"),
    ("DG032", _I, "benchmarks without a base in the history: not compared", "benchmarks"),
    ("DG033", _I, "benchmarks compared with their base: none regressed", "benchmarks"),
    ("DG034", _W, "a setting of the regression check is out of range", "benchmarks"),
    # Release notes (`changelog`).
    ("DG040", _I, "no release notes: no source, not a git repository, or no commits", "changelog"),
    ("DG041", _E, "the changelog file or a news fragment cannot be read", "changelog"),
    ("DG042", _W, "a release heading without a version, or with a bad date", "changelog"),
    ("DG043", _W, "a relative link of the changelog that cannot be kept", "changelog"),
    ("DG044", _W, "the changelog file has no release heading", "changelog"),
    ("DG045", _W, "towncrier's configuration cannot be read", "changelog"),
    ("DG046", _I, "towncrier's news file is not Markdown: only fragments are shown", "changelog"),
    ("DG047", _I, "a shallow clone: the release notes miss history", "changelog"),
    ("DG048", _W, "git failed while reading the history", "changelog"),
    ("DG049", _W, "a version has notes twice in the changelog", "changelog"),
    ("DG050", _W, "a file in the fragments folder is not a news fragment", "changelog"),
    (
        "DG051",
        _E,
        "`docgen changelog`: no notes for that version, or no config",
        "changelog",
    ),
    # The build (the MkDocs adapter) and the baseline.
    (
        "DG100",
        _W,
        "a warning or error of the engine (MkDocs, ProperDocs, Zensical) or another plugin",
        "build",
    ),
    ("DG101", _W, "a generated page has the path of one of yours: yours is kept", "build"),
    ("DG102", _E, "a page is not UTF-8 text: it is left out", "build"),
    ("DG103", _W, "a top-level key of mkdocs.yml is set twice", "build"),
    ("DG110", _E, "the baseline cannot be read or is not a docgen baseline", "baseline"),
    ("DG111", _I, "findings of the baseline are fixed", "baseline"),
    # `docgen report merge`: the parts of a sharded check.
    ("DG120", _E, "a report part cannot be read, is not JSON or is not a docgen part", "report"),
    (
        "DG121",
        _E,
        "the report parts do not fit together (a shard missing, twice, or differing)",
        "report",
    ),
    # Pipelines (GitHub Actions workflows and local actions).
    ("DG200", _I, "a file was skipped: not a workflow, or no folder", "pipelines"),
    ("DG201", _E, "YAML syntax error", "pipelines"),
    ("DG202", _E, "`needs` names a job the workflow does not have", "pipelines"),
    ("DG203", _E, "jobs `needs` each other in a cycle", "pipelines"),
    ("DG204", _W, "`workflow_run` names no known workflow", "pipelines"),
    ("DG205", _W, "unknown key", "pipelines"),
    ("DG206", _E, "a trigger filter of the wrong type, or `x` with `x-ignore`", "pipelines"),
    ("DG207", _E, "a key of the wrong type, or no `on:`", "pipelines"),
    ("DG208", _W, "a local reusable workflow that is not in the folder", "pipelines"),
    ("DG209", _E, "a workflow or action file cannot be read", "pipelines"),
    ("DG210", _E, "not valid action metadata", "pipelines"),
    ("DG211", _W, "a composite action's step reads an undeclared input", "pipelines"),
    ("DG212", _E, "a composite action's step has `run` but no `shell`", "pipelines"),
    ("DG213", _W, "a step `uses: ./folder`, and the folder holds no action", "pipelines"),
    ("DG214", _W, "a security finding in a workflow", "pipelines"),
    ("DG215", _W, "zizmor could not audit", "pipelines"),
    # Links of the built site.
    ("DG300", _E, "the site folder does not exist", "links"),
    ("DG301", _E, "a link to a page or file the site does not have", "links"),
    ("DG302", _E, "a `#fragment` the target page does not define", "links"),
    ("DG303", _E, "a link that leaves the site", "links"),
    ("DG304", _E, "a malformed URL", "links"),
    ("DG305", _E, "a malformed `mailto:` or `tel:` URL", "links"),
    ("DG306", _W, "a page that is not valid UTF-8, or unreadable", "links"),
    ("DG307", _E, "an invalid `links.exclude` pattern", "links"),
    ("DG310", _E, "a broken external URL", "links"),
    ("DG311", _I, "an external URL that moved permanently", "links"),
    ("DG312", _W, "an external `#fragment` missing from the page", "links"),
    ("DG313", _I, "external URLs not checked", "links"),
    ("DG314", _I, "several broken links name the same missing files", "links"),
    # Mermaid diagrams.
    ("DG401", _E, "Mermaid syntax error", "diagrams"),
    ("DG402", _E, "unknown diagram type", "diagrams"),
    ("DG403", _E, "empty diagram", "diagrams"),
    ("DG404", _E, "diagram larger than `max_size` characters", "diagrams"),
    ("DG405", _E, "Node or the installed Mermaid is missing", "diagrams"),
    ("DG406", _I, "diagram validation skipped: opted out", "diagrams"),
    ("DG407", _E, "an embed names a file that does not exist", "diagrams"),
    ("DG408", _E, "a `.mmd` file cannot be read", "diagrams"),
    ("DG409", _E, "the diagram validator itself failed", "diagrams"),
    ("DG410", _W, "Mermaid is not installed, so the site cannot serve it", "diagrams"),
    ("DG411", _W, "mkdocs-mermaid2 is set up: turned off for the build", "diagrams"),
    # Examples in the docs.
    ("DG501", _E, "an example raised, or a command failed", "examples"),
    ("DG502", _E, "printed output differs from the shown output", "examples"),
    ("DG503", _E, "an example ran out of time", "examples"),
    ("DG504", _E, "an example printed more than the output limit", "examples"),
    ("DG505", _E, "the page's process ended abruptly, or could not start", "examples"),
    ("DG506", _E, "the expected exception was not raised", "examples"),
    ("DG507", _E, "a YAML, JSON or TOML block does not parse", "examples"),
    ("DG508", _E, "a code fence is never closed", "examples"),
    ("DG509", _E, "the page is not valid UTF-8: it is skipped", "examples"),
    ("DG510", _W, "a marker is malformed, unknown or not followed by a block", "examples"),
    ("DG511", _I, "an example was skipped", "examples"),
    ("DG512", _I, "expected output was rewritten by `--update`", "examples"),
    ("DG513", _W, "`--update` could not rewrite: the file changed", "examples"),
    ("DG514", _I, "later examples not run: an earlier one failed", "examples"),
    ("DG515", _I, "an example needs the network, which is off", "examples"),
    ("DG516", _I, "a fragment, not a program of its own", "examples"),
    ("DG517", _W, "an example needs a module that is not installed", "examples"),
    # The API reference.
    ("DG601", _E, "package not found", "api"),
    ("DG602", _E, "a module cannot be imported", "api"),
    ("DG603", _W, "a module prints on import", "api"),
    ("DG604", _I, "names of `__all__` that are not attributes", "api"),
    ("DG605", _W, "a reference to no documented symbol", "api"),
    ("DG606", _W, "an undocumented symbol, coverage below `api.min_coverage`", "api"),
    ("DG607", _I, "another pdoc warning", "api"),
    ("DG608", _I, "no source links: the commit is unknown", "api"),
    ("DG609", _W, "an inventory cannot be read", "api"),
    ("DG610", _I, "an inventory skipped offline", "api"),
    ("DG611", _E, "`docgen dump api` of an unknown module", "api"),
    ("DG612", _W, "a docstring opens a code fence or raw HTML it never closes", "api"),
    ("DG613", _W, "a module needs a third-party module that is not installed", "api"),
    ("DG614", _W, "a deployed version's API model cannot be read", "api"),
    ("DG615", _I, "the previous version has no API model: no API changes page", "api"),
    ("DG616", _E, "`docgen api-diff` of an unknown version or git ref", "api"),
    ("DG617", _E, "`docgen api-diff` cannot document a version", "api"),
    ("DG618", _W, "the Pages branch or its `versions.json` cannot be read", "api"),
    # Lint of the Markdown pages (the rule names are in `docgen.lint.rules`).
    ("DG701", _W, "a pymarkdownlnt finding", "lint"),
    ("DG702", _W, "more than one level-1 title", "lint"),
    ("DG703", _W, "no title", "lint"),
    ("DG704", _W, "a heading level skipped", "lint"),
    ("DG705", _W, "a repeated heading or anchor", "lint"),
    ("DG706", _W, "an image without alt text", "lint"),
    ("DG707", _W, "an empty page", "lint"),
    ("DG708", _E, "an HTML element never closed, or an end tag closing nothing", "lint"),
    ("DG709", _W, "a page missing from `nav:`", "lint"),
    ("DG710", _E, "a `nav:` entry with no page", "lint"),
    ("DG711", _E, "a page of `required_pages` is missing", "lint"),
    ("DG712", _W, "a marker word in prose", "lint"),
    ("DG713", _W, "a page with a title and nothing else", "lint"),
    ("DG714", _W, "a misspelling in prose", "lint"),
    ("DG715", _I, "`--fix` rewrote the page", "lint"),
    ("DG716", _W, "pymarkdownlnt or typos could not run", "lint"),
    ("DG717", _W, "an unknown lint rule or severity, or a broken mkdocs.yml", "lint"),
    # Versioned deploys (`docgen deploy`, `docgen versions`).
    ("DG801", _E, "a version or alias name is not allowed", "deploy"),
    ("DG802", _E, "a version and an alias have the same name", "deploy"),
    ("DG803", _E, "not published: the site has errors, or the build failed", "deploy"),
    ("DG804", _E, "git failed", "deploy"),
    ("DG805", _E, "gave up: the remote kept moving", "deploy"),
    ("DG806", _E, "the local branch diverged from the remote", "deploy"),
    ("DG807", _E, "unknown version or alias", "deploy"),
    ("DG808", _E, "the project's configuration cannot be loaded", "deploy"),
    ("DG809", _W, "published with `--allow-errors`", "deploy"),
    ("DG810", _I, "no remote: the branch was written locally only", "deploy"),
    ("DG811", _E, "would delete the default version", "deploy"),
    ("DG812", _I, "nothing changed on the branch", "deploy"),
    ("DG813", _I, "the first version became the default", "deploy"),
    ("DG814", _W, "the version selector is not configured", "deploy"),
    ("DG815", _E, "`versions.json` on the published branch cannot be read", "deploy"),
    ("DG816", _E, "prune-previews was not told which previews to remove", "deploy"),
    ("DG817", _E, "not deleted: no confirmation", "deploy"),
    ("DG818", _I, "no site URL: no sitemap index at the branch's root", "deploy"),
    ("DG819", _E, "a number of versions to keep below 1", "deploy"),
    ("DG820", _E, "a history to squash to fewer than 1 commit", "deploy"),
    ("DG821", _I, "retention removed old versions", "deploy"),
    ("DG822", _E, "a version that cannot be hidden, or a hidden default", "deploy"),
    ("DG823", _I, "the branch's history was squashed", "deploy"),
    ("DG824", _E, "prune was not told what to remove", "deploy"),
    # `docgen init`.
    ("DG901", _I, "something was not found: no package, no GitHub remote", "init"),
    ("DG902", _W, "`pyproject.toml` cannot be read", "init"),
    ("DG903", _W, "`mkdocs.yml` cannot be extended safely", "init"),
    ("DG904", _I, "`mkdocs.yml` already has the docgen plugin", "init"),
    ("DG905", _E, "the path is not a folder", "init"),
    ("DG906", _E, "a file cannot be written", "init"),
    ("DG907", _I, "the theme is not Material", "init"),
    ("DG908", _I, "`docs/` holds a Sphinx project", "init"),
    ("DG909", _E, "a file changed while `docgen init` ran", "init"),
    ("DG910", _I, "pages use the package without importing it", "init"),
    ("DG911", _I, "every example of a page fails", "init"),
    ("DG912", _I, "the examples could not be tried: the package does not import", "init"),
    ("DG913", _W, "`mkdocs.yml` sets a top-level key twice", "init"),
    ("DG914", _I, "`mkdocs.yml` uses mkdocstrings: the API stage is left off", "init"),
)

_VARIES = frozenset({"DG014", "DG100", "DG214", "DG215"})

CODES: Mapping[str, Code] = {
    code: Code(code, severity, title, stage, code in _VARIES)
    for code, severity, title, stage in _TABLE
}
"""Every code, in order."""


def is_registered(code: str) -> bool:
    """Whether `code` is one of docgen's codes."""
    return code in CODES


def get(code: str) -> Code:
    """The registered `code`; KeyError when there is none."""
    return CODES[code]


def url(code: str, base: str = DOCS_URL) -> str | None:
    """Where the docs explain `code` (`base` + `#dg301`), or None for an unknown code."""
    found = CODES.get(code)
    return None if found is None else f"{base}#{found.anchor}"
