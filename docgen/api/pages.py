"""API model → Markdown pages: one page per module under the "API reference" section.

Every symbol is a heading whose anchor is its dotted path (`{ #pkg.mod.Class.method }`,
via the `attr_list` extension), so it is in the page's table of contents and in search,
and links from anywhere stay stable. The spaces keep `{#` from opening a Jinja comment
on a site whose pages go through a macros plugin.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

from docgen.api.model import Member, Module
from docgen.api.xref import CODE_SPAN, FENCE, Index, page_path
from docgen.model import Page

__all__ = ["SECTION", "Includes", "Reference", "Unclosed", "module_page", "scopes"]

SECTION = "API reference"
"""The nav section the API pages are listed under."""

_HEADING = re.compile(r"^ {0,3}#{1,6}\s+(?P<text>.*?)\s*#*\s*$")
_BLANKS = re.compile(r"\n{3,}")

SourceLink = Callable[[str | None, int | None, int | None], str | None]


@dataclass(frozen=True, slots=True)
class Reference:
    """An unresolved reference in a docstring: the member (or module) and where it is.

    Attributes:
        symbol: the dotted name of the member (or module) whose docstring has it.
        file: that member's source file, or None if unknown.
        line: 1-based line of the docstring (else of the member's definition), or None.
        label: the name the reference was written with.
        end_line: the docstring's last line, when its lines are known.
        inherited: the docstring is a base class's: the reference is not in `file`.
    """

    symbol: str
    file: str | None
    line: int | None
    label: str
    end_line: int | None = None
    inherited: bool = False


@dataclass(frozen=True, slots=True)
class Unclosed:
    """Syntax a docstring opens and never closes, which docgen closed where it ends.

    Attributes:
        symbol: the dotted name of the member (or module) whose docstring has it.
        file: that member's source file, or None if unknown.
        line: 1-based line of that member's definition, or None if unknown.
        what: what is left open, in words ("a code fence").
        opener: the text that opens it, as the docstring has it (a line or a tag).
        nth: which of the docstring's lines holding `opener` opens it (1 for the first).
    """

    symbol: str
    file: str | None
    line: int | None
    what: str
    opener: str
    nth: int


def _anchor(fullname: str) -> str:
    # attr_list reads `{ #… }` after inline Markdown: `__init__` there would become bold.
    # `{#` with no space would open a comment for Jinja (a macros plugin renders pages).
    return "{ #" + fullname.replace("_", "\\_") + " }"


def scopes(fullname: str) -> list[str]:
    """Where names used by `fullname` are looked up: itself, its class, module, packages."""
    parts = fullname.split(".")
    return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]


# Raw HTML in a docstring: "Nested AS3 in <script> tags" must read as text, not open a
# <script> element that swallows the rest of the page. Only Markdown docstrings may use
# HTML, and then only tags that format text inline.
_TAG = re.compile(r"<(?=/?(?P<name>[A-Za-z][A-Za-z0-9-]*)[\s/>])")
_INLINE_TAGS = frozenset(
    "a abbr b br code del em i img ins kbd mark q s small span strong sub sup u".split()  # noqa: SIM905
)
_ALERT = re.compile(r'^(?P<indent> *)<div class="alert (?P<kind>\w+)" markdown="1">$')
_LIST_ITEM = re.compile(r"^ {0,3}([-*+]|\d+[.)])\s")
_DOCTEST = re.compile(r"^(?P<indent> *)>>>(?: |$)")
# A reST field pdoc leaves as written (`:copyright: ...`); `:meta ...:` is for tools only.
_FIELD = re.compile(r"^:(?P<name>[A-Za-z][\w -]*):(?:\s+(?P<text>.*))?$")
# A Sphinx role pdoc leaves as written (it converts only the Python ones).
_ROLE = re.compile(r"(?<![\w`]):(?:[a-z]+:)?(?P<role>[a-z]+):`(?P<body>[^`]+)`")
_TEXT_ROLES = {"ref": "", "doc": "", "term": "", "abbr": "", "pep": "PEP ", "rfc": "RFC "}
# A reST section title's underline (or overline): "~~~~" under a title opens no fence.
_UNDERLINE = re.compile(r"^([=\-~^\"'`#*+_:.])\1{2,}\s*$")


def _titles(lines: list[str]) -> list[str]:
    """reST and setext section titles as bold paragraphs: out of the table of contents,
    and a `~~~~` underline is not taken for a code fence."""

    def is_title(text: str) -> bool:
        return bool(text.strip()) and text == text.lstrip() and not _UNDERLINE.match(text)

    out: list[str] = []
    fence: str | None = None
    for number, line in enumerate(lines):
        under = _UNDERLINE.match(line) if fence is None else None
        title = out[-1] if out else ""
        # Markdown makes `===`/`---` under any text a heading; reST wants it as long.
        if (
            under
            and is_title(title)
            and (under.group(1) in "=-" or len(line.strip()) >= len(title.strip()))
        ):
            over = len(out) >= 2 and out[-2].strip() == line.strip()
            out[-2 if over else -1 :] = [f"**{title.strip()}**", ""]
            continue
        # An overline, as long as its title, with the underline to follow: not a fence.
        following = [*lines[number + 1 : number + 3], "", ""][:2]
        if (
            under
            and is_title(following[0])
            and following[1].strip() == line.strip()
            and len(line) >= len(following[0])
        ):
            out.append(line)
            continue
        opened = FENCE.match(line)
        if opened and (fence is None or opened.group(1)[0] == fence[0]):
            fence = opened.group(1) if fence is None else None
        out.append(line)
    return out


def _role(match: re.Match[str]) -> str:
    """`:doc:`/concepts`` as "concepts", `:ref:`Title <label>`` as "Title", `:envvar:`X``
    as code: their targets are in the project's Sphinx docs, not in this site."""
    role, body = match["role"], match["body"]
    titled = re.fullmatch(r"(?P<title>.+?)\s*<[^<>]+>", body)
    if titled:
        body = titled["title"]
    elif role == "doc":
        body = body.rstrip("/").rsplit("/", 1)[-1]
    if role in _TEXT_ROLES:
        return _TEXT_ROLES[role] + body.lstrip("~!")
    return f"`{body}`"


def _escape_html(text: str, allowed: frozenset[str]) -> str:
    """`text` with every tag not in `allowed` escaped, code spans left as written."""

    def escape(part: str) -> str:
        return _TAG.sub(lambda m: m[0] if m["name"].lower() in allowed else "&lt;", part)

    out, start = [], 0
    for span in CODE_SPAN.finditer(text):
        out += [escape(text[start : span.start()]), span[0]]
        start = span.end()
    return "".join([*out, escape(text[start:])])


def _prose(markdown: str, docformat: str = "markdown") -> str:
    """A converted docstring made fit for a page among others.

    pdoc writes docstring sections ("Args:") as h6 headings: as bold paragraphs they stay
    out of the table of contents, which lists symbols only; so do reST section titles (see
    `_titles`). Its reST admonitions become
    Material admonitions, a reST `::` literal block a code block, and raw HTML is text
    (see `_escape_html`).
    """
    rest = docformat != "markdown"
    allowed = frozenset() if rest else _INLINE_TAGS
    out: list[str] = []
    fence: str | None = None
    alert: str | None = None  # the indent of the admonition being converted
    code = listed = False  # in an indented code block; in a list
    fields = False  # in a list of reST fields
    doctest: str | None = None  # the indent of the doctest session being fenced
    previous = ""
    for raw in _titles(markdown.split("\n")):
        line = raw
        if alert is not None:
            if line.strip() == "</div>" and line.startswith(alert):
                if doctest is not None:
                    out.append(f"{doctest}```")
                    doctest = None
                alert = None
                previous = ""
                continue
            line = "    " + line
        if doctest is not None:
            if line.strip():  # a doctest session runs to the next blank line
                out.append(line)
                continue
            out.append(f"{doctest}```")
            doctest = None
        elif fence is None and not code and (session := _DOCTEST.match(line)):
            # `>>>` would be three nested quotes in Markdown: a session is code (pycon).
            doctest = session["indent"]
            out += (
                ["", f"{doctest}```pycon", line]
                if previous.strip()
                else [f"{doctest}```pycon", line]
            )
            previous = line
            continue
        opened = FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0]:
                fence = None
        elif opened:
            fence = opened.group(1)
        elif start := _ALERT.match(raw):
            alert = start["indent"]
            out.append(f"{alert}!!! {start['kind']}")
            previous = "!!!"
            continue
        elif not line.strip():
            code = code and bool(previous.strip())
        elif (heading := _HEADING.match(raw)) and not code:
            if previous == "!!!":  # the admonition's title
                title = _escape_html(heading["text"], allowed).replace('"', "'")
                out[-1] += f' "{title}"'
                continue
            # A blank line after it, or a list that follows would join the paragraph.
            bold = f"**{_escape_html(heading['text'], allowed)}**"
            out += [bold if alert is None else "    " + bold, ""]
            previous = ""
            continue
        else:
            own = line[len(alert) + 4 :] if alert is not None else line
            indent = len(own) - len(own.lstrip(" "))
            if indent < 4:
                listed = bool(_LIST_ITEM.match(own))
            code = (
                indent >= 4 and not listed and (code or not previous.strip() or previous == "!!!")
            )
            field = _FIELD.match(line) if rest and not code else None
            if field and field["name"].startswith("meta"):
                continue
            if field:
                if previous.strip() and not fields:
                    out.append("")  # a list after a paragraph needs a blank line
                name = field["name"][0].upper() + field["name"][1:]
                line = f"- **{name}:** {field['text'] or ''}".rstrip()
            fields = bool(field) or (fields and indent > 0)
            if not code:
                if rest:
                    line = _ROLE.sub(_role, line)
                if rest and line.rstrip().endswith("::"):
                    # reST: "Example::" ends the paragraph with ":", "::" alone vanishes.
                    line = line.rstrip()[:-1] if line.strip() != "::" else ""
                line = _escape_html(line, allowed)
        out.append(line)
        previous = line
    if doctest is not None:
        out.append(f"{doctest}```")
    return _BLANKS.sub("\n\n", "\n".join(out)).strip()


