"""One URL policy for every link: what is not http, https, mailto, tel or a site path is shown as text in
every output (HTML, PDF, handout, DOCX) and reported by `aix check`, whatever source the link came from."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from converter.__main__ import cli
from converter.pipeline import build_model
from converter.urlpolicy import refused_scheme

ALLOWED = [
    "https://owaspai.org/go/x/",
    "HTTP://example.org",
    "mailto:someone@example.org",
    "tel:+3112345678",
    "/docs/a/#b",
    "#anchor",
    "",
    "../b/",
    "b.md#c",
    "//example.org/x",
    "https://example.org/?next=javascript:alert(1)",
    "docs/go:x",  # a ':' after a '/' is part of a path, not a scheme
]
REFUSED = [
    ("javascript:alert(1)", "javascript"),
    (" JaVaScRiPt:alert(1)", "javascript"),
    ("\x00\x1fjavascript:alert(1)\x7f", "javascript"),
    ("java\tscript:alert(1)", "javascript"),
    ("java\nscr\ript:alert(1)", "javascript"),
    ("java\u200bscript:alert(1)", "javascript"),
    ("&#106;avascript:alert(1)", "javascript"),
    ("&#x6A;avascript&colon;alert(1)", "javascript"),
    ("jav&#x09;ascript:alert(1)", "javascript"),
    ("&amp;#106;avascript:alert(1)", "javascript"),  # entities twice over
    ("%6Aavascript:alert(1)", "javascript"),  # Word and some PDF readers decode a link before following it
    ("%256Aavascript:alert(1)", "javascript"),
    ("vbscript:msgbox(1)", "vbscript"),
    ("data:text/html;base64,PHNjcmlwdD4=", "data"),
    ("DATA:image/png;base64,AAAA", "data"),
    ("file:///etc/passwd", "file"),
    ("ftp://example.org/x", "ftp"),
    ("C:\\Windows\\system32", "c"),
    ("ms-word:ofe|u|https://x", "ms-word"),
]


@pytest.mark.parametrize("url", ALLOWED)
def it_allows_web_mail_and_site_links(url):
    assert refused_scheme(url) is None


@pytest.mark.parametrize(("url", "scheme"), REFUSED)
def it_refuses_every_other_scheme_however_it_is_spelled(url, scheme):
    assert refused_scheme(url) == scheme


# Every link source, in every writer

PAGE = """\
---
title: A
---
[md](javascript:alert(1))

[ref][r]

<javascript:alert(2)>

[data](data:text/html;base64,PHNjcmlwdD4=)

