"""`aix pdf`: the release PDF checked by structure (bookmarks, links, destinations, contents numbers,
navigator, metadata), never by bytes; on a small site built here, and on aix-2026 when the corpus is there."""

from __future__ import annotations

import io
import os
import re
import shutil
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import lxml.html
import pikepdf
import pytest
from click.testing import CliRunner
from conftest import write_site
from fontTools.ttLib import TTFont
from pdf_measure import characters_per_line
from pdf_pages import page_fill
from PIL import Image
from pypdf import PdfReader

from converter.__main__ import cli
from converter.errors import AixError
from converter.html.document import toc_headings
from converter.model import Source
from converter.pdf.fetcher import SafeFetcher
from converter.pdf.fonts import font_file, stamp_font
from converter.pipeline import build_model
from converter.transforms.links import names_document_content

REDIRECTS = [
    ("/go/evasion/", "/docs/2_threats/#21-evasion"),
    ("/go/monitoruse/", "/docs/1_controls/#monitor-use"),
    ("/goto/threats/", "/docs/2_threats/"),
    ("/go/outside/", "https://example.org/outside"),
]
PAGES = {
    "content/docs/_index.md": """
        ---
        title: Content
        ---
        {{< cards >}}
            {{< small-card link="/docs/1_controls/" title="1. Controls">}}
            {{< small-card link="/docs/2_threats/" title="2. Threats">}}
        {{< /cards >}}
        """,
    "content/docs/1_controls.md": """
        ---
        title: 1. Controls
        weight: 1
        ---
        ## 1.1 Governance
        Governance text with a [permalink](/go/evasion/) and a [page link](/docs/2_threats/#introduction).
        Emoji ✅ and ❌ and CJK 数据投毒 stay readable.

        #### #MONITOR USE
        > Category: control
        > Permalink: https://owaspai.org/go/monitoruse/

        See [the threats](/goto/threats/), [up](#11-governance), [relative](../2_threats/#22-prompt-injection)
        and [outside](https://example.com/page) and [elsewhere](/go/outside/) and [contribute](/contribute/).

        ![Diagram](/images/diagram.png)

        ![Gone](/images/gone.png)

        | Control | Threat | Phase | Owner | Notes on the control that can run long enough to wrap |
        |---|---|---|---|---|
        | #MONITOR USE | evasion | runtime | operations | watch the input for unusual patterns over time |

        ```
        a very long line of code that goes on and on and on and on and on and on and on and on and on and on
        ```

        ## Introduction
        Repeated heading ids get page-prefixed document ids.
        """,
    "content/docs/2_threats.md": """
        ---
        title: 2. Threats
        weight: 2
        ---
        ## Introduction
        Threats come in through use.

        ## 2.1 Evasion
        Evasion text, see [monitoring](/go/monitoruse/).

        ### 2.1.1 Zero-knowledge evasion
        Text.

        ## 2.2 Prompt injection
        Back to [governance](https://owaspai.org/docs/1_controls/#11-governance).
        """,
}
NAVIGATOR_LINKS = [
    "https://owaspai.org/go/evasion/",
    "https://owaspai.org/docs/1_controls/#monitor-use",
    "https://example.org/not-in-the-document",
]


def make_navigator(path: Path, urls: list[str], size=(842, 595), rects=None) -> None:
    """A one-page vector navigator whose boxes link to the website, like the real one."""
    rects = rects or [(40 + 260 * i, 400, 240 + 260 * i, 500) for i in range(len(urls))]
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=size)
    ops = b"".join(
        b"0.2 0.4 0.8 rg %d %d %d %d re f\n" % (x1, y1, x2 - x1, y2 - y1) for x1, y1, x2, y2 in rects
    )
    page.obj.Contents = pdf.make_stream(ops)
    page.obj.Annots = pdf.make_indirect(
        pikepdf.Array(
            pdf.make_indirect(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Annot,
                    Subtype=pikepdf.Name.Link,
                    Rect=list(rect),
                    A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String(url)),
                )
            )
            for url, rect in zip(urls, rects, strict=True)
        )
    )
    pdf.save(path)


