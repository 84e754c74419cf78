"""Raw HTML in the snapshot: shown as the website shows it, edits written back into the HTML cell for cell
(converter/roundtrip/rawhtml.py, the writer's block_block_html and html_pair, sync's _html)."""

from __future__ import annotations

import copy

import docx
from docx.oxml.ns import qn

from converter.ooxml.package import open_docx
from converter.pipeline import build_model
from converter.roundtrip import store
from converter.roundtrip.bookmarks import bookmark_name
from converter.roundtrip.export import export_docx
from converter.roundtrip.sync import Syncer

# the periodic table's own quirks: a head, row spans, rows and cells left unclosed, <br><br<a ...>
TABLE = """\
Intro paragraph.

<table><thead>
<tr><th>Asset &amp; Impact</th><th>Surface</th><th>Threat</th><th>Controls</th></tr>
</thead><tbody>
<tr><td rowspan="3">Model <b>integrity</b></td><td rowspan="2">Runtime</td><td><a href="/docs/p/#target">Prompt injection</a></td><td>Limit, <i>monitor</i> plus:<br><br>rate limit</td></tr>
<tr>                                         <td>Evasion (adversarial)</td><td>Robust model
<tr>                                         <td>Development</td><td>Data poisoning</td><td>Segregate<br><br<a href="/docs/p/">Quality</a>, >Ensemble</td></tr>
<tr><td>Confidentiality</td><td>Runtime</td><td>Disclosure</td><td>Filter output</td></tr>
</tbody></table>

After the table.
"""
PAGE = "---\ntitle: P\n---\n## Target\n\n" + TABLE


def _site(make_site):
    return make_site({"content/docs/p.md": PAGE})


def _export(site, tmp_path):
    out = tmp_path / "s.docx"
    export_docx(build_model(site), out)
    return out


def _cells(path):
    d = docx.Document(str(path))
    return d, d.tables[0]


def _texts(tc) -> str:
    return "".join(t.text or "" for t in tc.iter(qn("w:t")))


def it_shows_an_html_table_as_a_word_table_with_its_spans_links_and_emphasis(make_site, tmp_path):
    out = _export(_site(make_site), tmp_path)
    d, table = _cells(out)
    rows = table._tbl.findall(qn("w:tr"))
    assert len(rows) == 5
    first = rows[1].findall(qn("w:tc"))
    assert [_texts(tc) for tc in first] == [
        "Model integrity",
        "Runtime",
        "Prompt injection",
        "Limit, monitor plus:rate limit",
    ]
    assert first[0].find(f"{qn('w:tcPr')}/{qn('w:vMerge')}").get(qn("w:val")) == "restart"
    # the rows below the spanning cells hold continuations (w:vMerge), as HTML's rowspan
    merged = [tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}") is not None for tc in rows[2].findall(qn("w:tc"))]
    assert merged[:2] == [True, True]
    assert any(r.find(qn("w:b")) is not None for r in first[0].iter(qn("w:rPr")))
    assert any(r.find(qn("w:i")) is not None for r in first[3].iter(qn("w:rPr")))
    assert first[2].find(qn("w:p")).find(qn("w:hyperlink")) is not None
    body = "".join(t.text or "" for t in d.element.body.iter(qn("w:t")))
    assert "<td" not in body and "<table" not in body and "rowspan" not in body


def it_predicts_what_word_shows_of_a_table_with_spans(make_site, tmp_path):
    """ast_ir (the merge base) reads the table as the reader does, continuation cells included."""
    out = _export(_site(make_site), tmp_path)
    with open_docx(out) as pkg:
        snapshot = store.find(pkg)
    assert all(u.shown is None for u in snapshot.units.values())


def it_gives_an_untouched_html_block_back_as_it_was(make_site, tmp_path):
    site = _site(make_site)
    result = Syncer(_export(site, tmp_path), build_model(site), "accept").plan()
    assert result.changes == [] and result.notes == []


