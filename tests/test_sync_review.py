"""`aix sync` after a review made in LibreOffice itself (tests/lo_edit.py), with Track Changes on and off.

For every edit a reviewer makes: `--changes accept` gives what the same edit made without tracking gives;
`--changes reject` gives the snapshot back (0 changes), as LibreOffice's own Reject All does; the written
result passes `aix check` with no new findings, its printed diff is what `git diff` shows afterwards, a
second sync of the same file after committing changes nothing, and a fresh `aix docx` of it syncs to 0
changes. The sample is ours; the aix-2026 scenarios (marked `corpus`) run on a copy of three real pages.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import lo_edit
import pytest
from click.testing import CliRunner

from converter.__main__ import cli
from converter.pipeline import build_model
from converter.roundtrip.export import export_docx
from converter.roundtrip.sync import Syncer

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sources"
P1, P2, P3 = (
    f"content/docs/{n}.md"
    for n in ("1_general_controls", "2_threats_through_use", "3_development_time_threats")
)

OVERSIGHT = "Oversight fails when reviewers approve everything. Keep the volume low, rotate reviewers, and measure how often they disagree with the model."
CHECK_HASH = "Check the hash of each downloaded file against the value the supplier published, as part of "
WHATEVER = "Whatever the attack, the damage depends on what the model is allowed to do. The table compares the controls of this group."

# name -> (the reviewer's edits, the lines of each file that the edit changes: -old / +new, blank lines left out)
SAMPLE_EDITS: dict[str, tuple[list[list], dict[str, list[str]]]] = {
    "replace-words": (
        [["replace", "approve everything", "approve nearly everything"]],
        {P1: ["-" + OVERSIGHT, "+" + OVERSIGHT.replace("approve", "approve nearly")]},
    ),
    "type-words": (
        [["type", "Keep the volume low", " and steady"]],
        {P1: ["-" + OVERSIGHT, "+" + OVERSIGHT.replace("low,", "low and steady,")]},
    ),
    "enter-and-type": (
        [["enter", "measure how often they disagree", "A new paragraph typed in LibreOffice."]],
        {P1: ["+A new paragraph typed in LibreOffice."]},
    ),
    "enter-after-heading": (
        [["enter", "1.3.1 Oversight in practice", "A paragraph typed under the heading."]],
        {P1: ["+A paragraph typed under the heading."]},
    ),
    "new-numbered-heading": (
        [
            ["enter", "measure how often they disagree", "5. Arrange responsibility"],
            ["style", "5. Arrange responsibility", "Heading 3"],
        ],
        {P1: ["+### 5. Arrange responsibility"]},
    ),
    "delete-paragraph": ([["delete_paragraph", "Oversight fails when reviewers"]], {P1: ["-" + OVERSIGHT]}),
    "delete-list-item": (
        [["delete_paragraph", "sampling of past decisions for later audit"]],
        {P1: ["-- sampling of past decisions for later audit"]},
    ),
    "rename-heading": (
        [["replace", "Oversight in practice", "Oversight that works"]],
        {
            P1: [
                "-### 1.3.1 Oversight in practice",
                "+### 1.3.1 Oversight that works {#131-oversight-in-practice}",
            ]
        },
    ),
    "bold-and-italic": (
        [["bold", "rotate"], ["italic", "volume"]],
        {
            P1: [
                "-" + OVERSIGHT,
                "+" + OVERSIGHT.replace("volume", "*volume*").replace("rotate", "**rotate**"),
            ]
        },
    ),
    "hyperlink": (
        [["link", "measure", "https://example.org/measure"]],
        {P1: ["-" + OVERSIGHT, "+" + OVERSIGHT.replace("measure", "[measure](https://example.org/measure)")]},
    ),
    "list-item": (
        [["enter", "a list of actions that always need approval", "a second reviewer for large amounts"]],
        {P1: ["+  - a second reviewer for large amounts"]},
    ),
    "table-cell": (
        [["replace", "Low to medium", "Medium"]],
        {
            P1: [
                "-| [#LEAST MODEL PRIVILEGE](#least-model-privilege) | Give the model, and the agent around it, only the rights it needs | Design and runtime | Any threat that makes the model act, especially in [agentic systems](/go/agenticthreats/) | Architect | Low to medium | Review rights again whenever a tool is added to an agent |",
                "+| [#LEAST MODEL PRIVILEGE](#least-model-privilege) | Give the model, and the agent around it, only the rights it needs | Design and runtime | Any threat that makes the model act, especially in [agentic systems](/go/agenticthreats/) | Architect | Medium | Review rights again whenever a tool is added to an agent |",
            ]
        },
    ),
    "table-row": (
        [
            [
                "row",
                "Low to medium",
                "#RATE LIMIT",
                "Slow down attackers",
                "Runtime",
                "Evasion",
                "Operations",
                "Low",
                "New row",
            ]
        ],
        {P1: ["+| #RATE LIMIT | Slow down attackers | Runtime | Evasion | Operations | Low | New row |"]},
    ),
    "comment": ([["comment", "rotate", "Is 'rotate' the right word?"]], {}),
    "copy-section": (
        [["copy", "1.3.1 Oversight in practice", "#LEAST MODEL PRIVILEGE", "2.1. Evasion"]],
        {P2: ["+### 1.3.1 Oversight in practice", "+" + OVERSIGHT]},
    ),
    "move-down-within-page": (
        [["move", "Oversight fails when reviewers", "Least model privilege: run the model"]],
        {P1: ["-" + OVERSIGHT, "+" + OVERSIGHT]},
    ),
    "move-up-within-page": (
        [["move", "Oversight fails when reviewers", "Oversight: check what the model does"]],
        {P1: ["+" + OVERSIGHT, "-" + OVERSIGHT]},
    ),
    "move-to-an-earlier-page": (
        [["move", "Check the hash of each downloaded file", "Oversight fails when reviewers"]],
        {
            P1: ["+" + CHECK_HASH + "[#SUPPLY CHAIN MANAGE](/go/supplychainmanage/):"],
            P3: ["-" + CHECK_HASH + "[#SUPPLY CHAIN MANAGE](#supply-chain-manage):"],
        },
    ),
    "move-to-a-later-page": (
        [["move", "Whatever the attack, the damage depends", "Broad model poisoning is the umbrella term"]],
        {P1: ["-" + WHATEVER], P3: ["+" + WHATEVER]},
    ),
}


@dataclass
class Review:
    site: Path
    snapshot: Path
    files: dict[str, dict[str, Path]]  # edit -> {"plain", "tracked", "lo-accepted", "lo-rejected"} -> .docx


def run_review(
    site: Path, edits: dict[str, list[list]], workdir: Path, extra: dict[str, dict] | None = None
) -> Review:
    """One LibreOffice start for every edit, each made with tracking off and on; the tracked file is also
    opened again and saved after LibreOffice's own Accept All and Reject All. `extra` jobs give one file
    each (`files[name]["plain"]`)."""
    why = lo_edit.available()
    if why:
        pytest.skip(why)
    snapshot = workdir / "snapshot.docx"
    export_docx(build_model(site), snapshot)
    jobs, files = [], {}
    for name, steps in edits.items():
        out = {k: workdir / f"{name}.{k}.docx" for k in ("plain", "tracked", "lo-accepted", "lo-rejected")}
        files[name] = out
        jobs.append({"src": str(snapshot), "out": str(out["plain"]), "track": False, "edits": steps})
        jobs.append(
            {"src": str(snapshot), "out": str(out["tracked"]), "track": True, "edits": steps,
             "accept": str(out["lo-accepted"]), "reject": str(out["lo-rejected"])}
        )  # fmt: skip
    for name, job in (extra or {}).items():
        files[name] = {"plain": workdir / f"{name}.docx"}
        jobs.append({"src": str(snapshot), "out": str(files[name]["plain"]), "track": False, **job})
    failed = [f"{j['out']}: {j['error']}" for j in lo_edit.review(jobs, workdir / "lo") if j["error"]]
    assert not failed, "\n".join(failed)
    return Review(site, snapshot, files)


@pytest.fixture(scope="module")
def sample_review(tmp_path_factory) -> Review:
    edits = {k: v[0] for k, v in SAMPLE_EDITS.items()}
    return run_review(SAMPLE, edits, tmp_path_factory.mktemp("review"), EXTRA)


EXTRA = {
    "two-edits": {"edits": SAMPLE_EDITS["replace-words"][0] + SAMPLE_EDITS["table-cell"][0]},
    "three-edits": {
        "edits": SAMPLE_EDITS["replace-words"][0]
        + SAMPLE_EDITS["table-cell"][0]
        + [["replace", "the attacker changes training data", "an attacker alters training data"]]
    },
    "move-before-the-first-page": {
        "edits": [["move", "Oversight fails when reviewers", "A small, invented document"]]
    },
    "move-a-page-title": {
        "edits": [["move", "^3\\. Development-time threats$", "Oversight fails when reviewers"]]
    },
    "resaved-via-odt": {"edits": [], "via": "odt"},
    "resaved-via-doc": {"edits": [], "via": "doc"},
}


def planned(docx: Path, site: Path, mode: str = "accept") -> dict[str, str | None]:
    result = Syncer(docx, build_model(site), mode).plan()  # type: ignore[arg-type]
    assert not result.tracked
    return {c.rel: c.new for c in result.changes}


def changed(docx: Path, site: Path, mode: str = "accept") -> dict[str, list[str]]:
    result = Syncer(docx, build_model(site), mode).plan()  # type: ignore[arg-type]
    return {c.rel: changed_lines(c.diff()) for c in result.changes}


def changed_lines(diff: str) -> list[str]:
    return [
        line
        for line in diff.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---")) and line[1:].strip() != ""
    ]


def sync(*args) -> object:
    return CliRunner().invoke(cli, ["sync", *map(str, args)])


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), "-c", "user.email=t@t", "-c", "user.name=t", "-c", "core.autocrlf=false", *args],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout


def git_site(source: Path, into: Path) -> Path:
    shutil.copytree(source, into, ignore=shutil.ignore_patterns(".git"))
    git(into, "init", "-q")
    git(into, "add", ".")
    git(into, "commit", "-q", "-m", "sources")
    return into


def findings(site: Path) -> Counter:
    """What `aix check` finds, without line numbers (an edit moves the lines below it)."""
    result = CliRunner().invoke(cli, ["check", str(site), "--format", "json"])
    return Counter((f["file"], f["code"], f["message"], f["target"]) for f in json.loads(result.stdout))


# What an edit itself brings, whoever writes it: a copied numbered section is out of sequence where it is pasted.
OWN_FINDINGS = {"copy-section": {"section-number"}, "paste-numbered-heading": {"section-number"}}


def drop(found: Counter, codes) -> Counter:
    return Counter({k: n for k, n in found.items() if k[1] not in codes})


def hunks(diff: str) -> str:
    """A diff without its file headers: `git diff` and `aix sync` name the files differently."""
    header = re.compile(
        r"^(diff --git |index |new file mode |deleted file mode |--- (a/|/dev/null)|\+\+\+ (b/|/dev/null))"
    )
    return "".join(line for line in diff.splitlines(keepends=True) if not header.match(line))


# -- every edit, with and without tracking ----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SAMPLE_EDITS))
def it_brings_back_an_edit_made_in_libreoffice_as_just_its_lines(name, sample_review):
    assert changed(sample_review.files[name]["plain"], SAMPLE) == SAMPLE_EDITS[name][1]


@pytest.mark.parametrize("name", sorted(SAMPLE_EDITS))
def it_accepts_tracked_changes_as_the_same_edit_made_untracked(name, sample_review):
    files = sample_review.files[name]
    assert planned(files["tracked"], SAMPLE, "accept") == planned(files["plain"], SAMPLE)


@pytest.mark.parametrize("name", sorted(SAMPLE_EDITS))
def it_rejects_tracked_changes_back_to_the_snapshot(name, sample_review):
    assert planned(sample_review.files[name]["tracked"], SAMPLE, "reject") == {}


@pytest.mark.parametrize("name", sorted(SAMPLE_EDITS))
def it_reads_libreoffices_own_accept_and_reject_all_the_same_way(name, sample_review):
    files = sample_review.files[name]
    if name in LO_OWN:
        pytest.skip(LO_OWN[name])
    assert planned(files["lo-rejected"], SAMPLE) == {}
    assert planned(files["lo-accepted"], SAMPLE) == planned(files["plain"], SAMPLE)


# Where LibreOffice 7.4's own Accept All / Reject All give something else than the untracked edit. aix reads
# the tracked file itself as the untracked edit (the tests above); these files it reads as what they hold.
RESTYLED = (
    "a tracked deletion of a paragraph break gives the next paragraph the style of the paragraph before it, "
    "and LibreOffice's Accept All and Reject All keep that style (a heading becomes body text)"
)
LO_OWN = {
    "delete-paragraph": RESTYLED,
    "delete-list-item": RESTYLED,
    "move-down-within-page": RESTYLED,
    "move-up-within-page": RESTYLED,
    "move-to-an-earlier-page": RESTYLED,
    "move-to-a-later-page": RESTYLED + "; and its Accept All leaves the moved text's marker behind, empty",
    "table-row": "LibreOffice's Accept All leaves in the cell the zero-width joiner it tracks a new row with",
}


@pytest.mark.parametrize("name", sorted(SAMPLE_EDITS))
def it_writes_a_result_that_checks_diffs_as_git_does_and_syncs_again_to_nothing(
    name, sample_review, tmp_path
):
    site = git_site(SAMPLE, tmp_path / "site")
    before = findings(site)
    edited = sample_review.files[name]["plain"]
    result = sync(edited, site, "--write")
    assert result.exit_code == 0, result.output
    assert hunks(result.stdout) == hunks(git(site, "diff", "--no-color", "--no-ext-diff"))  # defect 6
    after = findings(site)
    assert drop(after - before, OWN_FINDINGS.get(name, ())) == Counter(), "new findings"
    git(site, "commit", "-q", "--allow-empty", "-am", "the review")
    again = sync(edited, site, "--write")  # defect 4: the same file once more, after committing its result
    assert again.exit_code == 0, again.output
    assert "0 file(s) changed" in again.stderr and again.stdout == ""
    fresh = tmp_path / "fresh.docx"
    export_docx(build_model(site), fresh)
    assert planned(fresh, site) == {}


def it_keeps_a_block_moved_where_no_page_is_where_it_was_and_says_so(sample_review):
    result = Syncer(sample_review.files["move-before-the-first-page"]["plain"], build_model(SAMPLE)).plan()
    assert result.changes == []
    assert f"{P1}:63: warning: moved in Word to before the first page; it stays where it was" in result.notes


def it_keeps_a_page_whose_title_was_moved_in_its_place_and_says_so(sample_review):
    result = Syncer(sample_review.files["move-a-page-title"]["plain"], build_model(SAMPLE)).plan()
    assert result.changes == []
    assert any(n.startswith(f"{P3}:1: warning: the page title was moved in Word") for n in result.notes)


def it_lists_comments_at_the_line_they_were_made_on(sample_review):
    for kind in ("plain", "tracked"):
        result = sync(sample_review.files["comment"][kind], SAMPLE, "--changes", "accept")
        assert result.exit_code == 0, result.output
        assert (
            f"  {P1}:63: Rita Reviewer (" in result.stderr
            and "): Is 'rotate' the right word?" in result.stderr
        )


# -- a review meets git ------------------------------------------------------------------------------------------


def edit_in_git(site: Path, rel: str, old: str, new: str) -> None:
    page = site / rel
    text = page.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    page.write_text(text.replace(old, new), encoding="utf-8")
    git(site, "commit", "-q", "-am", "edited in git")


def it_merges_an_edit_made_in_git_and_in_word_alike_silently(sample_review, tmp_path):
    """Git already holds exactly one of Word's edits of a page; Word changed another line of it too."""
    site = git_site(SAMPLE, tmp_path / "site")
    edit_in_git(site, P1, "approve everything", "approve nearly everything")
    result = sync(sample_review.files["two-edits"]["plain"], site, "--write")
    assert result.exit_code == 0, result.output
    assert changed_lines(result.stdout) == SAMPLE_EDITS["table-cell"][1][P1]
    page = (site / P1).read_text()
    assert page.count("approve nearly everything") == 1 and "| Architect | Medium |" in page