def make_sample(root: Path) -> Path:
    files = {rel: textwrap.dedent(text).lstrip("\n") for rel, text in PAGES.items()}
    files["aix.yaml"] = (
        "title: Test Exchange\nauthor: Test Authors\nversion: 9.9\nnavigator: static/nav.pdf\n"
    )
    write_site(root, files, REDIRECTS)
    (root / "static" / "images").mkdir(parents=True)
    Image.new("RGBA", (400, 200), (30, 120, 200, 255)).save(root / "static" / "images" / "diagram.png")
    make_navigator(root / "static" / "nav.pdf", NAVIGATOR_LINKS)
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The small site built once for the module: (site root, PDF path, stderr of the build)."""
    base = tmp_path_factory.mktemp("pdf")
    root = make_sample(base / "site")
    out = base / "out" / "test.pdf"
    result = CliRunner().invoke(cli, ["pdf", str(root), "-o", str(out), "--no-cache"])
    assert result.exit_code == 0, result.output
    return root, out, result.stderr


# Reading the PDF as a reader's viewer would


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, page index) of every bookmark, in order."""
    rows: list[tuple[int, str, int]] = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                rows.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 1)
    return rows


def chapters(reader: PdfReader) -> list[tuple[int, str, int]]:
    """The bookmarks after those of the cover, navigator and contents: the document's headings."""
    rows = outline(reader)
    front = next(i for i, (_, title, _) in enumerate(rows) if title == "Contents") + 1
    return rows[front:]


def links(reader: PdfReader) -> list[tuple[int, str, object]]:
    """(page index, 'uri' or 'dest', URI or destination page index) of every link annotation."""
    dests = reader.named_destinations
    rows = []
    for index, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            if "/Dest" in annot:
                name = annot["/Dest"]
                target = reader.get_destination_page_number(dests[name]) if name in dests else None
                rows.append((index, "dest", target))
            else:
                action = annot["/A"]
                rows.append(
                    (index, "uri" if action["/S"] == "/URI" else str(action["/S"]), action.get("/URI"))
                )
    return rows


def expected_depths(levels: list[int]) -> list[int]:
    """Bookmark depth from heading levels: a heading nests under the nearest lower level before it."""
    stack: list[int] = []
    depths = []
    for level in levels:
        while stack and stack[-1] >= level:
            stack.pop()
        stack.append(level)
        depths.append(len(stack))
    return depths


def stamped(font) -> bool:
    """Whether a font is the one the merge stamps with: the body font's own, as a simple TrueType font."""
    name = str(font.get("/BaseFont", "")).split("+")[-1]
    return font.get("/Subtype") == "/TrueType" and name.startswith("LiberationSans")


def contents_numbers(reader: PdfReader) -> list[tuple[int, int]]:
    """(stamped page number, page the entry's link jumps to) for each contents entry."""
    dests = reader.named_destinations
    pairs = []
    for page in reader.pages:
        annots = [a.get_object() for a in page.get("/Annots") or []]
        entries = [(a["/Rect"], a["/Dest"]) for a in annots if "/Dest" in a]
        numbers: list[tuple[str, float, float]] = []

        def visit(text, cm, tm, font, size, numbers=numbers):
            if text.strip().isdigit() and font is not None and stamped(font):
                numbers.append((text.strip(), tm[4], tm[5]))

        page.extract_text(visitor_text=visit)
        for number, x, y in numbers:
            for rect, name in entries:
                x1, y1, x2, y2 = (float(v) for v in rect)
                if min(y1, y2) - 1 <= y <= max(y1, y2) + 1 and x <= max(x1, x2) + 1:
                    pairs.append((int(number), reader.get_destination_page_number(dests[name]) + 1))
                    break
    return pairs


# The small site


def it_nests_bookmarks_by_heading_level_with_the_heading_text(built):
    root, out, _ = built
    site = build_model(root)
    rows = chapters(PdfReader(out))
    assert [title for _, title, _ in rows] == [h.text for h in site.headings]
    assert [depth for depth, _, _ in rows] == expected_depths([h.level for h in site.headings])
    assert max(depth for depth, _, _ in rows) == 3


def it_bookmarks_the_cover_navigator_and_contents_first(built):
    _, out, _ = built
    assert outline(PdfReader(out))[:3] == [(1, "Cover", 0), (1, "Navigator", 1), (1, "Contents", 2)]


def it_writes_no_link_area_without_width_or_height(built):
    _, out, _ = built
    with pikepdf.open(out) as pdf:
        rects = [[float(v) for v in a.Rect] for page in pdf.pages for a in page.obj.get("/Annots", [])]
    assert rects and all(abs(x2 - x1) > 0.01 and abs(y2 - y1) > 0.01 for x1, y1, x2, y2 in rects)


