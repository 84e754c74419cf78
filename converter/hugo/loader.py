"""Reader for a Hugo site root: pages under content/docs/, their front matter, Hugo's page order."""

from __future__ import annotations

import functools
import json
import locale
import os
import re
import tomllib
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError
from ..model import Finding, Page, Site

MAX_PAGE_BYTES = 4 * 1024 * 1024
HUGO_CONFIGS = ("hugo.yaml", "hugo.yml", "hugo.toml", "hugo.json", "config.yaml", "config.yml", "config.toml")
DOCS = "docs"


def load_site(root: str | Path) -> Site:
    """Read every page of the document in the order the website shows them; nothing is written."""
    root = Path(root)
    if not root.exists():
        raise InputError(f"{root} does not exist", hint="give the folder that holds content/ and hugo.yaml")
    if not root.is_dir():
        raise InputError(f"{root} is not a folder", hint="give the Hugo site root, not a file")
    docs = root / "content" / DOCS
    if not docs.is_dir():
        raise InputError(
            f"{root} is not a Hugo site with a document: no content/{DOCS}/ folder",
            hint="point aix at the folder that holds content/docs/ and hugo.yaml",
        )
    config, name = read_config(root)
    params = _mapping(config.get("params"), name, "params")
    aix = dict(_mapping(params.get("aix"), name, "params.aix"))
    aix_file = root / "aix.yaml"
    if aix_file.is_file():
        aix.update(_mapping(_parse_yaml_file(aix_file, root), "aix.yaml", "aix.yaml"))
    _check_contents_levels(aix, root, name)
    site = Site(root=root, config=config, aix=aix)
    site.base_url = str(aix.get("base_url") or config.get("baseURL") or site.base_url).rstrip("/") + "/"
    pages = [read_page(root, f) for f in page_files(root, site.warnings)]
    site.pages = order_pages(pages, aix.get("order"), root)
    site.index_pages()
    return site


def page_files(root: Path, warnings: list[Finding]) -> list[Path]:
    """The page files under content/docs/, as their paths in the site, sorted; hidden ones left out.

    A page that is a symlink is read when it resolves to a file inside content/ (a page shared between
    two places is fine); one that resolves anywhere else is skipped with a warning, so that no command
    ever reads /etc/passwd as a page. Folder symlinks are not followed (nor were they by pathlib's rglob
    before), so they cannot loop; one that leads out of content/ is named in a warning too.
    """
    content = (root / "content").resolve()
    found: list[Path] = []

    def skip(path: Path, why: str) -> None:
        warnings.append(Finding(path.relative_to(root).as_posix(), 0, "warning", "outside-site", why))

    def walk(folder: Path) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as e:
            skip(folder, f"skipped: cannot read the folder ({e.strerror})")
            return
        for entry in entries:
            path = Path(entry.path)
            if entry.name.startswith("."):
                continue
            if entry.is_dir():
                if not entry.is_symlink():
                    walk(path)
                elif not path.resolve().is_relative_to(content):
                    skip(path, "skipped: it is a symlink to a folder outside the site's content/")
            elif entry.name.endswith(".md"):
                if not entry.is_file():
                    if entry.is_symlink():
                        skip(path, "skipped: it is a symlink that leads nowhere")
                elif path.resolve().is_relative_to(content):
                    found.append(path)
                else:
                    skip(path, "skipped: it is a symlink to a file outside the site's content/")

    walk(root / "content" / DOCS)
    return sorted(found)


def read_config(root: Path) -> tuple[dict[str, Any], str]:
    """Hugo's site configuration (a mapping), and the name of the file it came from."""
    for name in HUGO_CONFIGS:
        path = root / name
        if path.is_file():
            if name.endswith(".toml"):
                try:
                    return tomllib.loads(read_text(path, root)), name
                except tomllib.TOMLDecodeError as e:
                    raise InputError(f"invalid TOML: {e}", where=name) from None
            if name.endswith(".json"):
                try:
                    config = json.loads(read_text(path, root))
                except json.JSONDecodeError as e:
                    raise InputError(f"invalid JSON: {e.msg}", where=f"{name}:{e.lineno}") from None
            else:
                config = _parse_yaml_file(path, root)
            return _mapping(config, name, "the site configuration"), name
    return {}, HUGO_CONFIGS[0]


