"""`aix sync`: no edits give every source back byte for byte (directly and through LibreOffice); an edit made
in Word comes back as a diff of just the lines it touched, in the house style of the sources."""

from __future__ import annotations

import copy
import hashlib
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from converter.__main__ import cli
from converter.pipeline import build_model
from converter.roundtrip.export import export_docx
from converter.roundtrip.styles import key
from converter.roundtrip.sync import Syncer

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sources"


def files(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def copy_site(source: Path, into: Path) -> Path:
    shutil.copytree(source, into, ignore=shutil.ignore_patterns(".git"))
    return into


def sync(*args: str):
    return CliRunner().invoke(cli, ["sync", *map(str, args)])


def changed_lines(diff: str) -> list[str]:
    return [
        line
        for line in diff.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---")) and line[1:].strip() != ""
    ]


# -- the fixed point ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("via", ["direct", "libreoffice"])
@pytest.mark.parametrize(
    "name", ["sample", *(pytest.param(s, marks=pytest.mark.corpus) for s in ("aix-2024", "aix-2026"))]
)
def it_gives_every_source_back_byte_for_byte(name, via, tmp_path, request):
    source = SAMPLE if name == "sample" else request.getfixturevalue("corpus") / name
    site = copy_site(source, tmp_path / "site")
    before = files(site)
    snapshot = tmp_path / "snapshot.docx"
    export_docx(build_model(site), snapshot)
    if via == "libreoffice":
        convert = request.getfixturevalue("soffice")
        for n in range(2 if name == "sample" else 1):  # a second save changes numbering again: still exact
            snapshot = convert(snapshot, "docx", tmp_path / f"lo{n}")
    result = sync(snapshot, site, "--write")
    assert result.exit_code == 0, result.output
    assert "0 file(s) changed (0 block(s) edited, 0 removed)" in result.stderr
    assert files(site) == before


def it_gives_back_what_word_cannot_show(make_site, tmp_path):
    """CRLF, a BOM, tabs, trailing spaces, escapes, odd list markers and indentation, TOML front matter,
    setext headings, lazy continuation lines, HTML and shortcodes, no newline at the end."""
    page_a = (
        "\ufeff---\r\ntitle: 'A: quoted'\r\nextra: [1, 2]\r\n---\r\n\r\n\r\nSetext\r\n======\r\n"
        "* star item\r\n    * four-space nested  \r\n      lazy continuation\r\n+ plus list\r\n\r\n"
        "3) three\r\n7) seven\r\n\tTabbed \\*escaped\\* \\_x\\_ &amp; &copy; line   \r\nlast line without newline"
    )
    page_b = (
        '+++\ntitle = "B"\nweight = 3\n+++\n\n{{% note %}}\n__strong__ _emph_ ~~gone~~\n{{% /note %}}\n'
        "<div class=\"x\">\n  <a href='/docs/a/'>a</a>\n</div>\n\n***\n\n| a | b |\n|:-|-:|\n|  | x |\n\n"
        "> quote\n>\n> > nested\n\n~~~py\ncode\n~~~\n\n    indented code\n\nText  \nhard break\\\nslash<br>br\n"
    )
    root = make_site({"content/docs/a.md": page_a.encode(), "content/docs/b.md": page_b.encode()})
    before = files(root)
    snapshot = tmp_path / "s.docx"
    export_docx(build_model(root), snapshot)
    result = sync(snapshot, root, "--write")
    assert result.exit_code == 0, result.output
    assert files(root) == before


# -- edits made in Word ---------------------------------------------------------------------------------------


def find(doc, start: str) -> Paragraph:
    for p in doc.paragraphs:
        if p.text.startswith(start) and not p.style.name.lower().startswith("toc"):  # not the contents list
            return p
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    if p.text.startswith(start):
                        return p
    raise KeyError(start)


def style(doc, name: str):
    return next(s for s in doc.styles if s.name and key(s.name) == key(name))


def isolate(p: Paragraph, word: str) -> Run:
    """Split the run holding `word` so that the word has a run of its own (as Word does when formatting)."""
    for run in p.runs:
        if word in run.text:
            before, after = run.text.split(word, 1)
            run.text = before
            middle = copy.deepcopy(run._r)
            run._r.addnext(middle)
            tail = copy.deepcopy(run._r)
            middle.addnext(tail)
            Run(middle, p).text = word
            Run(tail, p).text = after
            return Run(middle, p)
    raise KeyError(word)


def new_paragraph_after(p, text: str, like=None, style_name: str | None = None) -> Paragraph:
    element = copy.deepcopy((like or p)._p) if like is not None or style_name is None else OxmlElement("w:p")
    for tag in ("w:bookmarkStart", "w:bookmarkEnd", "w:hyperlink", "w:r"):
        for child in list(element.iter(qn(tag))):
            if child.getparent() is not None:
                child.getparent().remove(child)
    p._p.addnext(element)
    paragraph = Paragraph(element, p._parent)
    if style_name:
        paragraph.style = style(paragraph.part.document, style_name)
    paragraph.add_run(text)
    return paragraph


def e_word(doc):
    run = isolate(find(doc, "Oversight fails when reviewers"), "approve everything")
    run.text = "approve nearly everything"


def e_bold(doc):
    isolate(find(doc, "Oversight fails when reviewers"), "rotate").bold = True


def e_link(doc):
    p = find(doc, "Oversight fails when reviewers")
    run = isolate(p, "measure")
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), p.part.relate_to("https://example.org/measure", RT.HYPERLINK, is_external=True))
    run._r.addprevious(link)
    link.append(run._r)


