"""The versioned site for readers and search engines: the notice on old versions, sitemaps,
hidden versions, pruning, retention and a squashed history. Real git: a bare remote and
clones in a temp dir; sites are small hand-written pages shaped like Material's output
(`material/templates/base.html`: the canonical link, the hidden `outdated` element)."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from test_deploy_helpers import IDENTITY, files, git, remote_and_clone, show

from docgen import deploy
from docgen.cli import main
from docgen.deploy import notice, sitemap
from docgen.deploy.outcome import Branch, Change, Target
from docgen.deploy.transaction import transact

URL = "https://example.org/p/"

# The parts of a Material page docgen rewrites, as Material 9.x writes them.
MATERIAL_PAGE = """\
<!doctype html>
<html lang="en" class="no-js">
  <head>
      <meta charset="utf-8">
        <link rel="canonical" href="{url}">
      <title>{label}</title>
  </head>
    <body dir="ltr">
    <div data-md-component="announce">
    </div>
      <div data-md-color-scheme="default" data-md-component="outdated" hidden>
        {outdated}
      </div>
<header class="md-header" data-md-component="header"></header>
<article class="md-content__inner md-typeset">{label} {page}</article>
  </body>
</html>
"""


@pytest.fixture(autouse=True)
def identity(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in IDENTITY.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def work(tmp_path: Path) -> Path:
    return remote_and_clone(tmp_path)[1]


def material_site(
    root: Path, label: str, pages: tuple[str, ...] = ("guide/",), *, site_url: str | None = URL
) -> Path:
    """A small built site: a home page and `pages` (`guide/` → `guide/index.html`), each
    with Material's outdated element; `sitemap.xml` and `sitemap.xml.gz` as MkDocs writes
    them; the API model other helpers publish beside each version."""
    urls = ["", *pages]
    for url in urls:
        path = root / (f"{url}index.html" if url.endswith("/") or not url else url)
        path.parent.mkdir(parents=True, exist_ok=True)
        canonical = f"{site_url}{url}" if site_url else ""
        page = MATERIAL_PAGE.format(url=canonical, label=label, page=url or "home", outdated="")
        if not site_url:
            page = page.replace('<link rel="canonical" href="">', "")
        path.write_text(page, encoding="utf-8")
    entries = "".join(f"<url><loc>{site_url}{u}</loc></url>" for u in urls)
    xml = f'<?xml version="1.0"?><urlset xmlns="x">{entries}</urlset>\n'.encode()
    (root / "sitemap.xml").write_bytes(xml)
    (root / "sitemap.xml.gz").write_bytes(gzip.compress(xml, mtime=0))
    (root / "_docgen").mkdir(exist_ok=True)
    (root / "_docgen" / "api.json").write_text(f'{{"label": "{label}"}}\n', encoding="utf-8")
    return root


def _remote(work: Path) -> Path:
    return work.parent / "remote.git"


def _codes(outcome: deploy.Outcome) -> list[str]:
    return [d.code for d in outcome.diagnostics]


def _notice(page: str) -> str | None:
    found = re.search(r"<!-- docgen:outdated -->(.*?)<!-- /docgen:outdated -->", page, re.S)
    return found.group(1) if found else None


def _shown(page: str) -> bool:
    """Whether Material's outdated element is shown (not `hidden`)."""
    tag = re.search(r"<div[^>]*data-md-component=\"outdated\"[^>]*>", page)
    assert tag is not None
    return " hidden" not in tag.group(0)


# -- the notice --------------------------------------------------------------------------