def _mapping(value: Any, where: str, what: str) -> dict[str, Any]:
    """A configuration value that must be a mapping (None counts as empty); anything else is exit 2."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        kinds = {list: "a list", str: "text", int: "a number", float: "a number", bool: "true or false"}
        kind = kinds.get(type(value), type(value).__name__)
        raise InputError(f"{what} must be a mapping of keys to values, not {kind}", where=where)
    return value


def _check_contents_levels(aix: dict[str, Any], root: Path, config_name: str) -> None:
    """`contents_levels` is how deep the contents list goes: a heading level, 1 (page titles) to 6."""
    value = aix.get("contents_levels")
    if value is None or (type(value) is int and 1 <= value <= 6):
        return
    raise InputError(
        f"contents_levels must be a heading level from 1 to 6, not {value!r}",
        where=_key_where(root, "contents_levels", config_name),
    )


def _key_where(root: Path, key: str, config_name: str) -> str:
    """Where an aix setting was given: its line in aix.yaml, else the site configuration's params.aix."""
    path = root / "aix.yaml"
    if path.is_file():
        node = yaml.compose(read_text(path, root))
        for k, _ in node.value if isinstance(node, yaml.MappingNode) else []:
            if k.value == key:
                return f"aix.yaml:{k.start_mark.line + 1}"
    return config_name


def _parse_yaml_file(path: Path, root: Path) -> Any:
    rel = path.relative_to(root).as_posix()
    text = read_text(path, root)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        line = _yaml_line(e, text)
        raise InputError(f"invalid YAML: {_yaml_problem(e)}", where=f"{rel}:{line}") from None


def _yaml_line(e: yaml.YAMLError, text: str) -> int:
    """The 1-based line of a YAML error; at the end of the text, the line where the open construct began."""
    mark = getattr(e, "problem_mark", None)
    context = getattr(e, "context_mark", None)
    if mark is not None and context is not None and mark.line >= text.count("\n"):
        mark = context
    return mark.line + 1 if mark is not None else 1


def _yaml_problem(e: yaml.YAMLError) -> str:
    problem = getattr(e, "problem", None) or str(e).splitlines()[0]
    context = getattr(e, "context", None)
    return f"{context}: {problem}" if context else problem


def read_text(path: Path, root: Path) -> str:
    """Decode a source file, refusing what is not UTF-8 text with a message that names file and line."""
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    size = path.stat().st_size
    if size > MAX_PAGE_BYTES:
        raise InputError(
            f"file is too large ({size / 1048576:.1f} MB; aix reads pages up to {MAX_PAGE_BYTES // 1048576} MB)",
            where=rel,
            hint="split it into several pages",
        )
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise InputError("not a text file (it holds NUL bytes)", where=rel, hint="remove it or rename it")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputError(
            f"not UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start})",
            where=f"{rel}:{line}",
            hint="save the file as UTF-8",
        ) from None
    return text


FRONT_MATTER = {
    "---": re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.S),
    "+++": re.compile(r"\A\+\+\+[ \t]*\r?\n(.*?\r?\n)?\+\+\+[ \t]*(?:\r?\n|\Z)", re.S),
}


def read_page(root: Path, file: Path) -> Page:
    rel = file.relative_to(root).as_posix()
    raw = read_text(file, root)
    if not raw.strip():
        raise InputError(
            "the page is empty", where=rel, hint="give it front matter with a title, or remove it"
        )
    text = raw.removeprefix("\ufeff")
    fm_raw, meta = split_front_matter(text, rel)
    body = text[len(fm_raw) :]
    path = file.relative_to(root / "content").as_posix()
    page = Page(
        path=path,
        file=file,
        rel=rel,
        url=page_url(path, meta),
        raw=raw,
        front_matter=meta,
        front_matter_raw=fm_raw,
        body=body,
        body_line=fm_raw.count("\n") + 1,
    )
    page.title = str(meta.get("title") or "")
    page.weight = meta.get("weight") if isinstance(meta.get("weight"), int) else 0
    page.date = _date_text(meta.get("date"))
    page.is_section = file.name == "_index.md"
    parent = Path(path).parent
    page.section = (parent.as_posix() if page.is_section else _section_of(parent, root)) or DOCS
    return page


def split_front_matter(text: str, rel: str) -> tuple[str, dict[str, Any]]:
    """Return the front matter exactly as written and its keys in order."""
    for delim, pattern in FRONT_MATTER.items():
        if text.startswith(delim):
            m = pattern.match(text)
            if not m:
                raise InputError(
                    f"front matter opened with '{delim}' is never closed",
                    where=f"{rel}:1",
                    hint=f"end it with a line holding only '{delim}'",
                )
            inner = m.group(1) or ""
            if delim == "+++":
                try:
                    meta = tomllib.loads(inner)
                except tomllib.TOMLDecodeError as e:
                    raise InputError(f"invalid TOML front matter: {e}", where=f"{rel}:1") from None
            else:
                try:
                    meta = yaml.safe_load(inner)
                except yaml.YAMLError as e:
                    line = _yaml_line(e, inner) + 1
                    raise InputError(
                        f"invalid YAML front matter: {_yaml_problem(e)}",
                        where=f"{rel}:{line}",
                        hint="fix the YAML between the '---' lines",
                    ) from None
            if meta is None:
                meta = {}
            if not isinstance(meta, dict):
                raise InputError(
                    "front matter is not a mapping of keys to values",
                    where=f"{rel}:2",
                    hint="write 'key: value' lines",
                )
            return m.group(0), meta
    if text.startswith("{"):
        try:
            meta, end = json.JSONDecoder().raw_decode(text)
        except json.JSONDecodeError as e:
            raise InputError(f"invalid JSON front matter: {e.msg}", where=f"{rel}:{e.lineno}") from None
        if text[end : end + 1] == "\n":
            end += 1
        return text[:end], meta if isinstance(meta, dict) else {}
    return "", {}