def e_item_insert(doc):
    item = find(doc, "a list of actions that always need approval")
    new_paragraph_after(item, "a second reviewer for large amounts", like=item)


def e_item_delete(doc):
    p = find(doc, "sampling of past decisions")
    p._p.getparent().remove(p._p)


def e_first_item_delete(doc):
    p = find(doc, "human review of selected outputs")  # it carries the list's marker
    p._p.getparent().remove(p._p)


def e_cell(doc):
    find(doc, "Low to medium").runs[0].text = "Medium"


def e_paragraph(doc):
    p = find(doc, "Oversight fails when reviewers")
    new_paragraph_after(p, "A new paragraph typed in Word.", like=p)


def e_section(doc):
    p = find(doc, "Oversight fails when reviewers")
    heading = new_paragraph_after(p, "1.3.2 Oversight at scale", style_name="Heading 3")
    new_paragraph_after(heading, "Sample a fixed share of decisions.", style_name="Body Text")


def e_delete(doc):
    p = find(doc, "Oversight fails when reviewers")
    p._p.getparent().remove(p._p)


def e_heading(doc):
    p = find(doc, "1.3.1 Oversight in practice")
    isolate(p, "in practice").text = "that works"


EDITS = {
    "word": (
        e_word,
        [
            "-Oversight fails when reviewers approve everything. Keep the volume low, rotate reviewers, and measure how often they disagree with the model.",
            "+Oversight fails when reviewers approve nearly everything. Keep the volume low, rotate reviewers, and measure how often they disagree with the model.",
        ],
    ),
    "bold": (
        e_bold,
        [
            "-Oversight fails when reviewers approve everything. Keep the volume low, rotate reviewers, and measure how often they disagree with the model.",
            "+Oversight fails when reviewers approve everything. Keep the volume low, **rotate** reviewers, and measure how often they disagree with the model.",
        ],
    ),
    "link": (
        e_link,
        [
            "-Oversight fails when reviewers approve everything. Keep the volume low, rotate reviewers, and measure how often they disagree with the model.",
            "+Oversight fails when reviewers approve everything. Keep the volume low, rotate reviewers, and [measure](https://example.org/measure) how often they disagree with the model.",
        ],
    ),
    "item-insert": (e_item_insert, ["+  - a second reviewer for large amounts"]),
    "item-delete": (e_item_delete, ["-- sampling of past decisions for later audit"]),
    "first-item-delete": (e_first_item_delete, ["-- human review of selected outputs"]),
    "cell": (
        e_cell,
        [
            "-| [#LEAST MODEL PRIVILEGE](#least-model-privilege) | Give the model, and the agent around it, only the rights it needs | Design and runtime | Any threat that makes the model act, especially in [agentic systems](/go/agenticthreats/) | Architect | Low to medium | Review rights again whenever a tool is added to an agent |",
            "+| [#LEAST MODEL PRIVILEGE](#least-model-privilege) | Give the model, and the agent around it, only the rights it needs | Design and runtime | Any threat that makes the model act, especially in [agentic systems](/go/agenticthreats/) | Architect | Medium | Review rights again whenever a tool is added to an agent |",
        ],
    ),
    "paragraph": (e_paragraph, ["+A new paragraph typed in Word."]),
    "section": (e_section, ["+### 1.3.2 Oversight at scale", "+Sample a fixed share of decisions."]),
    "delete": (
        e_delete,
        [
            "-Oversight fails when reviewers approve everything. Keep the volume low, rotate reviewers, and measure how often they disagree with the model."
        ],
    ),
    "heading": (
        e_heading,
        ["-### 1.3.1 Oversight in practice", "+### 1.3.1 Oversight that works {#131-oversight-in-practice}"],
    ),
}


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    out = tmp_path_factory.mktemp("snap") / "sample.docx"
    export_docx(build_model(SAMPLE), out)
    return out