def it_reports_every_conflict_with_all_three_texts_and_writes_nothing(sample_review, tmp_path):
    site = git_site(SAMPLE, tmp_path / "site")
    edit_in_git(site, P1, "approve everything", "approve all")
    edit_in_git(site, P1, "| Architect | Low to medium |", "| Architect | Low |")
    edit_in_git(site, P3, "the attacker changes training data", "someone changes training data")
    head = git(site, "rev-parse", "HEAD").strip()[:12]
    before = {p: p.read_bytes() for p in site.rglob("*.md")}
    result = sync(sample_review.files["three-edits"]["plain"], site, "--write")
    assert result.exit_code == 1, result.output
    err = result.stderr
    assert f"{P1}:47: error: edited in Word and in git since the snapshot" in err
    assert f"{P1}:63: error: edited in Word and in git since the snapshot" in err
    assert f"{P3}:27: error: edited in Word and in git since the snapshot" in err
    assert (
        "approve all. Keep" in err
        and "approve nearly everything" in err
        and "approve everything. Keep" in err
    )
    assert "| Architect | Low |" in err and "| Architect | Medium |" in err, err
    assert "someone changes" in err and "an attacker alters" in err
    assert "snapshot:" in err and "git:" in err and "word:" in err
    assert f"HEAD ({head})" in err and "3 conflict(s)" in err
    assert {p: p.read_bytes() for p in site.rglob("*.md")} == before