def test_old_versions_carry_the_notice_and_lose_it_as_default(work: Path, tmp_path: Path) -> None:
    one = material_site(tmp_path / "s1", "one", ("guide/", "old/"))
    assert deploy.publish(one, "1.0", repo=work).ok
    first = show(work, "gh-pages", "1.0/guide/index.html")
    assert _notice(first) is None  # the only version is the default
    assert not _shown(first)
    two = material_site(tmp_path / "s2", "two", ("guide/", "new/"))
    assert deploy.publish(two, "2.0", ["latest"], repo=work, make_default=True).ok
    guide = show(work, "gh-pages", "1.0/guide/index.html")
    said = _notice(guide)
    assert said is not None
    assert "version <strong>1.0</strong>" in said
    assert "current version is <strong>2.0</strong>" in said
    assert 'href="../../2.0/guide/">read this page there' in said
    assert 'class="md-banner md-banner--warning"' in said
    assert _shown(guide)
    old = _notice(show(work, "gh-pages", "1.0/old/index.html"))
    assert old is not None
    assert 'href="../../2.0/">go to its home page' in old  # 2.0 has no such page
    home = _notice(show(work, "gh-pages", "1.0/index.html"))
    assert home is not None
    assert 'href="../2.0/"' in home
    for folder in ("2.0", "latest"):
        page = show(work, "gh-pages", f"{folder}/guide/index.html")
        assert _notice(page) is None
        assert not _shown(page)
    # Redeploying changes nothing: the notice is written once.
    again = deploy.publish(two, "2.0", ["latest"], repo=work, make_default=True)
    assert "DG812" in _codes(again)
    assert show(work, "gh-pages", "1.0/guide/index.html").count("docgen:outdated") == 2
    # A retitle shows in the notices of the other versions.
    assert deploy.retitle(work, "2.0", "Two <b>").ok
    assert "<strong>Two &lt;b&gt;</strong>" in show(work, "gh-pages", "1.0/guide/index.html")
    assert deploy.retitle(work, "2.0", "2.0").ok
    assert show(work, "gh-pages", "1.0/guide/index.html") == guide
    # The old version becomes the default: its notice goes, the newer one gets one.
    assert deploy.set_default(work, "1.0").ok
    assert show(work, "gh-pages", "1.0/guide/index.html") == first
    new = _notice(show(work, "gh-pages", "2.0/new/index.html"))
    assert new is not None
    assert 'href="../../1.0/">go to its home page' in new
    assert _notice(show(work, "gh-pages", "latest/guide/index.html")) is not None
    assert deploy.set_default(work, "latest").ok  # an alias as the default
    assert show(work, "gh-pages", "1.0/guide/index.html") == guide.replace(
        "2.0/guide", "latest/guide"
    )
    assert _notice(show(work, "gh-pages", "2.0/guide/index.html")) is None


def test_other_themes_get_a_banner_and_own_blocks_are_kept() -> None:
    said = notice.Notice.for_page("a/b.html", "2.0", exists=True, titles=("1.0", "2.0"))
    assert said.href == "../../2.0/a/b.html"
    plain = b"<html><head></head><body class='x'><p>text</p></body></html>"
    shown = notice.outdated(plain, said)
    assert shown.startswith(b"<html><head></head><body class='x'><!-- docgen:outdated -->")
    assert notice.outdated(shown, said) == shown
    assert notice.outdated(shown, None) == plain
    assert notice.outdated(b"<p>no body</p>", said) == b"<p>no body</p>"
    # The project's own `outdated` block (a theme override): Material's script shows it.
    own = MATERIAL_PAGE.format(url=URL, label="x", page="", outdated="<aside>Old!</aside>")
    assert notice.outdated(own.encode(), said) == own.encode()
    # Minified HTML: the attribute without quotes.
    tight = b"<body><div data-md-component=outdated hidden></div><header>"
    out = notice.outdated(tight, said)
    assert b"data-md-component=outdated data-docgen-shown>" in out
    assert notice.outdated(out, None) == tight


# -- sitemaps ----------------------------------------------------------------------------


