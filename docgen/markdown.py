"""The one Markdown reader: a page parsed once, its parts returned with their file lines.

Every stage that reads hand-written Markdown — lint, examples, diagrams, API
cross-references and the links stage's mapping of a built link back to its line — reads
it here, so that they agree on what is a heading, a link or a fence.

The page is parsed by markdown-it-py (CommonMark: a fence is indented by at most three
spaces, and nests in lists, quotes and containers) with mdit-py-plugins' footnotes,
definition lists and attribute lists (`![x](a.png){ width="30" }`), plus two small
rules of docgen's own, because MkDocs reads them differently from the plugins:

- *front matter*: MkDocs' rule (`---` … `---` or `...` at the very top); the block is
  blanked, never removed, so every line number is the file's own.
- *containers*: Material's admonitions (`!!! note`, `??? tip`, `???+ tip`) and content
  tabs (`=== "Tab"`). Their content is indented by four spaces and read as Markdown, not
  as indented code; blank lines never end them (mdit-py-plugins' `admon` ends one at two
  blank lines, Python-Markdown does not).

A heading's trailing attribute list (`## Setup { #setup .class }`) gives its anchor.
`read(text)` is cached by text: stages that read the same page share one parse.
"""

from __future__ import annotations

import functools
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass

import yaml
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline.backticks import backtick
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