# CommonMark's own parser says what a docstring leaves open: each docstring is parsed
# alone, so whatever runs to its end would run on into the rest of the page.
_MARKDOWN = MarkdownIt("commonmark")
_BLOCKS = MarkdownIt("commonmark").disable("inline")  # paragraphs parsed only if they hold "<"
_RAW_HTML = (  # an HTML block that runs until this text, and what it is in words
    (re.compile(r"<!--"), "-->", "an HTML comment"),
    (re.compile(r"<\?"), "?>", "an HTML processing instruction"),
    (re.compile(r"<!\[CDATA\["), "]]>", "an HTML CDATA section"),
    (re.compile(r"<![A-Za-z]"), ">", "an HTML declaration"),
)
_RAW_ELEMENT = re.compile(r"<(script|pre|style|textarea)\b", re.I)
_INLINE_TAG = re.compile(r"^<(?P<close>/?)(?P<name>[A-Za-z][A-Za-z0-9-]*)")
_VOID = frozenset({"br", "img", "wbr", "hr"})


def _escape_nth(lines: list[str], start: int, end: int, text: str, k: int) -> int:
    """Escape the `k`-th `text` (raw HTML, not in a code span) in `lines[start:end]`;
    return its line."""
    for number in range(start, end):
        line, at = lines[number], -1
        code = [span.span() for span in CODE_SPAN.finditer(line)]
        while (at := line.find(text, at + 1)) >= 0:
            if any(a <= at < b for a, b in code):
                continue
            k -= 1
            if k == 0:
                lines[number] = line[:at] + "&lt;" + line[at + 1 :]
                return number
    return start


