"""`aix check`: each kind of problem is found at its file:line, and nothing false is reported."""

import json

from click.testing import CliRunner

from converter.__main__ import cli
from converter.pipeline import build_model
from converter.reports.check import check_site

PAGE = """\
---
title: 2. Threats
weight: 2
---
## 2.1 Evasion
See [poisoning](/go/poison/) and [missing](/go/nothere/) and [case](/go/POISON/).
See [anchor](#21-evasion), [bad anchor](#nowhere) and [page](/docs/other/#sec-b).
See [gone](/docs/other/#sec-x), [no page](/docs/gone/), [relative](go/poison/) and [out](/media/).

## 2.3 Skipped a number
#### Jumped a level
![img](/images/missing.png)
{{< callout >}}
never closed
"""

OTHER = """\
---
title: Other
weight: 3
---
## Sec B {#sec-b}
## Sec C {#sec-b}
"""


def _site(make_site, firebase=None):
    return make_site(
        {"content/docs/threats.md": PAGE, "content/docs/other.md": OTHER},
        firebase=firebase
        or [
            ("/go/poison/", "/docs/other/#sec-b"),
            ("/go/deadanchor/", "/docs/other/#nowhere"),
            ("go/noslash/", "/docs/other/"),
            ("/go/poison/", "/docs/other/"),
        ],
    )


def _findings(root):
    return {(f.file, f.line, f.code) for f in check_site(build_model(root))}


def it_reports_every_kind_of_problem_at_its_line(make_site):
    found = _findings(_site(make_site))
    page = "content/docs/threats.md"
    assert found == {
        (page, 6, "unknown-go"),
        (page, 6, "go-case"),
        (page, 7, "missing-anchor"),
        (page, 8, "missing-anchor"),
        (page, 8, "missing-page"),
        (page, 10, "section-number"),
        (page, 11, "heading-jump"),
        (page, 12, "missing-image"),
        (page, 13, "unclosed-shortcode"),
        ("content/docs/other.md", 5, "duplicate-id"),
        ("content/docs/other.md", 6, "duplicate-id"),
        ("firebase.json", 5, "redirect-missing-anchor"),
        ("firebase.json", 6, "redirect-source"),
        ("firebase.json", 7, "redirect-duplicate"),
    }


def it_says_what_is_wrong_and_what_to_do(make_site):
    messages = [str(f) for f in check_site(build_model(_site(make_site)))]
    assert (
        "content/docs/threats.md:6: error: link /go/POISON/: no redirect matches it, because Firebase matches "
        "case-sensitively; /go/poison/ does (run aix normalize)" in messages
    )
    assert any(
        "content/docs/threats.md:8: error: link go/poison/ leads to /docs/threats/go/poison/" in m
        and "a leading '/' is missing" in m
        for m in messages
    )


def it_reports_nothing_on_a_clean_site(make_site):
    root = make_site(
        {"content/docs/a.md": "---\ntitle: A\nweight: 1\n---\n## 1.1 One\n[x](/go/one/) [y](#11-one)\n"},
        firebase=[("/go/one/", "/docs/a/#11-one")],
    )
    assert _findings(root) == set()


def it_exits_1_on_errors_and_prints_json(make_site):
    result = CliRunner().invoke(cli, ["check", str(_site(make_site)), "--format", "json"])
    assert result.exit_code == 1
    rows = json.loads(result.stdout)
    assert {"file", "line", "severity", "code", "message", "target"} <= set(rows[0])
    assert {r["severity"] for r in rows} == {"error", "warning"}


def it_checks_the_sample_clean(sample):
    errors = [f for f in check_site(build_model(sample)) if f.severity == "error"]
    assert errors == []


