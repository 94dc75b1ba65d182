"""The `docgen:` section of mkdocs.yml: its schema, derived from docgen's dataclasses and
validated by MkDocs' own option types, and its conversion into a frozen `DocgenConfig`."""

from __future__ import annotations

import typing
from collections.abc import Mapping
from dataclasses import MISSING, Field, fields, replace
from pathlib import Path
from typing import Any, Literal

from mkdocs.config import config_options as c
from mkdocs.config.base import BaseConfigOption, Config, LegacyConfig, ValidationError
from mkdocs.config.defaults import MkDocsConfig

from docgen import config as cfg
from docgen import stages

__all__ = ["SECTIONS", "DocgenPluginConfig", "markdown_setup", "to_docgen_config"]

SECTIONS: dict[str, type[Any]] = {
    "api": cfg.ApiConfig,
    "pipelines": cfg.PipelinesConfig,
    "diagrams": cfg.DiagramsConfig,
    "examples": cfg.ExamplesConfig,
    "links": cfg.LinksConfig,
    "lint": cfg.LintConfig,
    "deploy": cfg.DeployConfig,
    "benchmarks": cfg.BenchmarksConfig,
    "changelog": cfg.ChangelogConfig,
}
"""Each section of the `docgen:` plugin config, with the dataclass docgen reads it into."""


# --- config: the schema is derived from docgen's dataclasses, validated by MkDocs' options ---


def _option(hint: object, default: object) -> BaseConfigOption[Any]:
    """The MkDocs option type for a dataclass field's type hint."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is Literal:
        return c.Choice(args, default=default)
    if origin in (dict, Mapping):
        return c.DictOfItems(_option(args[1], None), default={})
    if origin is tuple:
        return c.ListOfItems(_option(args[0], None), default=list(typing.cast(tuple[Any], default)))
    if type(None) in args:  # X | None
        (inner,) = (a for a in args if a is not type(None))
        return c.Optional(_option(inner, None))
    kinds: type | tuple[type, ...] = (int, float) if hint is float else typing.cast(type, hint)
    if default is None:
        return _Type(kinds)
    return _Type(kinds, default=default)


class _Type(c.Type[Any]):
    """MkDocs' `Type`, except that `true` is not a number (bool is an int in Python)."""

    def run_validation(self, value: object) -> Any:
        if isinstance(value, bool) and bool not in (
            self._type if isinstance(self._type, tuple) else (self._type,)
        ):
            raise ValidationError(f"Expected a number but received a boolean: {value}")
        return super().run_validation(value)


def _default(spec: Field[Any]) -> object:
    if spec.default is not MISSING:
        return spec.default
    if spec.default_factory is not MISSING:
        return spec.default_factory()
    return None


def _schema(section: type[Any]) -> tuple[tuple[str, BaseConfigOption[Any]], ...]:
    hints = typing.get_type_hints(section)
    # A schema as data, not class attributes: a key such as `validate` must not shadow a method.
    return tuple(
        (f.name, _option(hints[f.name], None if f.default is MISSING else f.default))
        for f in fields(section)
    )


class _Section(BaseConfigOption[object]):
    """A stage's section: a mapping of its options, `true`/absent for defaults, `false` for off.

    Validated by MkDocs' option types; an unknown key is an error naming it (MkDocs itself
    would only warn, and a typo must not pass silently).
    """

    def __init__(self, section: type[Any]) -> None:
        super().__init__()
        self.schema = _schema(section)
        self.default = None
        self._config_file_path: str | None = None

    def pre_validation(self, config: Config, key_name: str) -> None:
        self._config_file_path = config.config_file_path

    def run_validation(self, value: object) -> object:
        if value is False:
            return False
        if value is None or value is True:
            value = {}
        if not isinstance(value, dict):
            raise ValidationError(
                f"expected a mapping of options, true or false, got {type(value).__name__}"
            )
        section = LegacyConfig(self.schema, config_file_path=self._config_file_path)
        section.load_dict(value)
        failed, warnings = section.validate()
        for key, message in warnings:
            if "Unrecognised configuration name" in str(message):
                failed.append((key, ValidationError(f"unknown option {key!r}")))
            else:
                self.warnings.append(f"Sub-option {key!r}: {message}")
        if failed:
            key, error = failed[0]
            raise ValidationError(f"Sub-option {key!r}: {error}")
        return section


