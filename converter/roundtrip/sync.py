"""`aix sync`: the edits made in a Word snapshot, back into the split Markdown sources.

The snapshot's store holds every unit's exact source; the body is cut into units at their markers. A unit
whose fingerprint is unchanged gives its stored source back, byte for byte. An edited unit is written
again from what Word shows (roundtrip.markdown) and merged into its source (merge3.merge3), so only the stretch that was
edited changes. Units gone from the document are dropped; content typed between units belongs to the unit
before it. A unit moved in Word to another page (its marker travels with it, or is copied into text recorded
as moved) is written into that page where it now stands, its page-relative links made to work there. A page
whose file changed in git since the snapshot gets the Word edits merged line by line (diff3): edits made
alike on both sides are taken once, different edits of the same lines are conflicts, all reported with the
three texts, or written as git-style conflict blocks when asked.
"""

from __future__ import annotations

import dataclasses
import json
import re
from difflib import SequenceMatcher
from pathlib import Path
from typing import Literal

import yaml

from ..errors import InputError
from ..hugo import typographer
from ..hugo.loader import page_url, split_front_matter
from ..hugo.pages import parse_pages, parse_part
from ..model import Link, Page, Site, Source, Target, Token
from ..ooxml.namespaces import STRICT_PREFIX
from ..ooxml.package import open_docx
from ..transforms.anchors import assign_ids
from ..transforms.links import resolve, resolve_page_links
from . import rawhtml, store
from .ast_writer import AstWriter
from .bookmarks import BookmarkNames
from .ir import ast_ir, fingerprint, plain
from .markdown import Context, HouseStyle, markdown
from .merge3 import merge3, merge_lines
from .outcome import FileChange, PageConflict, SyncResult, no_store
from .reader import Change, Element, WordReader

ChangesMode = Literal["accept", "reject", "refuse"]
ConflictsMode = Literal["refuse", "markers"]
INLINE_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
BLANK_TAIL = re.compile(r"(?:(?<=\n)|\A)(?:[ \t]*\r?\n)*\Z|\Z")  # the blank lines after a block's last line
LINK_URL = re.compile(  # where a block names a URL: ](url), [ref]: url, href="url"
    r"\]\(\s*<?(?P<url>[^)\s>]*)|^[ ]{0,3}\[[^\]]+\]:[ \t]*<?(?P<ref>[^\s>]+)|href=[\"'](?P<href>[^\"']*)",
    re.M,
)


