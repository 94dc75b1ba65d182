"""Text from a repository, made safe for where it lands: one function per target language.

Names, descriptions, comments, docstrings, file names and messages come from the user's
repository and may hold anything (`<script>`, `|`, `]`, `"`, `%0A`, newlines). Each is
escaped once, where it enters its target, with the function for that target; what comes
back shows the text exactly as written and cannot change the structure around it.
docs/architecture.md lists every source and where it lands.
"""

from __future__ import annotations

import html as _html
import re

__all__ = [
    "code",
    "github_data",
    "github_property",
    "html",
    "markdown",
    "markdown_prose",
    "mermaid_label",
    "xml",
]


def html(text: str) -> str:
    """`text` for HTML: element content or a quoted attribute value (`&<>"'` escaped).

    This is also what MkDocs takes as a page title (the nav, the header, `<title>`): its
    themes put the title into HTML as it is.
    """
    return _html.escape(text, quote=True)


_MARKDOWN_CHARS = "\\`*_[]{}()#+!|"


def markdown(text: str) -> str:
    """`text` for Markdown prose, a heading or a table cell: no markup, no HTML, one line."""
    out = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    out = out.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    for char in _MARKDOWN_CHARS:
        out = out.replace(char, "\\" + char)
    return out


# A link's destination, inline (`](dest`) or in a reference definition (`[id]: dest`).
_DESTINATION = re.compile(r"(\]\(\s*|^ {0,3}\[[^\]]+\]:\s*)([A-Za-z][A-Za-z0-9+.-]*):", re.M)
_SAFE_SCHEMES = {"http", "https", "mailto"}


def _link(match: re.Match[str]) -> str:
    before, scheme = match.groups()
    if scheme.lower() in _SAFE_SCHEMES:
        return match[0]
    return f"{before}{scheme}%3A"  # a relative path now: `javascript%3Aalert(1)` runs nothing


def markdown_prose(text: str) -> str:
    """Markdown written by the user (a comment block) kept as Markdown, its raw HTML as text.

    Emphasis, lists and links still work; `<script>` and entities show as written, and a
    link to anything but `http:`, `https:` or `mailto:` (`javascript:`) goes nowhere.
    """
    return _DESTINATION.sub(_link, text.replace("&", "&amp;").replace("<", "&lt;"))


# HTML and tables (&<>|), Markdown inline syntax (*_`[]\\), and what common Material
# extensions read inline: ~ (tilde), : (emoji), $ (arithmatex), = ^ + (mark, caret, keys).
_CODE_ENTITIES = str.maketrans(
    {c: f"&#{ord(c)};" for c in "&<>|*_`[]\\~:$=^+"} | {"\n": " ", "\r": " "}
)


def code(text: str) -> str:
    """`text` as inline code in Markdown, safe anywhere (table cells too).

    Markdown still parses emphasis and links inside inline HTML, so every character
    that could start one is written as an entity: the reader sees exactly `text`.
    """
    return f"<code>{text.translate(_CODE_ENTITIES)}</code>"


_MERMAID_ENTITIES = {
    "#": "#35;",
    '"': "#quot;",
    "&": "#amp;",
    "<": "#lt;",
    ">": "#gt;",
    "`": "#96;",
    "\n": " ",
    "\r": " ",
}


def mermaid_label(text: str) -> str:
    """A quoted Mermaid label that shows `text` as written and cannot break the diagram."""
    return '"' + "".join(_MERMAID_ENTITIES.get(c, c) for c in text) + '"'


def github_data(text: str) -> str:
    """`text` as the message of a GitHub Actions workflow command (`::error …::text`).

    The runner reads `%0A` as a line break: `%` itself is escaped, so `%0A` stays text.
    """
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: str) -> str:
    """`text` as a property value of a workflow command (`file=…,title=…`)."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


# XML 1.0 allows tab, line feed, carriage return and most of Unicode; not the other
# control characters (a tool's coloured output has ESC), nor lone surrogates.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml(text: str) -> str:
    """`text` that an XML 1.0 document can hold: characters XML forbids become U+FFFD.

    Give the result to an XML writer (ElementTree), which escapes `&<>"` itself.
    """
    return _NOT_XML.sub("\ufffd", text)
