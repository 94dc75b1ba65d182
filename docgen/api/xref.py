"""Cross-references: which page and anchor document a dotted path, and links to them.

`[text][pkg.mod.Symbol]` and `` [`pkg.mod.Symbol`][] `` become relative Markdown links
in any page; in docstrings, a code span naming a documented symbol (`` `Symbol` ``,
resolved from the member's class and module outwards) becomes a link too, as in pdoc.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from docgen import markdown as md
from docgen.api.model import Module

__all__ = ["CODE_SPAN", "FENCE", "Index", "Target", "Unresolved", "page_path"]

_DOTTED = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$")
_REFERENCE = re.compile(r"\[(?P<text>[^\]\n]+)\]\[(?P<label>[^\]\n]*)\]")
_DEFINITION = re.compile(r"^ {0,3}\[(?P<label>[^\]\n]+)\]:", re.MULTILINE)
# Code is found by docgen.markdown; these two remain for docgen/api/pages.py's own walk.
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
"""A line that opens or closes a Markdown code fence; group 1 is the fence."""
CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)")
"""A Markdown code span, whatever its number of backticks."""
# A single-backtick span (reST's default role names an object); ``literal`` stays text.
# Sphinx's `~pkg.mod.Name` shows the last part only.
_LINKABLE_SPAN = re.compile(
    r"(?<![\[`])`(?P<short>~)?(?P<name>[A-Za-z_][\w.]*)(?P<call>\(\))?`(?![\]\(`])"
)
# An inline link to a page's anchor that is a dotted path: mkdocstrings' way of linking
# to an object (`reference.md#pkg.mod.Name`), in docstrings written for its pages.
_ANCHOR_LINK = re.compile(
    r"(?P<head>\[[^\]\n]*\]\()(?P<page>[^()\s#:]*)#(?P<anchor>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)\)"
)
# An inline link to a page by a relative path (no scheme, not rooted, not only a fragment).
_RELATIVE_LINK = re.compile(
    r"(?P<head>\[[^\]\n]*\]\()(?P<path>[^()\s#:/][^()\s#:]*)(?P<rest>#[^()\s]*)?\)"
)
_TYPE_NAME = re.compile(r"(?<![\w.'\"])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


def page_path(module: str) -> str:
    """The generated page of a module, relative to the docs folder."""
    return f"api/{module}.md"


@dataclass(frozen=True, slots=True)
class Target:
    """Where a symbol is documented: a page (docs-relative) and an anchor, and its kind.

    For a symbol of another project (read from its inventory) `page` is an absolute URL.
    """

    page: str
    anchor: str
    kind: str

    @property
    def external(self) -> bool:
        """True for another project's symbol, whose page is a URL."""
        return "://" in self.page


@dataclass(frozen=True, slots=True)
class Unresolved:
    """A reference that names no documented symbol: its 1-based line and its label."""

    line: int
    label: str


