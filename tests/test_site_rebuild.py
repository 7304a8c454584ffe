"""A rebuild that brings the spare site up to date (builder/site/rebuild.py, issue 22) makes the
site a clean build makes, file by file; a failed one leaves the previous site as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from site_fixtures import (
    build_site,
    change_report,
    copy_data,
    copy_site,
    demo_site,
    shared_folder,
    site_files,
)

from builder import parallel
from builder.errors import BuildError
from builder.output import spare_of
from builder.project import bundled
from builder.site import mkdocs as site_mkdocs

SITE = bundled("site")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_site(tmp_path_factory)


@pytest.fixture(scope="module")
def twice_corrected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean build of the demonstration data with two reports changed."""

    def make(base: Path) -> None:
        data = copy_data(base / "data")
        change_report(data, "2024-Q3/1.1.1.1.2.yaml", "перше")
        change_report(data, "2024-Q3/1.1.1.2.1.yaml", "друге")
        build_site(data, base / "public")

    return shared_folder(tmp_path_factory, "twice-corrected-site", make) / "public"


def spy_changes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The editions (their languages) MkDocs brought up to date by a change (`run_change`), in
    order, while the test runs."""
    changes: list[str] = []
    real = site_mkdocs.run_change

    def spy(plan: site_mkdocs.HtmlPlan, target: Path) -> object:
        changes.append(plan.ed.lang)
        return real(plan, target)

    monkeypatch.setattr(site_mkdocs, "run_change", spy)
    return changes


@pytest.mark.slow
@pytest.mark.parametrize("fork", [False, True])
def test_a_rebuild_from_the_spare_site_equals_a_clean_build(
    demo: Path,
    twice_corrected: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fork: bool,
) -> None:
    monkeypatch.setattr(parallel, "FORK_BUDGET_MB", (1 << 20) if fork else 0)
    changes = spy_changes(monkeypatch)
    from builder.site.indexes import SearchIndexes

    place = SearchIndexes.place
    stale: list[bool] = []  # a spare's old index still in the staging site when placing

    def placed(self: SearchIndexes, staging: Path) -> list[Path]:
        stale.append(any((staging / sub / "pagefind").exists() for sub in ("", "en")))
        return place(self, staging)

    monkeypatch.setattr(SearchIndexes, "place", placed)
    data = copy_data(tmp_path / "data")
    out = tmp_path / "public"
    copy_site(demo, out)  # as built from `data`
    change_report(data, "2024-Q3/1.1.1.1.2.yaml", "перше")
    build_site(data, out)  # no spare yet: one linked from the previous site (issue 22)
    if not fork:  # the forked English run's calls are not seen here
        assert changes == ["uk", "en"]
    assert spare_of(out).is_dir()
    before = site_files(spare_of(out))
    change_report(data, "2024-Q3/1.1.1.2.1.yaml", "друге")
    result = build_site(data, out)  # the spare (the first site) brought up to date
    if not fork:
        assert changes == ["uk", "en"] * 2
    assert stale == [False, False]  # the spare's indexes were set aside before (issue 22)
    # every file counted, the indexes' too (measured where they were made, issue 22)
    files = [p for p in out.rglob("*") if p.is_file()]
    assert any(p.parent.name == "pagefind" for p in files)
    assert (result.files, result.size) == (len(files), sum(p.stat().st_size for p in files))
    assert result.reused > 0 and not result.warnings
    assert "(друге)" in (out / "measures" / "1.1.1.2.1.html").read_text(encoding="utf-8")
    rebuilt, clean = site_files(out), site_files(twice_corrected)
    assert sorted(rebuilt) == sorted(clean)
    assert [p for p in rebuilt if rebuilt[p] != clean[p]] == []
    # the site swapped out is now the spare: the first rebuild's site, as it was built
    assert (spare_of(out) / "measures" / "1.1.1.1.2.html").is_file()
    assert site_files(spare_of(out)) != before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".public.spare",
        "data",
        "public",
        "public-docs",
    ]


@pytest.mark.slow
def test_a_failed_rebuild_from_the_spare_leaves_the_previous_site_as_it_was(
    demo: Path, twice_corrected: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from builder.site.indexes import SearchIndexes

    data = copy_data(tmp_path / "data")
    out = tmp_path / "public"
    copy_site(demo, out)
    change_report(data, "2024-Q3/1.1.1.1.2.yaml", "перше")
    build_site(data, out)
    previous = site_files(out)
    change_report(data, "2024-Q3/1.1.1.2.1.yaml", "друге")
    real = SearchIndexes.place

    def broken(*args: object, **kwargs: object) -> object:
        raise BuildError("the search index could not be written")

    monkeypatch.setattr(SearchIndexes, "place", broken)  # after the spare was taken
    with pytest.raises(BuildError, match="could not be written"):
        build_site(data, out)
    assert site_files(out) == previous
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "public", "public-docs"]
    monkeypatch.setattr(SearchIndexes, "place", real)
    build_site(data, out)  # no spare: built whole, and the same site
    rebuilt, clean = site_files(out), site_files(twice_corrected)
    assert sorted(rebuilt) == sorted(clean)
    assert [p for p in rebuilt if rebuilt[p] != clean[p]] == []


def test_the_theme_files_are_those_mkdocs_lists_itself(tmp_path: Path) -> None:
    """The theme's listing without its hidden folders finds the files MkDocs' own finds."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import Files

    config = load_config(
        str(SITE / "mkdocs.yml"), docs_dir=str(SITE / "pages"), site_dir=str(tmp_path / "out")
    )
    plain = Files([])
    plain.add_files_from_theme(config.theme.get_env(), config)
    config = site_mkdocs.theme_listing_plugin().on_config(config)
    listed = Files([])
    listed.add_files_from_theme(config.theme.get_env(), config)
    assert len(plain) > 20
    assert [f.src_uri for f in listed] == [f.src_uri for f in plain]
    assert [f.abs_src_path for f in listed] == [f.abs_src_path for f in plain]


