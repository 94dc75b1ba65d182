"""`docgen check --shard I/N`: one of N CI jobs checks its share of the site.

Every shard generates and builds the whole site (a link needs the whole site to resolve),
then each check's work or findings are split so that the N parts, merged by
`docgen report merge`, hold exactly the findings of one unsharded run:

- examples, the costly page check, runs only the shard's pages (a page's blocks share one
  session, and pages are split whole, so a session never spans two shards);
- the other checks read every page, because their rules span pages (the nav, required
  pages, anchors on other pages, a link the theme puts on every page), and keep the
  findings located in the shard's files; a finding about no file is kept by every shard
  and counted once by the merge;
- each external URL is checked by one shard only: the one its hash picks; the findings
  about it, on whatever page, are that shard's.

Who owns what is decided the same way on every machine: pages are balanced by what they
cost to check (`weight`: the page and its code blocks; heaviest first, each to the
lightest shard, ties by path), and any other file or URL by a hash of its name. Nothing
depends on the order files are listed in, nor on the machine.
"""

from __future__ import annotations

import argparse
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from docgen.diagnostics import Diagnostic
from docgen.model import Document, StageResult

__all__ = [
    "SPLIT_INPUT",
    "URL_CODES",
    "Shard",
    "Split",
    "add_argument",
    "bucket",
    "documents",
    "keep",
    "parse",
    "pick",
    "plan",
    "weight",
]

SPLIT_INPUT = frozenset({"examples"})
"""Page checks given only the shard's pages: nothing they find spans two pages."""

URL_CODES = frozenset({"DG310", "DG311", "DG312"})
"""Links' findings about one external URL: the shard that checked the URL says them all."""

USAGE = "--shard takes I/N: this job's number I from 1 to N, of N jobs (e.g. --shard 2/3)"


@dataclass(frozen=True, slots=True)
class Shard:
    """This job's share: `index` (1-based) of `count` jobs."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse(text: str) -> Shard:
    """`text` written `I/N` as a `Shard`; a `ValueError` saying what is wrong otherwise."""
    index, slash, count = text.strip().partition("/")
    if not slash or not index.isdigit() or not count.isdigit():
        raise ValueError(f"{text!r} is not I/N; {USAGE}")
    shard = Shard(int(index), int(count))
    if shard.count < 1:
        raise ValueError(f"{text!r}: N must be at least 1; {USAGE}")
    if not 1 <= shard.index <= shard.count:
        raise ValueError(f"{text!r}: I must be between 1 and {shard.count}; {USAGE}")
    return shard


def _argument(text: str) -> Shard:
    try:
        return parse(text)
    except ValueError as exc:  # argparse says it once, with the usage line, and exits 2
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_argument(parser: argparse.ArgumentParser) -> None:
    """Register `--shard I/N` on a `docgen` sub-command's `parser` (`args.shard`: a Shard)."""
    parser.add_argument(
        "--shard",
        type=_argument,
        metavar="I/N",
        help="check this job's share of the pages (1-based, e.g. 2/3); "
        "`docgen report merge` joins the N parts",
    )


def bucket(key: str, count: int) -> int:
    """The shard (1-based, of `count`) that a file or URL named `key` belongs to, by hash."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


_FENCE = re.compile(r"^[ \t]*(?:```|~~~)", re.M)


def weight(markdown: str) -> int:
    """What checking a page of `markdown` costs, roughly: one for the page (its examples'
    process), one for each code block (each may run). Bytes would favour prose, which
    costs little."""
    return 1 + len(_FENCE.findall(markdown)) // 2


def plan(weights: Mapping[str, int], count: int) -> dict[str, int]:
    """Each key of `weights` → its shard (1-based, of `count`): the heaviest first, each to
    the lightest shard so far.

    Ties are broken by key and by shard number, so every machine computes the same plan.
    """
    loads = [0] * count
    owner: dict[str, int] = {}
    for key in sorted(weights, key=lambda k: (-weights[k], k)):
        lightest = min(range(count), key=lambda i: (loads[i], i))
        loads[lightest] += max(weights[key], 1)
        owner[key] = lightest + 1
    return owner


def pick(
    paths: Iterable[str], index: int, count: int, weights: Mapping[str, int] | None = None
) -> list[str]:
    """The `paths` shard `index` of `count` checks, in their order.

    With `weights` (say, each file's size) the paths are balanced by weight (`plan`);
    without, or for a path `weights` lacks, each goes where its hash says (`bucket`).
    """
    owner = plan(weights, count) if weights else {}
    return [
        p
        for p in paths
        if owner.get(p, 0) == index or (p not in owner and bucket(p, count) == index)
    ]


@dataclass(frozen=True, slots=True)
class Split:
    """A shard with its plan: which page sources (root-relative files) it checks.

    Attributes:
        shard: this job's share.
        owner: each page's source file → its shard; files not in it go by `bucket`.
    """

    shard: Shard
    owner: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, shard: Shard, pages: Sequence[Document]) -> Split:
        """The plan of `shard`'s check for the site's `pages`, balanced by `weight`."""
        weights: dict[str, int] = {}
        for page in pages:
            weights[page.source] = weights.get(page.source, 0) + weight(page.markdown)
        return cls(shard, plan(weights, shard.count))

    def owns(self, path: str) -> bool:
        """Whether this shard checks the file at `path` (relative to the project root)."""
        found = self.owner.get(path)
        if found is None:
            found = bucket(path, self.shard.count)
        return found == self.shard.index

    def owns_url(self, url: str) -> bool:
        """Whether this shard checks the external `url`."""
        return bucket(url, self.shard.count) == self.shard.index


def documents(split: Split | None, stage: str, pages: Sequence[Document]) -> list[Document]:
    """The pages a page check of `stage` is given: the shard's for `SPLIT_INPUT`, else all.

    `split` is this job's share and plan, or None when unsharded (then all `pages`).
    """
    if split is None or stage not in SPLIT_INPUT:
        return list(pages)
    return [page for page in pages if split.owns(page.source)]


def _kept(split: Split, stage: str, diagnostic: Diagnostic) -> bool:
    if stage in SPLIT_INPUT or diagnostic.location is None:
        return True
    if stage == "links" and diagnostic.code in URL_CODES:
        return True  # only the URL's shard checked it (`owns_url`), wherever it is cited
    return split.owns(diagnostic.location.path)


def keep(split: Split | None, result: StageResult) -> StageResult:
    """A check's `result` with only the findings of this job's `split` (see the module
    docstring); `result` as it is when unsharded (`split` None)."""
    if split is None:
        return result
    found = tuple(d for d in result.diagnostics if _kept(split, result.stage, d))
    summary = {**result.summary, "shard": str(split.shard)}
    return replace(result, diagnostics=found, summary=summary)
