"""The theme's frame around a record page rendered once per shape, each page filled in (issue 22).

Material renders its whole `main.html` → `base.html` (head, header, sidebar, table of contents,
footer, scripts) for every page: ~60 % of a clean build's MkDocs time at national scale, for
2,565 record pages that are not in the sidebar and whose frames differ only in a few values of
the page. `ShellPlugin` keeps MkDocs' own rendering and shortens it where it can prove the
result the same:

* A page's **shape** is what its frame depends on beside those values: its folder (the
  relative links), its front matter other than the title, the levels of its table of contents,
  and whether its content has an `<h1` (Material's `content.html` asks). Only a page outside
  the sidebar, of the theme's `main.html`, with no canonical or edit link, is given a shape.
* Its **values** are its title, its file name (of the URL), its content, and each heading of
  its table of contents (title and id): plain `str`s, none empty.
* The first two pages of a shape are rendered by the theme (and kept). At the third, the frame
  is rendered twice more for a stand-in page whose values are unique markers — plain ones, and
  longer ones with quotes, `&`, an entity, a tag, a line break and spaces around — and cut at
  the markers into a **shell**: text and slots, each slot a value as it is, `e`, `striptags`
  or `striptags | e` (which the second markers tell apart).
  The two renders must give the same shell (the theme uses the values as they are, not their
  length or letters), no marker may be left over, and the shell filled with the first two
  pages' values must give, byte for byte, what the theme gave them. Then the shape's other
  pages are filled in; otherwise the shape keeps the theme's rendering.

It works through MkDocs' extension points: `on_nav` (which pages the sidebar lists) and
`on_env`, where the template MkDocs asks for a page (`main.html`) answers with the filled shell;
the plugins' `on_post_page` (the English edition's links, direct.py) and the writing of the
page stay MkDocs'. The check at run time catches a theme that reads a value (its length, its
letters) the same way on every page; a branch on one page's value that neither stand-in nor
the first two pages take is caught by `tests/test_shell.py`, which builds the fixture site with
and without shells and compares every file (and shows that limit). So shells are made only
for the theme overrides that test checks, dap's own (`proven`): a project folder's own
`site/overrides/` may branch on a page's values, and its pages are all rendered by the theme.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

MAIN = "main.html"
STEM = re.compile(r"[A-Za-z0-9._-]+")  # a file name the URL and the shell keep as it is
SAMPLES = 2  # pages of a shape rendered by the theme before its shell is made and checked

Shape = tuple[str, str, tuple[Any, ...], bool]


def toc_levels(items: Iterable[Any]) -> tuple[Any, ...]:
    """The table of contents' shape: each item's level and its children's shape."""
    return tuple((item.level, toc_levels(item.children)) for item in items)


def toc_items(items: Iterable[Any]) -> list[Any]:
    """The table of contents' items, each before its children."""
    found: list[Any] = []
    for item in items:
        found.append(item)
        found.extend(toc_items(item.children))
    return found


def page_shape(page: Any, in_nav: frozenset[str]) -> tuple[Shape, list[str]] | None:
    """A page's shape and values (see the module's docstring), or None: the theme renders it."""
    meta = page.meta
    title = meta.get("title") if isinstance(meta, dict) else None
    content = page.content
    if (
        page.file.src_uri in in_nav
        or page.parent is not None
        or page.previous_page is not None
        or page.next_page is not None
        or not isinstance(title, str)
        or page.title != title
        or meta.get("template", MAIN) != MAIN
        or page.canonical_url is not None
        or page.abs_url is not None
        or page.edit_url is not None
        or not isinstance(content, str)
    ):
        return None
    folder, _sep, name = page.url.rpartition("/")
    stem = name[: -len(".html")] if name.endswith(".html") else ""
    src = f"{folder}/{stem}.md" if folder else f"{stem}.md"
    if not STEM.fullmatch(stem) or page.file.src_uri != src:
        return None
    items = toc_items(page.toc)
    texts = [title] + [t for item in items for t in (item.title, item.id)]
    if not all(type(t) is str and t for t in texts):  # not Markup, which `e` keeps as it is
        return None
    try:
        rest = json.dumps({k: v for k, v in meta.items() if k != "title"}, ensure_ascii=False)
    except (TypeError, ValueError):
        return None
    shape = (folder, rest, toc_levels(page.toc), "<h1" in content)
    return shape, [title, stem, content, *texts[1:]]


