"""`aix sync`: the edits made in a Word snapshot, back into the split Markdown sources.

The snapshot's store holds every unit's exact source; the body is cut into units at their markers. A unit
whose fingerprint is unchanged gives its stored source back, byte for byte. An edited unit is written
again from what Word shows (roundtrip.markdown) and merged into its source (merge3.merge3), so only the stretch that was
edited changes. Units gone from the document are dropped; content typed between units belongs to the unit
before it. A page whose file changed in git since the snapshot gets the Word edits merged line by line.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Literal

import yaml

from ..errors import AixError, InputError
from ..hugo.loader import page_url, split_front_matter
from ..hugo.markdown import parse_markdown
from ..hugo.pages import parse_pages
from ..model import Page, Site, Target
from ..ooxml.namespaces import STRICT_PREFIX
from ..ooxml.package import open_docx
from ..transforms.anchors import assign_ids
from . import rawhtml, store
from .ast_writer import AstWriter
from .bookmarks import BookmarkNames
from .ir import ast_ir, fingerprint, plain
from .markdown import Context, HouseStyle, markdown
from .merge3 import Conflict, merge3, merge_lines
from .reader import Element, WordReader

ChangesMode = Literal["accept", "reject", "refuse"]
BLANK_TAIL = re.compile(r"(?:(?<=\n)|\A)(?:[ \t]*\r?\n)*\Z|\Z")  # the blank lines after a block's last line


@dataclass(slots=True)
class FileChange:
    rel: str
    path: Path
    old: str | None  # the file now (None: it does not exist)
    new: str | None  # what it becomes (None: deleted)

    def diff(self) -> str:
        old = (self.old or "").splitlines(keepends=True)
        new = (self.new or "").splitlines(keepends=True)
        lines = []
        for line in difflib.unified_diff(old, new, fromfile=f"a/{self.rel}", tofile=f"b/{self.rel}"):
            lines.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
        return "".join(lines)


@dataclass(slots=True)
class SyncResult:
    changes: list[FileChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # file:line: what happened that a reviewer should know
    comments: list[str] = field(default_factory=list)  # the review list
    tracked: list[str] = field(default_factory=list)  # pending tracked changes, when refused
    units: int = 0
    edited: int = 0
    removed: int = 0
    added_after: int = 0


class Syncer:
    def __init__(self, docx: Path, site: Site, changes: ChangesMode = "refuse", keep_anchors: bool = True):
        self.docx, self.site, self.mode, self.keep_anchors = Path(docx), site, changes, keep_anchors
        with open_docx(docx) as pkg:
            snapshot = store.find(pkg)
            if snapshot is None:
                raise InputError(
                    "not a snapshot made by aix docx (it holds no round-trip data)",
                    where=str(docx),
                    hint="aix import converts other Word documents",
                )
            self.snap = snapshot
            self._same_site()
            self.page_of = self._site_pages()
            root = pkg.xml(pkg.main)
            if root is None or root.tag.startswith(STRICT_PREFIX):
                raise InputError(
                    "saved as Strict Open XML, which aix does not read",
                    where=str(docx),
                    hint="save it again as a Word Document (.docx)",
                )
            self.reader = WordReader(pkg, "reject" if changes == "reject" else "accept")
        self.segs = store.segment(self.reader.elements, self.snap.units, self.snap)
        if not self.segs.order and self.snap.units:
            raise InputError(
                "none of the snapshot's round-trip markers is left in the document body",
                where=str(docx),
                hint="was it pasted into a new document? edit the snapshot file itself",
            )
        self.unit_of: dict[int, int] = {}
        for uid, elements in self.segs.by_unit.items():
            for element in elements:
                self.unit_of[id(element)] = uid
        self.names = BookmarkNames(site)
        self.writer = AstWriter(site, self.names, lambda message: None)
        self.go = self._permalinks()
        self.result = SyncResult(units=len(self.snap.units))

    # -- checks ---------------------------------------------------------------------------------------------

    def _same_site(self) -> None:
        """A snapshot belongs to a site when most of its blocks are still found, verbatim, in the same pages."""
        total = found = 0
        for sp in self.snap.pages:
            page = self.site.find_page(sp.path)
            for unit in sp.units[1:]:
                total += 1
                found += page is not None and unit.text in page.raw
        if total and found / total < 0.5:
            title = self.snap.site.get("title", "?")
            raise InputError(
                f"a snapshot of another site ('{title}', {len(self.snap.pages)} pages): only "
                f"{found} of its {total} blocks are in {self.site.root}",
                where=str(self.docx),
            )

    def _site_pages(self) -> dict[str, Page]:
        """Each stored page's Page in the site, which alone says where it is written: a store is input from
        outside (its checksum anyone can recompute), so a path in it only ever names a page the site has
        now, with the file that page has, inside content/ (no '..', absolute path or symlink out)."""
        content = (self.site.root / "content").resolve()
        page_of: dict[str, Page] = {}
        for sp in self.snap.pages:
            page = self.site.find_page(sp.path)
            if page is None:
                raise self._refuse(
                    f"names the page {store.quote(sp.path)}, which is not a page of {self.site.root}",
                    "was it renamed or deleted since the snapshot? restore it, or make a new snapshot",
                )
            if sp.rel != page.rel:
                raise self._refuse(f"gives {page.rel} the file name {store.quote(sp.rel)}")
            if not page.file.resolve().is_relative_to(content):
                raise self._refuse(f"names {page.rel}, which leads out of {self.site.root / 'content'}")
            if sp.path in page_of:
                raise self._refuse(f"names {page.rel} twice")
            page_of[sp.path] = page
        return page_of

    def _refuse(self, what: str, hint: str | None = None) -> InputError:
        return InputError(f"refused: the snapshot's round-trip data {what}", where=str(self.docx), hint=hint)

    # -- the plan -------------------------------------------------------------------------------------------

    def plan(self) -> SyncResult:
        result = self.result
        if self.reader.changes and self.mode == "refuse":
            for change in self.reader.changes:
                text = f" '{_short(change.text)}'" if change.text.strip() else ""
                who = f" by {change.author}" if change.author else ""
                when = f" on {change.date}" if change.date else ""
                result.tracked.append(f"{self.locate(change.element)}: {change.kind}{who}{when}{text}")
            return result
        self._comments()
        for sp in self.snap.pages:
            self._page(sp)
        return result

    def _page(self, sp: store.StoredPage) -> None:
        page = self.page_of[sp.path]
        order = [uid for uid in self.segs.order if self.snap.units[uid].page == sp.path]
        head = sp.units[0]
        parts: list[str] = []
        if head.uid not in self.segs.by_unit:
            parts.append(head.text)
            if any(u.uid in self.segs.by_unit for u in sp.units[1:]):
                self.result.notes.append(
                    f"{page.rel}:1: the page title was deleted in Word; the page is kept"
                )
        present = set(order)
        for uid in order:
            unit = self.snap.units[uid]
            elements = self.segs.by_unit[uid]
            if not elements:
                self.result.removed += 1  # joined into the unit before it
                continue
            if fingerprint([e.ir for e in elements]) == unit.fp:
                parts.append(unit.text)
                continue
            self.result.edited += 1
            parts.append(self._head(unit, elements, page) if unit.head else self._unit(unit, elements, page))
        for unit in sp.units:
            if unit.uid not in present and not unit.head:
                self.result.removed += 1
        stored = sp.text
        if head.uid not in present and not any(u.uid in present for u in sp.units):
            new: str | None = None  # every block of the page, title included, was deleted
        else:
            new = "".join(parts)
            if stored.endswith("\n") and not stored.endswith("\n\n"):
                new = new.rstrip("\n") + "\n" if new.strip() else new
        current = page.raw
        if new is not None and new != stored:
            new = self._anchors(sp, page, stored, new)
        if new == stored:
            return
        if current != stored:
            if new is None:
                raise AixError("deleted in Word but changed in git since the snapshot", where=page.rel)
            try:
                new = merge_lines(stored, current, new)
            except Conflict as e:
                raise AixError(
                    "edited in Word and in git since the snapshot, at the same place",
                    where=f"{page.rel}:{e.line}",
                    hint="commit or undo one side, make a new snapshot, or merge by hand",
                ) from None
            self.result.notes.append(
                f"{page.rel}: changed in git since the snapshot; Word edits merged line by line"
            )
        if new != current:
            self.result.changes.append(FileChange(page.rel, page.file, current, new))

    # -- one unit -------------------------------------------------------------------------------------------

    def _unit(self, unit: store.StoredUnit, elements: list[Element], page: Page) -> str:
        tail = BLANK_TAIL.search(unit.text)
        core, trail = unit.text[: tail.start()], unit.text[tail.start() :]  # type: ignore[union-attr]
        own, extra = split_typed_after(unit, elements)
        style = HouseStyle.of(core, page.body)
        ctx = self._context(page, elements)
        if not own:
            text = ""  # the block itself was deleted: only what was typed after it stays
        elif fingerprint([e.ir for e in own]) == unit.fp:
            text = core
        else:
            edited = markdown([e.ir for e in own], style, ctx)
            if not edited.strip():
                text = ""  # emptied in Word: the block goes, with the blank lines after it
            else:
                before = unit.shown if unit.shown is not None else self._base_irs(core, page, unit.line)
                if _labels(before) != _labels([e.ir for e in own]):
                    self.result.notes.append(
                        f"{page.rel}:{unit.line}: warning: a shortcode's label (callout, details, tab) was "
                        "changed in Word; labels come from the shortcode's arguments: edit them in the source"
                    )
                text = self._html(core, list(before), [e.ir for e in own], ctx, page, unit)
                if text is None:
                    base = markdown(list(before), style, ctx)
                    newline = core.endswith("\n")
                    text = merge3(base, core if newline else core + "\n", edited)
                    if not newline:
                        text = text.removesuffix("\n")
        added = markdown([e.ir for e in extra], style, ctx) if extra else ""
        if not text and not added:
            return ""
        if added:  # new blocks typed after this one: their own lines, a blank line around them
            text = (text if text.endswith("\n") or not text else text + "\n") + ("\n" if text else "") + added
            trail = trail or "\n"
        return text + trail

    def _tokens(self, core: str, page: Page, line: int) -> list:
        tokens = [b.token for b in page.blocks if b.line == line and b.text.startswith(core[:40])]
        return tokens or [t for t in parse_markdown(core, line) if t["type"] != "blank_line"]

    def _base_irs(self, core: str, page: Page, line: int) -> list:
        """What Word showed of the block before the edit: the writer run on the block's own tokens."""
        self.writer.page = page
        return ast_ir(self.writer.blocks(self._tokens(core, page, line)))

    def _html(self, core: str, before: list, after: list, ctx: Context, page: Page, unit) -> str | None:
        """A raw HTML block shown rendered (a table...): each edited paragraph or cell written into its own
        place in the HTML (rawhtml.write_back); what cannot be is reported and the source kept. None for
        any other block."""
        tokens = self._tokens(core, page, unit.line)
        if len(tokens) != 1 or tokens[0]["type"] != "block_html":
            return None
        self.writer.page = page
        blocks, layout = self.writer.raw_html(core.rstrip("\r\n"))  # the source itself: CRLF kept
        if not blocks:
            return None  # shown as its source: edited as text
        text, problems = rawhtml.write_back(core, layout, before, after, ctx.url)
        for problem in problems:
            self.result.notes.append(f"{page.rel}:{unit.line}: warning: {problem}; the HTML source is kept")
        return text

    def _head(self, unit: store.StoredUnit, elements: list[Element], page: Page) -> str:
        """The page title paragraph: a changed title goes into the front matter; text typed after it
        starts the body."""
        text = unit.text
        title_el, rest = elements[0], elements[1:]
        if title_el.kind == "p" and title_el.ir[0] == "h1":
            title = plain(title_el.ir[3]).replace("\n", " ").strip()
            if title and title != (page.title or page.path):
                changed = set_title(text, title)
                if changed is None:
                    self.result.notes.append(f"{page.rel}:1: warning: title changed in Word; set it by hand")
                else:
                    text = changed
                    self.result.notes.append(f"{page.rel}:1: title changed to '{title}'")
        else:
            rest = elements
        if rest:
            style = HouseStyle.of(page.body)
            added = markdown([e.ir for e in rest], style, self._context(page, rest))
            if added.strip():
                text += added + "\n"
                self.result.added_after += 1
        return text

    # -- links ----------------------------------------------------------------------------------------------

    def _permalinks(self) -> dict[tuple[str, str | None], str]:
        go: dict[tuple[str, str | None], str] = {}
        for rule in self.site.redirects:
            if rule.target is not None and rule.source.startswith("/go/"):
                go.setdefault((rule.target.page, rule.target.anchor), rule.source.rstrip("/") + "/")
        return go

    def _context(self, page: Page, elements: list[Element]) -> Context:
        raw_urls: dict[str, str] = {}
        for element in elements:
            raw_urls.update(element.urls)

        def url(target: str) -> str:
            if not target.startswith("#"):
                return raw_urls.get(target, target)
            dest = self.snap.bookmarks.get(target[1:]) or self.names.mapping.get(target[1:])
            if dest is None:
                return target
            path, hugo_id = dest
            other = self.site.find_page(path)
            is_title = other is not None and hugo_id == other.slug
            anchor = None if is_title else hugo_id
            if (path, anchor) in self.go:
                return self.go[(path, anchor)]
            if path == page.path and anchor:
                return "#" + anchor
            return (other.url if other else "/" + path) + (f"#{anchor}" if anchor else "")

        return Context(url)

    # -- headings -------------------------------------------------------------------------------------------

    def _anchors(self, sp: store.StoredPage, page: Page, stored: str, new: str | None) -> str | None:
        """A heading whose Hugo id changed (renamed in Word, or renumbered by a duplicate's rename) keeps its
        old id ({#old-id}) unless asked otherwise; links and redirects to ids that go away are reported."""
        if new is None:
            return None
        old = page_headings(self.site, sp.path, stored)[1:]
        name_of = {dest: name for name, dest in self.snap.bookmarks.items() if dest[0] == sp.path}
        element_of: dict[str, Element] = {}
        for element in self.reader.elements:
            for name in element.bookmarks:
                element_of.setdefault(name, element)
        shown: list[str | None] = []  # each old heading's text in Word now; None: it is gone
        for heading in old:
            element = element_of.get(name_of.get((sp.path, heading.id), ""))
            is_heading = element is not None and element.kind == "p" and element.ir[0][:1] == "h"
            shown.append(plain(element.ir[3]).replace("\n", " ").strip() if is_heading else None)  # type: ignore[union-attr]
        told: set[str] = set()
        for _ in range(len(old) + 1):  # one at a time: an explicit id can move a duplicate's automatic id
            current = page_headings(self.site, sp.path, new)[1:]
            lines = new.splitlines(keepends=True)
            changed = False
            at = 0
            for heading, text in zip(old, shown, strict=True):
                match = next((k for k in range(at, len(current)) if current[k].text == text), None)
                if text is None or match is None:
                    continue
                at = match + 1
                now = current[match]
                if now.id == heading.id or heading.id in told:
                    continue
                told.add(heading.id)
                pointing = self._pointing(sp.path, heading.id)
                where = f"{page.rel}:{now.source.line}"
                what = "renamed" if now.text != heading.text else "now has another id"
                if self.keep_anchors and not now.explicit_id:
                    line = lines[now.source.line - 1]
                    body = line.rstrip("\r\n")
                    lines[now.source.line - 1] = body.rstrip() + f" {{#{heading.id}}}" + line[len(body) :]
                    changed = True
                    message = f"{where}: heading '{heading.text}' {what}"
                    message += f" ('{now.text}')" if what == "renamed" else ""
                    message += f": kept its anchor with {{#{heading.id}}}"
                    self.result.notes.append(
                        message + (f" (used by {', '.join(pointing)})" if pointing else "")
                    )
                    break
                else:
                    message = (
                        f"{where}: warning: heading '{heading.text}' {what}: #{heading.id} becomes #{now.id}"
                    )
                    self.result.notes.append(
                        message + (f"; these break: {', '.join(pointing)}" if pointing else "")
                    )
            new = "".join(lines)
            if not changed:
                break
        final = {h.id for h in page_headings(self.site, sp.path, new)[1:]}
        for heading, text in zip(old, shown, strict=True):
            if text is None and heading.id not in final and (pointing := self._pointing(sp.path, heading.id)):
                self.result.notes.append(
                    f"{page.rel}:{heading.source.line}: warning: heading '{heading.text}' (#{heading.id}) was "
                    f"deleted; these now point nowhere: {', '.join(pointing)}"
                )
        return new

    def _pointing(self, path: str, hid: str) -> list[str]:
        target = Target(path, hid)
        links = [str(link.source) for link in self.site.links if link.target == target]
        rules = [
            f"{self.site.firebase_rel}:{r.line} ({r.source})"
            for r in self.site.redirects
            if r.target == target
        ]
        return links + rules

    # -- review ---------------------------------------------------------------------------------------------

    def _comments(self) -> None:
        for comment in self.reader.comments.values():
            where = self.locate(comment.element) if comment.element is not None else str(self.docx)
            date = f" ({comment.date})" if comment.date else ""
            text = " / ".join(line for line in comment.text.splitlines() if line.strip())
            self.result.comments.append(f"{where}: {comment.author or 'anonymous'}{date}: {text}")

    def locate(self, index: int) -> str:
        """file:line of an element: its unit's page, and the line in the unit that holds its first words."""
        elements = self.reader.elements
        element = elements[index] if 0 <= index < len(elements) else None
        uid = self.unit_of.get(id(element)) if element is not None else None
        if uid is None:
            return f"{self.docx.name} (before the first page)"
        unit = self.snap.units[uid]
        rel = self.page_of[unit.page].rel
        if unit.head:
            return f"{rel}:1"
        words = plain(element.ir[3])[:30].strip() if element is not None and element.ir[0] != "tbl" else ""
        line = unit.line
        if words:
            for n, text in enumerate(unit.text.splitlines()):
                if words[:20] in text:
                    line = unit.line + n
                    break
        return f"{rel}:{line}"