def test_root_sitemap_indexes_the_visible_versions(work: Path, tmp_path: Path) -> None:
    assert deploy.publish(material_site(tmp_path / "a", "a"), "1.0", repo=work).ok
    two = material_site(tmp_path / "b", "b")
    assert deploy.publish(two, "2.0", ["latest"], repo=work, make_default=True).ok
    assert deploy.publish(material_site(tmp_path / "c", "c"), "0.9", repo=work, hidden=True).ok
    assert deploy.publish(material_site(tmp_path / "d", "d"), "pr-1", repo=work, preview=True).ok

    def benchmarks(state: Branch) -> Change:  # another helper's files, through transact
        data = (b'{"runs": []}\n', "_benchmarks")
        return Change(
            "benchmarks", state.versions, state.default, files={"_benchmarks/h.json": data}
        )

    assert transact(Target(work), benchmarks).ok
    index = show(work, "gh-pages", "sitemap.xml")
    assert re.findall(r"<loc>(.*?)</loc>", index) == [
        f"{URL}2.0/sitemap.xml",
        f"{URL}1.0/sitemap.xml",
    ]
    assert "sitemapindex" in index
    assert f"<loc>{URL}1.0/guide/</loc>" in show(work, "gh-pages", "1.0/sitemap.xml")
    packed = subprocess.run(
        ["git", "cat-file", "blob", "gh-pages:latest/sitemap.xml.gz"],
        cwd=work,
        capture_output=True,
        check=True,
    ).stdout
    assert f"<loc>{URL}latest/guide/</loc>".encode() in gzip.decompress(packed)
    assert show(work, "gh-pages", "_benchmarks/h.json") == '{"runs": []}'
    assert show(work, "gh-pages", "1.0/_docgen/api.json") == '{"label": "a"}'
    # A command that does not know the site's address keeps the index, from the index.
    assert deploy.delete(work, ["1.0"]).ok
    index = show(work, "gh-pages", "sitemap.xml")
    assert re.findall(r"<loc>(.*?)</loc>", index) == [f"{URL}2.0/sitemap.xml"]
    assert "_benchmarks/h.json" in files(work, "gh-pages")


def test_version_sitemaps_get_their_folder() -> None:
    xml = b"<urlset><url><loc>https://example.org/p/a/</loc></url><url><loc>https://x.org/</loc></url></urlset>"
    moved = sitemap.in_folder(xml, URL, "1.0")
    assert b"<loc>https://example.org/p/1.0/a/</loc>" in moved
    assert b"<loc>https://x.org/</loc>" in moved  # not under the site: kept
    packed = sitemap.in_folder(gzip.compress(xml), URL, "1.0")
    assert gzip.decompress(packed) == moved
    assert (
        sitemap.site_url_of_page(b'<link rel="canonical" href="https://e.org/q/">')
        == "https://e.org/q/"
    )
    assert sitemap.site_url_of_page(b"<p>none</p>") is None
    assert sitemap.site_url_of_index(None) is None


def test_no_site_url_means_no_sitemap_index_and_one_note(work: Path, tmp_path: Path) -> None:
    site = material_site(tmp_path / "a", "a", site_url=None)
    outcome = deploy.publish(site, "1.0", repo=work)
    assert outcome.ok
    assert _codes(outcome).count("DG818") == 1
    assert "sitemap.xml" not in files(work, "gh-pages")
    given = deploy.publish(site, "1.1", repo=work, site_url="https://example.org/q")
    assert "DG818" not in _codes(given)
    index = show(work, "gh-pages", "sitemap.xml")
    assert "<loc>https://example.org/q/1.0/sitemap.xml</loc>" in index


# -- hidden versions ---------------------------------------------------------------------