def test_a_markdown_page_s_link_targets_go_into_the_sparse_docs(tmp_path: Path) -> None:
    from builder.site.rebuild import link_targets, list_docs

    docs = tmp_path / "docs"
    (docs / "downloads" / "latest").mkdir(parents=True)
    (docs / "downloads" / "latest" / "data.zip").write_bytes(b"zip")
    (docs / "dictionary.md").write_text("# Словник\n", encoding="utf-8")
    (docs / "downloads.md").write_text(
        '# Дані\n\n[архів](downloads/latest/data.zip "Архів") і [словник](dictionary.md#поля)'
        "\n[нема](nowhere.md) [інший](https://example.org/x.md)\n\n"
        "[ref]: <downloads/latest/data.zip>\n",
        encoding="utf-8",
    )
    listed = list_docs(docs, {})
    assert sorted(listed.pages) == ["dictionary.md", "downloads.md"]
    assert link_targets(docs, "downloads.md", listed) == {
        "downloads/latest/data.zip",
        "dictionary.md",
    }
    shutil.rmtree(docs)


def test_the_spare_site_s_indexes_are_set_aside_for_the_build_to_remove(tmp_path: Path) -> None:
    """Before the build's child may adopt the spare site, its two search indexes are moved
    into the indexes' folder (one rename each), for the build's own process to remove while
    the child works (issue 22); the rest of the spare stays as it was."""
    from builder.site.indexes import set_aside_spare_indexes

    out, folder = tmp_path / "public", tmp_path / "indexes"
    folder.mkdir()
    assert set_aside_spare_indexes(out, folder) == []  # no spare
    spare = spare_of(out)
    for rel in ["pagefind/a.pf", "en/pagefind/b.pf", "index.html", "en/index.html"]:
        (spare / rel).parent.mkdir(parents=True, exist_ok=True)
        (spare / rel).write_text(rel)
    aside = set_aside_spare_indexes(out, folder)
    assert aside == [folder / "spare-index-0", folder / "spare-index-1"]
    assert (aside[0] / "a.pf").read_text() == "pagefind/a.pf"
    assert (aside[1] / "b.pf").read_text() == "en/pagefind/b.pf"
    assert sorted(p.relative_to(spare).as_posix() for p in spare.rglob("*")) == [
        "en",
        "en/index.html",
        "index.html",
    ]
    assert set_aside_spare_indexes(out, folder) == []  # nothing left to move
    other = tmp_path / "other"  # a spare that is a link to a folder: not ours to change
    spare_of(other).symlink_to(spare, target_is_directory=True)
    (spare / "pagefind").mkdir()
    assert set_aside_spare_indexes(other, folder) == []
    assert (spare / "pagefind").is_dir()


