"""Publishing to a real gh-pages branch: a temporary repository and a bare remote on disk."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from test_deploy_helpers import IDENTITY, files, git, make_site, remote_and_clone, show

from docgen import deploy
from docgen.cli import main
from docgen.deploy.git import Commit, Git, GitError

MIKE = str(Path(sys.executable).with_name("mike"))


@pytest.fixture(autouse=True)
def identity(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in IDENTITY.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def work(tmp_path: Path) -> Path:
    return remote_and_clone(tmp_path)[1]


def _remote(work: Path) -> Path:
    return work.parent / "remote.git"


def test_two_versions_an_alias_and_mike_reads_them(work: Path, tmp_path: Path) -> None:
    first = make_site(tmp_path / "s1", "one", ("old/index.html",))
    (first / 'odd "name"\\.txt').write_text("quoted\n", encoding="utf-8")
    one = deploy.publish(first, "1.0", repo=work, push=True)
    assert one.ok, one.diagnostics
    assert [d.code for d in one.diagnostics] == ["DG813"]  # first version becomes default
    two = deploy.publish(
        make_site(tmp_path / "s2", "two"),
        "2.0",
        ["latest"],
        repo=work,
        make_default=True,
        push=True,
    )
    assert two.ok
    assert two.pushed
    assert two.exit_code == 0
    remote = _remote(work)
    tree = files(remote, "gh-pages")
    assert tree["latest/guide/index.html"] == tree["2.0/guide/index.html"]
    assert tree["latest/guide/index.html"][0] == "100644"  # a real file, not a symlink
    assert "1.0/old/index.html" in tree
    assert "2.0/old/index.html" not in tree
    assert show(remote, "gh-pages", '1.0/odd "name"\\.txt') == "quoted"
    assert {".nojekyll", "index.html", "404.html", "versions.json"} <= set(tree)
    assert json.loads(show(remote, "gh-pages", "versions.json")) == [
        {"version": "2.0", "title": "2.0", "aliases": ["latest"]},
        {"version": "1.0", "title": "1.0", "aliases": []},
    ]
    assert 'content="2.0"' in show(remote, "gh-pages", "index.html")
    guide = show(remote, "gh-pages", "1.0/guide/index.html")
    assert 'href="https://example.org/p/2.0/guide/"' in guide
    old = show(remote, "gh-pages", "1.0/old/index.html")
    assert 'href="https://example.org/p/1.0/old/"' in old  # no such page in 2.0
    listed = subprocess.run(
        [MIKE, "list", "--remote", "origin", "--branch", "gh-pages"],
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    )
    assert listed.stdout.split("\n")[:2] == ["2.0 [latest]", "1.0"]
    message = git(remote, "log", "-1", "--format=%B", "gh-pages")
    assert "to 2.0 (aliases: latest)" in message
    again = make_site(tmp_path / "s3", "two again")
    redeployed = deploy.publish(again, "2.0", repo=work, push=True)
    assert redeployed.ok
    assert "two again" in show(remote, "gh-pages", "latest/guide/index.html")  # still a copy
    same = deploy.publish(again, "2.0", ["latest"], repo=work, push=True)
    assert same.commit == redeployed.commit
    assert "DG812" in [d.code for d in same.diagnostics]


# mike runs ProperDocs when it is installed (docgen's dev tools have it), which wants the
# theme named: the same site then deploys under MkDocs and ProperDocs alike.
MIKE_YML = """\
site_name: Mike made this
site_url: https://example.org/p/
theme: material
"""


@pytest.mark.slow
def test_docgen_reads_and_extends_a_branch_mike_wrote(work: Path, tmp_path: Path) -> None:
    (work / "mkdocs.yml").write_text(MIKE_YML, encoding="utf-8")
    (work / "docs").mkdir()
    (work / "docs" / "index.md").write_text("# Hello\n", encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    for args in (["deploy", "1.0", "latest"], ["set-default", "latest"]):
        subprocess.run([MIKE, *args], cwd=work, env=env, capture_output=True, check=True)
    listed = deploy.list_versions(work)
    assert [(v.name, v.aliases) for v in listed.versions] == [("1.0", ("latest",))]
    assert listed.default == "latest"
    assert files(work, "gh-pages")["latest"][0] == "120000"  # mike's symlink
    moved = deploy.publish(make_site(tmp_path / "s", "two"), "2.0", ["latest"], repo=work)
    assert moved.ok
    tree = files(work, "gh-pages")
    assert tree["latest/index.html"][0] == "100644"
    assert "latest" not in tree
    assert moved.default == "latest"


def test_cli_refuses_bad_names_before_anything(
    work: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(work)
    assert main(["deploy", "../x"]) == 2
    assert "DG801" in capsys.readouterr().err
    assert main(["deploy", "1.0", "1.0"]) == 2
    assert main(["deploy", "pr-1", "latest", "--preview"]) == 2
    bad = deploy.publish(work, "a b", repo=work)
    assert bad.exit_code == 2
    assert "spaces" in bad.diagnostics[0].message
    assert deploy.prune_previews(work, keep=["pr-1"]).commit is None  # nothing to prune
    assert git(work, "branch", "--list", "gh-pages") == ""
    assert git(_remote(work), "branch", "--list", "gh-pages") == ""


def test_clash_with_a_published_alias_writes_nothing(work: Path, tmp_path: Path) -> None:
    site = make_site(tmp_path / "s", "x")
    assert deploy.publish(site, "1.0", ["latest"], repo=work, push=True).ok
    before = git(work, "rev-parse", "gh-pages")
    clash = deploy.publish(site, "latest", repo=work, push=True)
    assert clash.exit_code == 2
    assert [d.code for d in clash.diagnostics] == ["DG802"]
    assert git(work, "rev-parse", "gh-pages") == before
    assert git(_remote(work), "rev-parse", "gh-pages") == before


def test_remote_moved_during_the_deploy_rebuilds_on_top(work: Path, tmp_path: Path) -> None:
    _, other = remote_and_clone(tmp_path, "other")
    first = deploy.publish(make_site(tmp_path / "a", "a"), "1.0", repo=other, push=False)
    assert first.ok
    # A pre-push hook publishes the other clone's deploy first: our push is then rejected.
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
    second = deploy.publish(make_site(tmp_path / "b", "b"), "2.0", ["latest"], repo=work, push=True)
    assert second.ok, second.diagnostics
    assert second.attempts == 2
    remote = _remote(work)
    names = [v["version"] for v in json.loads(show(remote, "gh-pages", "versions.json"))]
    assert names == ["2.0", "1.0"]
    assert git(remote, "rev-parse", "gh-pages") == second.commit
    assert git(remote, "rev-parse", "gh-pages~1") == first.commit
    assert "1.0/index.html" in files(remote, "gh-pages")


_PUBLISH = """\
import sys
from pathlib import Path
from docgen import deploy
outcome = deploy.publish(Path(sys.argv[1]), sys.argv[2], repo=Path(sys.argv[3]), push=True,
                         attempts=10)