def it_writes_conflicts_as_git_style_markers_when_asked(sample_review, tmp_path):
    site = git_site(SAMPLE, tmp_path / "site")
    edit_in_git(site, P1, "approve everything", "approve all")
    result = sync(sample_review.files["two-edits"]["plain"], site, "--write", "--conflicts", "markers")
    assert result.exit_code == 1, result.output
    assert "1 conflict(s) written as markers" in result.stderr
    page = (site / P1).read_text()
    block = (
        "<<<<<<< git\n" + OVERSIGHT.replace("approve everything", "approve all") + "\n=======\n"
        + OVERSIGHT.replace("approve", "approve nearly") + "\n>>>>>>> word\n"
    )  # fmt: skip
    assert block in page
    assert "| Architect | Medium |" in page  # the edit without a conflict is written too
    assert "<<<<<<< git" in git(site, "diff")  # the usual tools see it as a conflict block
    dry_site = git_site(SAMPLE, tmp_path / "dry")
    edit_in_git(dry_site, P1, "approve everything", "approve all")
    dry = sync(sample_review.files["two-edits"]["plain"], dry_site, "--conflicts", "markers")
    assert (
        dry.exit_code == 1
        and "<<<<<<< git" in dry.stdout
        and "would be written as conflict blocks" in dry.stderr
    )
    assert "<<<<<<<" not in (dry_site / P1).read_text()


