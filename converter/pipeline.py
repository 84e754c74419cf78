"""The model is built by one reader and an ordered list of transforms; every command starts here."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from pathlib import Path

from .hugo.loader import load_site
from .hugo.pages import parse_pages
from .model import Finding, Site
from .transforms.anchors import assign_ids
from .transforms.images import resolve_images
from .transforms.links import resolve_links
from .transforms.redirects import load_redirects
from .transforms.unique_ids import assign_doc_ids

TRANSFORMS = [
    ("redirects", load_redirects),  # firebase.json: /go/ permalinks
    ("parse", parse_pages),  # Markdown -> blocks, headings, links, images, shortcodes
    ("anchors", assign_ids),  # Hugo's heading ids
    ("links", resolve_links),  # every link to (page, anchor) or outside
    ("images", resolve_images),  # every image to its local file, when there is one inside the site
    ("unique_ids", assign_doc_ids),  # heading ids unique in the whole document, for the one-file HTML and PDF
]


def show_warning(finding: Finding) -> None:
    """What reading skipped, as one `file: warning: message` line on stderr."""
    sys.stderr.write(f"{finding}\n")


def build_model(root: str | Path, warn: Callable[[Finding], None] | None = show_warning) -> Site:
    """The model of a site. Every command shows what reading skipped (`site.warnings`) through `warn`;
    None leaves them to the caller (check lists them among its findings)."""
    # Parsing allocates hundreds of thousands of small dicts and no cycles: pausing the cyclic garbage
    # collector meanwhile saves a fifth of the time and keeps the cost linear in the size of the sources.
    paused = gc.isenabled()
    gc.disable()
    try:
        site = load_site(root)
        if warn is not None:
            for finding in site.warnings:
                warn(finding)
        for _name, transform in TRANSFORMS:
            transform(site)
        return site
    finally:
        if paused:
            gc.enable()