def _striptags(value: str) -> str:
    return str(Markup(value).striptags())  # Jinja's `striptags`


def _escaped_tags(value: str) -> str:
    return str(escape(_striptags(value)))  # `striptags | e`


# What a theme's template does to a value where the shell can fill it in: nothing, `e`,
# `striptags`, `striptags | e` (Material's, of a heading with sub-headings)
TRANSFORMS: tuple[Callable[[str], str], ...] = (
    str,
    lambda v: str(escape(v)),
    _striptags,
    _escaped_tags,
)

Part = str | tuple[int, int]  # text, or a slot: the value's index and its TRANSFORMS' index


@dataclass
class Shell:
    """A frame cut at its values: `parts` are text and slots."""

    parts: list[Part]

    def fill(self, values: list[str]) -> str:
        """The frame with a page's values in its slots."""
        done: dict[tuple[int, int], str] = {}
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
            elif part[1] == 0:
                out.append(values[part[0]])
            else:
                if part not in done:
                    done[part] = TRANSFORMS[part[1]](values[part[0]])
                out.append(done[part])
        return "".join(out)


class Markers:
    """The stand-in values of a shape's two renders: plain ones, and probing ones that tell
    the TRANSFORMS apart (quotes, `&`, an entity, a tag, a line break, spaces around) and catch
    a theme that reads a value's length or letters."""

    def __init__(self, count: int, h1: bool) -> None:
        self.nonce = "dap" + os.urandom(6).hex()
        self.count = count
        self.h1 = h1

    def values(self, probing: bool) -> list[str]:
        """The stand-in values, in the order of `page_shape`'s."""
        found = []
        for index in range(self.count):
            token = f"{self.nonce}{'w' if probing else 'q'}{index}y"
            if index == 1:  # the file name: in URLs, kept as it is
                found.append(token + (".x-_" if probing else ""))
                continue
            text = f" {token} Ж'\"&_. &#x27;<i>x</i>\n  y " if probing else token
            if index == 2:  # the content: HTML, with an h1 where the page's has one
                tag = "h1" if self.h1 else "p"
                text = f"\n<{tag}>{text}</{tag}>\n"
            found.append(text)
        return found

    def cut(self, output: str, values: list[str]) -> list[Part] | None:
        """The rendered frame cut at the stand-in values (each through one of TRANSFORMS), or
        None when one appears otherwise (a marker left over)."""
        forms: dict[str, tuple[int, int]] = {}
        for index, value in enumerate(values):
            for way in reversed(range(len(TRANSFORMS))):  # as it is, where two are the same
                forms[TRANSFORMS[way](value)] = (index, way)
        pattern = re.compile("|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)))
        parts: list[Part] = []
        last = 0
        for match in pattern.finditer(output):
            parts.append(output[last : match.start()])
            parts.append(forms[match.group(0)])
            last = match.end()
        parts.append(output[last:])
        if any(isinstance(p, str) and self.nonce in p for p in parts):
            return None
        return parts


def make_shell(render: Any, page: Any, context: dict[str, Any], shape: Shape) -> Shell | None:
    """The shell of `page`'s shape, from two renders of a stand-in page, or None when the two
    do not cut into the same shell."""
    from mkdocs.structure.files import File
    from mkdocs.structure.toc import get_toc

    items = toc_items(page.toc)
    markers = Markers(3 + 2 * len(items), shape[3])
    cuts = []
    for probing in (False, True):
        values = markers.values(probing)
        names = iter(values[3:])
        tokens = [_tokens(item, names) for item in page.toc]
        stand_in = copy.copy(page)
        stand_in.__dict__.pop("title", None)  # a title set on the page, not its front matter's
        stand_in.meta = dict(page.meta)
        stand_in.meta["title"] = values[0]
        file = page.file
        folder = shape[0]
        stand_in.file = File(
            f"{folder}/{values[1]}.md" if folder else f"{values[1]}.md",
            file.src_dir,
            file.dest_dir,
            file.use_directory_urls,
            inclusion=file.inclusion,
        )
        stand_in.file.page = stand_in
        stand_in.content = values[2]
        stand_in.toc = get_toc(tokens)  # type: ignore[arg-type]
        if stand_in.url != f"{folder}/{values[1]}.html".lstrip("/"):
            return None
        try:
            output = render({**context, "page": stand_in})
        except Exception:  # the theme cannot frame a stand-in (a file it reads, say)
            return None
        cut = markers.cut(output, values)
        if cut is None:
            return None
        cuts.append(cut)
    plain_cut, probing_cut = cuts
    same = len(plain_cut) == len(probing_cut) and all(
        (a == b) if isinstance(a, str) else (isinstance(b, tuple) and a[0] == b[0])
        for a, b in zip(plain_cut, probing_cut, strict=True)
    )
    return Shell(probing_cut) if same else None


def _tokens(item: Any, names: Any) -> dict[str, Any]:
    """A table of contents' token of `item`'s level with stand-in title and id."""
    name, anchor = next(names), next(names)
    children = [_tokens(child, names) for child in item.children]
    return {"level": item.level, "id": anchor, "name": name, "children": children}


@dataclass
class Kind:
    """What is known of one shape: the first pages' values and frames, then its shell."""

    samples: list[tuple[list[str], str]] = field(default_factory=list)
    shell: Shell | None = None
    failed: bool = False


class Shells:
    """Every shape's shell of one MkDocs run, and how many pages each way went."""

    def __init__(self) -> None:
        self.in_nav: frozenset[str] = frozenset()
        self.kinds: dict[Shape, Kind] = {}
        self.filled = 0  # pages filled into their shape's shell
        self.rendered = 0  # pages the theme rendered (samples and pages of no shell)
        self.shells = 0  # shells made and proven

    def render(self, template: Any, context: dict[str, Any]) -> str:
        """The page of `context` as `template` (the theme's main.html) renders it."""
        page = context.get("page")
        found = page_shape(page, self.in_nav) if page is not None else None
        if found is None:
            return self._theme(template, context)
        shape, values = found
        kind = self.kinds.setdefault(shape, Kind())
        if kind.shell is not None:
            self.filled += 1
            return kind.shell.fill(values)
        if kind.failed or len(kind.samples) < SAMPLES:
            output = self._theme(template, context)
            if not kind.failed:
                kind.samples.append((values, output))
            return output
        shell = make_shell(template.render, page, context, shape)
        if shell is None or any(shell.fill(v) != out for v, out in kind.samples):
            kind.failed = True
            kind.samples.clear()
            return self._theme(template, context)
        kind.shell, self.shells = shell, self.shells + 1
        kind.samples.clear()
        self.filled += 1
        return shell.fill(values)

    def _theme(self, template: Any, context: dict[str, Any]) -> str:
        self.rendered += 1
        output: str = template.render(context)
        return output


class _Main:
    """The theme's main.html as MkDocs renders a page with it: through `Shells`."""

    def __init__(self, template: Any, shells: Shells) -> None:
        self._template = template
        self._shells = shells

    def render(self, *args: Any, **kwargs: Any) -> str:
        if len(args) == 1 and not kwargs and isinstance(args[0], dict):
            return self._shells.render(self._template, args[0])
        output: str = self._template.render(*args, **kwargs)
        return output

    def __getattr__(self, name: str) -> Any:
        return getattr(self._template, name)


@functools.lru_cache(maxsize=4)
def proven(site_dir: Path) -> bool:
    """Whether `site_dir`'s theme overrides are dap's own, file for file (those whose pages
    `tests/test_shell.py` compares with the theme's); False for a project's own."""
    from ..errors import ConfigError
    from ..project import bundled

    def overrides(root: Path) -> dict[str, bytes]:
        folder = root / "overrides"
        return {
            path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*"))
            if path.is_file()
        }

    try:
        own = bundled("site")
        return site_dir.resolve() == own.resolve() or overrides(site_dir) == overrides(own)
    except (OSError, ConfigError):
        return False


def plugin(shells: Shells | None = None) -> Any:
    """The MkDocs plugin: pages framed through `Shells` (a new one unless given)."""
    from mkdocs.plugins import BasePlugin

    store = shells if shells is not None else Shells()

    class ShellPlugin(BasePlugin):  # type: ignore[type-arg]
        shells = store

        def on_nav(self, nav: Any, config: Any, files: Any) -> Any:
            store.in_nav = frozenset(page.file.src_uri for page in nav.pages)
            return nav

        def on_env(self, env: Any, config: Any, files: Any) -> Any:
            get_template = env.get_template

            def page_template(name: Any, parent: Any = None, globals: Any = None) -> Any:
                template = get_template(name, parent, globals)
                if name == MAIN and parent is None and globals is None:
                    return _Main(template, store)  # MkDocs' call for a page
                return template

            env.get_template = page_template
            return env

    return ShellPlugin()