# Every finding below was checked by hand against the sources and firebase.json of aix-2026.
AIX_2026_ERRORS = {
    ("firebase.json", 572, "redirect-missing-anchor"),  # #212-percect-knowledge-evasion (typo)
    ("firebase.json", 682, "redirect-missing-anchor"),  # #231-...-in-output; the heading says "model output"
    ("firebase.json", 762, "redirect-source"),  # goto/culturesensitivealignment/ lacks its '/'
    ("content/docs/ai_security_overview.md", 522, "missing-page"),  # (opencre.org/chatbot): no scheme
    ("content/docs/ai_security_overview.md", 626, "unknown-go"),  # adversarialrobustdestillation
    ("content/docs/ai_security_overview.md", 635, "missing-page"),  # go/essentials/ without '/'
    ("content/docs/ai_security_overview.md", 830, "missing-image"),  # tn_threattree.png
    ("content/docs/ai_security_overview.md", 830, "missing-file"),  # link to threattree.png
    ("content/docs/ai_security_overview.md", 1020, "unknown-go"),  # /go/privacy/
    ("content/docs/ai_security_overview.md", 1098, "unknown-go"),  # modelinversionandmemberships
    *{("content/docs/1_general_controls.md", n, "go-case") for n in range(572, 579)},  # /go/OVERSIGHT/ ...
    ("content/docs/1_general_controls.md", 799, "unknown-go"),  # culturesensitivealignment: rule broken
    ("content/docs/2_threats_through_use.md", 1720, "unknown-go"),  # anamlousinputhandling
    ("content/docs/2_threats_through_use.md", 1842, "unknown-go"),  # its own permalink, rule broken
    ("content/docs/5_testing.md", 51, "unknown-go"),  # outputconatinsconventionalinjection
    ("content/docs/5_testing.md", 167, "broken-redirect"),  # via firebase.json:682
    ("content/docs/5_testing.md", 287, "missing-page"),  # go/testingtoolspredictiveai/ without '/'
    ("content/docs/ai_security_index.md", 27, "unknown-go"),  # culturesensitivealignment
    ("content/docs/ai_security_index.md", 31, "broken-redirect"),  # via firebase.json:682
}


def it_finds_the_real_problems_of_aix_2026(corpus):
    findings = check_site(build_model(corpus / "aix-2026"))
    errors = {(f.file, f.line, f.code) for f in findings if f.severity == "error"}
    assert errors == AIX_2026_ERRORS
    warnings = {(f.code, f.file) for f in findings if f.severity == "warning"}
    assert {code for code, _ in warnings} == {"redirect-duplicate", "heading-jump", *MARKDOWN_CODES} - {
        "table-pipe"
    }
    markdown = {(f.file, f.line, f.code) for f in findings if f.code in MARKDOWN_CODES}
    assert markdown == AIX_2026_MARKDOWN


MARKDOWN_CODES = {"table-cells", "table-pipe", "table-row", "lazy-list"}
# Markdown that Hugo reads as the author probably did not mean; each checked against Hugo's own HTML.
AIX_2026_MARKDOWN = {
    *{("content/docs/ai_security_overview.md", n, "lazy-list") for n in (942, 944, 946, 948)},  # "- Example"
    ("content/docs/1_general_controls.md", 603, "lazy-list"),
    *{("content/docs/2_threats_through_use.md", n, "lazy-list") for n in (176, 181, 190, 275, 549)},
    ("content/docs/5_testing.md", 891, "table-row"),  # "Literature: ..." is a row of the Garak table
    ("content/docs/5_testing.md", 1076, "table-cells"),  # [Guardrails Hub | Guardrails AI](...) is cut off
    ("content/docs/5_testing.md", 1168, "table-cells"),  # [Types of LLM vulnerabilities | promptfoo](...)
}


def it_warns_about_markdown_hugo_reads_as_authors_rarely_mean(make_site):
    body = (
        "| A | B |\n|---|---|\n| 1 | [x | y](/docs/a/) |\n| 2 | 3 | 4 |\nno pipe here\n\n"
        "Steps:\n    - first\n    - second\n"
    )
    site = build_model(make_site({"content/docs/a.md": "---\ntitle: A\n---\n" + body}))
    found = [str(f) for f in check_site(site)]
    assert found == [
        "content/docs/a.md:6: warning: the row has more cells than its header: Hugo drops 'y](/docs/a/)'",
        "content/docs/a.md:6: warning: a '|' inside a link or code cuts the cell '[x' (Hugo cuts at every '|'; "
        "write '\\|')",
        "content/docs/a.md:7: warning: the row has more cells than its header: Hugo drops '4'",
        "content/docs/a.md:8: warning: 'no pipe here' has no '|' but is a row of the table above it (a blank "
        "line ends a table)",
        "content/docs/a.md:11: warning: '- first' and 1 more line(s) like it: indented four or more spaces under "
        "paragraph text, Hugo shows them as text of the paragraph, not as list items (indent less, or put a "
        "blank line before)",
    ]