print(outcome.attempts, [d.code for d in outcome.diagnostics])
sys.exit(outcome.exit_code)
"""


def test_two_deploys_started_at_once_both_land(tmp_path: Path) -> None:
    jobs = []
    for name, version in (("a", "1.0"), ("b", "2.0")):
        _, clone = remote_and_clone(tmp_path, name)
        site = make_site(tmp_path / f"site-{name}", name)
        jobs.append(
            subprocess.Popen(
                [sys.executable, "-c", _PUBLISH, str(site), version, str(clone)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    for job in jobs:
        out, err = job.communicate(timeout=120)
        assert job.returncode == 0, out + err
    remote = tmp_path / "remote.git"
    names = {v["version"] for v in json.loads(show(remote, "gh-pages", "versions.json"))}
    assert names == {"1.0", "2.0"}
    tree = files(remote, "gh-pages")
    assert "1.0/index.html" in tree
    assert "2.0/index.html" in tree


def test_a_commit_stopped_half_way_changes_nothing(work: Path, tmp_path: Path) -> None:
    assert deploy.publish(make_site(tmp_path / "s", "x"), "1.0", repo=work).ok
    before = git(work, "rev-parse", "gh-pages")
    repo = Git(work)
    commit = Commit(repo, "half", before)
    for n in range(50):
        commit.put(f"junk/{n}.txt", commit.blob(b"x" * 10_000 + bytes([n]), bytes([n])))
    os.kill(commit.pid, signal.SIGKILL)
    with pytest.raises(GitError, match="fast-import"):
        commit.finish()
    assert git(work, "rev-parse", "gh-pages") == before

    def interrupted() -> None:
        with Commit(repo, "interrupted", before) as other:
            other.blob(b"data", b"k")
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted()
    other = Commit(repo, "never finished", before)
    other.abort()
    other.abort()  # a second abort is harmless
    assert git(work, "rev-parse", "gh-pages") == before
    assert git(work, "for-each-ref", "refs/docgen") == ""


def _children(pid: int) -> list[tuple[int, str]]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append((int(entry.name), cmd))
    return found


def test_killing_a_deploy_half_way_leaves_the_branch(work: Path, tmp_path: Path) -> None:
    site = make_site(tmp_path / "small", "small")
    assert deploy.publish(site, "1.0", repo=work).ok
    before = git(work, "rev-parse", "gh-pages")
    big = make_site(tmp_path / "big", "big")
    for n in range(300):  # incompressible, so fast-import is busy for a while
        (big / "assets" / f"blob{n}.bin").write_bytes(os.urandom(100_000))
    job = subprocess.Popen(
        [sys.executable, "-c", _PUBLISH, str(big), "2.0", str(work)],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not any("fast-import" in cmd for _, cmd in _children(job.pid)):
        assert job.poll() is None, "the deploy ended before fast-import was seen"
        assert time.monotonic() < deadline, "fast-import never started"
        time.sleep(0.002)
    os.killpg(job.pid, signal.SIGKILL)
    job.wait()
    assert git(work, "rev-parse", "gh-pages") == before
    assert "2.0" not in show(work, "gh-pages", "versions.json")


def test_previews_are_unlisted_and_pruned(
    work: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site(tmp_path / "s", "x")
    assert deploy.publish(site, "1.0", repo=work, push=True).ok
    for name in ("pr-1", "pr-2"):
        shown = deploy.publish(site, name, repo=work, preview=True, push=True)
        assert shown.ok
    assert [p.name for p in shown.previews] == ["pr-1", "pr-2"]
    assert [v.name for v in shown.versions] == ["1.0"]
    page = show(work, "gh-pages", "previews/pr-1/guide/index.html")
    assert 'content="noindex"' in page
    assert 'href="https://example.org/p/1.0/guide/"' in page
    monkeypatch.chdir(work)
    assert main(["versions", "list"]) == 0
    out = capsys.readouterr().out
    assert "previews/pr-1 (deployed " in out
    assert main(["versions", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [p["name"] for p in listed["previews"]] == ["pr-1", "pr-2"]
    assert main(["versions", "prune-previews"]) == 2
    assert "error[DG816]" in capsys.readouterr().err
    assert main(["versions", "prune-previews", "--keep", "pr-2", "--push"]) == 0
    assert "removed previews/pr-1" in capsys.readouterr().err
    assert main(["versions", "prune-previews", "--older-than", "1"]) == 0
    assert "previews/pr-2/index.html" in files(work, "gh-pages")
    later = time.time() + 2 * 86_400
    gone = deploy.prune_previews(work, older_than_days=1, now=later)
    assert gone.removed == ("previews/pr-2",)
    assert not any(p.startswith("previews/") for p in files(work, "gh-pages"))


def test_versions_commands(
    work: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(work)
    assert main(["versions", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"versions": [], "default": None, "previews": []}
    assert main(["versions", "set-default", "1.0"]) == 2  # nothing published yet
    assert git(work, "branch", "--list", "gh-pages") == ""
    assert deploy.publish(make_site(tmp_path / "a", "a"), "1.0", ["old"], repo=work).ok
    assert deploy.publish(
        make_site(tmp_path / "b", "b"), "2.0", ["latest"], repo=work, make_default=True
    ).ok
    capsys.readouterr()
    assert main(["versions", "set-default", "1.0", "--push"]) == 0
    assert 'content="1.0"' in show(work, "gh-pages", "index.html")
    assert "https://example.org/p/1.0/guide/" in show(work, "gh-pages", "latest/guide/index.html")
    assert main(["versions", "retitle", "old", "Old times"]) == 0
    assert main(["versions", "retitle", "9.9", "x"]) == 2
    assert main(["versions", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "2.0 [latest]",
        '1.0 "Old times" [old] (default)',
    ]
    assert main(["versions", "delete", "old"]) == 2  # no TTY and no --yes
    err = capsys.readouterr().err
    assert "--yes" in err
    assert "error[DG817]" in err
    assert main(["versions", "delete", "1.0", "--yes"]) == 2  # the default
    assert "DG811" in capsys.readouterr().err
    assert main(["versions", "delete", "nope", "--yes"]) == 2
    assert main(["versions", "delete", "latest", "2.0", "--yes", "--offline"]) == 0
    assert json.loads(show(work, "gh-pages", "versions.json")) == [
        {"version": "1.0", "title": "Old times", "aliases": ["old"]}
    ]
    assert not any(p.startswith(("2.0/", "latest/")) for p in files(work, "gh-pages"))


def test_delete_asks_on_a_terminal(
    work: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pty

    assert deploy.publish(make_site(tmp_path / "a", "a"), "1.0", repo=work).ok
    assert deploy.publish(make_site(tmp_path / "b", "b"), "2.0", repo=work).ok
    monkeypatch.chdir(work)
    for answer, code in ((b"n\n", 2), (b"y\n", 0)):
        leader, follower = pty.openpty()
        os.write(leader, answer)
        with os.fdopen(follower, "r") as terminal:
            monkeypatch.setattr(sys, "stdin", terminal)
            assert main(["versions", "delete", "2.0"]) == code
        os.close(leader)
    assert [v["version"] for v in json.loads(show(work, "gh-pages", "versions.json"))] == ["1.0"]


def test_problems_with_the_branch_or_remote(
    work: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site(tmp_path / "s", "x")
    assert deploy.publish(site, "1.0", repo=work, push=True).ok
    _, other = remote_and_clone(tmp_path, "other")
    assert deploy.publish(make_site(tmp_path / "o", "o"), "3.0", repo=other, push=True).ok
    # The local branch has a commit the remote lacks, and the remote one the local lacks.
    diverged = deploy.publish(site, "2.0", repo=work, fetch=False)
    assert diverged.ok
    split = deploy.publish(site, "2.1", repo=work)
    assert [d.code for d in split.diagnostics] == ["DG806"]
    assert split.exit_code == 1
    assert [d.code for d in deploy.list_versions(work).diagnostics] == ["DG806"]
    monkeypatch.chdir(work)
    assert main(["versions", "list"]) == 1
    assert "diverged" in capsys.readouterr().err
    hook = _remote(work) / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'gh-pages is protected' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    git(work, "branch", "-f", "gh-pages", "origin/gh-pages")
    declined = deploy.publish(site, "2.1", repo=work, push=True)
    assert [d.code for d in declined.diagnostics] == ["DG804"]
    assert "gh-pages is protected" in declined.diagnostics[0].message
    assert declined.attempts == 1
    git(work, "remote", "set-url", "origin", str(tmp_path / "missing.git"))
    broken = deploy.publish(site, "2.2", repo=work, fetch=False, push=True)
    assert [d.code for d in broken.diagnostics] == ["DG804"]
    assert "cannot push" in broken.diagnostics[0].message
    listed = deploy.list_versions(work)
    assert [d.code for d in listed.diagnostics] == ["DG804"]
    git(work, "remote", "remove", "origin")
    alone = deploy.publish(site, "2.3", repo=work)
    assert alone.ok
    assert [d.code for d in alone.diagnostics] == ["DG810"]


def test_unreadable_versions_json_is_reported(work: Path, tmp_path: Path) -> None:
    assert deploy.publish(make_site(tmp_path / "s", "x"), "1.0", repo=work).ok
    repo = Git(work)
    with Commit(repo, "break it", git(work, "rev-parse", "gh-pages")) as commit:
        commit.put("versions.json", commit.blob(b"{not json", b"k"))
        broken = commit.finish()
    git(work, "update-ref", "refs/heads/gh-pages", broken)
    outcome = deploy.publish(make_site(tmp_path / "t", "y"), "2.0", repo=work)
    assert [d.code for d in outcome.diagnostics] == ["DG815"]
    assert "versions.json" in outcome.diagnostics[0].message


def test_gives_up_when_the_remote_keeps_moving(work: Path, tmp_path: Path) -> None:
    _, other = remote_and_clone(tmp_path, "other")
    hook = work / ".git" / "hooks" / "pre-push"
    site = make_site(tmp_path / "s", "x")
    # Every push from `work` is preceded by a new deploy from `other`.
    hook.write_text(
        textwrap.dedent(f"""\
            #!/bin/sh
            unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
            cd "{other}" && "{sys.executable}" -c '{_PUBLISH}' "{site}" "o$$" "{other}" >/dev/null
            """),
        encoding="utf-8",
    )
    hook.chmod(0o755)
    outcome = deploy.publish(site, "1.0", repo=work, push=True, attempts=2)
    assert [d.code for d in outcome.diagnostics][-1] == "DG805"
    assert outcome.attempts == 2


def test_git_errors_carry_what_git_said(tmp_path: Path) -> None:
    error = GitError("cannot fetch", "fatal: one\nfatal: two")
    assert str(error) == "cannot fetch:\n  fatal: one\n  fatal: two"
    assert str(GitError("x", b"fatal: bad")) == 'x: "fatal: bad"'
    assert str(GitError("x")) == "x"
    outside = Git(tmp_path)
    assert outside.describe_head() == "a working tree"
    assert outside.blobs([]) == {}
    with pytest.raises(GitError, match="cannot list files"):
        outside.tree("HEAD")
