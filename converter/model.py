"""The one document model that every stage of aix shares.

Readers build it (``hugo.loader.load_site``), transforms complete it in order (``pipeline``), writers read it.
Every node knows where it comes from (``file:line``) so that every message can point at the source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(slots=True, frozen=True)
class Source:
    """A place in the site: a path relative to the site root and a 1-based line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(slots=True, frozen=True)
class Target:
    """Where an internal link lands: a page of the document and, optionally, an anchor on it."""

    page: str  # Page.path, e.g. "docs/2_threats_through_use.md"
    anchor: str | None = None


@dataclass(slots=True)
class Heading:
    level: int  # 1 is the page title; Markdown '##' is 2
    text: str  # the rendered text, as a reader sees it
    id: str  # the anchor Hugo gives it
    source: Source
    number: str | None = None  # "2.1.3" when the text starts with a section number
    explicit_id: bool = False  # given as {#id} in the source
    markdown: str = ""  # the heading's inline Markdown, without the '#' marks and attributes
    page: str = ""  # Page.path
    is_title: bool = False  # the page title from front matter, not a Markdown heading
    anchor_text: str = (
        ""  # the text Hugo derives the id from (typographic dashes, last line of a setext heading)
    )
    scope: int = 0  # id scope: 0 is the page; Hugo renders {{< >}} shortcode content with ids of its own
    doc_id: str = ""  # unique in the whole document (transforms/unique_ids.py): the Hugo id, or page-prefixed when repeated


Token = dict[str, Any]  # a mistune token: {"type": ..., "children": [...]}, with our "_line" and "_pos"


LinkKind = Literal["go", "docs", "anchor", "relative", "site", "external", "mail", "unsafe", "invalid"]
LinkOrigin = Literal["markdown", "html", "shortcode", "reference", "autolink"]


@dataclass(slots=True)
class Link:
    url: str  # as written in the source
    text: str
    source: Source
    origin: LinkOrigin = "markdown"
    kind: LinkKind = (
        "external"  # "unsafe": a URL no output may link to (urlpolicy), shown as text; "invalid": unparsable
    )
    target: Target | None = None  # set when the link lands inside the document
    via: Redirect | None = None  # the redirect a /go/ link went through
    site_path: str | None = None  # the website path, for links to the site outside the document
    page: str = ""
    near: Redirect | None = None  # a permalink Firebase does not match, but this redirect clearly meant


@dataclass(slots=True)
class Image:
    src: str
    alt: str
    source: Source
    file: Path | None = None  # the local file under static/, when there is one
    page: str = ""


@dataclass(slots=True)
class Shortcode:
    name: str
    args: dict[str, str] | list[str]
    raw: str  # the opening tag as written
    source: Source
    paired: bool = False  # has a closing tag and inner content
    closed: bool = True  # False: a paired shortcode whose closing tag is missing, or a stray closing tag
    inline: bool = False
    page: str = ""


@dataclass(slots=True)
class Block:
    """A top-level Markdown block with its exact source lines."""

    kind: str  # the mistune token type: heading, paragraph, list, shortcode, ...
    token: Token
    line: int  # first line in the file, 1-based
    end_line: int  # last line, inclusive
    text: str  # the verbatim source of those lines


@dataclass(slots=True)
class Page:
    path: str  # relative to content/, with '/' separators: "docs/2_threats_through_use.md"
    file: Path
    rel: str  # relative to the site root: "content/docs/2_threats_through_use.md"
    url: str  # "/docs/2_threats_through_use/"
    raw: str  # the whole file, verbatim
    front_matter: dict[str, Any]
    front_matter_raw: str  # the delimited front matter exactly as written, delimiters included
    body: str  # everything after the front matter, verbatim
    body_line: int  # the file line where the body starts
    title: str = ""
    weight: int = 0
    date: str = ""
    blocks: list[Block] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    shortcodes: list[Shortcode] = field(default_factory=list)
    notes: list[Finding] = field(default_factory=list)  # Markdown Hugo reads in a way authors rarely mean
    ids: dict[str, Heading] = field(default_factory=dict)
    section: str = ""  # the section directory, e.g. "docs/security"
    is_section: bool = False  # an _index.md

    @property
    def slug(self) -> str:
        """A stable id for the page itself, used as the anchor of its title."""
        stem = self.path.removesuffix(".md").replace("/", "-")
        return "page-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in stem).lower()


@dataclass(slots=True)
class Redirect:
    source: str
    destination: str
    type: int
    line: int  # line in firebase.json
    index: int
    target: Target | None = None
    site_path: str | None = None  # the destination path when it is on the site but outside the document
    external: bool = False
    unsafe: bool = False  # a destination no link may have (urlpolicy): the links through it are text


@dataclass(slots=True)
class Finding:
    file: str
    line: int
    severity: Severity
    code: str
    message: str
    target: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file  # line 0: the file as a whole
        return f"{where}: {self.severity}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "target": self.target,
        }


@dataclass(slots=True)
class Site:
    root: Path
    config: dict[str, Any]  # hugo.yaml
    aix: dict[str, Any]  # aix settings: aix.yaml or params.aix in hugo.yaml
    pages: list[Page] = field(default_factory=list)
    redirects: list[Redirect] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)  # what reading skipped (a page outside the site)
    base_url: str = "https://owaspai.org/"
    firebase_rel: str = "firebase.json"
    by_path: dict[str, Page] = field(default_factory=dict, repr=False)
    by_url: dict[str, Page] = field(default_factory=dict, repr=False)
    redirect_table: tuple | None = field(default=None, repr=False)  # redirects.match's lookup

    def index_pages(self) -> None:
        """Rebuild the lookups after the page list changes."""
        self.by_path = {p.path: p for p in self.pages}
        self.by_url = {p.url: p for p in self.pages}

    def page(self, path: str) -> Page:
        return self.by_path[path]

    def find_page(self, path: str) -> Page | None:
        return self.by_path.get(path)

    def page_by_url(self, url: str) -> Page | None:
        """The page served at a site path (a missing trailing slash is redirected by the web server)."""
        return self.by_url.get(url.rstrip("/") + "/")

    @property
    def headings(self) -> list[Heading]:
        return [h for p in self.pages for h in p.headings]

    @property
    def links(self) -> list[Link]:
        return [link for p in self.pages for link in p.links]

    def report(
        self, file: str, line: int, severity: Severity, code: str, message: str, target: str | None = None
    ):
        self.findings.append(Finding(file, line, severity, code, message, target))
