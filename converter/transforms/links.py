"""Transform: classify every link and redirect and resolve the internal ones to (page, anchor)."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import SplitResult, unquote, urlsplit

from ..hugo.loader import page_url
from ..model import Link, Page, Redirect, Site, Target
from ..urlpolicy import refused_scheme
from . import redirects

GO = re.compile(r"^/(go|goto)/", re.I)


def resolve_links(site: Site) -> None:
    for rule in site.redirects:
        resolve_redirect(site, rule)
    for page in site.pages:
        resolve_page_links(site, page)


def resolve_page_links(site: Site, page: Page) -> None:
    for link in page.links:
        resolve(site, page, link)


def split_url(url: str) -> SplitResult | None:
    """The parts of a URL; None for one no browser could follow (`http://[::1`, an unclosed IPv6 host)."""
    try:
        return urlsplit(url)
    except ValueError:
        return None


def site_path(site: Site, url: str) -> str | None:
    """The path and fragment on this website that a URL names, or None when it is elsewhere (or invalid)."""
    parts = split_url(url)
    if parts is None:
        return None
    if parts.scheme in ("http", "https") or url.startswith("//"):
        base = urlsplit(site.base_url)
        host = parts.netloc.lower().removeprefix("www.")
        if host != base.netloc.lower().removeprefix("www."):
            return None
        path = parts.path or "/"
    elif parts.scheme:
        return None
    else:
        path = parts.path
    return path + ("#" + parts.fragment if parts.fragment else "")


def resolve_redirect(site: Site, rule: Redirect) -> None:
    rule.unsafe = refused_scheme(rule.destination) is not None
    if rule.unsafe:
        rule.external = True
        return
    path = site_path(site, rule.destination)
    if path is None:
        rule.external = True
        return
    if path.startswith("/"):
        target = _docs_target(site, path)
        if target is not None:
            rule.target = target
        elif not path.startswith("/docs/"):
            rule.site_path = path


def resolve(site: Site, page: Page, link: Link) -> None:
    _classify(site, page, link)
    near = near_permalink(site, link)
    link.near = near.rule if near is not None else None


def _classify(site: Site, page: Page, link: Link) -> None:
    url = link.url.strip()
    link.target = link.via = link.site_path = None
    if refused_scheme(url) is not None:
        link.kind = "unsafe"  # no writer makes it a link; check reports it
        return
    if url.lower().startswith(("mailto:", "tel:")):
        link.kind = "mail"
        return
    if split_url(url) is None:
        link.kind = "invalid"  # aix check reports it; the writers keep it as written, with a warning
        return
    path = site_path(site, url)
    if path is None:
        link.kind = "external"
        return
    if path.startswith("#") or path == "":
        link.kind = "anchor"
        link.target = Target(page.path, unquote(path[1:]) or None)
        return
    if not path.startswith("/"):
        link.kind = "relative"
        path = _relative_to(page, path)
        if path is None:
            return
    else:
        link.kind = "docs"
    plain = path.split("#", 1)[0]
    if GO.match(plain):
        link.kind = "go"
        rule = redirects.match(site, plain)
        if rule is not None:
            link.via = rule
            link.target = rule.target
            link.site_path = rule.site_path
            if rule.unsafe:
                link.kind = "unsafe"
        return
    if plain.startswith("/docs/") or plain.rstrip("/") == "/docs":
        link.target = _docs_target(site, path)
        if link.target is None:
            link.site_path = path
        return
    if link.kind != "relative":
        link.kind = "site"
    link.site_path = path


def _relative_to(page: Page, path: str) -> str | None:
    """A relative link as a site path: file links (x.md) against the page's file, others against its URL."""
    plain, _, fragment = path.partition("#")
    if plain.endswith(".md"):
        folder = posixpath.dirname(page.path)
        url = page_url(posixpath.normpath(posixpath.join(folder, plain)), {})
    else:
        url = posixpath.normpath(posixpath.join(page.url, plain)) + ("/" if plain.endswith("/") else "")
    return url + ("#" + fragment if fragment else "")


def _docs_target(site: Site, path: str) -> Target | None:
    plain, _, fragment = path.partition("#")
    found = site.page_by_url(unquote(plain))
    if found is None:
        return None
    return Target(found.path, unquote(fragment) or None)


def target_exists(site: Site, target: Target | None) -> bool:
    if target is None:
        return False
    page = site.find_page(target.page)
    return page is not None and (target.anchor is None or target.anchor in page.ids)


def permalinks(site: Site) -> dict[Target, str]:
    """The permalink (/go/ path) of each section that has one: /go/ before /goto/, the first rule first."""
    best: dict[Target, str] = {}
    for rule in site.redirects:
        if rule.target and rule.source.startswith("/") and target_exists(site, rule.target):
            current = best.get(rule.target)
            if current is None or (current.startswith("/goto/") and rule.source.startswith("/go/")):
                best[rule.target] = rule.source
    return best


def names_document_content(site: Site, url: str) -> bool:
    """Whether an absolute URL on this website names content of the document (a page, or a permalink
    whose redirect lands on one): such a URL belongs inside the document as a jump, not as a web link."""
    path = site_path(site, url) if url.startswith("http") else None
    if path is None:
        return False
    plain = path.split("#")[0]
    if site.page_by_url(plain) is not None:
        return True
    rule = redirects.match(site, plain) if GO.match(plain) else None
    return rule is not None and rule.target is not None


@dataclass(slots=True, frozen=True)
class NearPermalink:
    """A permalink that Firebase does not match, but would with a leading '/' or in lower case."""

    written: str  # the path as the link has it: "go/essentials/", "/go/OVERSIGHT/"
    path: str  # the path a redirect matches: "/go/essentials/", "/go/oversight/"
    rule: Redirect
    missing_slash: bool
    wrong_case: bool


def near_permalink(site: Site, link: Link) -> NearPermalink | None:
    """The redirect a broken /go/ link clearly means (check reports it, normalize fixes it, the writers
    follow it with a warning): one place for the rule, so the three never disagree."""
    if link.via is not None or link.kind not in ("go", "relative"):
        return None
    written = (site_path(site, link.url.strip()) or "").split("#")[0]
    path = written
    if link.kind == "relative":
        if not GO.match("/" + written):
            return None
        path = "/" + written
    for candidate in dict.fromkeys((path, path.lower())):
        rule = redirects.match(site, candidate)
        if rule is not None:
            return NearPermalink(written, candidate, rule, path != written, candidate != path)
    return None