# -- what a refusal and a lost store say --------------------------------------------------------------------------


def it_lists_a_deleted_paragraph_at_its_own_line(sample_review):
    result = sync(sample_review.files["delete-paragraph"]["tracked"], SAMPLE)
    assert result.exit_code == 1
    deletions = [line for line in result.stderr.splitlines() if ": deletion by " in line]
    assert deletions and all(line.startswith(f"{P1}:63: deletion by Rita Reviewer") for line in deletions), (
        deletions
    )


@pytest.mark.parametrize("via", ["odt", "doc", "pandoc"])
def it_says_which_program_lost_the_round_trip_data(via, sample_review, tmp_path):
    if via == "pandoc":
        from converter import pandoc

        resaved = tmp_path / "pandoc.docx"
        pandoc.run([str(sample_review.snapshot), "-o", str(resaved)])
        program = "pandoc"
    else:
        resaved = sample_review.files[f"resaved-via-{via}"]["plain"]
        program = "LibreOffice"
    result = sync(resaved, SAMPLE)
    assert result.exit_code == 2, result.output
    line = result.stderr.strip()
    assert "\n" not in line and f"the round-trip data was lost when {program}" in line, line
    assert "save it as a Word document (.docx) from Word or LibreOffice" in line


# -- aix-2026 ------------------------------------------------------------------------------------------------------