def it_makes_every_link_a_jump_to_a_page_or_an_external_uri(built):
    root, out, _ = built
    reader = PdfReader(out)
    rows = links(reader)
    assert rows and all(kind in ("dest", "uri") for _, kind, _ in rows)
    assert all(
        target is not None and 0 <= target < len(reader.pages) for _, kind, target in rows if kind == "dest"
    )
    uris = [target for _, kind, target in rows if kind == "uri"]
    site = build_model(root)
    assert [u for u in uris if names_document_content(site, u)] == []
    assert "https://example.com/page" in uris and "https://example.org/outside" in uris
    assert "https://owaspai.org/contribute/" in uris


def it_jumps_to_the_heading_a_permalink_names(built):
    _, out, _ = built
    reader = PdfReader(out)
    evasion = next(page for _, title, page in outline(reader) if title == "2.1 Evasion")
    governance = next(page for _, title, page in outline(reader) if title == "1.1 Governance")
    jumps = [(page, target) for page, kind, target in links(reader) if kind == "dest"]
    assert (governance, evasion) in jumps  # /go/evasion/ in 1.1 Governance
    assert (evasion, governance) in jumps or any(t == governance for p, t in jumps if p > evasion)


def it_numbers_the_contents_with_the_pages_the_bookmarks_point_to(built):
    root, out, _ = built
    reader = PdfReader(out)
    pairs = contents_numbers(reader)
    assert len(pairs) == len(toc_headings(build_model(root)))
    assert all(number == page for number, page in pairs)
    bookmark_pages = sorted({page + 1 for _, _, page in outline(reader)})
    assert {number for number, _ in pairs} <= set(bookmark_pages)


def it_places_the_navigator_as_a_vector_page_whose_boxes_jump_inside(built):
    _, out, stderr = built
    reader = PdfReader(out)
    nav = reader.pages[1]
    assert round(float(nav.mediabox.width)) == 842 and not nav.images  # the page itself, not a picture of it
    rows = [row for row in links(reader) if row[0] == 1]
    pages = {title: page for _, title, page in outline(reader)}
    assert rows == [
        (1, "dest", pages["2.1 Evasion"]),
        (1, "dest", pages["#MONITOR USE"]),
        (1, "uri", "https://example.org/not-in-the-document"),
    ]
    assert (
        "2 links jump inside, 1 stay external" in stderr
        and "https://example.org/not-in-the-document" in stderr
    )


def it_scales_a_navigator_larger_than_the_paper_onto_it_and_drops_boxes_outside(tmp_path):
    root = make_sample(tmp_path / "site")
    inside, partly, outside = (100, 600, 300, 700), (800, 100, 950, 200), (898, 218, 1013, 253)
    make_navigator(
        root / "static" / "nav.pdf",
        [NAVIGATOR_LINKS[0], NAVIGATOR_LINKS[2], NAVIGATOR_LINKS[2], "https://wiki.example/x"],
        size=(892.8, 822.24),
        rects=[inside, (400, 300, 500, 400), partly, outside],
    )
    out = tmp_path / "out.pdf"
    result = CliRunner().invoke(cli, ["pdf", str(root), "-o", str(out), "--no-cache"])
    assert result.exit_code == 0, result.output
    with pikepdf.open(out) as pdf:
        nav = pdf.pages[1]
        width, height = (float(v) for v in nav.mediabox[2:])
        assert (round(width), round(height)) == (842, 595)  # A4 landscape shows it larger than portrait
        rects = [[float(v) for v in annot.Rect] for annot in nav.obj.Annots]
        scale = (height - 2 * 18) / 822.24  # the height limits it, inside the 18 pt margin
        dx, dy = (width - 892.8 * scale) / 2, 18
        x1, y1, x2, y2 = inside
        assert len(rects) == 3
        assert rects[0] == pytest.approx([dx + x1 * scale, dy + y1 * scale, dx + x2 * scale, dy + y2 * scale])
        assert rects[2][2] == pytest.approx(dx + 892.8 * scale, abs=0.01)  # cut at its page's edge
        assert all(0 <= x1 < x2 <= width and 0 <= y1 < y2 <= height for x1, y1, x2, y2 in rects)
        drawing = [i for i in pikepdf.parse_content_stream(nav) if str(i.operator) != "BDC"]
        first = drawing[:5]  # scaled and clipped to its own page, in place (inside its Figure's tag)
        assert [str(i.operator) for i in first] == ["q", "cm", "re", "W", "n"]
        assert [float(v) for v in first[1].operands] == pytest.approx([scale, 0, 0, scale, dx, dy], abs=1e-3)
        assert [float(v) for v in first[2].operands] == [0, 0, 892.8, 822.24]
    assert "1 links jump inside, 2 stay external (1 addresses, 1 repeated):" in result.stderr
    assert "navigator boxes outside its page, dropped: 1:\n    https://wiki.example/x" in result.stderr


