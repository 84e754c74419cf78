"""`aix check`: what is broken or inconsistent in the sources, one finding per line, checked after all pages load."""

from __future__ import annotations

import difflib
from collections import Counter
from pathlib import PurePosixPath
from urllib.parse import unquote

from ..model import Finding, Heading, Link, Page, Site, Source
from ..transforms.images import is_dir, is_file
from ..transforms.links import near_permalink, site_path, split_url, target_exists
from ..urlpolicy import ALLOWED_SCHEMES, refused_scheme, shown

UNSAFE = f"only {', '.join(sorted(ALLOWED_SCHEMES))} and site paths become links; it is shown as text"


def check_site(site: Site) -> list[Finding]:
    site.findings = list(site.warnings)  # pages skipped while reading
    _check_redirects(site)
    no_table = _check_redirect_table(site)
    for page in site.pages:
        _check_front_matter(site, page)
        _check_headings(site, page)
        for link in page.links:
            if not (no_table and link.kind == "go"):
                _check_link(site, page, link)
        _check_images(site, page)
        _check_shortcodes(site, page)
        site.findings.extend(page.notes)  # Markdown that Hugo reads as authors rarely mean (hugo/blocks.py)
    _check_numbering(site)
    return sorted(site.findings, key=lambda f: (_file_rank(site, f.file), f.line, f.code))


def _file_rank(site: Site, rel: str) -> int:
    for i, page in enumerate(site.pages):
        if page.rel == rel:
            return i + 1
    return 0


def _closest(word: str, options, n: int = 1) -> str:
    match = difflib.get_close_matches(word, list(options), n=n, cutoff=0.6)
    return f"; did you mean {match[0]}?" if match else ""


def _check_redirects(site: Site) -> None:
    seen: dict[str, int] = {}
    for rule in site.redirects:
        f = site.firebase_rel
        if not rule.source.startswith("/"):
            site.report(
                f,
                rule.line,
                "error",
                "redirect-source",
                f"redirect source '{rule.source}' does not start with '/', so Firebase never matches it "
                f"(write '/{rule.source}')",
                rule.source,
            )
        key = rule.source.rstrip("/")
        if key in seen:
            first = site.redirects[seen[key]]
            same = first.destination == rule.destination
            site.report(
                f,
                rule.line,
                "warning" if same else "error",
                "redirect-duplicate",
                f"redirect source '{rule.source}' repeats the rule at line {first.line}"
                + (
                    "; this copy is never used"
                    if same
                    else f" with another destination ({rule.destination}); Firebase uses the first one ({first.destination})"
                ),
                rule.source,
            )
        else:
            seen[key] = rule.index
        if rule.unsafe:
            site.report(
                f,
                rule.line,
                "error",
                "unsafe-url",
                f"redirect {rule.source} leads to {shown(rule.destination)}: "
                f"{refused_scheme(rule.destination)}: is not allowed ({UNSAFE})",
                rule.destination,
            )
        if rule.external or rule.site_path:
            continue
        path = site_path(site, rule.destination) or ""
        if rule.target is None:
            site.report(
                f,
                rule.line,
                "error",
                "redirect-missing-page",
                f"redirect {rule.source} leads to {rule.destination}, which is not a page",
                rule.destination,
            )
        elif not target_exists(site, rule.target):
            page = site.page(rule.target.page)
            site.report(
                f,
                rule.line,
                "error",
                "redirect-missing-anchor",
                f"redirect {rule.source} leads to #{rule.target.anchor}, which is not a heading on "
                f"{page.rel}{_closest(rule.target.anchor or '', page.ids)}",
                path,
            )


def _check_redirect_table(site: Site) -> bool:
    """Without redirects no /go/ link can be checked: one warning naming firebase.json instead of an
    unknown-go error per link. True when that is the case."""
    if site.redirects:
        return False
    go = [link for page in site.pages for link in page.links if link.kind == "go"]
    if not go:
        return False
    file = site.root / site.firebase_rel
    state = "is missing" if not file.is_file() else "holds no redirects"
    site.report(
        site.firebase_rel,
        0,
        "warning",
        "no-redirects",
        f"{site.firebase_rel} {state}, so the {len(go)} /go/ link(s) cannot be checked "
        f"(first: {go[0].source}: {go[0].url})",
        site.firebase_rel,
    )
    return True