def test_hidden_versions_are_noindex_and_out_of_the_selector(
    work: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(work)
    first = deploy.publish(material_site(tmp_path / "a", "a"), "1.0", repo=work, hidden=True)
    assert first.exit_code == 2  # the first version becomes the default: it cannot be hidden
    assert _codes(first)[-1] == "DG822"
    assert deploy.publish(material_site(tmp_path / "b", "b"), "2.0", repo=work).ok
    assert deploy.publish(material_site(tmp_path / "a", "a"), "1.0", repo=work, hidden=True).ok
    listed = json.loads(show(work, "gh-pages", "versions.json"))
    assert listed[1] == {
        "version": "1.0",
        "title": "1.0",
        "aliases": [],
        "properties": {"hidden": True},
    }
    robots = '<meta name="robots" content="noindex">'
    assert robots in show(work, "gh-pages", "1.0/guide/index.html")
    assert robots not in show(work, "gh-pages", "2.0/guide/index.html")
    assert "1.0/sitemap.xml" not in show(work, "gh-pages", "sitemap.xml")
    # A redeploy without --hidden keeps it hidden; `versions unhide` shows it again.
    assert deploy.publish(material_site(tmp_path / "a", "a"), "1.0", repo=work).ok
    assert robots in show(work, "gh-pages", "1.0/guide/index.html")
    assert main(["versions", "unhide", "1.0"]) == 0
    assert robots not in show(work, "gh-pages", "1.0/guide/index.html")
    assert "properties" not in json.loads(show(work, "gh-pages", "versions.json"))[1]
    assert "1.0/sitemap.xml" in show(work, "gh-pages", "sitemap.xml")
    assert main(["versions", "hide", "1.0"]) == 0
    assert robots in show(work, "gh-pages", "1.0/guide/index.html")
    capsys.readouterr()
    assert main(["versions", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == ["2.0 (default)", "1.0 (hidden)"]
    assert main(["versions", "hide", "2.0"]) == 2  # the default
    assert main(["versions", "set-default", "1.0"]) == 2  # hidden
    assert main(["versions", "hide", "9.9"]) == 2
    preview = deploy.publish(
        material_site(tmp_path / "a", "a"), "pr-1", repo=work, preview=True, hidden=True
    )
    assert _codes(preview) == ["DG822"]
    err = capsys.readouterr().err
    assert err.count("DG822") == 2  # and the preview's, returned not printed
    assert "DG807" in err


def test_material_hides_versions_with_the_hidden_property() -> None:
    import material

    bundles = (Path(material.__file__).parent / "templates/assets/javascripts").glob("bundle.*.js")
    source = "".join(p.read_text(encoding="utf-8") for p in bundles)
    # The version selector drops the versions whose `properties.hidden` is true.
    assert re.search(
        r"\.filter\(\w+=>\{var \w+;return!\(\(\w+=\w+\.properties\)!=null&&\w+\.hidden\)", source
    )


# -- pruning and retention ---------------------------------------------------------------


def _versions(work: Path) -> list[str]:
    return [v["version"] for v in json.loads(show(work, "gh-pages", "versions.json"))]


def test_prune_keeps_the_newest_and_the_default(
    work: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(work)
    site = material_site(tmp_path / "s", "s")
    for name in ("1.0", "1.1", "2.0", "dev"):
        assert deploy.publish(site, name, ["stable"] if name == "1.0" else [], repo=work).ok
    assert deploy.publish(site, "pr-1", repo=work, preview=True).ok
    assert deploy.list_versions(work).default == "1.0"
    capsys.readouterr()
    assert main(["versions", "prune", "--keep", "1"]) == 2  # no --yes, no terminal
    assert "DG817" in capsys.readouterr().err
    assert main(["versions", "prune", "--keep", "1", "-y"]) == 0
    assert "removed 2.0, 1.1" in capsys.readouterr().err
    assert _versions(work) == ["dev", "1.0"]  # dev is the newest; 1.0 is the default
    assert "stable/index.html" in files(work, "gh-pages")
    old = deploy.prune(work, previews_older_than=1, now=10**10)
    assert old.removed == ("previews/pr-1",)
    assert main(["versions", "prune", "--keep", "0", "-y"]) == 2
    assert main(["versions", "prune", "--keep", "-3"]) == 2
    assert main(["versions", "prune", "-y"]) == 2
    err = capsys.readouterr().err
    assert err.count("DG819") == 2
    assert "DG824" in err
    assert _versions(work) == ["dev", "1.0"]


def test_deploy_keeps_the_newest_in_the_same_commit(work: Path, tmp_path: Path) -> None:
    site = material_site(tmp_path / "s", "s")
    for name in ("1.0", "1.1"):
        assert deploy.publish(site, name, repo=work, keep=2).ok
    before = git(work, "rev-parse", "gh-pages")
    three = deploy.publish(site, "1.2", repo=work, make_default=True, keep=2)
    assert three.ok
    assert three.removed == ("1.0",)
    assert "DG821" in _codes(three)
    assert _versions(work) == ["1.2", "1.1"]
    assert git(work, "rev-parse", "gh-pages~1") == before  # one commit
    assert not any(p.startswith("1.0/") for p in files(work, "gh-pages"))
    # Deploying an older version never removes the version just deployed.
    patch = deploy.publish(site, "1.0.1", repo=work, keep=2)
    assert patch.removed == ()
    assert _versions(work) == ["1.2", "1.1", "1.0.1"]
    assert _codes(deploy.publish(site, "1.3", repo=work, keep=-1)) == ["DG819"]


def test_config_limits_are_checked_before_building(
    work: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (work / "mkdocs.yml").write_text(
        "site_name: X\nplugins:\n  - docgen:\n      deploy:\n        keep: -1\n", encoding="utf-8"
    )
    (work / "docs").mkdir()
    monkeypatch.chdir(work)
    assert main(["deploy", "1.0"]) == 2
    err = capsys.readouterr().err
    assert "mkdocs.yml:5: error[DG819]" in err
    assert main(["deploy", "1.0", "--squash-history", "0"]) == 2
    assert "DG820" in capsys.readouterr().err


# -- squashing the history ---------------------------------------------------------------


def _count(repo: Path) -> int:
    return int(git(repo, "rev-list", "--count", "gh-pages"))


def _tree(repo: Path, ref: str) -> str:
    return git(repo, "rev-parse", f"{ref}^{{tree}}")


def test_squash_keeps_the_last_commits_and_the_tree(
    work: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(work)
    remote = _remote(work)
    for n in range(5):
        site = material_site(tmp_path / f"s{n}", f"run {n}")
        assert deploy.publish(site, f"1.{n}", repo=work, push=True).ok
    messages = git(remote, "log", "--format=%s", "gh-pages").splitlines()
    trees = [_tree(remote, "gh-pages"), _tree(remote, "gh-pages~1")]
    site = material_site(tmp_path / "s5", "run 5")
    squashed = deploy.publish(site, "1.5", repo=work, push=True, squash_history=3)
    assert squashed.ok, squashed.diagnostics
    assert "DG823" in _codes(squashed)
    assert _count(remote) == 3
    assert git(remote, "log", "--format=%s", "gh-pages").splitlines()[1:] == messages[:2]
    # The kept commits hold exactly the trees they held; the oldest is now a root commit.
    assert [_tree(remote, "gh-pages~1"), _tree(remote, "gh-pages~2")] == trees
    assert git(remote, "rev-list", "--max-parents=0", "gh-pages") == git(
        remote, "rev-parse", "gh-pages~2"
    )
    assert {f"1.{n}/guide/index.html" for n in range(6)} <= set(files(remote, "gh-pages"))
    git(remote, "fsck", "--no-progress")
    # A short history is left alone; the CLI refuses a length below 1.
    assert "DG823" not in _codes(deploy.set_default(work, "1.5", push=True, squash_history=5))
    assert main(["versions", "set-default", "1.5", "--squash-history", "0"]) == 2


_PUBLISH = """\
import sys
from pathlib import Path
from docgen import deploy
outcome = deploy.publish(Path(sys.argv[1]), sys.argv[2], repo=Path(sys.argv[3]), push=True,
                         attempts=10, squash_history=int(sys.argv[4]))
print(outcome.attempts, [d.code for d in outcome.diagnostics])
sys.exit(outcome.exit_code)
"""


def test_a_deploy_racing_a_squash_still_lands(tmp_path: Path) -> None:
    _, seed = remote_and_clone(tmp_path, "seed")
    for n in range(4):
        assert deploy.publish(
            material_site(tmp_path / f"s{n}", "s"), f"0.{n}", repo=seed, push=True
        ).ok
    jobs = []
    for name, version, squash in (("a", "1.0", "2"), ("b", "2.0", "0")):
        _, clone = remote_and_clone(tmp_path, name)
        site = material_site(tmp_path / f"site-{name}", name)
        jobs.append(
            subprocess.Popen(
                [sys.executable, "-c", _PUBLISH, str(site), version, str(clone), squash],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    for job in jobs:
        out, err = job.communicate(timeout=120)
        assert job.returncode == 0, out + err
    remote = tmp_path / "remote.git"
    assert {"1.0", "2.0"} <= set(_versions(remote))
    # The seed clone's local branch is behind a rewritten history: it still deploys.
    assert deploy.publish(material_site(tmp_path / "t", "t"), "3.0", repo=seed, push=True).ok
    assert {"1.0", "2.0", "3.0"} <= set(_versions(remote))


def test_the_squash_push_never_overwrites_a_deploy_that_landed_first(
    work: Path, tmp_path: Path
) -> None:
    for n in range(3):
        assert deploy.publish(
            material_site(tmp_path / f"s{n}", "s"), f"0.{n}", repo=work, push=True
        ).ok
    _, other = remote_and_clone(tmp_path, "other")
    assert deploy.publish(material_site(tmp_path / "o", "o"), "9.0", repo=other).ok
    hook = work / ".git" / "hooks" / "pre-push"
    hook.write_text(
        textwrap.dedent(f"""\
            #!/bin/sh
            marker="{tmp_path}/hook-ran"
            [ -e "$marker" ] && exit 0
            touch "$marker"
            unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
            git -C "{other}" push --quiet origin gh-pages:gh-pages
            """),
        encoding="utf-8",
    )
    hook.chmod(0o755)
    squashed = deploy.publish(
        material_site(tmp_path / "w", "w"), "1.0", repo=work, push=True, squash_history=2
    )
    assert squashed.ok, squashed.diagnostics
    assert squashed.attempts == 2  # the lease failed once: started again on top of 9.0
    remote = _remote(work)
    assert {"9.0", "1.0"} <= set(_versions(remote))
    assert _count(remote) == 2


# -- a real build ------------------------------------------------------------------------

REAL_YML = """\
site_name: Versioned
site_url: https://example.org/p/
theme:
  name: material
extra:
  version:
    provider: mike
plugins:
  - docgen:
      diagrams: false
      examples: false
      links: false
      pipelines: false
      lint: false
      deploy:
        squash_history: 1
"""


@pytest.mark.slow
def test_real_material_build_gets_the_notice_and_the_index(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (work / "mkdocs.yml").write_text(REAL_YML, encoding="utf-8")
    docs = work / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    (docs / "guide.md").write_text("# Guide\n", encoding="utf-8")
    monkeypatch.chdir(work)
    assert main(["deploy", "1.0", "--push"]) == 0
    (docs / "guide.md").unlink()
    assert main(["deploy", "2.0", "--set-default", "--push"]) == 0
    remote = _remote(work)
    guide = show(remote, "gh-pages", "1.0/guide/index.html")
    said = _notice(guide)
    assert said is not None
    assert 'href="../../2.0/">go to its home page' in said  # 2.0 has no guide
    assert _shown(guide)
    assert 'href="../2.0/">read this page there' in (
        _notice(show(remote, "gh-pages", "1.0/index.html")) or ""
    )
    assert _notice(show(remote, "gh-pages", "2.0/index.html")) is None
    assert f"<loc>{URL}1.0/guide/</loc>" in show(remote, "gh-pages", "1.0/sitemap.xml")
    listed = re.findall(r"<loc>(.*?)</loc>", show(remote, "gh-pages", "sitemap.xml"))
    assert listed == [f"{URL}2.0/sitemap.xml", f"{URL}1.0/sitemap.xml"]
    assert _count(remote) == 1  # deploy.squash_history: 1


def test_a_rewritten_commit_loses_its_parents_and_signature() -> None:
    from docgen.deploy.history import _without_parents

    raw = (
        b"tree abc\nparent p1\nparent p2\nauthor A <a@e> 1 +0000\ncommitter A <a@e> 1 +0000\n"
        b"gpgsig -----BEGIN PGP SIGNATURE-----\n \n abcd\n -----END PGP SIGNATURE-----\n"
        b"\nDeployed x\n\nbody\n"
    )
    assert _without_parents(raw, "new") == (
        b"tree abc\nparent new\nauthor A <a@e> 1 +0000\ncommitter A <a@e> 1 +0000\n"
        b"\nDeployed x\n\nbody\n"
    )
    assert _without_parents(raw, None).startswith(b"tree abc\nauthor ")