def it_starts_with_a_cover_and_each_chapter_on_a_new_page_with_running_header_and_footer(built):
    root, out, _ = built
    reader = PdfReader(out)
    cover = reader.pages[0].extract_text()
    assert "Test Exchange" in cover and "Test Authors" in cover and "version 9.9" in cover
    titles = [(title, page) for depth, title, page in chapters(reader) if depth == 1]
    assert len({page for _, page in titles}) == len(titles)  # each chapter on its own page
    total = len(reader.pages)
    for title, page in titles:
        text = reader.pages[page].extract_text()
        assert f"{page + 1} / {total}" in text
        assert text.count(title) >= 2  # the running header and the title itself


def it_writes_the_metadata(built):
    _, out, _ = built
    with pikepdf.open(out) as pdf:
        info = pdf.docinfo
        assert str(info.Title) == "Test Exchange" and str(info.Author) == "Test Authors"
        assert str(info.Subject) and "AI security" in str(info.Keywords)
        assert str(info.CreationDate).startswith("D:20")
        with pdf.open_metadata() as xmp:
            assert xmp["dc:title"] == "Test Exchange"
        assert pdf.Root.PageMode == pikepdf.Name.UseOutlines


def fonts_of(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every font the pages use, with the descendants of composite fonts."""
    found = {}
    for page in pdf.pages:
        for font in page.obj.get("/Resources", {}).get("/Font", {}).values():
            for each in [font, *font.get("/DescendantFonts", [])]:
                found[each.objgen] = each
    return list(found.values())


def it_stamps_in_the_embedded_body_font_and_says_a_true_version(built):
    _, out, _ = built
    assert out.read_bytes()[:8] == b"%PDF-1.7"  # the parts' version; transparency and XMP need 1.4
    with pikepdf.open(out) as pdf:
        fonts = fonts_of(pdf)
        unembedded = [
            str(f.BaseFont)
            for f in fonts
            if f.Subtype != "/Type0"
            and not {"/FontFile", "/FontFile2", "/FontFile3"} & set(f.FontDescriptor.keys())
        ]
        assert unembedded == []
        footer = pdf.pages[2].Resources.Font.AixR
        assert stamped(footer) and footer.Encoding == "/WinAnsiEncoding"
        program = TTFont(io.BytesIO(footer.FontDescriptor.FontFile2.read_bytes()))
        scale = 1000 / program["head"].unitsPerEm
        advance = {c: program["hmtx"][program.getBestCmap()[ord(c)]][0] * scale for c in "0123456789 /(p.)"}
        widths = {chr(footer.FirstChar + i): float(w) for i, w in enumerate(footer.Widths)}
        assert all(abs(widths[c] - advance[c]) < 0.5 for c in advance)  # the drawn font's own metrics


def it_refuses_a_stamp_font_that_is_missing_or_outside_the_system_fonts(built, tmp_path, monkeypatch):
    root, _, _ = built
    stamp_font.cache_clear()
    monkeypatch.setattr("converter.pdf.fonts.FAMILY", "No Such Family")
    result = CliRunner().invoke(cli, ["pdf", str(root), "-o", str(tmp_path / "a.pdf"), "--no-cache"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.splitlines()[-1].startswith("error: the font No Such Family:regular")
    monkeypatch.undo()
    stamp_font.cache_clear()
    fake = tmp_path / "bin" / "fc-match"
    fake.parent.mkdir()
    fake.write_text(f"#!/bin/sh\nprintf 'Liberation Sans\\n{tmp_path}/evil.ttf'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}:{os.environ['PATH']}")
    with pytest.raises(AixError, match="not a TrueType file among the system fonts"):
        font_file("Liberation Sans", bold=False)


def it_shows_a_placeholder_for_a_missing_image_and_warns_with_file_and_line(built):
    _, out, stderr = built
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert "image not available: /images/gone.png" in text
    assert "content/docs/1_controls.md:18: warning: image /images/gone.png is missing" in stderr


def it_embeds_the_images_and_finds_a_glyph_for_every_character(built):
    _, out, stderr = built
    reader = PdfReader(out)
    with pikepdf.open(out) as pdf:
        images = [
            obj for obj in pdf.objects if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"
        ]
    diagrams = [i for i in images if i.Width == 400 and i.ColorSpace == "/DeviceRGB"]
    assert len(diagrams) == 1  # the diagram once (beside its alpha mask); the other images are emoji
    text = "".join(page.extract_text() for page in reader.pages)
    assert "✅" in text and "❌" in text and "数据投毒" in text.replace("\n", "")  # CJK breaks anywhere
    assert "0 missing glyphs" in stderr and ".notdef" not in stderr


def it_fails_under_strict_and_writes_nothing(built, tmp_path):
    root, _, _ = built
    out = tmp_path / "strict.pdf"
    result = CliRunner().invoke(cli, ["pdf", str(root), "-o", str(out), "--strict", "--no-cache"])
    assert result.exit_code == 1
    assert "warning: image /images/gone.png is missing" in result.stderr
    assert "--strict makes them errors" in result.stderr and not out.exists()


def it_rebuilds_only_the_part_that_changed(tmp_path):
    root = make_sample(tmp_path / "site")
    out = tmp_path / "out" / "a.pdf"
    first = CliRunner().invoke(cli, ["pdf", str(root), "-o", str(out)])
    assert first.exit_code == 0, first.output
    page = root / "content" / "docs" / "2_threats.md"
    page.write_text(page.read_text(encoding="utf-8").replace("Text.", "Edited text."), encoding="utf-8")
    second = CliRunner().invoke(cli, ["pdf", str(root), "-o", str(out)])
    assert re.search(r"\(\d+ pages? rendered in 1 of 4 chapters, \d+ from the cache\)", second.stderr)
    assert "Edited text." in "".join(p.extract_text() for p in PdfReader(out).pages)
    again = CliRunner().invoke(cli, ["pdf", str(root), "-o", str(out), "-q"])
    assert again.exit_code == 0 and again.stderr == ""


# Safety


@pytest.fixture
def fetcher(tmp_path):
    site = tmp_path / "site"
    (site / "static").mkdir(parents=True)
    (site / "static" / "ok.png").write_bytes(b"png")
    (site / "static" / "escape.png").symlink_to("/etc/passwd")
    refused: list[tuple[str, str]] = []
    return site, SafeFetcher([site / "static"], lambda url, why: refused.append((url, why))), refused


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/",
        "https://example.com/x.png",
        "ftp://example.com/x",
        "file://otherhost/etc/passwd",
        "http://[::1/x.png",
    ],
)
def it_refuses_to_fetch_anything_outside_the_site(fetcher, url, monkeypatch):
    _, fetch, refused = fetcher
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: pytest.fail("network used"))
    with pytest.raises(ValueError, match="refused"):
        fetch.fetch(url)
    assert refused[0][0] == url


def it_refuses_escapes_and_symlinks_out_of_the_site_but_serves_its_files(fetcher):
    site, fetch, refused = fetcher
    for url in [
        (site / "static" / "escape.png").as_uri(),
        (site / "static").as_uri() + "/../../../../etc/passwd",
    ]:
        with pytest.raises(ValueError):
            fetch.fetch(url)
    assert len(refused) == 2
    assert fetch.fetch((site / "static" / "ok.png").as_uri()).read() == b"png"
    assert fetch.fetch("data:text/plain,hi").read() == b"hi"


HOSTILE = """
    ---
    title: Hostile
    ---
    ![passwd](/../../../../../etc/passwd)

    <img src="file:///etc/passwd">
    <img src="http://127.0.0.1:{port}/x.png">
    <link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">
    <div style="background: url(http://127.0.0.1:{port}/bg.png)">styled</div>
    <iframe src="http://127.0.0.1:{port}/"></iframe>
    <object data="file:///etc/passwd"></object>
    <svg><image href="file:///etc/passwd"/></svg>
    <a href="javascript:alert(1)">js</a>
    """


def it_renders_hostile_sources_without_reading_outside_the_site(tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    root = write_site(tmp_path / "site", {"content/docs/a.md": HOSTILE.format(port=port)})
    (root / "static" / "images").mkdir(parents=True)
    (root / "static" / "images" / "link.png").symlink_to("/etc/passwd")
    page = root / "content" / "docs" / "a.md"
    page.write_text(page.read_text() + "\n![l](/images/link.png)\n")
    out = tmp_path / "h.pdf"
    result = CliRunner().invoke(cli, ["pdf", str(root), "-o", str(out), "--no-cache"])
    assert result.exit_code == 0, result.output
    with pytest.raises(TimeoutError):
        listener.accept()  # nothing ever connected
    listener.close()
    warnings = [line for line in result.stderr.splitlines() if ": warning: " in line]
    assert "content/docs/a.md:4: warning: image /../../../../../etc/passwd" in "\n".join(warnings)
    assert any(w.startswith("content/docs/a.md:6: warning: image file:///etc/passwd") for w in warnings)
    assert any(w.startswith("content/docs/a.md:7: warning: image http://127.0.0.1") for w in warnings)
    line = page.read_text().splitlines().index("![l](/images/link.png)") + 1
    assert any(
        w.startswith(f"content/docs/a.md:{line}: warning: image /images/link.png lies outside")
        for w in warnings
    )
    text = "".join(p.extract_text() for p in PdfReader(out).pages)
    assert "root:" not in text and "styled" in text
    uris = [target for _, kind, target in links(PdfReader(out)) if kind == "uri"]
    assert not any(str(u).startswith("javascript") for u in uris)


# The sample and the real document


def check_release(root: Path, out: Path, extra: list[str]) -> tuple[PdfReader, str]:
    """Build a site's release PDF and check everything the issue asks of one; returns it and the log."""
    result = CliRunner().invoke(cli, ["pdf", str(root), "-o", str(out), "--no-cache", *extra])
    assert result.exit_code == 0, result.output
    assert "0 missing glyphs" in result.stderr and ".notdef" not in result.stderr
    site = build_model(root)
    reader = PdfReader(out)
    rows = chapters(reader)
    assert [title for _, title, _ in rows] == [h.text for h in site.headings]
    assert [depth for depth, _, _ in rows] == expected_depths([h.level for h in site.headings])
    annotations = links(reader)
    assert all(kind in ("dest", "uri") for _, kind, _ in annotations)
    assert all(target is not None for _, kind, target in annotations if kind == "dest")
    assert [u for _, kind, u in annotations if kind == "uri" and names_document_content(site, u)] == []
    pairs = contents_numbers(reader)
    assert len(pairs) == len(toc_headings(site))
    assert all(number == page for number, page in pairs)
    check_print(root, out, reader)
    return reader, result.stderr


def check_print(root: Path, out: Path, reader: PdfReader) -> None:
    """What issue 11 asks of the page: a readable measure, labels kept with their text, every font
    embedded, a true version, no empty link areas, the navigator on the paper, the front bookmarked."""
    measure = characters_per_line(out)
    assert 60 <= measure["q1"] <= measure["q3"] <= 90, measure
    assert stranded_labels(root, out, out.parent) == []
    assert outline(reader)[:3] == [(1, "Cover", 0), (1, "Navigator", 1), (1, "Contents", 2)]
    with pikepdf.open(out) as pdf:
        assert pdf.pdf_version >= "1.4"
        embedded = {"/FontFile", "/FontFile2", "/FontFile3"}
        assert all(embedded & set(f.FontDescriptor.keys()) for f in fonts_of(pdf) if f.Subtype != "/Type0")
        for page in pdf.pages:
            width, height = (float(v) for v in page.mediabox[2:])
            for annot in page.obj.get("/Annots", []):
                x1, y1, x2, y2 = (float(v) for v in annot.Rect)
                (left, right), (bottom, top) = sorted((x1, x2)), sorted((y1, y2))
                assert 0 <= left < right - 0.01 < width and 0 <= bottom < top - 0.01 < height


def stranded_labels(root: Path, pdf: Path, tmp: Path) -> list[tuple[int, str]]:
    """(page, label) of each page whose last line is a bold label paragraph ("Objective"), in the
    reading order pdftotext gives (pypdf's puts the running header and footer last)."""
    result = CliRunner().invoke(cli, ["html", str(root), "-o", str(tmp / "html"), "-q"])
    assert result.exit_code == 0, result.output
    document = lxml.html.parse(str(tmp / "html" / "index.html"))
    labels = {" ".join(p.text_content().split()) for p in document.xpath('//p[@class="label"]')}
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    stranded = []
    for number, page in enumerate(text.split("\f"), 1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        body = [line for line in lines if not re.fullmatch(r"\d+ / \d+", line)]
        if body and body[-1] in labels:
            stranded.append((number, body[-1]))
    return stranded


def it_builds_the_sample_release(sample, tmp_path):
    if not (sample / "content").is_dir():
        pytest.skip("sources/ (the sample) is not in this checkout")
    reader, stderr = check_release(sample, tmp_path / "sample.pdf", [])
    nav_jumps = [row for row in links(reader) if row[0] == 1 and row[1] == "dest"]
    assert nav_jumps and "warnings: 0:" in stderr


@pytest.mark.corpus
@pytest.mark.slow
def it_builds_the_full_release_with_every_link_landing(corpus, tmp_path):
    navigator = corpus / "navigator" / "owaspainavigator-2026.pdf"
    reader, stderr = check_release(
        corpus / "aix-2026", tmp_path / "aix-2026.pdf", ["--navigator", str(navigator)]
    )
    navigator_jumps = [row for row in links(reader) if row[0] == 1 and row[1] == "dest"]
    assert (
        len(navigator_jumps) >= 30
        and "33 links jump inside, 8 stay external (3 addresses, 5 repeated)" in stderr
    )
    assert "navigator boxes outside its page, dropped: 3:" in stderr  # three boxes beyond its right edge
    assert (round(float(reader.pages[1].mediabox.width)), round(float(reader.pages[1].mediabox.height))) == (
        842,
        595,
    )
    assert len(reader.pages) > 200
    # chapters flow: no page under 40% full but a chapter's last (the front matter ends a chapter too)
    site = build_model(corpus / "aix-2026")
    titles = {p.headings[0].text for p in site.pages}
    starts = sorted({page for depth, title, page in outline(reader) if depth == 1 and title in titles})
    last_pages = {start - 1 for start in starts} | {len(reader.pages) - 1}
    fills = page_fill(tmp_path / "aix-2026.pdf")
    thin = [(n + 1, round(f, 2)) for n, f in enumerate(fills) if f < 0.4 and n not in last_pages]
    assert thin == [], f"pages under 40% full inside a chapter: {thin}"
    # as many pages as Chromium prints of the same HTML, within 3% (the navigator page is aix's own)
    if shutil.which("chromium") is None:
        pytest.skip("chromium is not installed (.ci/run installs it): the page count is not compared")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "converter",
            "html",
            str(corpus / "aix-2026"),
            "-o",
            str(tmp_path / "html"),
            "-q",
        ],
        check=True,
    )
    chromium = tmp_path / "chromium.pdf"
    subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={chromium}",
            (tmp_path / "html" / "index.html").as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    theirs = len(PdfReader(chromium).pages)
    ours = len(reader.pages) - 1
    assert abs(ours - theirs) <= 0.03 * theirs, (ours, theirs)