def _check_link(site: Site, page: Page, link: Link) -> None:
    where = (link.source.file, link.source.line)
    if link.kind == "unsafe":
        if link.via is not None:
            why = f"goes through a redirect ({site.firebase_rel}:{link.via.line}) to {shown(link.via.destination)}"
            scheme = refused_scheme(link.via.destination)
        else:
            why, scheme = "", refused_scheme(link.url)
        message = f"link {shown(link.url)}{' ' + why if why else ''}: {scheme}: is not allowed ({UNSAFE})"
        site.report(*where, "error", "unsafe-url", message, link.url)
        return
    if link.kind == "invalid":
        site.report(*where, "error", "bad-url", f"link {link.url} is not a valid URL", link.url)
        return
    if link.kind == "go":
        if link.via is None:
            plain = (site_path(site, link.url) or link.url).split("#")[0]
            near = near_permalink(site, link)
            if near is not None:
                site.report(
                    *where,
                    "error",
                    "go-case",
                    f"link {link.url}: no redirect matches it, because Firebase matches case-sensitively; "
                    f"{near.rule.source} does (run aix normalize)",
                    link.url,
                )
            else:
                names = [r.source for r in site.redirects]
                site.report(
                    *where,
                    "error",
                    "unknown-go",
                    f"link {link.url}: no redirect in {site.firebase_rel} matches it{_closest(plain + '/', names)}",
                    link.url,
                )
        elif link.target is not None and not target_exists(site, link.target):
            site.report(
                *where,
                "error",
                "broken-redirect",
                f"link {link.url} goes through a redirect ({site.firebase_rel}:{link.via.line}) to "
                f"{link.via.destination}, which is not a heading there",
                link.url,
            )
        elif link.target is None and not link.via.external and not link.site_path:
            site.report(
                *where,
                "error",
                "broken-redirect",
                f"link {link.url} goes through a redirect ({site.firebase_rel}:{link.via.line}) to "
                f"{link.via.destination}, which is not a page",
                link.url,
            )
        return
    if link.kind == "site" and link.site_path:
        _check_static_link(site, link)
        return
    if link.kind in ("docs", "relative", "anchor"):
        if link.target is None:
            if link.kind == "relative" or (link.site_path or "").startswith("/docs"):
                hint = ""
                near = near_permalink(site, link)
                if near is not None:
                    hint = f"; {near.path} is a permalink (a leading '/' is missing; run aix normalize)"
                elif link.kind == "relative":
                    hint = f" (a relative link, read against {page.url})"
                site.report(
                    *where,
                    "error",
                    "missing-page",
                    f"link {link.url} leads to {link.site_path}, which is not a page{hint}",
                    link.url,
                )
            return
        target_page = site.page(link.target.page)
        anchor = link.target.anchor
        if anchor is not None and anchor not in target_page.ids:
            here = "on this page" if target_page is page else f"on {target_page.rel}"
            site.report(
                *where,
                "error",
                "missing-anchor",
                f"link {link.url}: #{anchor} is not a heading {here}{_closest(anchor, target_page.ids)}",
                link.url,
            )


def _check_static_link(site: Site, link: Link) -> None:
    """A link to a file on the site (an image, a PDF) whose folder is in static/ must name a file there."""
    plain = unquote((link.site_path or "").split("#")[0].split("?")[0])
    parts = PurePosixPath(plain).parts
    if len(parts) < 3 or "." not in parts[-1]:
        return
    folder = site.root / "static" / parts[1]
    page = site.find_page(link.page)
    shown = page is not None and any(
        image.source.line == link.source.line and image.src.split("?")[0] == link.url.split("?")[0]
        for image in page.images
    )  # a linked image: its own check reports the file once
    if is_dir(folder) and not shown and not is_file(site.root / "static" / plain.lstrip("/")):
        site.report(
            link.source.file,
            link.source.line,
            "error",
            "missing-file",
            f"link {link.url} names a file that is not in static/ (static{plain})",
            link.url,
        )


def _check_headings(site: Site, page: Page) -> None:
    counts = Counter(h.id for h in page.headings if not h.is_title and h.scope == 0)
    previous = 1
    for h in page.headings:
        if h.is_title or h.scope != 0:
            continue
        if h.explicit_id and counts[h.id] > 1:
            site.report(
                h.source.file,
                h.source.line,
                "error",
                "duplicate-id",
                f"id #{h.id} is given to {counts[h.id]} headings on this page; links reach only the first",
                h.id,
            )
        if h.level > previous + 1:
            site.report(
                h.source.file,
                h.source.line,
                "warning",
                "heading-jump",
                f"heading level jumps from {previous} to {h.level} ('{_short(h.text)}')",
                h.id,
            )
        previous = h.level