CORPUS_PAGES = ("1_general_controls.md", "3_development_time_threats.md", "ai_security_overview.md")
C1, C3, CO = (f"content/docs/{p}" for p in CORPUS_PAGES)
CORPUS_EDITS = {
    "move-to-an-earlier-page": [
        ["move", "ISO/IEC 42001 B.7.2 briefly", "When doing impact analysis on AI initiatives"]
    ],
    "move-to-a-later-page": [
        ["move", "In general risk management it may help", "Controls for development-time protection"]
    ],
    "enter-after-heading": [
        ["enter", "3.0 Development-time threats - Introduction", "A paragraph typed under the heading."]
    ],
    "rename-heading": [["replace", "AI Exchange roadmap", "Roadmap of the AI Exchange"]],
    "paste-numbered-heading": [
        [
            "copy",
            "5. Arrange responsibility",
            "6. Verify external responsibilities",
            "10. Continuous risk assessment",
        ]
    ],
}


@pytest.fixture(scope="module")
def corpus_review(tmp_path_factory) -> Review:
    from conftest import CORPUS

    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent")
    site = tmp_path_factory.mktemp("aix2026") / "site"
    source = CORPUS / "aix-2026"
    (site / "content" / "docs").mkdir(parents=True)
    for name in ("hugo.yaml", "firebase.json"):
        shutil.copy(source / name, site / name)
    shutil.copytree(source / "static", site / "static")
    for page in CORPUS_PAGES:
        shutil.copy(source / "content" / "docs" / page, site / "content" / "docs" / page)
    return run_review(site, CORPUS_EDITS, tmp_path_factory.mktemp("review2026"))