class Index:
    """Every documented symbol by dotted path, from the modules' models.

    `targets` maps each dotted path to where it is documented.
    """

    def __init__(self, targets: Mapping[str, Target]) -> None:
        """Make an index from `targets` (dotted path → target)."""
        self.targets = dict(targets)

    @classmethod
    def of(cls, modules: Iterable[Module]) -> Index:
        """The index of every module, class, function, method, variable and attribute.

        Each of the `modules` is documented on its own page; a re-exported member is also
        found by the path where it is defined.
        """
        targets: dict[str, Target] = {}
        aliases: dict[str, Target] = {}
        for module in modules:
            page = page_path(module.name)
            targets[module.name] = Target(page, module.name, "module")
            for member in module.walk():
                target = Target(page, member.fullname, member.kind)
                targets[member.fullname] = target
                aliases.setdefault(member.taken_from, target)
        # A re-exported symbol is also found by the path where it is defined.
        for name, target in aliases.items():
            targets.setdefault(name, target)
        # And a package's re-export (`pkg.Signer`) by the path it is imported as.
        for module in modules:
            for name, defined in module.reexports:
                if defined in targets:
                    targets.setdefault(f"{module.name}.{name}", targets[defined])
        return cls(targets)

    def with_external(self, targets: Mapping[str, Target]) -> Index:
        """This index, plus other projects' symbols (`targets`) it does not document itself."""
        return Index({**targets, **self.targets})

    def resolve(self, name: str, scopes: Sequence[str] = ()) -> str | None:
        """The dotted path `name` means, looked up as given, then inside each of `scopes`."""
        name = name.removesuffix("()")
        if name in self.targets:
            return name
        for scope in scopes:
            if f"{scope}.{name}" in self.targets:
                return f"{scope}.{name}"
        return None

    def url(self, name: str, from_page: str) -> str:
        """A link from `from_page` (docs-relative) to symbol `name`'s anchor."""
        target = self.targets[name]
        if target.external:
            return f"{target.page}#{target.anchor}" if target.anchor else target.page
        if target.page == from_page:
            return f"#{target.anchor}"
        here, _, _ = from_page.rpartition("/")
        there, _, name = target.page.rpartition("/")
        if here == there:
            # Pages of one folder (all of the API's): no need to compute a path.
            return f"{name}#{target.anchor}"
        return f"{posixpath.relpath(target.page, here or '.')}#{target.anchor}"

    def rewrite(
        self, markdown: str, from_page: str, scopes: Sequence[str] = ()
    ) -> tuple[str, list[Unresolved]]:
        """Turn reference links to symbols into links; return the text and unresolved ones.

        Only labels that look like Python paths and have no `[label]: url` definition in
        the text are touched; fenced code and code spans are left alone.

        Args:
            markdown: the text to rewrite.
            from_page: the docs-relative page the text is on, which links are relative to.
            scopes: dotted paths a short name is also looked up in, innermost first.
        """
        if "][" not in markdown:
            return markdown, []
        defined = {m["label"].strip().lower() for m in _DEFINITION.finditer(markdown)}
        unresolved: list[Unresolved] = []

        def replace(match: re.Match[str], number: int) -> str:
            text, label = match["text"], match["label"].strip()
            explicit = bool(label)
            label = label or text.strip().strip("`")
            if label.lower() in defined or not _DOTTED.match(label.removesuffix("()")):
                return match.group(0)
            found = self.resolve(label, scopes)
            if found is None:
                if "." in label or (not explicit and text.strip().startswith("`")):
                    unresolved.append(Unresolved(number, label))
                return match.group(0)
            return f"[{text}]({self.url(found, from_page)})"

        return _outside_code(markdown, _REFERENCE, replace), unresolved

    def link_code(
        self,
        markdown: str,
        from_page: str,
        scopes: Sequence[str],
        local: Collection[str] = (),
    ) -> str:
        """Docstring code spans that name a documented symbol become links (not in fences).

        Args:
            markdown: the docstring's Markdown.
            from_page: the docs-relative page it is on, which links are relative to.
            scopes: dotted paths a short name is also looked up in, innermost first.
            local: names that mean something else here (a function's parameters: `lexer`
                is the argument, not the module `pkg.lexer`); never linked.
        """

        if "`" not in markdown:
            return markdown

        def replace(match: re.Match[str], _line: int) -> str:
            name = match["name"]
            shown = name.rsplit(".", 1)[-1] if match["short"] else name
            code = f"`{shown}{match['call'] or ''}`"
            found = None if name in local else self.resolve(name, scopes)
            return code if found is None else f"[{code}]({self.url(found, from_page)})"

        return _outside_code(markdown, _LINKABLE_SPAN, replace)

    def retarget(self, markdown: str, from_page: str) -> str:
        """Links to another page's anchor named for a documented symbol
        (`reference.md#pkg.mod.Name`, as written for mkdocstrings' pages) link to the
        symbol's own anchor instead; other links, and fenced code and code spans, are left.

        Args:
            markdown: a docstring's Markdown.
            from_page: the docs-relative page it is on, which links are relative to.
        """
        if "#" not in markdown:
            return markdown

        def replace(match: re.Match[str], _line: int) -> str:
            name = match["anchor"]
            if name not in self.targets:
                return match.group(0)
            return f"{match['head']}{self.url(name, from_page)})"

        return _outside_code(markdown, _ANCHOR_LINK, replace)

    @staticmethod
    def rebase(
        markdown: str,
        written_on: str,
        from_page: str,
        pages: Collection[str],
        *,
        keep: bool = True,
    ) -> str:
        """Relative links written for another page, made relative to this one.

        Args:
            markdown: a docstring's Markdown; fenced code and code spans are left alone.
            written_on: the page its links were written for (a mkdocstrings page that
                includes the object with `::: pkg.mod.Name`), docs-relative.
            from_page: the docs-relative page it is on now.
            pages: every docs-relative page: only links that name one of them from
                `written_on` change; the others are left as written.
            keep: False turns the links that name none of `pages` into their text.
        """
        if "](" not in markdown:
            return markdown
        there = posixpath.dirname(written_on)
        here = posixpath.dirname(from_page) or "."

        def replace(match: re.Match[str], _line: int) -> str:
            target = posixpath.normpath(posixpath.join(there, match["path"]))
            if target == from_page:
                return match.group(0)
            if target not in pages:
                return match.group(0) if keep else match["head"][1:-2]
            path = posixpath.relpath(target, here)
            return f"{match['head']}{path}{match['rest'] or ''})"

        return _outside_code(markdown, _RELATIVE_LINK, replace)

    @staticmethod
    def unlink(markdown: str, from_page: str, pages: Collection[str]) -> str:
        """Relative links that name none of `pages` from `from_page`, as their text.

        For a docstring a member inherits: its links were written for another site or page,
        and are checked where the docstring is written.

        Args:
            markdown: the docstring's Markdown; fenced code and code spans are left alone.
            from_page: the docs-relative page it is on.
            pages: every docs-relative page.
        """
        return Index.rebase(markdown, from_page, from_page, pages, keep=False)

    def types_in(self, signature: str, scopes: Sequence[str]) -> list[str]:
        """Documented symbols a signature names (dotted or capitalised names), in order.

        Short names are also looked up inside each of `scopes`, innermost first.
        """
        found: dict[str, None] = {}
        for match in _TYPE_NAME.finditer(signature):
            name = match.group(0)
            if "." not in name and not name[0].isupper():
                continue
            resolved = self.resolve(name, scopes)
            if resolved is not None:
                found[resolved] = None
        return list(found)


def _outside_code(
    markdown: str,
    pattern: re.Pattern[str],
    replace: Callable[[re.Match[str], int], str],
) -> str:
    """`markdown` with `pattern` replaced outside code, as `docgen.markdown` reads it:
    never in fenced or indented code, nor starting inside a code span. `replace` gets each
    match and its 1-based line."""
    page = md.read(markdown)
    code: set[int] = set()
    for block in page.blocks:
        if block.kind in ("fence", "code"):
            code.update(range(block.line, block.end_line + 1))
    spans: dict[int, list[tuple[int, int]]] = {}
    for span in page.code_spans:
        for number in range(span.line, span.end_line + 1):
            start = span.column if number == span.line else -1
            end = span.end_column if number == span.end_line else 1 << 30
            spans.setdefault(number, []).append((start, end))
    out: list[str] = []
    for number, line in enumerate(markdown.split("\n"), start=1):
        if number in code:
            out.append(line)
            continue
        inside = spans.get(number, [])

        def each(
            match: re.Match[str], number: int = number, inside: list[tuple[int, int]] = inside
        ) -> str:
            if any(a < match.start() < b for a, b in inside):
                return match.group(0)
            return replace(match, number)

        out.append(pattern.sub(each, line))
    return "\n".join(out)