def _close(markdown: str) -> tuple[str, list[tuple[str, str, int]]]:
    """`markdown` with what it leaves open closed where it ends, and what that was.

    A fence left open is closed; raw HTML left open (a comment, `<script>`, an inline tag
    such as `<b>` that the browser would carry on into every later paragraph) becomes text.
    Each finding is (what, the text that opens it, which of the lines holding that text
    opens it).
    """
    if "<" not in markdown and "```" not in markdown and "~~~" not in markdown:
        return markdown, []  # most docstrings: nothing that could be left open
    lines = markdown.split("\n")
    found: list[tuple[int, str, str]] = []  # line, what, opener
    closers: list[tuple[int, str]] = []
    tags: list[_Tag] = []  # inline tags left open so far
    for token in _BLOCKS.parse(markdown):
        if token.map is None:
            continue
        start, end = token.map
        first = lines[start]
        if token.type == "fence" and not _closes(token.markup, lines[start + 1 : end]):
            closers.append((end, first[: first.index(token.markup)] + token.markup))
            found.append((start, "a code fence", first.strip()))
        elif token.type == "html_block" and (problem := _open_html(token.content)):
            what, opener = problem
            found.append((_escape_nth(lines, start, end, opener, 1), what, opener))
        elif token.type == "inline" and "<" in token.content:
            _inline_tags(_MARKDOWN.parseInline(token.content)[0], start, end, tags)
    for tag in reversed(tags):  # the last first: an earlier one's place stays the same
        line = _escape_nth(lines, tag.start, tag.end, tag.text, tag.k)
        found.append((line, f"an HTML <{tag.name}> element", tag.text))
    for end, closer in reversed(closers):
        lines.insert(end, closer)
    original = markdown.split("\n")
    return "\n".join(lines), [
        (what, opener, sum(opener in text for text in original[: line + 1]))
        for line, what, opener in sorted(found)
    ]


