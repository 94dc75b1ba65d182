"""pdoc's documentation objects → the plain JSON model of one module (runs in the worker).

pdoc keeps its public/private filter in its HTML templates (`is_public`); docgen renders
Markdown instead, so the same rules are applied here, before anything leaves the worker.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pdoc.doc
import pdoc.docstrings

from docgen.api.sourcemap import Span, spans, where

__all__ = ["Options", "is_public", "module_model"]

_PLAIN = (pdoc.doc.Class, pdoc.doc.Function, pdoc.doc.Variable)


@dataclass(frozen=True, slots=True)
class Options:
    """What the worker was asked for.

    `docformat` is the default docstring format; `show_private` and `show_inherited`
    are the `api:` options; `packages` are the top-level names being documented.
    """

    docformat: str
    show_private: bool
    show_inherited: bool
    packages: list[str]


def is_public(doc: pdoc.doc.Doc[Any], module: pdoc.doc.Module, show_private: bool) -> bool:
    """pdoc's `is_public` template macro, with undocumented members included (its default).

    Args:
        doc: the member to judge.
        module: the module it is documented in, whose `__all__` makes a name public.
        show_private: count `_name` members as public too.
    """
    docstring = doc.docstring
    if "@private" in docstring:
        return False
    if "@public" in docstring:
        return True
    if doc.name == "__init__":
        sig = getattr(doc, "signature_without_self", None)
        return bool(docstring or (sig is not None and sig.parameters))
    if doc.name == "__doc__":
        return False
    if isinstance(doc, pdoc.doc.Variable) and doc.is_typevar and not docstring:
        return False
    if show_private:
        return True
    exported = getattr(module.obj, "__all__", None) or []
    if (doc.qualname or doc.name) in exported:
        return True
    return not doc.name.startswith("_")


def _docformat(module: pdoc.doc.Module, default: str) -> str:
    declared = getattr(module.obj, "__docformat__", None)
    if isinstance(declared, str) and declared.strip():
        return declared.split()[0].lower()
    return default


def _span(doc: pdoc.doc.Doc[Any]) -> Span | None:
    found = where(*doc.taken_from)
    return found[1] if found else None


def _file(doc: pdoc.doc.Doc[Any], span: Span | None) -> str | None:
    if not isinstance(doc, pdoc.doc.Module):
        found = where(*doc.taken_from)
        if found or isinstance(doc, pdoc.doc.Variable):
            return found[0] if found else None
    path = doc.source_file
    # Generated code (a dataclass's `__init__`) has a file name like "<string>".
    return str(path) if path and path.is_file() else None


_WORD = re.compile(r"[A-Za-z_]\w*")


def _bound(doc: pdoc.doc.Function) -> bool:
    # Methods are shown, and their parameters counted, without `self` or `cls`.
    return "." in doc.qualname and not doc.is_staticmethod


def _parameters(doc: pdoc.doc.Function) -> list[str]:
    sig = doc.signature_without_self if _bound(doc) else doc.signature
    return list(sig.parameters)


# How a parameter's default or annotation reads: the same in every build, so the API
# models of two versions compare (an object's address changes from run to run).
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_KINDS = {
    inspect.Parameter.POSITIONAL_ONLY: "positional-only",
    inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional-or-keyword",
    inspect.Parameter.VAR_POSITIONAL: "var-positional",
    inspect.Parameter.KEYWORD_ONLY: "keyword-only",
    inspect.Parameter.VAR_KEYWORD: "var-keyword",
}
_DIRECTIVE = re.compile(
    r"^[ \t]*\.\.[ \t]+(?P<kind>versionadded|versionchanged|deprecated)::[ \t]*"
    r"(?P<version>[^\s,:]*)[,:]?[ \t]*(?P<text>.*)$",
    re.M,
)
_GOOGLE_DEPRECATED = re.compile(r"^[ \t]*Deprecated:[ \t]*(?P<text>.*)$", re.M)


def _shown(value: object, annotation: bool = False) -> str:
    try:
        text = inspect.formatannotation(value) if annotation else repr(value)
    except Exception:  # a broken __repr__ of the user's object
        text = "<unrepresentable>"
    text = _ADDRESS.sub("", text)
    return text if len(text) <= 120 else text[:117] + "..."


def _signature_model(doc: pdoc.doc.Function) -> tuple[list[dict[str, str]], str | None]:
    """The parameters (name, kind, default, annotation) and the return annotation."""
    sig = doc.signature_without_self if _bound(doc) else doc.signature
    params: list[dict[str, str]] = []
    for param in sig.parameters.values():
        entry = {"name": param.name, "kind": _KINDS[param.kind]}
        if param.default is not inspect.Parameter.empty:
            entry["default"] = _shown(param.default)
        if param.annotation is not inspect.Parameter.empty:
            entry["annotation"] = _shown(param.annotation, annotation=True)
        params.append(entry)
    returns = sig.return_annotation
    return params, None if returns is inspect.Signature.empty else _shown(returns, True)


def _directives(raw: str) -> list[list[str]]:
    """The docstring's `versionadded`/`versionchanged`/`deprecated` directives (reST, also
    in Google and NumPy docstrings) and a Google `Deprecated:` section: [kind, version,
    text]."""
    found = [[m["kind"], m["version"], m["text"].strip()] for m in _DIRECTIVE.finditer(raw)]
    for match in _GOOGLE_DEPRECATED.finditer(raw):
        text = match["text"].strip()
        if not text:  # the section's text is on the next, indented line
            after = raw[match.end() :].lstrip("\n").split("\n", 1)[0]
            text = after.strip()
        found.append(["deprecated", "", text])
    return found


def _deprecated(obj: object) -> str | None:
    """The message of a `warnings.deprecated` (or typing_extensions) decorator, or None."""
    # A subclass inherits the attribute: only the class that is decorated counts.
    own = vars(obj) if inspect.isclass(obj) else getattr(obj, "__dict__", {})
    message = own.get("__deprecated__") if isinstance(own, Mapping) else None
    return message if isinstance(message, str) else None


def _mentioned(names: list[str], *texts: str) -> list[str]:
    words = {w for text in texts for w in _WORD.findall(text)}
    return [name for name in names if name in words]


def _signature(doc: pdoc.doc.Doc[Any], span: Span | None) -> str:
    if isinstance(doc, pdoc.doc.Function):
        sig = doc.signature_without_self if _bound(doc) else doc.signature
        decorators = "".join(f"{d}\n" for d in span.decorators) if span else ""
        return f"{decorators}{doc.funcdef} {doc.name}{sig}:"
    if isinstance(doc, pdoc.doc.Class):
        bases = ", ".join(f"{m}.{q}" if m != "builtins" else q for m, q, _ in doc.bases)
        decorators = "".join(f"{d}\n" for d in span.decorators) if span else ""
        return (
            f"{decorators}class {doc.name}({bases}):" if bases else f"{decorators}class {doc.name}:"
        )
    assert isinstance(doc, pdoc.doc.Variable)
    value = doc.default_value_str
    if len(value) > 200:
        value = value[:197] + "..."
    return f"{doc.name}{doc.annotation_str}" + (f" = {value}" if value else "")


def _kind(doc: pdoc.doc.Doc[Any], in_class: bool) -> str:
    if isinstance(doc, pdoc.doc.Class):
        return "class"
    if isinstance(doc, pdoc.doc.Function):
        return "method" if in_class else "function"
    return "attribute" if in_class else "variable"


def _member(
    doc: pdoc.doc.Doc[Any],
    module: pdoc.doc.Module,
    opts: Options,
    docformat: str,
    files: set[str],
    parent_doc: str,
) -> dict[str, Any]:
    in_class = "." in doc.qualname
    kind = _kind(doc, in_class)
    span = _span(doc)
    line, end_line = (span.line, span.end_line) if span else (None, None)
    file = _file(doc, span)
    if file:
        files.add(file)
    raw = doc.docstring
    entry: dict[str, Any] = {
        "name": doc.name,
        "qualname": doc.qualname,
        "fullname": f"{module.modulename}.{doc.qualname}",
        "kind": kind,
        "signature": _signature(doc, span),
        "docstring": pdoc.docstrings.convert(raw, docformat, doc.source_file) if raw else "",
        # An attribute described in its class's docstring is documented there, and so is
        # the constructor (the Google style; a dataclass's `__init__` has no source at all).
        "documented": bool(raw)
        or (kind == "attribute" and bool(_mentioned([doc.name], parent_doc)))
        or (doc.name == "__init__" and bool(parent_doc)),
        "file": file,
        "line": line,
        "end_line": end_line,
        # Where the docstring is written; none in the source while pdoc found one: the
        # docstring is inherited (from a base class, maybe another project's).
        "doc_line": span.doc_line if span else None,
        "doc_end_line": span.doc_end_line if span else None,
        "doc_inherited": bool(raw) and span is not None and span.doc_line is None,
        "taken_from": ".".join(doc.taken_from),
        "members": [],
        "inherited": [],
        "parameters": [],
        "documented_parameters": [],
        "directives": _directives(raw),
        "deprecated": None if kind in ("variable", "attribute") else _deprecated(doc.obj),
    }
    if isinstance(doc, pdoc.doc.Variable) and doc.annotation_str:
        entry["returns"] = doc.annotation_str.removeprefix(":").strip()
    if isinstance(doc, pdoc.doc.Function):
        entry["params"], entry["returns"] = _signature_model(doc)
        params = _parameters(doc)
        extra = parent_doc if doc.name == "__init__" else ""
        entry["parameters"] = params
        entry["documented_parameters"] = _mentioned(params, raw, extra)
    if isinstance(doc, pdoc.doc.Class):
        entry["members"] = [
            _member(m, module, opts, docformat, files, raw)
            for m in doc.own_members
            if isinstance(m, _PLAIN) and is_public(m, module, opts.show_private)
        ]
        if opts.show_inherited:
            entry["inherited"] = _inherited(doc, module, opts, files)
    return entry


def _inherited(
    cls: pdoc.doc.Class, module: pdoc.doc.Module, opts: Options, files: set[str]
) -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = []
    for (base_module, base_qualname), members in cls.inherited_members.items():
        # Like pdoc: members inherited from undocumented code (builtins, other projects) hide.
        if base_module.split(".")[0] not in opts.packages:
            continue
        names = [
            m.name
            for m in members
            if isinstance(m, _PLAIN) and is_public(m, module, opts.show_private)
        ]
        if names:
            groups.append({"base": f"{base_module}.{base_qualname}", "names": names})
            files.update(_file(m, None) or "" for m in members)
    return groups


def module_model(module: pdoc.doc.Module, opts: Options) -> dict[str, Any]:
    """The JSON model of one module: its docstring and its public members, recursively.

    `opts` says the docstring format and which private and inherited members to show.
    `files` lists every source file the model was read from, so a cache entry is
    invalidated when a base class in another module changes.
    """
    if module.source_file:
        # Parsed here first, so pdoc's own parse of the module reuses the tree.
        spans(str(module.source_file))
    docformat = _docformat(module, opts.docformat)
    files: set[str] = set()
    raw = module.docstring
    members = [
        _member(m, module, opts, docformat, files, "")
        for m in module.members.values()
        if isinstance(m, _PLAIN) and is_public(m, module, opts.show_private)
    ]
    file = _file(module, None)
    if file:
        files.add(file)
    files.discard("")
    own = spans(file).get("") if file else None
    return {
        "name": module.modulename,
        "file": file,
        "is_package": module.is_package,
        "docformat": docformat,
        "docstring": pdoc.docstrings.convert(raw, docformat, module.source_file) if raw else "",
        "documented": bool(raw),
        "doc_line": own.doc_line if own else None,
        "doc_end_line": own.doc_end_line if own else None,
        "members": members,
        "reexports": _reexports(module, {m["name"] for m in members}, opts.show_private),
        "directives": _directives(raw),
        "files": sorted(files),
    }


def _reexports(
    module: pdoc.doc.Module, members: set[str], show_private: bool
) -> list[dict[str, str]]:
    """The classes and functions a package without `__all__` imports from its own
    submodules (`from .signer import Signer as Signer`): its public surface, which pdoc
    leaves out since they are defined elsewhere. Each with where it is defined."""
    if not module.is_package or getattr(module.obj, "__all__", None) is not None:
        return []
    found: list[dict[str, str]] = []
    for name, obj in vars(module.obj).items():
        if name in members or (name.startswith("_") and not show_private):
            continue
        home = getattr(obj, "__module__", None)
        if not (inspect.isclass(obj) or inspect.isfunction(obj)) or not isinstance(home, str):
            continue
        if home.startswith(f"{module.modulename}."):
            found.append({"name": name, "target": f"{home}.{obj.__qualname__}"})
    return sorted(found, key=lambda r: r["name"])