@pytest.fixture(scope="module")
def resaved(snapshot, soffice, tmp_path_factory):
    return soffice(snapshot, "docx", tmp_path_factory.mktemp("resaved"))


def _apply(source: Path, edit, out: Path) -> Path:
    doc = docx.Document(str(source))
    edit(doc)
    doc.save(str(out))
    return out


@pytest.mark.parametrize("via", ["python-docx", "edited-then-libreoffice", "libreoffice-then-edited"])
@pytest.mark.parametrize("name", sorted(EDITS))
def it_brings_back_one_edit_as_a_diff_of_just_its_lines(name, via, snapshot, tmp_path, request):
    edit, expected = EDITS[name]
    if via == "libreoffice-then-edited":
        edited = _apply(request.getfixturevalue("resaved"), edit, tmp_path / "edited.docx")
    else:
        edited = _apply(snapshot, edit, tmp_path / "edited.docx")
        if via == "edited-then-libreoffice":
            edited = request.getfixturevalue("soffice")(edited, "docx", tmp_path / "lo")
    result = Syncer(edited, build_model(SAMPLE), "accept").plan()
    assert [c.rel for c in result.changes] == ["content/docs/1_general_controls.md"]
    assert changed_lines(result.changes[0].diff()) == expected


def it_keeps_a_renamed_headings_anchor_and_reports_its_links(snapshot, tmp_path):
    def rename(doc):
        isolate(find(doc, "2.2.1. Direct prompt injection"), "Direct").text = "Straight"

    edited = _apply(snapshot, rename, tmp_path / "e.docx")
    result = Syncer(edited, build_model(SAMPLE), "refuse").plan()
    assert changed_lines(result.changes[0].diff()) == [
        "-### 2.2.1. Direct prompt injection",
        "+### 2.2.1. Straight prompt injection {#221-direct-prompt-injection}",
    ]
    note = next(n for n in result.notes if "renamed" in n)
    assert note.startswith(
        "content/docs/2_threats_through_use.md:66: heading '2.2.1. Direct prompt injection'"
    )
    assert "(used by content/docs/2_threats_through_use.md:14)" in note  # the link that relies on it
    result = Syncer(edited, build_model(SAMPLE), "refuse", keep_anchors=False).plan()
    assert changed_lines(result.changes[0].diff())[1] == "+### 2.2.1. Straight prompt injection"
    assert any(
        "#221-direct-prompt-injection becomes #221-straight-prompt-injection; these break:" in n
        for n in result.notes
    )