def it_writes_an_edited_cell_into_its_html_cell(make_site, tmp_path):
    site = _site(make_site)
    d, table = _cells(_export(site, tmp_path))
    for t in table._tbl.iter(qn("w:t")):
        if t.text == "Filter output":
            t.text = "Filter and log output"
        if t.text == "Prompt injection":
            t.text = "Direct prompt injection"
    d.save(str(tmp_path / "e.docx"))
    result = Syncer(tmp_path / "e.docx", build_model(site), "accept").plan()
    assert result.notes == []
    (change,) = result.changes
    assert change.new == change.old.replace(
        "<td>Filter output</td>", "<td>Filter and log output</td>"
    ).replace('">Prompt injection</a>', '">Direct prompt injection</a>')


def it_writes_into_a_cell_left_unclosed_and_keeps_its_quirks(make_site, tmp_path):
    site = _site(make_site)
    d, table = _cells(_export(site, tmp_path))
    for t in table._tbl.iter(qn("w:t")):
        if t.text and t.text.startswith("Robust model"):
            t.text = t.text.replace("Robust model", "Robust model, training")
        if t.text and "Segregate" in t.text:
            t.text = t.text.replace("Segregate", "Segregate data")
    d.save(str(tmp_path / "e.docx"))
    (change,) = Syncer(tmp_path / "e.docx", build_model(site), "accept").plan().changes
    assert "<td>Robust model, training\n<tr>" in change.new
    assert "<td>Segregate data<br><br<a href=" in change.new
    assert len([line for line in change.diff().splitlines() if line.startswith(("-", "+"))]) == 6  # 2 lines


def it_keeps_the_source_and_says_where_when_a_row_is_added(make_site, tmp_path):
    site = _site(make_site)
    d, table = _cells(_export(site, tmp_path))
    last = table._tbl.findall(qn("w:tr"))[-1]
    last.addnext(copy.deepcopy(last))
    d.save(str(tmp_path / "e.docx"))
    result = Syncer(tmp_path / "e.docx", build_model(site), "accept").plan()
    assert result.changes == []
    (note,) = result.notes
    line = PAGE.splitlines().index("<table><thead>") + 1
    assert note.startswith(f"content/docs/p.md:{line}: warning:") and "the HTML source is kept" in note


def it_keeps_the_source_when_text_is_typed_into_a_merged_cell(make_site, tmp_path):
    site = _site(make_site)
    d, table = _cells(_export(site, tmp_path))
    continuation = table._tbl.findall(qn("w:tr"))[2].findall(qn("w:tc"))[0]
    run = continuation.find(qn("w:p")).makeelement(qn("w:r"), {})
    text = run.makeelement(qn("w:t"), {})
    text.text = "typed"
    run.append(text)
    continuation.find(qn("w:p")).append(run)
    d.save(str(tmp_path / "e.docx"))
    result = Syncer(tmp_path / "e.docx", build_model(site), "accept").plan()
    assert result.changes == [] and "merged or added cell (row 3, cell 1)" in result.notes[0]


def it_shows_inline_html_formatting_as_formatting(make_site, tmp_path):
    site = make_site(
        {
            "content/docs/p.md": '---\ntitle: P\n---\nSome <b>bold</b>, <i>it</i> and <a href="https://example.org/">a link</a>.\n'
        }
    )
    out = _export(site, tmp_path)
    paragraph = next(p for p in docx.Document(str(out)).paragraphs if p.text.startswith("Some"))
    assert paragraph.text == "Some bold, it and a link."
    assert [r.text for r in paragraph.runs if r.bold] == ["bold"] and [
        r.text for r in paragraph.runs if r.italic
    ] == ["it"]
    assert Syncer(out, build_model(site), "accept").plan().changes == []