@pytest.mark.parametrize(
    ("mode", "fmt", "alpha"),
    [
        ("RGB", "PNG", False),
        ("L", "PNG", False),
        ("RGBA", "PNG", True),
        ("RGBA", "PNG", False),
        ("P", "GIF", False),
    ],
)
def it_converts_each_image_once_to_the_same_pixels(tmp_path, mode, fmt, alpha):
    from converter.pdf.raster import convert, probe

    image = Image.new("RGBA", (37, 23), (200, 30, 60, 255))
    image.putpixel((3, 4), (10, 220, 40, 120 if alpha else 255))
    source = tmp_path / f"in.{fmt.lower()}"
    image.convert(mode).save(source, format=fmt)
    raster = probe(source)
    assert (raster.width, raster.height) == (37, 23)
    convert(raster, str(tmp_path / "out.pdf"))
    with pikepdf.open(tmp_path / "out.pdf") as pdf:
        obj = pdf.Root.AixImage
        assert ("/SMask" in obj) == alpha
        pixels = pikepdf.PdfImage(obj).as_pil_image()
        with Image.open(source) as opened:
            expected = opened.convert("RGBA").convert("L" if mode == "L" else "RGB")
        assert pixels.convert(expected.mode).tobytes() == expected.tobytes()


def it_passes_plain_png_and_jpeg_data_through_untouched(tmp_path):
    from converter.pdf.raster import convert, probe

    for name, fmt in (("a.png", "PNG"), ("b.jpg", "JPEG")):
        Image.new("RGB", (16, 9), (1, 2, 3)).save(tmp_path / name, format=fmt)
        convert(probe(tmp_path / name), str(tmp_path / f"{name}.pdf"))
        with pikepdf.open(tmp_path / f"{name}.pdf") as pdf:
            raw = pdf.Root.AixImage.read_raw_bytes()
        data = (tmp_path / name).read_bytes()
        assert raw == data if fmt == "JPEG" else raw in data


