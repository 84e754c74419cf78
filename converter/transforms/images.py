"""Transform: each image to its local file under the site's static/ or content/ folder, when there is one.

Only files inside those two folders count: a path that climbs out of them (``../../etc/passwd``) or a
remote URL leaves ``Image.file`` empty, and ``image_problem`` says why for the writers' warnings.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from ..model import Image, Page, Site
from .links import site_path, split_url


def resolve_images(site: Site) -> None:
    allowed = roots(site)
    for page in site.pages:
        for image in page.images:
            image.file = image_file(site, page, image.src, allowed)


def roots(site: Site) -> tuple[Path, Path]:
    """The folders images and other site files may come from."""
    return (site.root / "static").resolve(), (site.root / "content").resolve()


def _candidates(site: Site, page: Page, src: str) -> list[Path]:
    path = site_path(site, src.strip())
    if path is None or src.strip().startswith("data:"):
        return []
    plain = unquote(path.split("#")[0].split("?")[0])
    if not plain:
        return []
    if plain.startswith("/"):
        return [site.root / "static" / plain.lstrip("/")]
    return [
        site.root / "static" / PurePosixPath(page.url.lstrip("/"), plain),
        page.file.parent / plain,  # a page bundle's own resource
    ]


def is_file(path: Path) -> bool:
    """Path.is_file, where a name the system refuses (too long, a NUL byte) is no file, as a missing one."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def _resolved(path: Path) -> Path | None:
    try:
        return path.resolve()
    except (OSError, ValueError):
        return None


def image_file(site: Site, page: Page, src: str, allowed: tuple[Path, ...] | None = None) -> Path | None:
    """The file an image source names, resolved and inside static/ or content/; None otherwise."""
    allowed = allowed or roots(site)
    for candidate in _candidates(site, page, src):
        resolved = _resolved(candidate)
        if resolved and is_file(resolved) and any(resolved.is_relative_to(root) for root in allowed):
            return resolved
    return None


def image_problem(site: Site, page: Page, image: Image) -> str:
    """Why an image has no local file, in words for a warning."""
    src = image.src.strip()
    if src.startswith("data:"):
        return f"image {_short(src)} is inline data of a kind aix does not show (only PNG, JPEG, GIF, WebP)"
    if split_url(src) is None:
        return f"image {src} is not a valid URL"
    if site_path(site, src) is None:
        return f"image {src} is not a local file (images come from the site's static/ folder only)"
    for candidate in _candidates(site, page, src):
        resolved = _resolved(candidate)
        if resolved and is_file(resolved) and not any(resolved.is_relative_to(root) for root in roots(site)):
            return f"image {src} lies outside static/ and content/; refused"
    shown = _candidates(site, page, src)
    where = shown[0].relative_to(site.root) if shown and shown[0].is_relative_to(site.root) else src
    return f"image {src} is missing (looked for {where})"


def _short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
