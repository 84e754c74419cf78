"""What a release says about itself: title, author, date, version; from aix.yaml, hugo.yaml and git."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..errors import InputError
from ..model import Site


@dataclass(slots=True)
class DocInfo:
    title: str
    subtitle: str
    author: str
    date: datetime
    version: str
    subject: str
    keywords: list[str] = field(default_factory=list)
    navigator: Path | None = None


def document_info(site: Site, navigator: str | Path | None = None) -> DocInfo:
    aix, config = site.aix, site.config
    params = config.get("params") or {}
    hugo_author = params.get("author")  # Hugo takes a name or a mapping with one
    if isinstance(hugo_author, dict):
        hugo_author = hugo_author.get("name")
    author = aix.get("author") or hugo_author or "OWASP AI Exchange"
    title = str(aix.get("title") or config.get("title") or "AI Exchange")
    keywords = aix.get("keywords") or ["AI security", "AI privacy", "threats", "controls", "OWASP"]
    return DocInfo(
        title=title,
        subtitle=str(aix.get("subtitle") or ""),
        author=str(author),
        date=build_date(),
        version=source_version(site),
        subject=str(aix.get("subject") or aix.get("subtitle") or params.get("og_description") or title),
        keywords=[str(k) for k in keywords] if isinstance(keywords, list) else [str(keywords)],
        navigator=navigator_path(site, navigator),
    )


def build_date() -> datetime:
    """Now, or SOURCE_DATE_EPOCH when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC).replace(microsecond=0)


def source_version(site: Site) -> str:
    """The git commit of the sources (with '+changes' when they hold uncommitted edits), else aix.yaml's
    version, else 'unversioned'."""
    try:
        head = subprocess.run(
            ["git", "-C", str(site.root), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        if head.returncode == 0 and head.stdout.strip():
            dirty = subprocess.run(
                ["git", "-C", str(site.root), "status", "--porcelain", "--", "."],
                capture_output=True,
                text=True,
                timeout=60,
            )
            return "commit " + head.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")
    except (OSError, subprocess.TimeoutExpired):
        pass
    version = site.aix.get("version")
    return f"version {version}" if version else "unversioned"


def navigator_path(site: Site, override: str | Path | None) -> Path | None:
    """The navigator PDF: the --navigator option, else aix.yaml's `navigator` (relative to the site root)."""
    if override:
        path = Path(override)
        where = "--navigator"
    elif site.aix.get("navigator"):
        path = site.root / str(site.aix["navigator"])
        where = "aix.yaml"
    else:
        return None
    if not path.is_file():
        raise InputError(f"navigator {path} does not exist", where=where)
    return path
