"""Where a link goes in a one-file document: a heading inside it, the website, or elsewhere.

Writers ask here for every link (Markdown, raw HTML, shortcode arguments, the navigator's boxes), so that
each kind of output treats links the same way and the build report counts them once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..model import Heading, Link, Page, Site, Source
from ..transforms.links import resolve, site_path, split_url
from ..transforms.unique_ids import heading_for
from ..urlpolicy import shown

Warn = Callable[[Source, str, str], None]  # (where, code, message)


@dataclass(slots=True)
class Resolved:
    href: str | None  # None: no link at all, the text stands alone (an unsafe URL)
    heading: Heading | None = None  # set for links that land inside the document
    kind: str = "external"  # internal, site, external, mail, unresolved, unsafe


@dataclass
class LinkStats:
    internal: int = 0
    external: int = 0
    unresolved: list[str] = field(default_factory=list)


class Linker:
    """Turns model links into hrefs; internal ones through `internal` (a heading to an href)."""

    def __init__(self, site: Site, warn: Warn, internal: Callable[[Heading], str] | None = None):
        self.site = site
        self.warn = warn
        self.internal = internal or (lambda h: "#" + h.doc_id)
        self.stats = LinkStats()

    def href(self, link: Link) -> str | None:
        """The href to write for a link; None when it must be text only."""
        return self.follow(link).href

    def follow(self, link: Link) -> Resolved:
        """Where a link written into the output goes (counted once for the report)."""
        found = self.resolve(link)
        if found.kind == "internal":
            self.stats.internal += 1
        elif found.kind not in ("mail", "unsafe"):
            self.stats.external += 1
        return found

    def url(self, page: Page, url: str, where: Source) -> Resolved:
        """A URL that is not in the model (the navigator's boxes, read while the PDF is joined): resolved
        as the links transform resolves a link on `page`."""
        link = Link(url, "", where, page=page.path)
        resolve(self.site, page, link)
        return self.resolve(link)

    def resolve(self, link: Link) -> Resolved:
        site = self.site
        if link.kind == "unsafe":
            via = f" (through {site.firebase_rel}:{link.via.line})" if link.via is not None else ""
            self.warn(
                link.source,
                "unsafe-url",
                f"link {shown(link.url)}{via} is not a safe URL; it is shown as text",
            )
            return Resolved(None, kind="unsafe")
        if link.target is not None:
            heading = heading_for(site, link.target)
            if heading is None:
                page = site.find_page(link.target.page)
                if page is None:
                    return self._outside(link)
                heading = page.headings[0]
                self.warn(
                    link.source,
                    "missing-anchor",
                    f"link {link.url}: #{link.target.anchor} is not a heading on {page.rel}; "
                    "it jumps to the start of that page",
                )
            return Resolved(self.internal(heading), heading, "internal")
        if link.kind == "mail":
            return Resolved(link.url, kind="mail")
        if link.via is not None and link.via.external:
            return Resolved(link.via.destination)
        missing_page = link.kind in ("docs", "relative") and (link.site_path or "").startswith("/docs/")
        if link.site_path is not None and not missing_page:
            return Resolved(self.site_url(link.site_path), kind="site")
        if link.kind == "external":
            return Resolved(link.url)
        if link.kind == "invalid":
            self.stats.unresolved.append(f"{link.source}: {link.url}")
            self.warn(link.source, "bad-url", f"link {link.url} is not a valid URL")
            return Resolved(link.url, kind="unresolved")
        repaired = self._repair(link)
        if repaired is not None:
            return repaired
        return self._outside(link)

    def site_url(self, path: str) -> str:
        return self.site.base_url + path.lstrip("/")

    def _repair(self, link: Link) -> Resolved | None:
        """A permalink that Firebase would not match (letter case, missing leading '/'), when one
        redirect clearly meant matches: the PDF jumps there, and the warning says what to fix."""
        rule = link.near
        if rule is None or rule.target is None:
            return None
        fixed = Link(rule.source, link.text, link.source, page=link.page)
        fixed.target = rule.target
        found = self.resolve(fixed)
        self.warn(
            link.source,
            "unmatched-permalink",
            f"link {link.url}: Firebase matches no redirect; it is taken as {rule.source} "
            "(run aix normalize to fix the source)",
        )
        return found

    def _outside(self, link: Link) -> Resolved:
        url = link.url.strip()
        path = link.site_path or site_path(self.site, url)
        parts = split_url(url)
        href = url if path is None or parts is None or parts.scheme else self.site_url(path)
        self.stats.unresolved.append(f"{link.source}: {link.url}")
        self.warn(link.source, "unresolved-link", f"link {link.url} leads nowhere in the document or site")
        return Resolved(href, kind="unresolved")