@pytest.mark.corpus
@pytest.mark.parametrize("name", sorted(CORPUS_EDITS))
def it_survives_a_review_of_real_pages(name, corpus_review, tmp_path):
    files, site = corpus_review.files[name], corpus_review.site
    assert planned(files["tracked"], site, "accept") == planned(files["plain"], site)
    assert planned(files["tracked"], site, "reject") == {}
    work = git_site(site, tmp_path / "site")
    before = findings(work)
    result = sync(files["plain"], work, "--write")
    assert result.exit_code == 0, result.output
    assert hunks(result.stdout) == hunks(git(work, "diff", "--no-color", "--no-ext-diff"))
    assert drop(findings(work) - before, OWN_FINDINGS.get(name, ())) == Counter(), "new findings"
    git(work, "commit", "-q", "--allow-empty", "-am", "the review")
    again = sync(files["plain"], work, "--write")
    assert again.exit_code == 0 and "0 file(s) changed" in again.stderr, again.output
    fresh = tmp_path / "fresh.docx"
    export_docx(build_model(work), fresh)
    assert planned(fresh, work) == {}


@pytest.mark.corpus
def it_places_a_paragraph_moved_to_an_earlier_page_there_and_keeps_the_front_matter(corpus_review):
    new = planned(corpus_review.files["move-to-an-earlier-page"]["plain"], corpus_review.site)
    old3 = (corpus_review.site / C3).read_text()
    moved = "ISO/IEC 42001 B.7.2 briefly mentions development-time data security risks.\n"
    assert new[C3].startswith(old3[: old3.index("## 3.0")])  # the front matter, untouched
    assert moved not in new[C3] and new[C3] == old3.replace("\n" + moved, "", 1)
    assert moved + "\n" + "When doing impact analysis on AI initiatives" in new[C1]


@pytest.mark.corpus
def it_keeps_a_tracked_renamed_headings_anchor(corpus_review):
    new = planned(corpus_review.files["rename-heading"]["tracked"], corpus_review.site, "accept")
    assert "\n### Roadmap of the AI Exchange {#ai-exchange-roadmap}\n" in new[CO]


@pytest.mark.corpus
def it_rejects_enter_after_a_heading_back_to_the_heading(corpus_review):
    assert planned(corpus_review.files["enter-after-heading"]["tracked"], corpus_review.site, "reject") == {}
    assert planned(corpus_review.files["enter-after-heading"]["lo-rejected"], corpus_review.site) == {}


@pytest.mark.corpus
def it_writes_a_pasted_numbered_heading_without_an_escape(corpus_review):
    lines = changed(corpus_review.files["paste-numbered-heading"]["plain"], corpus_review.site)[CO]
    assert "+### 5. Arrange responsibility" in lines and not any("5\\." in line for line in lines)