def it_reads_hostile_html_without_failing(make_site, tmp_path):
    """Nesting far deeper than any page has, stray and unclosed tags, a bare '<': a snapshot all the same."""
    hostile = (
        "<div>" + "<div><table><tr><td><ul><li>" * 400 + "deep" + "</td></tr></table>" * 3 + "</b></i><td>x<"
    )
    site = make_site({"content/docs/p.md": "---\ntitle: P\n---\n" + hostile + "\n"})
    out = _export(site, tmp_path)
    assert "deep" in "".join(t.text or "" for t in docx.Document(str(out)).element.body.iter(qn("w:t")))
    assert Syncer(out, build_model(site), "accept").plan().changes == []


SHORTCODES = """\
---
title: P
---
{{< callout type="warning" >}}
Check the **model** first.
{{< /callout >}}

{{< details title="How it works" >}}
Hidden until opened.
{{< /details >}}

{{< tabs items="Python,Go" >}}
{{< tab >}}
Use pip.
{{< /tab >}}
{{< tab >}}
Use go get.
{{< /tab >}}
{{< /tabs >}}
"""


def it_shows_callouts_details_and_tabs_as_content_under_a_label(make_site, tmp_path):
    site = make_site({"content/docs/p.md": SHORTCODES})
    out = _export(site, tmp_path)
    shown = [(p.style.name, p.text) for p in docx.Document(str(out)).paragraphs if p.text]
    body = shown[shown.index(("Heading 1", "P")) + 1 :]
    assert body == [
        ("Shortcode Label", "Warning"), ("Body Text", "Check the model first."),
        ("Shortcode Label", "How it works"), ("Body Text", "Hidden until opened."),
        ("Shortcode Label", "Tab: Python"), ("Body Text", "Use pip."),
        ("Shortcode Label", "Tab: Go"), ("Body Text", "Use go get."),
    ]  # fmt: skip
    assert "{{<" not in "".join(text for _, text in shown)
    assert Syncer(out, build_model(site), "accept").plan().changes == []


def it_brings_back_an_edit_under_a_label_and_keeps_the_shortcode(make_site, tmp_path):
    site = make_site({"content/docs/p.md": SHORTCODES})
    d = docx.Document(str(_export(site, tmp_path)))
    for p in d.paragraphs:
        if p.text == "Use pip.":
            p.runs[0].text = "Use pip or uv."
        if p.text == "How it works":
            p.runs[0].text = "How it really works"
    d.save(str(tmp_path / "e.docx"))
    result = Syncer(tmp_path / "e.docx", build_model(site), "accept").plan()
    (change,) = result.changes
    assert change.new == change.old.replace("Use pip.", "Use pip or uv.")
    assert any("p.md:8: warning: a shortcode's label" in note for note in result.notes)


LINKED = """\
---
title: P
---
## Target

<p>Go to <a href="/docs/p/#target" href="https://example.com/">the target</a>.</p>

<div><a href="https://example.org/"></a><!-- <a href="https://example.com/">commented out</a> --></div>
"""


def _hyperlinks(d, text: str) -> list[tuple[str, str]]:
    """(the anchor or web address, the text) of each hyperlink of the paragraph that starts with `text`."""
    paragraph = next(p for p in d.paragraphs if p.text.startswith(text))
    out = []
    for link in paragraph._p.iter(qn("w:hyperlink")):
        rid = link.get(qn("r:id"))
        where = d.part.rels[rid].target_ref if rid else "#" + link.get(qn("w:anchor"))
        out.append((where, _texts(link)))
    return out


def it_links_raw_html_to_the_targets_the_links_transform_resolved(make_site, tmp_path):
    """A raw-HTML link goes where the model's Link goes: the first of repeated href attributes, as a browser
    follows it; a block that shows nothing keeps its source with the <a href> elements html.parser reads."""
    site = make_site({"content/docs/p.md": LINKED})
    d = docx.Document(str(_export(site, tmp_path)))
    assert _hyperlinks(d, "Go to") == [("#" + bookmark_name("docs/p.md", "target"), "the target")]
    assert _hyperlinks(d, "<div>") == [("https://example.org/", '<a href="https://example.org/"></a>')]
    assert Syncer(tmp_path / "s.docx", build_model(site), "accept").plan().changes == []