def split_typed_after(unit: store.StoredUnit, elements: list[Element]) -> tuple[list[Element], list[Element]]:
    """A unit's own elements, and the new blocks typed after them (which Word puts into its segment).
    A new list item or quote paragraph right after a list or quote continues it: it stays with the unit."""
    parts = [store.part_fingerprint(e) for e in elements]
    matched = [
        j1 + k
        for tag, i1, i2, j1, j2 in SequenceMatcher(None, unit.parts, parts, autojunk=False).get_opcodes()
        if tag in ("equal", "replace")
        for k in range(j2 - j1)
    ]
    end = max(matched, default=0) + 1
    own, extra = elements[:end], elements[end:]
    while extra and own and _continues(own[-1], extra[0]):
        own.append(extra.pop(0))
    return own, extra


def _continues(last: Element, new: Element) -> bool:
    if last.kind != "p" or new.kind != "p":
        return False
    if new.ir[1] is not None and last.ir[1] is not None:
        return True  # another item of the same list
    return last.ir[0][:1] == "q" and new.ir[0] == last.ir[0]  # another paragraph of the same quote


def _labels(irs) -> list[str]:
    return [plain(ir[3]) for ir in irs if ir[0] == "label"]


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def page_headings(site: Site, path: str, text: str):
    """The headings of a page's text, with Hugo's ids, without touching the site."""
    raw = text
    body_text = raw.removeprefix("\ufeff")
    fm_raw, meta = split_front_matter(body_text, path)
    page = Page(
        path=path,
        file=site.root / "content" / path,
        rel=f"content/{path}",
        url=page_url(path, meta),
        raw=raw,
        front_matter=meta,
        front_matter_raw=fm_raw,
        body=body_text[len(fm_raw) :],
        body_line=fm_raw.count("\n") + 1,
        title=str(meta.get("title") or ""),
    )

    class _One:  # the site's settings, this one page
        config = site.config
        pages = [page]

    parse_pages(_One)  # type: ignore[arg-type]
    assign_ids(_One)
    return page.headings