def it_refuses_unusable_outputs_and_navigators_in_one_line(tmp_path):
    root = write_site(tmp_path / "site", {"content/docs/a.md": "---\ntitle: A\n---\ntext\n"})
    (tmp_path / "bad.pdf").write_text("not a pdf")
    cases = [
        (["-o", str(tmp_path)], 2, "is a folder"),
        (
            ["-o", str(tmp_path / "x.pdf"), "--navigator", str(tmp_path / "bad.pdf")],
            2,
            "is not a readable PDF",
        ),
        (["-o", str(tmp_path / "x.pdf"), "--navigator", str(tmp_path / "none.pdf")], 2, "does not exist"),
        (["-o", "/proc/no/such/x.pdf"], 1, "cannot create"),
    ]
    for args, code, message in cases:
        result = CliRunner().invoke(cli, ["pdf", str(root), *args, "--no-cache"])
        assert result.exit_code == code, result.output
        assert (
            message in result.stderr and result.stderr.count("\n") == 1 and "Traceback" not in result.output
        )


# The first minute on a fresh machine


def it_says_once_before_rendering_which_packages_are_missing(tmp_path, monkeypatch):
    import converter.pdf.system as system

    monkeypatch.setattr(system, "font_families", lambda: "liberation sans\nnoto sans\n")
    monkeypatch.setattr(system.ctypes.util, "find_library", lambda name: None)
    result = CliRunner().invoke(
        cli, ["pdf", str(make_sample(tmp_path / "site")), "-o", str(tmp_path / "x.pdf")]
    )
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if "apt-get" in line]
    assert len(notes) == 1, result.stderr
    assert notes[0].endswith(
        "sudo apt-get install -y fonts-noto-color-emoji fonts-noto-cjk libharfbuzz-subset0"
    )
    assert "an emoji font" in notes[0] and "Liberation" not in notes[0]
    assert result.stderr.index("apt-get") < result.stderr.index("aix pdf: wrote")