[ent](&#106;avascript:alert(3))

[tab](java&#9;script:alert(4))

[ws](< JaVaScRiPt:alert(5)>)

[vb](vbscript:msgbox(1))

[file](file:///etc/passwd)

[go](/go/evil/) and [go2](/go/data/)

{{< card link="javascript:alert(7)" title="Card" >}}

<a href="javascript:alert(8)">raw</a> and <a href="&#106;avascript:alert(8)">raw2</a>

[ok](https://example.org/) [mail](mailto:x@example.org) [b](/docs/a/#safe)

## Safe

[r]: javascript:alert(9)
"""
UNSAFE_LINES = [4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 22, 24, 26, 26]  # each link's line, as check reports it
REDIRECTS = [
    ("/go/evil/", "javascript:alert(10)"),
    ("/go/data/", "data:text/html,<script>alert(11)</script>"),
]
BAD = re.compile(r"^\s*(javascript|vbscript|data|file)", re.I)


@pytest.fixture
def hostile(make_site):
    return make_site({"content/docs/a.md": PAGE}, REDIRECTS)


def _hrefs(html: str) -> list[str]:
    from html import unescape

    return [unescape(h) for h in re.findall(r'<a\b[^>]*\bhref="([^"]*)"', html)]


def it_reports_each_unsafe_link_with_file_and_line(hostile):
    result = CliRunner().invoke(cli, ["check", str(hostile), "--format", "json"])
    import json

    findings = [f for f in json.loads(result.stdout) if f["code"] == "unsafe-url"]
    assert [f["line"] for f in findings if f["file"] == "content/docs/a.md"] == UNSAFE_LINES
    assert [f["line"] for f in findings if f["file"] == "firebase.json"] == [4, 5]
    assert all(f["severity"] == "error" for f in findings)
    assert result.exit_code == 1


def it_writes_no_unsafe_link_into_the_html_and_keeps_the_text(hostile, tmp_path):
    result = CliRunner().invoke(cli, ["html", str(hostile), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "out" / "index.html").read_text()
    hrefs = _hrefs(html)
    assert [h for h in hrefs if BAD.match(h)] == []
    assert "https://example.org/" in hrefs and "mailto:x@example.org" in hrefs and "#safe" in hrefs
    words = re.sub(r"<[^>]*>", " ", html).split()
    for text in ("md", "ref", "data", "ent", "tab", "ws", "vb", "file", "go", "go2", "Card", "raw", "raw2"):
        assert text in words, text
    assert "content/docs/a.md:4: warning: link javascript:alert(1) is not a safe URL" in result.stderr


def it_writes_no_unsafe_uri_into_the_pdf(hostile, tmp_path):
    out = tmp_path / "a.pdf"
    result = CliRunner().invoke(cli, ["pdf", str(hostile), "-o", str(out), "--no-cache", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    uris = []
    for page in PdfReader(out).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None:
                assert action["/S"] in ("/URI", "/GoTo"), action
                uris.append(str(action.get("/URI", "")))
    assert [u for u in uris if BAD.match(u)] == []
    assert "https://example.org/" in uris and "mailto:x@example.org" in uris
    text = "".join(p.extract_text() for p in PdfReader(out).pages)
    assert "raw2" in text and "Card" in text


def it_writes_no_unsafe_link_into_the_handout(hostile, tmp_path):
    out = tmp_path / "h.pdf"
    result = CliRunner().invoke(cli, ["handout", str(hostile), "docs/a.md", "-o", str(out)])
    assert result.exit_code == 0, result.output
    uris = [
        str(a.get_object()["/A"].get("/URI", ""))
        for page in PdfReader(out).pages
        for a in page.get("/Annots") or []
        if "/A" in a.get_object()
    ]
    text = "".join(p.extract_text() for p in PdfReader(out).pages)
    assert [u for u in uris if BAD.match(u)] == [] and "https://example.org/" in uris
    assert "javascript" not in text.lower().replace("javascript:alert(2)", "")  # no link notes for them


def it_writes_no_unsafe_hyperlink_into_the_docx(hostile, tmp_path):
    from lxml import etree

    out = tmp_path / "a.docx"
    result = CliRunner().invoke(cli, ["docx", str(hostile), "-o", str(out)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as z:
        rels = etree.fromstring(z.read("word/_rels/document.xml.rels"))
        body = z.read("word/document.xml").decode()
    hyperlinks = [r.get("Target") for r in rels if r.get("Type", "").endswith("/hyperlink")]
    assert [u for u in hyperlinks if BAD.match(u)] == []
    assert "https://example.org/" in hyperlinks and "mailto:x@example.org" in hyperlinks
    assert ">md<" in body and ">raw2<" in body


def it_gives_an_unsafe_link_back_unchanged_through_the_round_trip(hostile, tmp_path):
    from converter.roundtrip.export import export_docx
    from converter.roundtrip.sync import Syncer

    out = tmp_path / "a.docx"
    export_docx(build_model(hostile), out)
    result = Syncer(Path(out), build_model(hostile), "refuse").plan()
    assert result.changes == []


def _hostile_navigator(path: Path) -> None:
    """A navigator whose boxes hold a web link, a javascript: URI, a script, a launch and a chained
    action, and whose page runs a script when opened."""
    import pikepdf

    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(842, 595))
    script = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    actions = [
        pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://example.org/nav")),
        pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("javascript:alert(1)")),
        script,
        pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("/bin/sh")),
        pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://example.org/x"), Next=script),
    ]
    page.obj.Annots = pdf.make_indirect(
        pikepdf.Array(
            pdf.make_indirect(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[40 + 150 * i, 400, 180 + 150 * i, 500],
                    A=action,
                )
            )
            for i, action in enumerate(actions)
        )
    )  # fmt: skip
    page.obj.AA = pikepdf.Dictionary(O=script)
    pdf.save(path)


def _actions(path: Path) -> list[dict]:
    import pikepdf

    with pikepdf.open(path) as pdf:
        found = []
        for page in pdf.pages:
            assert "/AA" not in page.obj
            for annot in page.obj.get("/Annots", []):
                assert "/AA" not in annot
                if "/A" in annot:
                    action = annot.A
                    found.append(
                        {"S": str(action.S), "URI": str(action.get("/URI", "")), "Next": "/Next" in action}
                    )
    return found


@pytest.mark.parametrize("command", ["pdf", "navigator"])
def it_keeps_only_safe_web_links_of_a_navigator(make_site, tmp_path, command):
    root = make_site({"content/docs/a.md": "---\ntitle: A\n---\ntext\n", "aix.yaml": "navigator: nav.pdf\n"})
    _hostile_navigator(root / "nav.pdf")
    out = tmp_path / "out.pdf"
    args = ["pdf", str(root), "-o", str(out), "--no-cache", "--jobs", "1"]
    if command == "navigator":
        args = ["handout", str(root), "--navigator", "-o", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    actions = _actions(out)
    assert {a["S"] for a in actions} <= {"/URI", "/GoTo"}
    assert [a for a in actions if a["Next"] or BAD.match(a["URI"])] == []
    assert "https://example.org/nav" in [a["URI"] for a in actions]


def it_keeps_an_unsafe_links_source_when_its_paragraph_is_edited_in_word(make_site, tmp_path):
    import docx

    from converter.roundtrip.export import export_docx
    from converter.roundtrip.sync import Syncer

    page = "---\ntitle: A\n---\nSome words and [a link](javascript:alert(1)) in between.\n"
    root = make_site({"content/docs/a.md": page})
    out = tmp_path / "a.docx"
    export_docx(build_model(root), out)
    document = docx.Document(str(out))
    paragraph = next(p for p in document.paragraphs if p.text.startswith("Some words"))
    run = next(r for r in paragraph.runs if "Some" in r.text)
    run.text = run.text.replace("Some", "Other")
    document.save(str(tmp_path / "edited.docx"))
    result = Syncer(tmp_path / "edited.docx", build_model(root), "refuse").plan()
    assert [c.new for c in result.changes] == [page.replace("Some", "Other")]