__all__ = [
    "Block",
    "CodeSpan",
    "Container",
    "Fence",
    "Footnote",
    "FrontMatter",
    "Heading",
    "Html",
    "Link",
    "Page",
    "Text",
    "front_matter",
    "info_string",
    "read",
]

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
# Python-Markdown's `admonition`, pymdownx's `details` and `tabbed` openers.
_ADMONITION = re.compile(
    r'(?P<mark>!!!|\?\?\?\+?) ?(?P<kind>[\w-]+(?: +[\w-]+)*)?(?: +"(?P<title>.*?)")? *$'
)
_TAB = re.compile(r'(?P<mark>===!?\+?) +"(?P<title>.*?)" *$')
# libyaml's safe loader, when PyYAML was built with it: ten times faster on every page.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# A definition list's `: definition` line (or `~`), as mdit-py-plugins' deflist reads it.
_DEFINITION = re.compile(r"^[ \t>]*[:~](?:[ \t]|$)", re.MULTILINE)
_HEADING_ATTRS = re.compile(r"[ \t]*\{:?([^{}]*)\}[ \t]*$")
_ID = re.compile(r"(?:^|\s)#([\w:.-]+)")
_CLASS = re.compile(r"(?:^|\s)\.([\w-]+)")
_HTML_URL = re.compile(
    r"""\b(href|src|srcset|poster)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I
)
# What nests a block, by its opening token: the `container` of a fence.
_NESTS = {
    "bullet_list_open": "list",
    "ordered_list_open": "list",
    "blockquote_open": "quote",
    "footnote_open": "footnote",
    "dl_open": "definition",
}
_CLOSES = frozenset({"container_close", *(k.replace("_open", "_close") for k in _NESTS)})
_LEAVES = {"fence": "fence", "code_block": "code", "hr": "hr", "html_block": "html"}


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """The YAML block at the top of a page.

    Attributes:
        data: its mapping; {} when there is none, or it is not a mapping, or not YAML.
        lines: how many lines it takes, both `---` lines included; 0 without one.
        error: why its YAML could not be read (the block still counts as front matter,
            as its lines are no prose), or None.
    """

    data: Mapping[str, object]
    lines: int
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading (ATX or setext) of `level` 1 to 6: its `text` as readers see it, and its
    1-based `line`.

    `anchor` is the id its attribute list gives (`{ #id }`), or None; `classes` the
    classes it gives. The list itself is not part of `text`.
    """

    level: int
    text: str
    line: int
    anchor: str | None = None
    classes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Link:
    """A link or image: its target as markdown-it resolves it (references looked up,
    non-ASCII percent-encoded), its text (an image's alt text) and its 1-based line.

    `kind` is `link`, `image`, `autolink` (`<https://…>`) or `html` (a `href`, `src`,
    `srcset` or `poster` in raw HTML, one link a URL).
    """

    target: str
    text: str
    line: int
    kind: str = "link"


@dataclass(frozen=True, slots=True)
class Fence:
    """A fenced code block.

    Attributes:
        line: the opening fence's 1-based line; `body_line` the body's first line.
        end_line: the block's last line (its closing fence when it has one).
        markup: the fence characters (```` ``` ````, `~~~~`).
        info: the info string, stripped.
        language: the language it names (`python` in `python title="a.py"` and in
            `{.python .annotate}`), as written; "" when none.
        attributes: its `key=value` attributes (`title`, `file`, …).
        body: the code, as a string that ends with a newline unless it is empty;
            indentation up to the opening fence's is removed, as CommonMark does.
        indent: what precedes the opening fence on its line (spaces, a list marker, `>`).
        container: what the fence is inside, innermost: `admonition`, `tab`, `list`,
            `quote`, `footnote`, `definition`; None at the top of the page.
        closed: whether a closing fence ends it (else its page or container does).
    """

    line: int
    body_line: int
    end_line: int
    markup: str
    info: str
    language: str
    attributes: Mapping[str, str]
    body: str
    indent: str
    container: str | None
    closed: bool


@dataclass(frozen=True, slots=True)
class CodeSpan:
    """Inline code: its text as rendered, and where its backticks are in the file.

    `line`/`column` is the first backtick (1-based line, 0-based column), and
    `end_line`/`end_column` the position just after the last one; `markup` the backticks.
    """

    text: str
    line: int
    column: int
    end_line: int
    end_column: int
    markup: str


@dataclass(frozen=True, slots=True)
class Html:
    """Raw HTML `text`: a block (`block`) or an inline tag, with its first `line` and its
    `end_line`."""

    text: str
    line: int
    end_line: int
    block: bool


@dataclass(frozen=True, slots=True)
class Container:
    """A Material admonition (`kind` `admonition`: `!!! note "Title"`, `??? tip`) or
    content tab (`tab`: `=== "Tab"`), its `type` (`note`; "" for a tab or a `??? "T"`;
    further words are classes: `!!! tip inline end`), its title as
    written (None when not given), its opening `line` and its `end_line`."""

    kind: str
    type: str
    title: str | None
    line: int
    end_line: int


@dataclass(frozen=True, slots=True)
class Footnote:
    """A footnote's definition (`[^label]: text`): its label, and the 1-based line its
    text starts on (0 for a footnote with no text)."""

    label: str
    line: int


@dataclass(frozen=True, slots=True)
class Text:
    """A run of text on one line, outside code and HTML: what readers read as prose
    (headings, paragraphs, link text, table cells, terms)."""

    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Block:
    """A leaf block of a `kind`: `paragraph`, `heading`, `fence`, `code` (indented),
    `html`, `hr`, `table` or `term` (of a definition list), from `line` to `end_line`."""

    kind: str
    line: int
    end_line: int


@dataclass(frozen=True, slots=True)
class Page:
    """Everything read from one page, each part in page order (a footnote's parts come
    last, where the page shows them).

    Attributes:
        front_matter: the YAML block at the top.
        headings: every heading.
        links: every link, image, autolink and raw HTML URL.
        fences: every fenced code block.
        code_spans: every code span.
        html: every HTML block and inline tag.
        containers: every admonition and content tab.
        footnotes: every footnote definition.
        texts: the runs of prose text.
        blocks: every leaf block.
    """

    front_matter: FrontMatter
    headings: tuple[Heading, ...]
    links: tuple[Link, ...]
    fences: tuple[Fence, ...]
    code_spans: tuple[CodeSpan, ...]
    html: tuple[Html, ...]
    containers: tuple[Container, ...]
    footnotes: tuple[Footnote, ...]
    texts: tuple[Text, ...]
    blocks: tuple[Block, ...]


def front_matter(text: str) -> tuple[dict[str, object], int]:
    """A page's YAML front matter as a mapping ({} when absent or broken), and how many
    lines of `text` it takes (0 when absent)."""
    found = _front_matter(text.replace("\r\n", "\n"))
    return dict(found.data), found.lines


def _front_matter(text: str) -> FrontMatter:
    match = _FRONT_MATTER.match(text)
    if match is None:
        return FrontMatter({}, 0)
    lines = match.group(0).count("\n") + (not match.group(0).endswith("\n"))
    try:
        data = yaml.load(match.group(1) or "", Loader=_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        problem = " ".join(str(exc).split())
        return FrontMatter({}, lines, f"the front matter is not valid YAML: {problem}")
    if data is not None and not isinstance(data, dict):
        return FrontMatter({}, lines, "the front matter is not a mapping")
    return FrontMatter({str(k): v for k, v in (data or {}).items()}, lines)


@functools.lru_cache(maxsize=512)
def info_string(info: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A fence's language and its `key=value` attributes, from its info string.

    Reads `python title="app.py"` and the attribute-list form `{.python .annotate}`.
    """
    text = info.strip()
    braced = text.startswith("{") and text.endswith("}")
    if braced:
        text = text[1:-1]
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    language = ""
    attributes: dict[str, str] = {}
    for word in words:
        if "=" in word:
            key, _, value = word.partition("=")
            attributes[key] = value
        elif braced and word.startswith("."):
            language = language or word[1:]
        elif not braced and not language:
            language = word
    return language, tuple(attributes.items())


def _container(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """An admonition or a content tab: an opener line, then lines indented by four more
    columns (or blank)."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    first = state.bMarks[start] + state.tShift[start]
    if state.src[first : first + 3] not in ("!!!", "???", "==="):
        return False
    line = state.src[first : state.eMarks[start]]
    opened = _TAB.match(line) if line[0] == "=" else _ADMONITION.match(line)
    if opened is None or (line[0] != "=" and not (opened["kind"] or opened["title"])):
        return False
    if silent:
        return True
    indent = state.sCount[start] + 4
    last = start
    for number in range(start + 1, end):
        if state.isEmpty(number):
            continue
        if state.sCount[number] < indent:
            break
        last = number
    old_max, old_indent = state.lineMax, state.blkIndent
    state.lineMax, state.blkIndent = last + 1, indent
    token = state.push("container_open", "div", 1)
    token.map = [start, last + 1]
    token.markup = opened["mark"]
    kind = "tab" if line[0] == "=" else "admonition"
    admonition = (opened["kind"] or "").split() if kind == "admonition" else []
    token.meta = {"kind": kind, "type": admonition[0] if admonition else ""}
    token.info = opened["title"] if opened["title"] is not None else ""
    token.meta["titled"] = opened["title"] is not None
    state.md.block.tokenize(state, start + 1, last + 1)
    state.push("container_close", "div", -1)
    state.lineMax, state.blkIndent = old_max, old_indent
    state.line = last + 1
    return True


def _backticks(state: StateInline, silent: bool) -> bool:
    """markdown-it's code span rule, noting where the span starts and ends."""
    start, count = state.pos, len(state.tokens)
    if not backtick(state, silent):
        return False
    if len(state.tokens) > count and state.tokens[-1].type == "code_inline":
        state.tokens[-1].meta = {"start": start, "end": state.pos}
    return True


@functools.lru_cache(maxsize=8)
def _parser(footnotes: bool, definitions: bool, attributes: bool) -> MarkdownIt:
    """The parser, with only the plugins whose syntax the page may hold: each rule costs
    its time on every line of every page, and most pages use none of them."""
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    if footnotes:
        md.use(footnote_plugin, inline=False)  # `^[inline]` is no Python-Markdown syntax
    if definitions:
        md.use(deflist_plugin)
    if attributes:
        md.use(attrs_plugin)
    md.inline.ruler.at("backticks", _backticks)
    md.block.ruler.before(
        "fence", "container", _container, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )
    return md


@functools.lru_cache(maxsize=1024)
def read(text: str) -> Page:
    """Read one page's Markdown `text` (the file as written, front matter and all)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    matter = _front_matter(text)
    if matter.lines:
        body = "\n" * matter.lines + "\n".join(text.split("\n")[matter.lines :])
    else:
        body = text
    parser = _parser("[^" in body, bool(_DEFINITION.search(body)), "{" in body)
    return _Reader(text.split("\n"), matter).run(parser.parse(body))


class _Reader:
    """One walk of the token stream, collecting each kind of part."""

    def __init__(self, lines: list[str], matter: FrontMatter) -> None:
        self.lines = lines
        self.matter = matter
        self.headings: list[Heading] = []
        self.links: list[Link] = []
        self.fences: list[Fence] = []
        self.spans: list[CodeSpan] = []
        self.html: list[Html] = []
        self.containers: list[Container] = []
        self.footnotes: list[Footnote] = []
        self.texts: list[Text] = []
        self.blocks: list[Block] = []

    def run(self, tokens: list[Token]) -> Page:
        open_kinds: list[str] = []  # what nests the current block, outermost first
        heading: Token | None = None
        for token in tokens:
            kind = token.type
            where = token.map or [0, 0]
            if kind == "container_open":
                open_kinds.append(token.meta["kind"])
                title = token.info if token.meta["titled"] else None
                self.containers.append(
                    Container(token.meta["kind"], token.meta["type"], title, where[0] + 1, where[1])
                )
            elif kind in _NESTS:
                open_kinds.append(_NESTS[kind])
                if kind == "footnote_open":
                    self.footnotes.append(Footnote(str(token.meta.get("label", "")), 0))
            elif kind in _CLOSES:
                open_kinds.pop()
            elif kind == "heading_open":
                heading = token
            elif kind == "heading_close":
                heading = None
            elif kind == "inline":
                self.inline(token, heading)
            elif kind in _LEAVES:
                self.blocks.append(Block(_LEAVES[kind], where[0] + 1, where[1]))
                if kind == "fence":
                    self.fence(token, open_kinds[-1] if open_kinds else None)
                elif kind == "html_block":
                    self.html.append(Html(token.content, where[0] + 1, where[1], block=True))
                    self.raw_urls(token.content, where[0] + 1)
            elif kind in ("paragraph_open", "table_open", "dt_open"):
                name = {"paragraph_open": "paragraph", "table_open": "table"}.get(kind, "term")
                self.blocks.append(Block(name, where[0] + 1, max(where[1], where[0] + 1)))
        return Page(
            self.matter,
            tuple(self.headings),
            tuple(self.links),
            tuple(self.fences),
            tuple(self.spans),
            tuple(self.html),
            tuple(self.containers),
            tuple(self.footnotes),
            tuple(self.texts),
            tuple(self.blocks),
        )

    def fence(self, token: Token, container: str | None) -> None:
        start, end = token.map or [0, 1]
        opening = self.lines[start] if start < len(self.lines) else ""
        at = opening.find(token.markup)
        last = self.lines[end - 1] if end - 1 < len(self.lines) else ""
        closer = last.lstrip(" \t>")
        closed = (
            end - start >= 2
            and closer.startswith(token.markup)
            and not closer.strip().strip(token.markup[0])
        )
        info = token.info.strip()
        language, attributes = info_string(info)
        self.fences.append(
            Fence(
                line=start + 1,
                body_line=start + 2,
                end_line=end,
                markup=token.markup,
                info=info,
                language=language,
                attributes=dict(attributes),
                body=token.content,
                indent=opening[: max(at, 0)],
                container=container,
                closed=closed,
            )
        )
        if self.footnotes and self.footnotes[-1].line == 0:
            self.footnote_line(start + 1)

    def footnote_line(self, line: int) -> None:
        """A footnote's line is its first block's (markdown-it keeps none for it)."""
        last = self.footnotes[-1]
        self.footnotes[-1] = Footnote(last.label, line)

    def position(self, token: Token, offset: int) -> tuple[int, int]:
        """The file line (1-based) and column (0-based) of `offset` in an inline token."""
        first = (token.map or [0])[0]
        before = token.content[:offset]
        row = before.count("\n")
        column = offset - (before.rfind("\n") + 1)
        content_line = token.content.split("\n")[row]
        number = first + row
        file_line = self.lines[number] if number < len(self.lines) else ""
        stripped, inner = file_line.rstrip(), content_line.rstrip()
        if stripped.endswith(inner):
            return number + 1, len(stripped) - len(inner) + column
        found = file_line.find(content_line)
        return number + 1, max(found, 0) + column

    def inline(self, token: Token, heading: Token | None) -> None:
        first = (token.map or [0])[0] + 1
        if self.footnotes and self.footnotes[-1].line == 0:
            self.footnote_line(first)
        line = first
        parts: list[str] = []
        link: tuple[str, int, list[str], str] | None = None  # target, line, text, kind
        for child in token.children or []:
            kind = child.type
            if kind == "text":
                if child.content:
                    self.texts.append(Text(child.content, line))
                parts.append(child.content)
                if link is not None:
                    link[2].append(child.content)
            elif kind in ("softbreak", "hardbreak"):
                parts.append(" ")
                if link is not None:
                    link[2].append(" ")
                line += 1
            elif kind == "code_inline":
                start, end = child.meta.get("start", 0), child.meta.get("end", 0)
                at, column = self.position(token, start)
                to, end_column = self.position(token, end)
                self.spans.append(CodeSpan(child.content, at, column, to, end_column, child.markup))
                parts.append(child.content)
                if link is not None:
                    link[2].append(child.content)
                line = to
            elif kind == "link_open":
                href = str(child.attrs.get("href", ""))
                link = (href, line, [], "autolink" if child.markup == "autolink" else "link")
            elif kind == "link_close" and link is not None:
                self.links.append(Link(link[0], "".join(link[2]), link[1], link[3]))
                link = None
            elif kind == "image":
                self.links.append(
                    Link(str(child.attrs.get("src", "")), child.content, line, "image")
                )
                line += sum(c.type in ("softbreak", "hardbreak") for c in child.children or [])
            elif kind == "html_inline":
                self.html.append(Html(child.content, line, line + child.content.count("\n"), False))
                self.raw_urls(child.content, line)
                line += child.content.count("\n")
        if heading is not None:
            self.heading(int(heading.tag[1]), "".join(parts), first)

    def heading(self, level: int, text: str, line: int) -> None:
        anchor = None
        classes: tuple[str, ...] = ()
        attrs = _HEADING_ATTRS.search(text)
        if attrs is not None:
            text = text[: attrs.start()]
            found = _ID.search(attrs.group(1))
            anchor = found.group(1) if found else None
            classes = tuple(_CLASS.findall(attrs.group(1)))
        self.headings.append(Heading(level, text.strip(), line, anchor, classes))
        self.blocks.append(Block("heading", line, line))

    def raw_urls(self, html: str, line: int) -> None:
        """The URLs of raw HTML's `href`, `src`, `srcset` and `poster` attributes."""
        for match in _HTML_URL.finditer(html):
            value = match.group(2) or match.group(3) or match.group(4) or ""
            at = line + html.count("\n", 0, match.start())
            if match.group(1).lower() == "srcset":
                urls = [parts[0] for item in value.split(",") if (parts := item.split())]
            else:
                urls = [value]
            self.links.extend(Link(url, "", at, "html") for url in urls)