def it_writes_a_changed_title_into_the_front_matter(snapshot, tmp_path):
    def retitle(doc):
        find(doc, "1. General controls").runs[0].text = "1. General controls: the basics"

    result = Syncer(_apply(snapshot, retitle, tmp_path / "e.docx"), build_model(SAMPLE)).plan()
    assert changed_lines(result.changes[0].diff()) == [
        "-title: 1. General controls",
        '+title: "1. General controls: the basics"',
    ]


# -- tracked changes and comments -----------------------------------------------------------------------------


def _tracked(doc):
    p = find(doc, "Oversight fails when reviewers")
    run = isolate(p, "everything")
    ins = OxmlElement("w:ins")
    for k, v in (("w:id", "901"), ("w:author", "Alice"), ("w:date", "2026-11-20T10:00:00Z")):
        ins.set(qn(k), v)
    added = copy.deepcopy(run._r)
    added.find(qn("w:t")).text = "nearly "
    ins.append(added)
    gone = isolate(p, "Keep the volume low, ")
    delete = OxmlElement("w:del")
    for k, v in (("w:id", "902"), ("w:author", "Bob"), ("w:date", "2026-11-21T10:00:00Z")):
        delete.set(qn(k), v)
    gone._r.addprevious(delete)
    delete.append(gone._r)
    gone._r.find(qn("w:t")).tag = qn("w:delText")
    isolate(p, "approve ")._r.addnext(ins)


def it_lists_tracked_changes_and_stops_by_default(snapshot, tmp_path):
    edited = _apply(snapshot, _tracked, tmp_path / "tracked.docx")
    site = copy_site(SAMPLE, tmp_path / "site")
    before = files(site)
    result = sync(edited, site, "--write")
    assert result.exit_code == 1
    assert (
        "content/docs/1_general_controls.md:63: insertion by Alice on 2026-11-20T10:00:00Z 'nearly'"
        in result.stderr
    )
    assert "deletion by Bob" in result.stderr and "2 tracked change(s) pending" in result.stderr
    assert files(site) == before


@pytest.mark.parametrize(
    "mode, line",
    [
        (
            "accept",
            "+Oversight fails when reviewers approve nearly everything. rotate reviewers, and measure",
        ),
        ("reject", None),
    ],
)
def it_accepts_or_rejects_tracked_changes(snapshot, tmp_path, mode, line):
    edited = _apply(snapshot, _tracked, tmp_path / "tracked.docx")
    result = Syncer(edited, build_model(SAMPLE), mode).plan()
    if line is None:
        assert result.changes == []
    else:
        assert changed_lines(result.changes[0].diff())[1].startswith(line)


def it_prints_comments_as_a_review_list(snapshot, tmp_path):
    doc = docx.Document(str(snapshot))
    p = find(doc, "Oversight fails when reviewers")
    doc.add_comment(p.runs, text="Is 'rotate' the right word?", author="Carol", initials="C")
    edited = tmp_path / "commented.docx"
    doc.save(str(edited))
    notes = tmp_path / "review.txt"
    result = sync(edited, SAMPLE, "--comments", notes)
    assert result.exit_code == 0, result.output
    assert "content/docs/1_general_controls.md:63: Carol" in result.stderr
    assert notes.read_text().startswith("content/docs/1_general_controls.md:63: Carol (")
    assert notes.read_text().rstrip().endswith("Is 'rotate' the right word?")