def _closes(markup: str, body: list[str]) -> bool:
    """Whether the last of a fence's `body` lines is its closing fence."""
    if not body:
        return False
    last = body[-1].strip().lstrip(">").strip()
    return bool(re.fullmatch(f"{re.escape(markup[0])}{{{len(markup)},}}", last))


def _open_html(content: str) -> tuple[str, str] | None:
    """What a raw HTML block that runs to the docstring's end leaves open, and its opener."""
    head = content.lstrip()
    for opener, closer, what in _RAW_HTML:
        match = opener.match(head)
        if match:
            return None if closer in head[match.end() :] else (what, match[0])
    element = _RAW_ELEMENT.match(head)
    if element and f"</{element[1].lower()}>" not in head.lower():
        return f"an HTML <{element[1].lower()}> element", element[0]
    return None


@dataclass(frozen=True, slots=True)
class _Tag:
    """An inline tag opened in the paragraph on lines `start`..`end`: the `k`-th `text`."""

    name: str
    text: str
    start: int
    end: int
    k: int


def _inline_tags(token: Token, start: int, end: int, tags: list[_Tag]) -> None:
    """Track the inline tags of the paragraph `token` on lines `start`..`end`: add to
    `tags` what opens, drop what closes."""
    seen: dict[str, int] = {}
    for child in token.children or ():
        tag = _INLINE_TAG.match(child.content) if child.type == "html_inline" else None
        if tag is None or tag["name"].lower() in _VOID or child.content.endswith("/>"):
            continue
        seen[child.content] = seen.get(child.content, 0) + 1
        name = tag["name"].lower()
        if not tag["close"]:
            tags.append(_Tag(name, child.content, start, end, seen[child.content]))
            continue
        for k in range(len(tags) - 1, -1, -1):
            if tags[k].name == name:
                del tags[k]
                break


@dataclass(frozen=True, slots=True)
class Includes:
    """Where the project's own pages include objects with mkdocstrings (`::: pkg.Name`).

    Attributes:
        pages: the docs-relative path of every Markdown page.
        written_on: each included object's dotted path, and the page that includes it:
            relative links in its docstrings were written for that page.
    """

    pages: frozenset[str] = frozenset()
    written_on: Mapping[str, str] = field(default_factory=dict)


