"""The HTML writer and `aix html`: ids, links, shortcodes, raw HTML, images, in one document."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

from converter.__main__ import cli
from converter.buildlog import BuildLog
from converter.html.document import CopiedImages, write_html
from converter.html.hrefs import Linker
from converter.html.sanitize import Sanitizer
from converter.html.writer import HtmlWriter
from converter.pipeline import build_model
from converter.transforms.links import names_document_content

FIXTURES = Path(__file__).parent / "fixtures" / "html_writer.txt"
REDIRECTS = [
    ("/go/b/", "/docs/b/#b-heading"),
    ("/goto/b/", "/docs/b/"),
    ("/go/away/", "https://example.org/"),
]


def _examples():
    text = "\n".join(
        line for line in FIXTURES.read_text(encoding="utf-8").splitlines() if not line.startswith("%%")
    )
    for n, example in enumerate(text.split("\n==\n")):
        markdown, _, expected = example.partition("\n.\n")
        yield pytest.param(markdown.strip("\n") + "\n", expected.strip("\n"), id=f"example-{n + 1}")


def _render(make_site, body: str, extra: dict | None = None, name: str = "site"):
    files = {
        "content/docs/a.md": "---\ntitle: A\nweight: 1\n---\n" + body,
        "content/docs/b.md": "---\ntitle: B\nweight: 2\n---\n## B heading\n\n## Introduction\n",
        "static/images/pic.png": b"\x89PNG\r\n\x1a\n",
        **(extra or {}),
    }
    site = build_model(make_site(files, REDIRECTS, name=name))
    log = BuildLog(quiet=True)
    writer = HtmlWriter(site, Linker(site, log.warn), CopiedImages(site, Path("/nonexistent")), log.warn)
    return site, log, [writer.render_page(page) for page in site.pages]


def _body(html: str) -> str:
    inner = html.split("</h1>\n", 1)[1]
    return inner.rsplit("</section>", 1)[0].strip("\n")


@pytest.mark.parametrize(("markdown", "expected"), list(_examples()))
def it_renders_the_golden_examples(make_site, markdown, expected):
    _, _, pages = _render(make_site, markdown)
    assert _body(pages[0]) == expected


def it_starts_each_page_with_its_title_in_a_chapter_section(make_site):
    site, _, pages = _render(make_site, "text\n")
    assert pages[0].startswith(
        '<section class="chapter" data-page="docs/a.md"><h1 class="title" id="page-docs-a">A</h1>'
    )
    assert pages[1].count("<section") == 1 and pages[1].endswith("</section>\n")


def it_keeps_hugo_ids_unique_in_the_document_and_shows_them(make_site):
    site, _, pages = _render(make_site, "## Introduction\n\n## Other\n")
    assert 'id="a--introduction" data-hugo-id="introduction"' in pages[0]
    assert 'id="b--introduction" data-hugo-id="introduction"' in pages[1]
    assert 'id="other" data-hugo-id="other"' in pages[0]
    ids = [h.doc_id for h in site.headings]
    assert len(ids) == len(set(ids))


def it_turns_every_internal_link_into_an_in_document_anchor(make_site):
    body = (
        "[go](/go/b/) [goto](/goto/b/) [docs](/docs/b/#introduction) [anchor](#local) "
        "[relative](../b/) [file](b.md#b-heading) [site](https://owaspai.org/docs/b/#b-heading) "
        "[www](https://www.owaspai.org/go/b/)\n\n## Local\n"
    )
    _, log, pages = _render(make_site, body)
    hrefs = re.findall(r'href="([^"]*)"', pages[0])
    assert hrefs == [
        "#b-heading",
        "#page-docs-b",
        "#introduction",
        "#local",
        "#page-docs-b",
        "#b-heading",
        "#b-heading",
        "#b-heading",
    ]
    assert log.warnings == []


def it_keeps_external_links_and_makes_site_paths_absolute(make_site):
    body = "[ext](https://example.com/a) [mail](mailto:a@b.c) [site](/contribute/) [away](/go/away/) [pdf](/files/x.pdf)\n"
    _, _, pages = _render(make_site, body)
    assert re.findall(r'href="([^"]*)"', pages[0]) == [
        "https://example.com/a",
        "mailto:a@b.c",
        "https://owaspai.org/contribute/",
        "https://example.org/",
        "https://owaspai.org/files/x.pdf",
    ]


def it_jumps_to_the_page_when_an_anchor_is_missing_and_says_where(make_site):
    _, log, pages = _render(make_site, "see [x](/docs/b/#gone)\n")
    assert 'href="#page-docs-b"' in pages[0]
    assert [(w.file, w.line, w.code) for w in log.warnings] == [("content/docs/a.md", 5, "missing-anchor")]


def it_follows_a_permalink_with_the_wrong_letter_case_and_warns(make_site):
    _, log, pages = _render(make_site, "[x](/go/B/) [y](go/b/) [z](/go/nothing/)\n")
    assert re.findall(r'href="([^"]*)"', pages[0]) == [
        "#b-heading",
        "#b-heading",
        "https://owaspai.org/go/nothing/",
    ]
    assert [w.code for w in log.warnings] == ["unmatched-permalink", "unmatched-permalink", "unresolved-link"]


def it_keeps_the_content_of_an_unknown_shortcode_and_warns_with_file_and_line(make_site):
    _, log, pages = _render(make_site, "text\n\n{{< mystery >}}\ninside **it**\n{{< /mystery >}}\n")
    assert "<p>inside <strong>it</strong></p>" in pages[0]
    assert [(w.file, w.line, w.code) for w in log.warnings] == [("content/docs/a.md", 7, "unknown-shortcode")]


def it_shows_a_placeholder_for_a_missing_image_and_warns(make_site):
    body = "![ok](/images/pic.png)\n\n![gone](/images/gone.png)\n\n![far](https://example.com/x.png)\n"
    _, log, pages = _render(make_site, body)
    assert '<img src="images/pic.png" alt="ok">' in pages[0]
    assert pages[0].count('class="missing-image"') == 2
    assert [(w.line, w.code) for w in log.warnings] == [(7, "missing-image"), (9, "missing-image")]
    assert "is not a local file" in log.warnings[1].message


HOSTILE = [
    ("<script>alert(1)</script>", ""),
    ("<iframe src='https://evil.example/'>x</iframe>", ""),
    ("<object data='x.swf'><embed src='x.swf'></object>", "<p></p>"),
    ('<img src="/images/pic.png" onerror="steal()">', '<img src="images/pic.png">'),
    ('<a href="javascript:alert(1)">x</a>', "<p><a>x</a></p>"),
    ('<a href=" JaVaScRiPt:alert(1)">x</a>', "<p><a>x</a></p>"),
    ('<div style="background: url(file:///etc/passwd)">x</div>', "<div>x</div>"),
    ("<style>body { display: none }</style>", ""),
    ("</section></section><p>after</p>", "<p>after</p>"),
    ('<svg><image href="file:///etc/passwd"/></svg>', "<p><svg></svg></p>"),
]


@pytest.mark.parametrize(("raw", "expected"), HOSTILE)
def it_drops_what_could_run_code_or_fetch_from_raw_html(make_site, raw, expected):
    _, _, pages = _render(make_site, raw + "\n")
    assert _body(pages[0]).replace("\n", "") == expected


def it_closes_what_raw_html_left_open_at_the_end_of_the_page(make_site):
    _, _, pages = _render(make_site, "<div><span>\n\ntext\n")
    assert pages[0].endswith("</span></div></section>\n")


def it_drops_markdown_between_a_script_open_and_close():
    cleaned = Sanitizer(lambda tag, attr, value, n: value)
    assert cleaned.clean("<script>") == "" and cleaned.suppressing
    assert cleaned.clean("</script>") == "" and not cleaned.suppressing


def it_writes_one_html_file_with_images_and_styles(make_site, tmp_path):
    root = make_site(
        {
            "content/docs/a.md": "---\ntitle: A\n---\n![p](/images/pic.png)\n\n[b](/go/b/)\n",
            "content/docs/b.md": "---\ntitle: B\n---\n## B heading\n",
            "static/images/pic.png": b"\x89PNG\r\n\x1a\n",
        },
        REDIRECTS,
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["html", str(root), "-o", str(out)])
    assert result.exit_code == 0, result.output
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count('<section class="chapter"') == 2
    assert '<nav class="toc">' in index and 'href="#b-heading"' in index
    assert (out / "images" / "pic.png").read_bytes() == b"\x89PNG\r\n\x1a\n"
    assert {p.name for p in (out / "styles").iterdir()} == {"aix.css", "screen.css", "print.css"}
    assert "aix html: wrote" in result.stderr


def it_fails_under_strict_when_an_image_is_missing_and_writes_nothing(make_site, tmp_path):
    root = make_site({"content/docs/a.md": "---\ntitle: A\n---\n![p](/images/gone.png)\n"})
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["html", str(root), "-o", str(out), "--strict"])
    assert result.exit_code == 1
    assert "content/docs/a.md:4: warning: image /images/gone.png is missing" in result.stderr
    assert not out.exists()


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])


@pytest.mark.corpus
def it_builds_the_real_document_with_every_in_document_link_landing(corpus, tmp_path):
    site_root = corpus / "aix-2026"
    index = write_html(site_root, tmp_path / "html", BuildLog(quiet=True))
    refs = _Refs()
    refs.feed(index.read_text(encoding="utf-8"))
    assert len(refs.ids) == len(set(refs.ids))
    ids = set(refs.ids)
    local = [h[1:] for h in refs.hrefs if h.startswith("#")]
    assert len(local) > 1000 and all(unquote(h) in ids for h in local)
    site = build_model(site_root)
    in_document = [h for h in refs.hrefs if names_document_content(site, h)]
    assert in_document == []


def it_finds_raw_html_urls_in_any_letter_case_in_the_model(make_site):
    body = '<A HREF="/docs/b/#b-heading">up</A> <IMG SRC="/images/pic.png" ALT="p">\n'
    site, log, pages = _render(make_site, body)
    assert [link.url for link in site.page("docs/a.md").links] == ["/docs/b/#b-heading"]
    assert '<a href="#b-heading">up</a>' in pages[0]
    assert '<img src="images/pic.png" alt="p">' in pages[0]
    assert log.warnings == []


def it_takes_each_raw_html_url_from_the_model_by_its_place_not_its_value(make_site):
    """The first link is dropped with the <object> around it; the second, with the same URL, is the one
    written, and its warning names its own line."""
    body = '<div>\n<object><a href="/docs/gone/">x</a></object>\n<a href="/docs/gone/">y</a>\n</div>\n'
    _, log, pages = _render(make_site, body)
    assert '<a href="https://owaspai.org/docs/gone/">y</a>' in pages[0]
    assert [str(w) for w in log.warnings] == [
        "content/docs/a.md:7: warning: link /docs/gone/ leads nowhere in the document or site"
    ]


def it_prints_quotes_and_dashes_as_hugo_does_unless_the_site_turns_the_typographer_off(make_site):
    body = '## It\'s "here" -- now\n\nDon\'t -- "quote" ... <<x>>\n'
    site, _, pages = _render(make_site, body)
    assert "<p>Don’t – “quote” … «x»</p>" in pages[0]
    assert site.page("docs/a.md").headings[1].text == "It’s “here” – now"  # contents and bookmarks too
    assert site.page("docs/a.md").blocks[0].text == '## It\'s "here" -- now\n'  # the source stays
    root = site.root
    (root / "hugo.yaml").write_text(
        "baseURL: https://owaspai.org/\nmarkup:\n  goldmark:\n    extensions:\n      typographer:\n"
        "        disable: true\n"
    )
    site = build_model(root)
    log = BuildLog(quiet=True)
    writer = HtmlWriter(site, Linker(site, log.warn), CopiedImages(site, Path("/nonexistent")), log.warn)
    html = writer.render_page(site.pages[0])
    assert '<p>Don\'t -- "quote" ... &lt;&lt;x&gt;&gt;</p>' in html
    assert 'id="its-here----now"' in html  # and Hugo's id keeps the hyphens