# -- writing --------------------------------------------------------------------------------------------------


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def it_writes_only_with_write_and_refuses_uncommitted_files(snapshot, tmp_path):
    site = copy_site(SAMPLE, tmp_path / "site")
    _git(site, "init", "-q")
    _git(site, "-c", "user.email=t@t", "-c", "user.name=t", "add", ".")
    _git(site, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-q", "-m", "sources")
    edited = _apply(snapshot, e_word, tmp_path / "e.docx")
    page = site / "content/docs/1_general_controls.md"
    result = sync(edited, site)
    assert result.exit_code == 0 and "approve nearly everything" in result.stdout
    assert "approve nearly" not in page.read_text()
    page.write_text(page.read_text() + "\nUncommitted line.\n")
    result = sync(edited, site, "--write")
    assert result.exit_code == 1 and "uncommitted changes" in result.stderr
    assert "approve nearly" not in page.read_text()
    result = sync(edited, site, "--write", "--force")  # merged with the uncommitted line, line by line
    assert result.exit_code == 0, result.output
    assert "approve nearly everything" in page.read_text() and page.read_text().endswith(
        "Uncommitted line.\n"
    )


def it_refuses_conflicting_git_and_word_edits(snapshot, tmp_path):
    site = copy_site(SAMPLE, tmp_path / "site")
    page = site / "content/docs/1_general_controls.md"
    page.write_text(page.read_text().replace("approve everything", "approve all"))
    before = files(site)
    result = sync(_apply(snapshot, e_word, tmp_path / "e.docx"), site, "--write")
    assert result.exit_code == 1
    assert "content/docs/1_general_controls.md:63: error: edited in Word and in git" in result.stderr
    assert files(site) == before


def it_deletes_a_page_only_with_allow_delete(snapshot, tmp_path):
    def delete_page(doc):
        body = doc.element.body
        start = find(doc, "AI Security References")._p
        for element in [start] + list(start.itersiblings()):
            if element.tag != qn("w:sectPr"):
                body.remove(element)

    edited = _apply(snapshot, delete_page, tmp_path / "e.docx")
    site = copy_site(SAMPLE, tmp_path / "site")
    result = sync(edited, site, "--write")
    assert result.exit_code == 1 and "would delete content/docs/ai_security_references.md" in result.stderr
    assert (site / "content/docs/ai_security_references.md").exists()
    result = sync(edited, site, "--write", "--allow-delete")
    assert result.exit_code == 0, result.output
    assert not (site / "content/docs/ai_security_references.md").exists()


def it_changes_no_file_when_a_write_fails(snapshot, tmp_path, monkeypatch):
    import os

    def both(doc):
        e_word(doc)
        find(doc, "Input threats need nothing more").runs[0].text = "Input threats need little more"

    edited = _apply(snapshot, both, tmp_path / "e.docx")
    site = copy_site(SAMPLE, tmp_path / "site")
    before = files(site)
    calls = []
    real = os.replace

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError("disk full")
        real(src, dst)

    monkeypatch.setattr(os, "replace", flaky)
    result = sync(edited, site, "--write")
    assert result.exit_code == 1 and "disk full); no source file was changed" in result.stderr
    monkeypatch.setattr(os, "replace", real)
    assert files(site) == before
    assert not [p for p in site.rglob("*.aix-tmp")]


# -- bad input ------------------------------------------------------------------------------------------------


def _bad(kind: str, snapshot: Path, tmp_path: Path) -> Path:
    import io
    import re
    import zipfile

    out = tmp_path / f"{kind}.docx"
    with zipfile.ZipFile(snapshot) as z:
        members = {n: z.read(n) for n in z.namelist()}

    def pack(parts):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in parts.items():
                z.writestr(name, data)
        return buf.getvalue()

    if kind == "not-a-zip":
        out.write_bytes(b"This is a text file with a .docx name.\n")
    elif kind == "corrupt-zip":
        out.write_bytes(snapshot.read_bytes()[: snapshot.stat().st_size // 2])
    elif kind == "zip-bomb":
        members["word/media/padding.bin"] = b"\0" * (80 * 1024 * 1024)
        out.write_bytes(pack(members))
    elif kind == "dtd":
        document = members["word/document.xml"]
        members["word/document.xml"] = document.replace(
            b"?>", b'?><!DOCTYPE w:document [<!ENTITY e SYSTEM "file:///etc/passwd">]>', 1
        )
        out.write_bytes(pack(members))
    elif kind == "media-climbs-out":
        members["word/media/../../../evil.png"] = b"x"
        out.write_bytes(pack(members))
    elif kind == "missing-part":
        del members["word/document.xml"]
        out.write_bytes(pack(members))
    elif kind == "markers-gone":
        from lxml import etree

        document = etree.fromstring(members["word/document.xml"])
        markers = [
            b for b in document.iter(qn("w:bookmarkStart")) if re.fullmatch(r"_aixu\d+", b.get(qn("w:name")))
        ]
        assert markers
        for marker in markers:
            marker.getparent().remove(marker)
        members["word/document.xml"] = etree.tostring(document)
        out.write_bytes(pack(members))
    elif kind == "not-a-snapshot":
        document = docx.Document()
        document.add_paragraph("A Word file aix did not make.")
        document.save(str(out))
    return out


BAD = {
    "not-a-zip": "error: not a Word document (not a zip file",
    "corrupt-zip": "error: not a Word document (not a zip file",
    "zip-bomb": "(a zip bomb?)",
    "dtd": "error: refused: word/document.xml holds XML with a DTD or entity declarations",
    "media-climbs-out": "error: refused: unsafe part name",
    "missing-part": "error: not a Word document: its main part word/document.xml is missing",
    "not-a-snapshot": "error: not a snapshot made by aix docx",
    "markers-gone": "error: none of the snapshot's round-trip markers is left",
}


@pytest.mark.parametrize("kind", sorted(BAD))
def it_refuses_bad_input_in_one_line_and_touches_nothing(kind, snapshot, tmp_path):
    bad = _bad(kind, snapshot, tmp_path)
    site = copy_site(SAMPLE, tmp_path / "site")
    before = files(site)
    result = sync(bad, site, "--write", "--force")
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.stderr
    assert BAD[kind] in lines[0] and str(bad) in lines[0], lines[0]
    assert files(site) == before


def it_refuses_a_snapshot_of_another_site(snapshot, make_site):
    site = make_site({"content/docs/1_general_controls.md": "---\ntitle: Other\n---\nOther text.\n"})
    before = files(site)
    result = sync(snapshot, site, "--write")
    assert result.exit_code == 2
    assert "error: a snapshot of another site ('AI Exchange sample', 7 pages)" in result.stderr
    assert result.stderr.count("\n") == 1 and files(site) == before


# -- sites nobody has seen ------------------------------------------------------------------------------------

WORDS = ["alpha", "Beta", "model", "data", "*star*", "_under_", "`code`", "x\\*y", "a|b", "1.", "#tag", "<b>", "&amp;",
         "{{< icon \"x\" >}}", "[link](/docs/p0/)", "[ext](https://example.org/a?b=1#c)", "ü", "安全", "😀", "  ", "\t"]  # fmt: skip


def _blocks(draw, st):
    def words(n=6):
        return " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=n)))

    kind = draw(
        st.sampled_from(["p", "h", "ul", "ol", "quote", "code", "table", "html", "hr", "break", "sc"])
    )
    if kind == "p":
        return words(12) + draw(st.sampled_from(["", "  ", " "]))
    if kind == "h":
        return "#" * draw(st.integers(2, 6)) + " " + words(4) + draw(st.sampled_from(["", " {#custom-id}"]))
    if kind == "ul":
        marker = draw(st.sampled_from("-*+"))
        step = draw(st.sampled_from([2, 4]))
        depth, lines = 0, []
        for _ in range(draw(st.integers(1, 5))):
            depth = draw(st.integers(0, min(depth + 1, 2)))
            lines.append(" " * step * depth + f"{marker} {words(5)}")
        return "\n".join(lines)
    if kind == "ol":
        delim = draw(st.sampled_from(".)"))
        start = draw(st.integers(1, 3))
        return "\n".join(f"{start + i}{delim} {words(5)}" for i in range(draw(st.integers(1, 4))))
    if kind == "quote":
        return "\n".join("> " + words(5) + "  " for _ in range(draw(st.integers(1, 3))))
    if kind == "code":
        return "```" + draw(st.sampled_from(["", "py"])) + "\n" + words(5) + "\n  indented\n```"
    if kind == "table":
        return "| a | b |\n|---|:-:|\n" + "\n".join(
            f"| {words(3)} | {words(2)} |" for _ in range(draw(st.integers(1, 3)))
        )
    if kind == "html":
        return '<div class="x">\n' + words(3) + "\n</div>"
    if kind == "hr":
        return draw(st.sampled_from(["---", "***", "___"]))
    if kind == "break":
        return words(4) + draw(st.sampled_from(["  \n", "\\\n", "<br>\n"])) + words(4)
    return "{{< callout >}}\n" + words(5) + "\n{{< /callout >}}"


def _page_strategy():
    from hypothesis import strategies as st

    @st.composite
    def page(draw):
        blocks = [_blocks(draw, st) for _ in range(draw(st.integers(1, 8)))]
        gaps = [draw(st.sampled_from(["\n\n", "\n\n\n", "\n"])) for _ in blocks]
        body = "".join(b + g for b, g in zip(blocks, gaps, strict=True))
        body = body if draw(st.booleans()) else body.rstrip("\n")
        newline = draw(st.sampled_from(["\n", "\r\n"]))
        head = f"---{newline}title: {draw(st.sampled_from(['P', 'A: b', '0. Zero']))!r}{newline}---{newline}"
        return (head + body.replace("\n", newline)).encode("utf-8")

    return page()


def it_gives_back_sites_nobody_has_seen(tmp_path_factory):
    from hypothesis import HealthCheck, given, settings

    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(_page_strategy(), _page_strategy())
    def check(first, second):
        from conftest import write_site

        root = write_site(
            tmp_path_factory.mktemp("site"), {"content/docs/p0.md": first, "content/docs/p1.md": second}
        )
        before = files(root)
        snapshot = root.parent / "s.docx"
        export_docx(build_model(root), snapshot)
        result = sync(snapshot, root, "--write")
        assert result.exit_code == 0, result.output
        assert files(root) == before

    check()


def it_brings_back_a_word_changed_anywhere_in_sites_nobody_has_seen(tmp_path_factory):
    import re

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(_page_strategy(), st.randoms(use_true_random=False))
    def check(page, rnd):
        from conftest import write_site

        root = write_site(tmp_path_factory.mktemp("site"), {"content/docs/p0.md": page})
        snapshot = root.parent / "s.docx"
        export_docx(build_model(root), snapshot)
        doc = docx.Document(str(snapshot))
        body = list(doc.element.body.iter(qn("w:t")))
        marked = next(
            (
                i
                for i, t in enumerate(body)
                if t.getparent().getparent().find(qn("w:bookmarkStart")) is not None
            ),
            0,
        )
        words = [
            (t, m) for t in body[marked:] for m in re.finditer(r"\b(alpha|Beta|model|data)\b", t.text or "")
        ]
        if not words:
            return
        t, m = rnd.choice(words)
        t.text = t.text[: m.start()] + "Qwerty" + t.text[m.end() :]
        edited = root.parent / "e.docx"
        doc.save(str(edited))
        result = Syncer(edited, build_model(root), "accept").plan()
        assert len(result.changes) == 1
        lines = changed_lines(result.changes[0].diff())
        minus = [line[1:] for line in lines if line[0] == "-"]
        plus = [line[1:] for line in lines if line[0] == "+"]
        assert len(minus) == len(plus) == 1, lines
        assert plus[0].count("Qwerty") == minus[0].count("Qwerty") + 1, lines
        assert len(plus[0]) - len(minus[0]) < 40, lines  # the edited word, and at most an anchor kept

    check()


def it_merges_a_word_changed_in_a_list_of_a_crlf_page_into_just_its_line(make_site, tmp_path):
    """Found by the property above: a CRLF page's block was merged token by token with the writer's LF text,
    and the edit came back as the whole list once more."""
    import re

    page = b"---\r\ntitle: 'P'\r\n---\r\n- alpha\r\n\r\n- &amp; *star*\r\n- alpha\r\n- *star* *star*"
    root = make_site({"content/docs/p0.md": page})
    snapshot = tmp_path / "s.docx"
    export_docx(build_model(root), snapshot)
    doc = docx.Document(str(snapshot))
    second = [t for t in doc.element.body.iter(qn("w:t")) if re.search(r"\balpha\b", t.text or "")][1]
    second.text = second.text.replace("alpha", "Qwerty")
    doc.save(str(tmp_path / "e.docx"))
    result = Syncer(tmp_path / "e.docx", build_model(root), "accept").plan()
    assert result.changes[0].new.endswith("- &amp; *star*\r\n- Qwerty\r\n- *star* *star*")
    assert changed_lines(result.changes[0].diff()) == ["-- alpha", "+- Qwerty"]


@pytest.mark.parametrize("which", [0, 1])
def it_numbers_an_edited_ordered_list_from_where_its_source_starts(make_site, tmp_path, which):
    """Found by the property above: a list that starts at 2 (after a bullet list, as CommonMark allows) was
    written back from 1, so an edit of its first item came back as a new item "1." before it."""
    import re

    page = "---\ntitle: 'P'\n---\n- *star*\n\n2. alpha\n3. alpha\n\n1) new list\n"
    root = make_site({"content/docs/p0.md": page})
    snapshot = tmp_path / "s.docx"
    export_docx(build_model(root), snapshot)
    doc = docx.Document(str(snapshot))
    word = [t for t in doc.element.body.iter(qn("w:t")) if re.search(r"\balpha\b", t.text or "")][which]
    word.text = word.text.replace("alpha", "Qwerty")
    doc.save(str(tmp_path / "e.docx"))
    result = Syncer(tmp_path / "e.docx", build_model(root), "accept").plan()
    line = f"{which + 2}. "
    assert changed_lines(result.changes[0].diff()) == [f"-{line}alpha", f"+{line}Qwerty"]


def it_keeps_the_anchor_of_a_renamed_heading_that_holds_inline_html(make_site, tmp_path):
    """Found by the property above: Word shows `## alpha <b>` with its tag, the model's heading text leaves the
    tag out; the renamed heading lost #alpha, and its namesake below was pinned to #alpha-1 instead."""
    root = make_site({"content/docs/p0.md": "---\ntitle: 'P'\n---\n## alpha <b>\n\n## alpha\n"})
    snapshot = tmp_path / "s.docx"
    export_docx(build_model(root), snapshot)
    doc = docx.Document(str(snapshot))
    (first, _) = [
        t
        for t in doc.element.body.iter(qn("w:t"))
        if "alpha" in (t.text or "") and t.getparent().getparent().find(qn("w:bookmarkStart")) is not None
    ]
    first.text = first.text.replace("alpha", "Qwerty")
    doc.save(str(tmp_path / "e.docx"))
    result = Syncer(tmp_path / "e.docx", build_model(root), "accept").plan()
    assert result.changes[0].new.endswith("---\n## Qwerty <b> {#alpha}\n\n## alpha\n")


def it_reads_a_block_changed_in_git_into_the_model_with_its_links(make_site, tmp_path):
    """A block the site no longer holds as the snapshot stored it is read again as the pipeline reads a page
    (the reader, then the links transform): its links, Markdown and raw HTML, are the merge base's, so a
    Word edit next to them leaves them as written."""
    body = (
        "## Target\n\nSee [the target](#target), [Q](../q/) and <a href='/docs/q/'>Q again</a>.\n"
        "Second line.\nThird line.\n"
    )
    root = make_site(
        {"content/docs/p.md": "---\ntitle: P\n---\n" + body, "content/docs/q.md": "---\ntitle: Q\n---\nQ.\n"}
    )
    snapshot = tmp_path / "s.docx"
    export_docx(build_model(root), snapshot)
    page = root / "content/docs/p.md"
    page.write_text(page.read_text().replace("Third line.", "Third line, edited in git."))

    def edit(doc):
        find(doc, "See the target").runs[0].text = "Look at "

    result = Syncer(_apply(snapshot, edit, tmp_path / "e.docx"), build_model(root), "accept").plan()
    assert result.conflicts == []
    (change,) = result.changes
    assert change.new == page.read_text().replace("See [the target]", "Look at [the target]")
