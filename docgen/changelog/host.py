"""Web links into the repository's host: commits, issues, pull requests, comparisons, files.

Made from `repo_url` (`https://github.com/owner/repo`, `https://gitlab.com/group/sub/repo`,
a GitHub Enterprise or self-hosted GitLab address); for any other host, or no `repo_url`,
there are none and the notes name commits and issues as plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

__all__ = ["Host", "host"]

_SCP = re.compile(r"^[\w.-]+@(?P<host>[\w.-]+):(?P<path>.+)$")  # git@github.com:o/r.git


@dataclass(frozen=True, slots=True)
class Host:
    """A repository on GitHub or GitLab.

    Attributes:
        base: the repository's web address, without a trailing `/` or `.git`.
        kind: `github` or `gitlab`.
    """

    base: str
    kind: str

    @property
    def _tree(self) -> str:
        return self.base + ("/-" if self.kind == "gitlab" else "")

    def commit(self, sha: str) -> str:
        """The web page of commit `sha`."""
        return f"{self._tree}/commit/{sha}"

    def issue(self, number: str) -> str:
        """The web page of issue `#number` (GitHub sends a pull request's number on to it)."""
        return f"{self._tree}/issues/{number}"

    def merge_request(self, number: str) -> str:
        """The web page of GitLab's merge request `!number`."""
        return f"{self._tree}/merge_requests/{number}"

    def compare(self, old: str, new: str) -> str:
        """The changes from ref `old` to ref `new`."""
        return f"{self._tree}/compare/{quote(old)}...{quote(new)}"

    def file(self, path: str) -> str:
        """File (or folder) `path` of the default branch, relative to the repository root."""
        return f"{self._tree}/blob/HEAD/{quote(path)}"


def host(repo_url: str | None) -> Host | None:
    """The host of `repo_url` when it is GitHub or GitLab (by its name), else None."""
    if not repo_url:
        return None
    url = repo_url.strip()
    scp = _SCP.match(url)
    if scp and "://" not in url:
        url = f"https://{scp['host']}/{scp['path']}"
    parts = urlsplit(url)
    name = (parts.hostname or "").lower()
    kind = "github" if "github" in name else "gitlab" if "gitlab" in name else None
    path = parts.path.rstrip("/").removesuffix(".git")
    if kind is None or path.count("/") < 2:  # /owner/repo at least
        return None
    port = f":{parts.port}" if parts.port else ""
    scheme = parts.scheme if parts.scheme in ("http", "https") else "https"
    return Host(f"{scheme}://{name}{port}{path}", kind)