class DocgenPluginConfig(Config):  # type: ignore[no-untyped-call]
    """The `docgen:` plugin section of mkdocs.yml (see the configuration guide)."""

    api = _Section(cfg.ApiConfig)
    pipelines = _Section(cfg.PipelinesConfig)
    diagrams = _Section(cfg.DiagramsConfig)
    examples = _Section(cfg.ExamplesConfig)
    links = _Section(cfg.LinksConfig)
    lint = _Section(cfg.LintConfig)
    deploy = _Section(cfg.DeployConfig)
    benchmarks = _Section(cfg.BenchmarksConfig)
    changelog = _Section(cfg.ChangelogConfig)
    quality_page = c.Type(bool, default=True)
    cache_dir = c.Type(str, default=".cache/docgen")
    page_cache = c.Type(bool, default=True)
    engine = c.Choice(cfg.ENGINES, default="mkdocs")


def _section(section: type[Any], value: object) -> object | None:
    if value is False:
        return None
    if value is None:
        return typing.cast(object, section())
    assert isinstance(value, LegacyConfig)
    hints = typing.get_type_hints(section)
    kwargs = {
        f.name: _value(hints[f.name], value[f.name])
        for f in fields(section)
        if value[f.name] is not None or f.default is None
    }
    return typing.cast(object, section(**kwargs))


def _value(hint: object, value: Any) -> object:
    """A validated option as the dataclass field wants it: lists become tuples, ints floats."""
    if typing.get_origin(hint) is tuple:
        return tuple(value)
    if hint is float:
        return float(value)
    return value


def _default_packages(root: Path) -> tuple[str, ...]:
    api = next((s for s in stages.STAGES if s.name == "api"), None)
    if api is None:
        return ()
    from docgen.api import default_packages  # noqa: PLC0415 - only when the API stage exists

    return default_packages(root)


def to_docgen_config(
    mkdocs: MkDocsConfig, plugin: DocgenPluginConfig, *, offline: bool = False
) -> cfg.DocgenConfig:
    """Build docgen's frozen config from MkDocs' validated config and the plugin section.

    Args:
        mkdocs: the whole site config, as MkDocs validated it.
        plugin: the `docgen:` section of it.
        offline: the CLI's `--offline`, handed over explicitly (plain MkDocs: False).
    """
    root = Path(mkdocs.config_file_path or "mkdocs.yml").resolve().parent
    sections = {name: _section(kind, plugin[name]) for name, kind in SECTIONS.items()}
    if not any("changelog" in given for given in plugin.user_configs):
        sections["changelog"] = None  # release notes only when the config asks for them
    api = sections["api"]
    if isinstance(api, cfg.ApiConfig):
        # objects.inv holds page URLs: they follow MkDocs' own setting, not a second key.
        api = replace(api, use_directory_urls=mkdocs.use_directory_urls)
        packages = api.packages or _default_packages(root)
        sections["api"] = replace(api, packages=packages) if packages else None
    return cfg.DocgenConfig(
        root=root,
        docs_dir=Path(mkdocs.docs_dir),
        site_dir=Path(mkdocs.site_dir),
        site_name=mkdocs.site_name,
        repo_url=(mkdocs.repo_url or "").rstrip("/") or None,
        site_url=mkdocs.site_url,
        edit_uri=mkdocs.edit_uri,
        theme_dir=Path(mkdocs.theme.custom_dir).resolve() if mkdocs.theme.custom_dir else None,
        offline=offline,
        cache_dir=root / plugin.cache_dir,
        quality_page=plugin.quality_page,
        page_cache=plugin.page_cache,
        engine=plugin.engine,
        config_file=Path(mkdocs.config_file_path).resolve() if mkdocs.config_file_path else None,
        markdown=markdown_setup(mkdocs, root),
        **sections,  # type: ignore[arg-type]
    )


def markdown_setup(mkdocs: MkDocsConfig, root: Path) -> cfg.MarkdownSetup:
    """What the Markdown extensions and plugins of `mkdocs` do to code blocks.

    Relative base paths are relative to `root`, where MkDocs runs.
    """
    extensions = [str(name) for name in mkdocs.markdown_extensions]
    options: dict[str, Any] = dict(mkdocs.mdx_configs or {})
    snippets: tuple[str, ...] | None = None
    if "pymdownx.snippets" in extensions:
        base = options.get("pymdownx.snippets", {}).get("base_path", ["."])
        folders = [base] if isinstance(base, str) else list(base)
        snippets = tuple(str(root / str(folder)) for folder in folders)
    includes: str | None = None
    if "mdx_include" in extensions:
        includes = str(root / str(options.get("mdx_include", {}).get("base_path", ".")))
    fences = options.get("pymdownx.superfences", {}).get("custom_fences", [])
    markdown_exec = "markdown-exec" in mkdocs.plugins or "markdown_exec" in repr(fences)
    return cfg.MarkdownSetup(snippets, includes, markdown_exec)
