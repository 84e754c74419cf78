"""`aix handout`: a printable part of the document (a threat with its controls, a chapter, the navigator).

Only the selected sections are written and rendered, in one WeasyPrint pass, so a handout takes seconds
however large the document is. Links into the handout jump inside it; links out of it become the
website's permalinks (``https://owaspai.org/go/<name>/`` where a redirect names the section), and since
paper has no links, each section ends with its outside URLs as numbered notes.
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .. import STYLES
from ..buildlog import BuildLog
from ..errors import AixError, InputError
from ..fileio import output_path, why, write_atomic
from ..html.document import DATA_IMAGES
from ..html.hrefs import Linker
from ..html.pagerefs import PageRefs, index_letter
from ..html.release import DocInfo, document_info
from ..html.writer import HtmlWriter, ImagePolicy, esc
from ..model import Heading, Image, Site, Target
from ..pipeline import build_model
from ..reports.sections import Section, select
from ..transforms.links import permalinks
from ..urlpolicy import refused_scheme
from .build import PAGE_TIMEOUT
from .render import Job, run, warm_up
from .workers import Workers

PAPER = {"a4": "A4", "letter": "letter"}
PAPER_POINTS = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}


class LocalImages(ImagePolicy):
    """Images straight from their files under static/ or content/; the fetcher refuses anything else."""

    def src(self, image: Image) -> str | None:
        if image.file is None:
            src = image.src.strip()
            return src if src.startswith(DATA_IMAGES) else None
        return image.file.resolve().as_uri()


@dataclass
class Notes:
    """The outside URLs of one section, numbered in the order they are first linked."""

    urls: list[str] = field(default_factory=list)

    def number(self, url: str) -> int:
        if url not in self.urls:
            self.urls.append(url)
        return self.urls.index(url) + 1


class HandoutWriter(HtmlWriter):
    """The HTML writer with a numbered note after every link that leaves the handout."""

    def __init__(
        self, site: Site, linker: Linker, images: ImagePolicy, warn, link_notes: bool, refs: PageRefs
    ):
        super().__init__(site, linker, images, warn, refs)
        self.link_notes = link_notes
        self.notes = Notes()

    def inline_link(self, tok) -> str:
        anchor = super().inline_link(tok)
        href = self.href_of(tok)
        if href is None or not self.link_notes or href.startswith(("#", "mailto:")):
            return anchor
        return f'{anchor}<sup class="note-ref">[{self.notes.number(href)}]</sup>'

    def href_of(self, tok) -> str | None:
        return self.linker.resolve(self.page.links[tok["_link"]]).href


def permalink(site: Site, heading: Heading, table: dict[Target, str]) -> str:
    """The website address of a heading: its /go/ permalink when a redirect names it, else the page URL
    with the Hugo id."""
    page = site.page(heading.page)
    target = Target(page.path, None if heading.is_title else heading.id)
    if target in table:
        return site.base_url + table[target].lstrip("/")
    url = site.base_url + page.url.lstrip("/")
    return url if heading.is_title else f"{url}#{heading.id}"


def build_handout(
    root: str | Path,
    selectors: list[str],
    out: str | Path,
    log: BuildLog,
    with_controls: bool = False,
    paper: str = "a4",
    link_notes: bool = True,
    page_timeout: float | None = PAGE_TIMEOUT,
) -> Path:
    out = output_path(out, "-o", root)
    with Workers(run, warm_up, page_timeout) as workers:
        workers.start(1)  # WeasyPrint loads in the worker while the sources are read here
        return _build(root, selectors, out, log, with_controls, paper, link_notes, workers)


def _build(root, selectors, out: Path, log: BuildLog, with_controls, paper, link_notes, workers) -> Path:
    log.stage("model")
    site = build_model(root, log.add)
    selection = select(site, selectors, with_controls)
    for note in selection.notes:
        log.note(note)
    info = document_info(site)
    inside = {id(h) for section in selection.sections for h in section.headings}
    table = permalinks(site)

    counts = {"jump": 0, "permalink": 0}

    def internal(heading: Heading) -> str:
        if id(heading) in inside:
            counts["jump"] += 1
            return "#" + heading.doc_id
        counts["permalink"] += 1
        return permalink(site, heading, table)

    linker = Linker(site, log.warn, internal=internal)
    refs = PageRefs(body=True, inside=lambda heading: id(heading) in inside)
    writer = HandoutWriter(site, linker, LocalImages(), log.warn, link_notes, refs)
    log.stage("html")
    html = handout_html(site, selection.sections, writer, info, paper, table)
    log.stage("render")
    data, pages = render_pdf(site, html, log, workers, str(selection.sections[0].heading.source))
    log.gate()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(out, data)
    except OSError as e:
        raise AixError(f"cannot write {out}: {why(e)}") from None
    log.stage(None)
    titles = "; ".join(s.heading.text for s in selection.sections)
    log.finish(
        [
            f"aix handout: wrote {out} ({pages} pages, {paper}) in {log.elapsed():.1f} s: {titles}",
            f"  links: {counts['jump']} jump inside the handout, {counts['permalink']} go to the website's "
            f"permalinks, {linker.stats.external} elsewhere; {len(log.warnings)} warning(s)",
            f"  time: {log.timings()}",
        ]
    )
    return out


def handout_html(
    site: Site,
    sections: list[Section],
    writer: HandoutWriter,
    info: DocInfo,
    paper: str,
    table: dict[Target, str],
) -> str:
    titles = [s.heading.text for s in sections]
    chosen = [s for s in sections if s.selector]  # what was asked for; the rest are linked controls
    added = [s for s in sections if not s.selector]
    sheets = "".join(
        f'<link rel="stylesheet" href="{(STYLES / n).as_uri()}">' for n in ("aix.css", "handout.css")
    )
    parts = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(' / '.join(titles))}</title>",
        f'<meta name="author" content="{esc(info.author)}">',
        f'<meta name="description" content="Handout from {esc(info.title)} ({esc(info.version)})">',
        f'<meta name="keywords" content="{esc(", ".join(info.keywords))}">',
        f"{sheets}<style>@page {{ size: {PAPER[paper]}; }}</style></head>\n<body>\n",
        '<header class="handout-title">',
        f'<p class="kicker">{esc(info.title)} · handout</p>',
        "<h1>" + "<br>".join(esc(s.heading.text) for s in chosen) + "</h1>",
        (
            f'<p class="controls">With the controls it links to: {esc(", ".join(s.heading.text for s in added))}</p>'
            if added
            else ""
        ),
        f'<p class="meta">Sources: {esc(info.version)} · {info.date:%-d %B %Y} · {esc(site.base_url)}</p>',
        "</header>\n",
        _contents(sections),
    ]
    for section in sections:
        writer.notes = Notes()
        link = permalink(site, section.heading, table)
        parts.append(f'<article class="handout-section" data-permalink="{esc(link)}">')
        body = writer.render_page(section.page, section.blocks, title=section.heading.is_title)
        parts.append(body)
        if writer.notes.urls:
            parts.append('<ol class="link-notes">')
            parts += [f'<li><a href="{esc(u)}">{esc(u)}</a></li>' for u in writer.notes.urls]
            parts.append("</ol>")
        parts.append("</article>\n")
    parts.append("</body></html>\n")
    return "".join(parts)


def _contents(sections: list[Section]) -> str:
    out = ['<nav class="handout-toc"><ol>']
    for section in sections:
        top = section.heading.level
        for h in section.headings:
            if h.scope == 0 and h.level <= top + 1 and not index_letter(h):
                cls = "sub" if h.level > top else "top"
                out.append(f'<li class="{cls}"><a href="#{esc(h.doc_id)}">{esc(h.text)}</a></li>')
    out.append("</ol></nav>\n")
    return "".join(out)


def render_pdf(site: Site, html: str, log: BuildLog, workers, where: str | None = None) -> tuple[bytes, int]:
    """Render in the worker that loaded WeasyPrint while the sources were read; the safe fetcher reads
    only the site's static/ and content/ and aix's styles/."""
    roots = [str(site.root / "static"), str(site.root / "content"), str(STYLES)]
    with tempfile.TemporaryDirectory(prefix="aix-handout-") as tmp:
        job = Job("handout", html, site.root.resolve().as_uri() + "/", roots, f"{tmp}/h.pdf", f"{tmp}/h.json")
        workers.submit(job)
        outcome = next(workers.results())
        if outcome.error is not None:
            error = InputError if outcome.code == 2 else AixError
            if outcome.error.startswith("rendering took longer"):
                raise error(f"the handout: {outcome.error}", where=where, hint="--page-timeout")
            raise error(f"rendering the handout failed: {outcome.error}", where=where)
        meta = outcome.value
        for url, why in meta["refused"]:
            log.warn(None, "refused-fetch", f"refused to read {url}: {why}")
        for code, message in meta["warnings"]:
            if code != "refused-fetch":
                log.warn(None, code, message)
        return Path(job.pdf).read_bytes(), len(meta["pages"])


def navigator_handout(
    root: str | Path, out: str | Path, log: BuildLog, navigator: str | Path | None, paper: str = "a4"
) -> Path:
    """The navigator on one page of the chosen paper, scaled to fit, its boxes linking to the website."""
    import pikepdf

    out = output_path(out, "-o", root, inputs=(navigator,))
    site = build_model(root, log.add)
    info = document_info(site, navigator)
    if info.navigator is None:
        raise AixError("no navigator: name one in aix.yaml (navigator:) or give --navigator FILE.pdf")
    with pikepdf.open(info.navigator) as source, pikepdf.new() as pdf:
        nav = source.pages[0]
        x0, y0, x1, y1 = (float(v) for v in nav.mediabox)
        w, h = x1 - x0, y1 - y0
        pw, ph = PAPER_POINTS[paper]
        if (w > h) != (pw > ph):
            pw, ph = ph, pw
        margin = 18.0
        scale = min((pw - 2 * margin) / w, (ph - 2 * margin) / h)
        dx, dy = (pw - w * scale) / 2, (ph - h * scale) / 2
        page = pdf.add_blank_page(page_size=(pw, ph))
        page.add_overlay(
            pdf.copy_foreign(nav.as_form_xobject()), pikepdf.Rectangle(dx, dy, dx + w * scale, dy + h * scale)
        )
        links = 0
        annots = pikepdf.Array()
        for annot in nav.obj.get("/Annots", []):
            if annot.get("/Subtype") != "/Link":
                continue
            action = annot.get("/A")
            uri = str(action.get("/URI")) if action is not None and action.get("/URI") is not None else None
            if uri is None or refused_scheme(uri) is not None:
                continue
            if uri.startswith("/"):
                uri = site.base_url + uri.lstrip("/")
            ax0, ay0, ax1, ay1 = (float(v) for v in annot.Rect)
            rect = [
                dx + (ax0 - x0) * scale,
                dy + (ay0 - y0) * scale,
                dx + (ax1 - x0) * scale,
                dy + (ay1 - y0) * scale,
            ]
            annots.append(
                pdf.make_indirect(
                    pikepdf.Dictionary(
                        Type=pikepdf.Name.Annot,
                        Subtype=pikepdf.Name.Link,
                        Rect=rect,
                        Border=[0, 0, 0],
                        A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String(uri)),
                    )
                )
            )
            links += 1
        page.obj.Annots = annots
        pdf.docinfo["/Title"] = f"{info.title}: navigator"
        pdf.docinfo["/Author"] = info.author
        buffer = io.BytesIO()
        pdf.save(buffer)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(out, buffer.getvalue())
    except OSError as e:
        raise AixError(f"cannot write {out}: {why(e)}") from None
    log.finish(
        [f"aix handout: wrote {out} (the navigator on one {paper} page, {links} links to the website)"]
    )
    return out