TITLE_YAML = re.compile(r"^(title[ \t]*:[ \t]*)(.*?)([ \t]*)$", re.M)
TITLE_TOML = re.compile(r"^(title[ \t]*=[ \t]*)(\"(?:[^\"\\]|\\.)*\"|'[^']*')", re.M)
TITLE_JSON = re.compile(r"(\"title\"\s*:\s*)\"(?:[^\"\\]|\\.)*\"")


def set_title(head: str, title: str) -> str | None:
    """The front matter with a new title, written in the quoting it had; None when it cannot be done safely."""
    bom = "\ufeff" if head.startswith("\ufeff") else ""
    text = head.removeprefix("\ufeff")
    if text.startswith("---"):
        m = TITLE_YAML.search(text)
        if not m or text.find("\n---", m.end()) < 0:
            return None
        value = m.group(2)
        if value.startswith("'"):
            quoted = "'" + title.replace("'", "''") + "'"
        elif value.startswith('"') or not _plain_yaml(title):
            quoted = json.dumps(title, ensure_ascii=False)
        else:
            quoted = title
        return bom + text[: m.start(2)] + quoted + text[m.end(2) :]
    if text.startswith("+++"):
        m = TITLE_TOML.search(text)
        return (
            bom + text[: m.start(2)] + json.dumps(title, ensure_ascii=False) + text[m.end(2) :] if m else None
        )
    if text.startswith("{"):
        m = TITLE_JSON.search(text)
        return bom + text[: m.end(1)] + json.dumps(title, ensure_ascii=False) + text[m.end() :] if m else None
    return None


def _plain_yaml(value: str) -> bool:
    try:
        return yaml.safe_load(f"title: {value}") == {"title": value}
    except yaml.YAMLError:
        return False