def _date_text(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value) if value else ""


def _section_of(directory: Path, root: Path) -> str:
    """The nearest folder above a page that is a Hugo section (has an _index.md), else docs."""
    while directory.as_posix() not in ("", ".", DOCS):
        if (root / "content" / directory / "_index.md").is_file():
            return directory.as_posix()
        directory = directory.parent
    return DOCS


def page_url(path: str, meta: dict[str, Any]) -> str:
    """The URL Hugo serves a page at: front matter url or slug, else the path, lower-cased."""
    if isinstance(meta.get("url"), str) and meta["url"].strip():
        url = "/" + meta["url"].strip().strip("/") + "/"
        return url.replace("//", "/")
    parts = path.removesuffix(".md").split("/")
    if parts[-1] in ("_index", "index"):
        parts = parts[:-1]
    elif isinstance(meta.get("slug"), str) and meta["slug"].strip():
        parts[-1] = meta["slug"].strip()
    return ("/" + "/".join(parts) + "/").lower()


def order_pages(pages: list[Page], explicit: Any, root: Path) -> list[Page]:
    """Hugo's order: a section's own page, then its pages and subsections by weight, date, title, path."""
    if explicit:
        return _explicit_order(pages, explicit, root)
    sections = {p.section: p for p in pages if p.is_section}
    children: dict[str, list[Page]] = {}
    for page in pages:
        parent = _parent_section(page, sections)
        children.setdefault(parent, []).append(page)
    ordered: list[Page] = []

    def visit(section: str) -> None:
        for page in sorted(children.get(section, []), key=functools.cmp_to_key(hugo_compare)):
            ordered.append(page)
            if page.is_section:
                visit(page.section)

    if DOCS in sections:
        ordered.append(sections[DOCS])
        visit(DOCS)
    else:
        visit(DOCS)
    seen = {id(p) for p in ordered}
    ordered += [p for p in pages if id(p) not in seen]  # sections whose parent has no _index.md
    return ordered


def _parent_section(page: Page, sections: dict[str, Page]) -> str:
    if page.is_section:
        if page.section == DOCS:
            return ""  # the root section page itself
        parent = Path(page.section).parent.as_posix()
        while parent not in sections and parent not in ("", ".", DOCS):
            parent = Path(parent).parent.as_posix()
        return parent if parent in sections else DOCS
    return page.section


def hugo_compare(a: Page, b: Page) -> int:
    """Hugo's DefaultPageSort: weight (0 last), date (newest first), link title, file path."""
    if a.weight != b.weight:
        if a.weight == 0:
            return 1
        if b.weight == 0:
            return -1
        return -1 if a.weight < b.weight else 1
    if a.date != b.date:
        return -1 if a.date > b.date else 1
    ta, tb = _link_title(a), _link_title(b)
    c = _collate(ta, tb)
    if c:
        return c
    return (
        -1 if a.file.as_posix() < b.file.as_posix() else (1 if a.file.as_posix() > b.file.as_posix() else 0)
    )


def _link_title(page: Page) -> str:
    return str(page.front_matter.get("linkTitle") or page.title)


def _collate(a: str, b: str) -> int:
    """Compare titles the way a language collator does: letters before case, case as a tie-breaker."""
    ka = (locale.strxfrm(a.casefold()), a)
    kb = (locale.strxfrm(b.casefold()), b)
    return (ka > kb) - (ka < kb)


def _explicit_order(pages: list[Page], order: Any, root: Path) -> list[Page]:
    by_path = {p.path: p for p in pages}
    if not isinstance(order, list) or not all(isinstance(x, str) for x in order):
        raise InputError(
            "'order' must be a list of page paths such as docs/1_general_controls.md", where="aix.yaml"
        )
    ordered = []
    for item in order:
        key = item if item.startswith(f"{DOCS}/") else f"{DOCS}/{item}"
        if key not in by_path:
            raise InputError(
                f"'order' names {item}, which is not a page under content/{DOCS}/", where="aix.yaml"
            )
        ordered.append(by_path.pop(key))
    return ordered + order_pages(list(by_path.values()), None, root) if by_path else ordered