class _Writer:
    def __init__(
        self,
        module: Module,
        index: Index,
        source_link: SourceLink,
        includes: Includes,
        notes: Mapping[str, str],
    ) -> None:
        self.notes = notes
        self.includes = includes
        self.module = module
        self.index = index
        self.page = page_path(module.name)
        self.source_link = source_link
        self.lines: list[str] = []
        self.problems: list[Reference | Unclosed] = []

    def docstring(
        self,
        text: str,
        fullname: str,
        file: str | None,
        line: int | None,
        parameters: Sequence[str] = (),
        doc: tuple[int | None, int | None, bool] = (None, None, False),
    ) -> None:
        """Write a docstring; `doc` is its first and last line in `file` and whether it is
        inherited (see `Member`)."""
        if not text:
            return
        where = scopes(fullname)
        text, left_open = _close(_prose(text, self.module.docformat))
        self.problems += [Unclosed(fullname, file, line, *found) for found in left_open]
        text, missing = self.index.rewrite(text, self.page, where)
        text = self.index.link_code(text, self.page, where, parameters)
        text = self.index.retarget(text, self.page)
        written_on = self.includes.written_on
        origin = next((written_on[s] for s in where if s in written_on), None)
        if origin is not None:
            text = Index.rebase(text, origin, self.page, self.includes.pages)
        if doc[2]:  # inherited: its broken links are reported where it is written
            text = Index.unlink(text, self.page, self.includes.pages)
        first, last, inherited = doc
        self.problems += [
            Reference(fullname, file, first or line, m.label, last, inherited) for m in missing
        ]
        self.lines += [text, ""]

    def source(self, file: str | None, line: int | None, end_line: int | None) -> None:
        url = self.source_link(file, line, end_line)
        if url and file:
            fragment = url.partition("#")[2]
            where = f"{file}#{fragment}" if fragment else file
            self.lines += [f"[Source: `{where}`]({url})", ""]

    def member(self, member: Member, depth: int) -> None:
        level = "#" * min(depth, 6)
        self.lines += [f"{level} `{member.qualname}` {_anchor(member.fullname)}", ""]
        self.note(member.fullname)
        fence = "````" if "```" in member.signature else "```"
        self.lines += [f"{fence}python", member.signature, fence, ""]
        where = scopes(member.fullname)[1:]
        types = [t for t in self.index.types_in(member.signature, where) if t != member.fullname]
        if types:
            links = ", ".join(f"[`{t}`]({self.index.url(t, self.page)})" for t in types)
            self.lines += [f"Types: {links}", ""]
        if member.taken_from != member.fullname and member.kind == "class":
            self.lines += [f"*Defined as `{member.taken_from}`.*", ""]
        self.docstring(
            member.docstring,
            member.fullname,
            member.file,
            member.line,
            member.parameters,
            (member.doc_line, member.doc_end_line, member.doc_inherited),
        )
        self.source(member.file, member.line, member.end_line)
        for group in member.inherited:
            self.inherited(group.base, group.names)
        for child in member.members:
            self.member(child, depth + 1)

    def note(self, fullname: str) -> None:
        # "Added in 1.1 · Changed in 1.2", a deprecation: see `docgen.api.changes`.
        if self.notes.get(fullname):
            self.lines += [self.notes[fullname], ""]

    def reexports(self, names: Sequence[tuple[str, str]]) -> None:
        if not names:
            return
        intro = f"**Importable from `{self.module.name}`**, documented where each is defined:"
        self.lines += [intro, ""]
        self.lines += ["| name | defined as |", "|---|---|"]
        for name, defined in names:
            where = (
                f"[`{defined}`]({self.index.url(defined, self.page)})"
                if defined in self.index.targets
                else f"`{defined}`"
            )
            self.lines.append(f"| `{name}` | {where} |")
        self.lines.append("")

    def inherited(self, base: str, names: Sequence[str]) -> None:
        # One link, to the base class: a link per name made pages of many small classes
        # (pygments' lexers) much slower to render, for little gain to the reader.
        title = (
            f"[`{base}`]({self.index.url(base, self.page)})"
            if base in self.index.targets
            else f"`{base}`"
        )
        listed = ", ".join(f"`{name}`" for name in names)
        self.lines += [f"**Inherited from {title}:** {listed}", ""]


def _nav(module: Module) -> tuple[str, ...]:
    parts = module.name.split(".")
    keep = len(parts) if module.is_package else len(parts) - 1
    return (SECTION, *(".".join(parts[: i + 1]) for i in range(keep)))


def module_page(
    module: Module,
    index: Index,
    source_link: SourceLink,
    includes: Includes | None = None,
    notes: Mapping[str, str] | None = None,
) -> tuple[Page, list[Reference | Unclosed]]:
    """The page of one module, and its docstrings' problems: references that resolved to
    nothing, and syntax left open (closed where its docstring ends, so the page is whole).

    Args:
        module: the module to write up.
        index: every documented symbol, for links in docstrings and signatures.
        source_link: a member's file and lines to its URL in the repository, or None.
        includes: the pages that include objects with mkdocstrings, whose docstrings'
            relative links were written for those pages.
        notes: Markdown to put under a member's heading, by its dotted name (when it was
            added and changed, its deprecation).
    """
    writer = _Writer(module, index, source_link, includes or Includes(), notes or {})
    writer.lines += [f"# `{module.name}` {_anchor(module.name)}", ""]
    writer.note(module.name)
    writer.docstring(
        module.docstring,
        module.name,
        module.file,
        1,
        (),
        (module.doc_line, module.doc_end_line, False),
    )
    writer.source(module.file, None, None)
    writer.reexports(module.reexports)
    order = {"class": 0, "function": 1, "variable": 2}
    for member in sorted(module.members, key=lambda m: order.get(m.kind, 3)):
        writer.member(member, 2)
    markdown = "\n".join(writer.lines).rstrip() + "\n"
    page = Page(
        path=writer.page,
        title=module.name,
        markdown=markdown,
        nav=_nav(module),
        source=module.file,
        # Members defined in another file (re-exports) keep their own file: not mapped.
        lines=(
            (module.name, 1),
            *((m.fullname, m.line) for m in module.walk() if m.line and m.file == module.file),
        ),
    )
    return page, writer.problems