@pytest.mark.slow
@pytest.mark.parametrize("stale", [False, True])
def test_a_rebuild_without_a_spare_of_its_key_links_one_from_the_previous_site(
    demo: Path, twice_corrected: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stale: bool
) -> None:
    """The first rebuild after a clean build (no spare), or after the site key changed (a
    spare of the old key), makes its spare of the previous site itself, hard-linked
    (`site.mkdocs.ready_spare`, issue 22), and brings it up to date: the same site as a clean
    build, and the previous site — the next spare — left as it was, byte for byte."""
    changes = spy_changes(monkeypatch)
    monkeypatch.setattr(parallel, "FORK_BUDGET_MB", 0)  # every run seen here
    data = copy_data(tmp_path / "data")
    out = tmp_path / "public"
    copy_site(demo, out)
    if stale:  # a spare of another site key: not brought up to date, replaced
        copy_site(demo, spare_of(out))
        shutil.rmtree(tmp_path / ".public.spare-docs")
        manifest = spare_of(out) / ".dap-pages.json"
        text = manifest.read_text()
        manifest.write_text(text.replace('"key":"', '"key":"old'))
        assert manifest.read_text() != text
        (spare_of(out) / "stale.html").write_text("")  # gone with the old spare
    previous = site_files(out)
    change_report(data, "2024-Q3/1.1.1.1.2.yaml", "перше")
    change_report(data, "2024-Q3/1.1.1.2.1.yaml", "друге")
    result = build_site(data, out)
    assert changes == ["uk", "en"]  # the editions brought up to date, not built whole
    assert result.reused > 0 and not result.warnings
    rebuilt, clean = site_files(out), site_files(twice_corrected)
    assert sorted(rebuilt) == sorted(clean)
    assert [p for p in rebuilt if rebuilt[p] != clean[p]] == []
    assert site_files(spare_of(out)) == previous  # its marks and manifests copied, not linked
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".public.spare",
        "data",
        "public",
        "public-docs",
    ]


@pytest.mark.parametrize("change", ["none", "edit", "remove", "folder", "link", "add"])
def test_a_spare_is_linked_only_of_the_files_as_the_build_left_them(
    tmp_path: Path, change: str
) -> None:
    """`rebuild.link_site` takes each edition's files as its manifest lists them, hard-linked,
    its mark and manifest copied; a file edited, removed or of another kind since the manifest
    was written: no spare, nothing left (issue 22). A file added beside them is not taken."""
    import os

    from builder.site.rebuild import link_site

    out, spare = tmp_path / "public", tmp_path / "spare"
    files = {"index.html": "i", "a/page.html": "page", "en/index.html": "en"}
    for rel, text in files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text)
    (out / "pagefind").mkdir()
    (out / "pagefind" / "index.js").write_text("x")  # an index: not listed, not taken
    past = 1_000_000_000_000_000_000
    for rel in files:
        os.utime(out / rel, ns=(past, past))
    uk = {"files": {"index.html": 1, "a/page.html": 4}}
    en = {"files": {"index.html": 2}}
    for sub in ("", "en"):
        (out / sub / ".dap-pages.json").write_text("{}")
        (out / sub / ".dap-build").write_text("dap")
        os.utime(out / sub / ".dap-pages.json", ns=(past, past))  # the files' own time
    page = out / "a" / "page.html"
    if change == "edit":  # the same size, later than the manifest
        page.write_text("PAGE")
    elif change == "remove":
        page.unlink()
    elif change == "folder":
        page.unlink()
        page.mkdir()
    elif change == "link":
        page.unlink()
        page.symlink_to(out / "index.html")
    elif change == "add":
        (out / "planted.html").write_text("p")
    made = link_site(out, spare, [("", uk), ("en", en)])
    if change in ("none", "add"):
        assert made
        assert sorted(p.relative_to(spare).as_posix() for p in spare.rglob("*") if p.is_file()) == [
            ".dap-build",
            ".dap-pages.json",
            "a/page.html",
            "en/.dap-build",
            "en/.dap-pages.json",
            "en/index.html",
            "index.html",
        ]
        assert (spare / "a" / "page.html").stat().st_ino == page.stat().st_ino
        for sub in ("", "en"):  # copies: the rebuild writes them in place
            manifest = spare / sub / ".dap-pages.json"
            assert manifest.stat().st_ino != (out / sub / ".dap-pages.json").stat().st_ino
    else:
        assert not made and not spare.exists()