class Syncer:
    def __init__(
        self,
        docx: Path,
        site: Site,
        changes: ChangesMode = "refuse",
        keep_anchors: bool = True,
        conflicts: ConflictsMode = "refuse",
    ):
        self.docx, self.site, self.mode, self.keep_anchors = Path(docx), site, changes, keep_anchors
        self.conflict_mode = conflicts
        with open_docx(docx) as pkg:
            snapshot = store.find(pkg)
            if snapshot is None:
                raise no_store(pkg, str(docx))
            self.snap = snapshot
            self._same_site()
            self.page_of = self._site_pages()
            if pkg.document().tag.startswith(STRICT_PREFIX):
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
        self.subs = typographer.substitutions(site.config)
        self.go = self._permalinks()
        self.result = SyncResult(units=len(self.snap.units), snapshot_commit=self.snap.commit)
        self.host: dict[int, str] = {}  # unit -> the page it is written into (another one when moved there)
        self.stays: set[int] = set()  # units moved where aix cannot follow: written where they were

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
                result.tracked.append(f"{self.locate_change(change)}: {change.kind}{who}{when}{text}")
            return result
        self._comments()
        self._place()
        for sp in self.snap.pages:
            self._page(sp)
        return result

    # -- where each unit now stands -------------------------------------------------------------------------

    def _place(self) -> None:
        """Which page each unit is written into. A page's region runs from its title to the next title; a
        unit found in another page's region was moved there in Word and goes there. A title out of the
        pages' order (moved) starts no region, and its page's units are not moved for it; a unit before
        the first title cannot be placed and stays where it was. Both with a warning."""
        units = self.snap.units
        rank = {u.uid: n for n, u in enumerate(u for p in self.snap.pages for u in p.units)}
        heads = [uid for uid in self.segs.order if units[uid].head]
        in_order = set(_increasing(heads, rank))
        head_of = {p.path: p.units[0].uid for p in self.snap.pages if p.units}
        region: str | None = None
        for uid in self.segs.order:
            unit = units[uid]
            self.host[uid] = unit.page
            if unit.head:
                if uid in in_order:
                    region = unit.page
                else:
                    self.result.notes.append(
                        f"{self.page_of[unit.page].rel}:1: warning: the page title was moved in Word, away from "
                        "the page's place among the pages; the page stays where it was (pages are ordered "
                        "by their weight)"
                    )
                continue
            if region == unit.page or head_of.get(unit.page) not in in_order:
                continue
            where = f"{self.page_of[unit.page].rel}:{unit.line}"
            if region is None:
                self.stays.add(uid)
                self.result.notes.append(
                    f"{where}: warning: moved in Word to before the first page; it stays where it was"
                )
            else:
                self.host[uid] = region

    def _page(self, sp: store.StoredPage) -> None:
        page = self.page_of[sp.path]
        order = self._order(sp)
        head = sp.units[0]
        parts: list[str] = []
        if head.uid not in self.segs.by_unit:
            parts.append(head.text)
            if any(u.uid in self.segs.by_unit for u in sp.units[1:]):
                self.result.notes.append(
                    f"{page.rel}:1: the page title was deleted in Word; the page is kept"
                )
        present = {uid for uid in self.segs.order if self.snap.units[uid].page == sp.path}
        arrived: list[tuple[store.StoredUnit, int]] = []  # units moved here, and their line here
        for uid in order:
            unit = self.snap.units[uid]
            elements = self.segs.by_unit[uid]
            if not elements:
                self.result.removed += 1  # joined into the unit before it
                continue
            own = self.page_of[unit.page]
            moved = unit.page != sp.path
            if moved:
                arrived.append((unit, "".join(parts).count("\n") + 1))
            elements = self._restyled(unit, elements, own)
            same = fingerprint([e.ir for e in elements]) == unit.fp
            if same and not moved:
                parts.append(unit.text)
                continue
            self.result.edited += not same
            if unit.head:
                parts.append(self._head(unit, elements, own))
            else:  # a unit before the first page keeps none of the cover after it
                parts.append(self._unit(unit, elements, own, page, uid not in self.stays))
        for unit in sp.units:
            if unit.uid not in present and not unit.head:
                self.result.removed += 1
        for unit, line in arrived:
            self.result.notes.append(
                f"{self.page_of[unit.page].rel}:{unit.line}: moved in Word to {page.rel}:{line}"
            )
        stored = sp.text
        if head.uid not in present and not any(u.uid in present for u in sp.units):
            new: str | None = None  # every block of the page, title included, was deleted (or moved away)
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
                self.result.conflicts.append(PageConflict(page.rel, 1, stored, current, None))
                return
            merged, conflicts = merge_lines(stored, current, new, markers=self.conflict_mode == "markers")
            for c in conflicts:
                self.result.conflicts.append(PageConflict(page.rel, c.line, c.base, c.mine, c.theirs))
            if conflicts and self.conflict_mode != "markers":
                return
            if merged == current and not conflicts:
                self.result.notes.append(
                    f"{page.rel}: changed in git since the snapshot; it holds the Word edits"
                )
            else:
                self.result.notes.append(
                    f"{page.rel}: changed in git since the snapshot; Word edits merged line by line"
                )
            new = merged
        if new != current:
            self.result.changes.append(FileChange(page.rel, page.file, current, new))

    def _order(self, sp: store.StoredPage) -> list[int]:
        """The units written into a page, in order: its title first, then the units that stand in its region
        in the order they stand there; a unit that stays where it was goes after its stored predecessor."""
        rank = {u.uid: n for n, u in enumerate(sp.units)}
        order = [uid for uid in self.segs.order if self.host.get(uid) == sp.path and uid not in self.stays]
        head = sp.units[0].uid
        if head in order:
            order.remove(head)
            order.insert(0, head)
        for uid in sorted(
            (u for u in self.stays if self.snap.units[u].page == sp.path), key=rank.__getitem__
        ):
            before = [k for k, other in enumerate(order) if other in rank and rank[other] < rank[uid]]
            order.insert(before[-1] + 1 if before else 0, uid)
        return order

    def _restyled(self, unit: store.StoredUnit, elements: list[Element], page: Page) -> list[Element]:
        """Undo what LibreOffice does to the paragraph after one whose paragraph mark a tracked change
        deletes or inserts: it gives it that paragraph's style (and its Accept All and Reject All keep it).
        Only when the style is all that differs from the snapshot."""
        first = elements[0]
        if first.after_mark is None or first.ir[0] != first.after_mark[0] or first.restyled or unit.head:
            return elements
        if fingerprint([e.ir for e in elements]) == unit.fp:
            return elements
        tail = BLANK_TAIL.search(unit.text)
        core = unit.text[: tail.start()]  # type: ignore[union-attr]
        before = list(unit.shown) if unit.shown is not None else self._base_irs(core, page, unit.line)
        if not before or before[0][0] == "tbl" or tuple(before[0][3]) != tuple(first.ir[3]):
            return elements
        fixed = dataclasses.replace(first, ir=(*before[0][:3], first.ir[3]))
        return [fixed, *elements[1:]]

    # -- one unit -------------------------------------------------------------------------------------------

    def _unit(
        self,
        unit: store.StoredUnit,
        elements: list[Element],
        page: Page,
        host: Page,
        typed_after: bool = True,
    ) -> str:
        """A unit's new text; `host` is the page it is written into (another one when moved there);
        `typed_after`: with the new blocks that follow it in Word."""
        tail = BLANK_TAIL.search(unit.text)
        core, trail = unit.text[: tail.start()], unit.text[tail.start() :]  # type: ignore[union-attr]
        own, extra = split_typed_after(unit, elements)
        extra = extra if typed_after else []
        crlf = "\r\n" in unit.text  # a page with CRLF line ends: merged with LF, written back with CRLF
        style = HouseStyle.of(core, host.body)
        ctx = self._context(host, elements)
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
                html = self._html(core, list(before), [e.ir for e in own], ctx, page, unit)
                if html is not None:
                    text = html
                else:
                    base = markdown(list(before), style, self._context(page, elements))
                    source = core.replace("\r\n", "\n") if crlf else core  # merged as the writer writes
                    newline = source.endswith("\n")
                    text = merge3(base, source if newline else source + "\n", edited)
                    if not newline:
                        text = text.removesuffix("\n")
                    if crlf:
                        text = text.replace("\n", "\r\n")
        if host is not page:
            text = self._relink(text, page, host)
        added = markdown([e.ir for e in extra], dataclasses.replace(style, start=1), ctx) if extra else ""
        if not text and not added:
            return ""
        if added:  # new blocks typed after this one: their own lines, a blank line around them
            nl = "\r\n" if crlf else "\n"
            added = added.replace("\n", nl)
            text = (text if text.endswith("\n") or not text else text + nl) + (nl if text else "") + added
            trail = trail or nl
        return text + trail

    def _relink(self, text: str, page: Page, host: Page) -> str:
        """A block moved from `page` to `host`: its links relative to `page` (`#anchor`, `../x/`, `x.md`)
        rewritten to name the same place from `host` (its permalink where a redirect names it)."""

        def fix(m: re.Match) -> str:
            name = m.lastgroup or "url"
            url = m.group(name)
            if not url or url.startswith("/") or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", url):
                return m.group(0)
            link = Link(url, "", Source(page.rel, 1), page=page.path)
            resolve(self.site, page, link)
            if link.target is not None:
                new = self._url_of(link.target, host)
            elif link.site_path is not None:
                new = link.site_path
            else:
                return m.group(0)
            return m.group(0)[: m.start(name) - m.start()] + new + m.group(0)[m.end(name) - m.start() :]

        return LINK_URL.sub(fix, text)

    def _url_of(self, target: Target, host: Page) -> str:
        other = self.site.find_page(target.page)
        anchor = target.anchor if other is None or target.anchor != other.slug else None
        if (target.page, anchor) in self.go:
            return self.go[(target.page, anchor)]
        if target.page == host.path and anchor:
            return "#" + anchor
        return (other.url if other else "/" + target.page) + (f"#{anchor}" if anchor else "")

    def _read(self, core: str, page: Page, line: int) -> tuple[Page, list[Token]]:
        """A unit's tokens and the page whose links and images they index: the page's own block when the
        site still has it, else the snapshot's text read and resolved as the pipeline reads a page (the
        reader, then the links transform), so that the writer finds everything in the model."""
        tokens = [
            b.token for b in page.blocks if b.line == line and b.text.rstrip("\r\n") == core.rstrip("\r\n")
        ]
        if tokens:
            return page, tokens
        part = parse_part(page, core, line, self.subs)
        resolve_page_links(self.site, part)
        return part, [b.token for b in part.blocks if b.kind != "blank_line"]

    def _base_irs(self, core: str, page: Page, line: int) -> list:
        """What Word showed of the block before the edit: the writer run on the block's own tokens."""
        self.writer.page, tokens = self._read(core, page, line)
        return ast_ir(self.writer.blocks(tokens))

    def _html(self, core: str, before: list, after: list, ctx: Context, page: Page, unit) -> str | None:
        """A raw HTML block shown rendered (a table...): each edited paragraph or cell written into its own
        place in the HTML (rawhtml.write_back); what cannot be is reported and the source kept. None for
        any other block."""
        self.writer.page, tokens = self._read(core, page, unit.line)
        if len(tokens) != 1 or tokens[0]["type"] != "block_html":
            return None
        blocks, layout = self.writer.raw_html(tokens[0], core.rstrip("\r\n"))  # the source itself: CRLF kept
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
            style = HouseStyle.of("", page.body)  # no block of its own: numbers start at 1
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
            found = element_of.get(name_of.get((sp.path, heading.id), ""))
            if found is not None and found.kind == "p" and found.ir[0][:1] == "h":
                shown.append(_heading_text(plain(found.ir[3])))
            else:
                shown.append(None)
        told: set[str] = set()
        for _ in range(len(old) + 1):  # one at a time: an explicit id can move a duplicate's automatic id
            current = page_headings(self.site, sp.path, new)[1:]
            lines = new.splitlines(keepends=True)
            changed = False
            at = 0
            for heading, text in zip(old, shown, strict=True):
                match = next(
                    (k for k in range(at, len(current)) if _heading_text(current[k].text) == text), None
                )
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
            if heading.id not in final and (pointing := self._pointing(sp.path, heading.id)):
                what = (
                    "was deleted"
                    if text is None
                    else "is no longer a heading of this page (moved or restyled)"
                )
                self.result.notes.append(
                    f"{page.rel}:{heading.source.line}: warning: heading '{heading.text}' (#{heading.id}) {what}"
                    f"; these now point nowhere: {', '.join(pointing)}"
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

    def locate(self, index: int, words: str | None = None) -> str:
        """file:line of an element: its unit's page, and the line in the unit that holds its first words."""
        elements = self.reader.elements
        element = elements[index] if 0 <= index < len(elements) else None
        uid = self.unit_of.get(id(element)) if element is not None else None
        return self._line_of(uid, element, words)

    def locate_change(self, change: Change) -> str:
        """file:line of a tracked change: of the paragraph it was made in, also when that paragraph is gone
        as read (a deleted paragraph: its own line, found by its marker and its words)."""
        source = change.source
        words = change.text if change.text.strip() else None
        if source is not None and source.into is not None:
            uid = next((m for m in source.markers if m in self.snap.units), None)
            if uid is not None:
                return self._line_of(uid, None, words)
        return self.locate(change.element, words)

    def _line_of(self, uid: int | None, element: Element | None, words: str | None) -> str:
        if uid is None:
            return f"{self.docx.name} (before the first page)"
        unit = self.snap.units[uid]
        rel = self.page_of[unit.page].rel
        if unit.head:
            return f"{rel}:1"
        if words is None:
            words = plain(element.ir[3]) if element is not None and element.ir[0] != "tbl" else ""
        words = " ".join(words.split())[:30].strip()
        line = unit.line
        if words:
            for n, text in enumerate(unit.text.splitlines()):
                if words[:20] in text:
                    line = unit.line + n
                    break
        return f"{rel}:{line}"


def _increasing(items: list[int], rank: dict[int, int]) -> list[int]:
    """A longest run of `items` whose ranks increase (patience sorting): the ones still in their order."""
    tails: list[int] = []  # index into items of the last item of the best run of each length
    back: list[int] = [-1] * len(items)
    for k, item in enumerate(items):
        lo, hi = 0, len(tails)
        while lo < hi:
            mid = (lo + hi) // 2
            if rank[items[tails[mid]]] < rank[item]:
                lo = mid + 1
            else:
                hi = mid
        back[k] = tails[lo - 1] if lo else -1
        if lo == len(tails):
            tails.append(k)
        else:
            tails[lo] = k
    out: list[int] = []
    k = tails[-1] if tails else -1
    while k >= 0:
        out.append(items[k])
        k = back[k]
    return out[::-1]


def _heading_text(text: str) -> str:
    """A heading's text as Word shows it and as the model has it, made comparable: Word shows inline raw
    HTML (`## alpha <b>`) as its source, the model's heading text leaves it out, as Hugo's ids do."""
    return " ".join(INLINE_TAG.sub(" ", text).split())


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