def _check_numbering(site: Site) -> None:
    """Section numbers count up among siblings and extend their parent's number: 2.3 after 2.2, 2.2.1 in 2.2."""
    stack: list[Heading] = []  # open headings, by level
    # (id(parent), parts in the number) -> the last such child and its number's parts
    last_child: dict[tuple[int, int], tuple[Heading, list[str]]] = {}
    root = Heading(0, "", "", Source("", 0))
    for h in (h for p in site.pages for h in p.headings if h.scope == 0):
        while stack and stack[-1].level >= h.level:
            stack.pop()
        parent = stack[-1] if stack else root
        stack.append(h)
        if not h.number:
            continue
        parts = h.number.split(".")
        key = (id(parent), len(parts))
        previous = last_child.get(key)
        last_child[key] = (h, parts)
        if previous is not None:
            before, prev = previous
            expected = prev[:-1] + [str(int(prev[-1]) + 1)]
            if parts != expected:
                _numbering(
                    site,
                    h,
                    f"section {h.number} follows {before.number} ({before.source}); expected "
                    f"{'.'.join(expected)}",
                )
            continue
        parent_parts = parent.number.split(".") if parent.number else []
        if not parent_parts or len(parts) != len(parent_parts) + 1:
            continue  # numbering of its own (1., 2., ... under an unnumbered heading): any start is fine
        if parts[:-1] != parent_parts:
            _numbering(site, h, f"section {h.number} sits under {parent.number} ('{_short(parent.text)}')")
        elif parts[-1] not in ("0", "1"):
            _numbering(
                site,
                h,
                f"section {h.number} is the first under {parent.number}; expected {parent.number}.1 (or .0)",
            )


def _numbering(site: Site, h: Heading, message: str) -> None:
    site.report(h.source.file, h.source.line, "warning", "section-number", message, h.id)


def _check_images(site: Site, page: Page) -> None:
    for image in page.images:
        src = image.src.strip()
        if split_url(src) is None:
            site.report(
                image.source.file,
                image.source.line,
                "error",
                "bad-url",
                f"image {src} is not a valid URL",
                src,
            )
            continue
        path = site_path(site, src)
        if path is None or src.startswith("data:"):
            continue  # remote images are not fetched; the PDF stage reports them
        plain = unquote(path.split("#")[0].split("?")[0])
        if plain.startswith("/"):
            file = site.root / "static" / plain.lstrip("/")
        else:
            file = site.root / "static" / PurePosixPath(page.url.lstrip("/"), plain)
            if not is_file(file):
                file = page.file.parent / plain  # a page bundle's own resource
        if is_file(file):
            image.file = file
        else:
            site.report(
                image.source.file,
                image.source.line,
                "error",
                "missing-image",
                f"image {src} is missing (looked for {file.relative_to(site.root) if file.is_relative_to(site.root) else file})",
                src,
            )


def _check_shortcodes(site: Site, page: Page) -> None:
    for sc in page.shortcodes:
        if not sc.closed:
            if sc.paired:
                message = f"closing tag {sc.raw} has no opening {{{{< {sc.name} >}}}}"
            else:
                message = f"shortcode {sc.raw} is never closed (add {{{{< /{sc.name} >}}}})"
            site.report(sc.source.file, sc.source.line, "error", "unclosed-shortcode", message, sc.name)


def _check_front_matter(site: Site, page: Page) -> None:
    meta = page.front_matter
    line = 1
    if not page.front_matter_raw:
        site.report(page.rel, 1, "warning", "front-matter", "page has no front matter (no title)")
        return
    if not str(meta.get("title") or "").strip():
        site.report(page.rel, line, "warning", "front-matter", "front matter has no title")
    if "weight" in meta and not isinstance(meta["weight"], int):
        site.report(
            page.rel,
            _key_line(page, "weight"),
            "error",
            "front-matter",
            f"front matter weight must be a whole number, not {meta['weight']!r}",
        )
    for key in ("title", "linkTitle", "description"):
        if key in meta and meta[key] is not None and not isinstance(meta[key], str | int | float):
            site.report(
                page.rel, _key_line(page, key), "error", "front-matter", f"front matter {key} must be text"
            )


def _key_line(page: Page, key: str) -> int:
    for i, line in enumerate(page.front_matter_raw.splitlines(), 1):
        if line.startswith(key):
            return i
    return 1


def _short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