def it_prints_a_warning_every_chapter_gave_once_with_the_count():
    from converter.buildlog import BuildLog
    from converter.pdf.compose import _Chapter, _warn_renders
    from converter.pdf.flow import Flow
    from converter.pdf.units import Chapter

    said = {"refused": [], "warnings": [["renderer", "Using fontTools instead of HarfBuzz-Subset"]]}
    chapters = []
    for n in range(3):
        chapter = Chapter(f"docs/{n}.md", Source(f"content/docs/{n}.md", 1), "", "", "", "")
        chapters.append(_Chapter(chapter, n, Flow("", [], None), {"r1": said, "r2": said}))
    log = BuildLog(quiet=True)
    _warn_renders(chapters, log)
    assert [w.message for w in log.warnings] == [
        "docs/0.md: Using fontTools instead of HarfBuzz-Subset (and in 2 other chapters)"
    ]


def it_starts_the_renders_that_take_longest_first_tables_counted_as_the_time_they_take():
    """The references chapter of aix-2026 (16 kB of HTML, two tables whose cells may break anywhere) took
    1.7 s, longer than 38 kB of plain text (1.0 s): ordered by length alone it started last and kept one
    worker busy alone at the end."""
    from converter.pdf.compose import _cost

    plain = "<html><body>" + "<p>" + "word " * 7600 + "</p></body></html>"
    cells = "".join(f"<tr>{'<td>cell text</td>' * 8}</tr>" for _ in range(60))
    wide = f'<html><body><table class="cols-8 wide">{cells}</table></body></html>'
    narrow = f'<html><body><table class="cols-2">{cells}</table></body></html>'
    assert len(wide) < len(plain) < _cost(wide)
    assert _cost(narrow) == len(narrow) * 2 - len("<html><body></body></html>")
