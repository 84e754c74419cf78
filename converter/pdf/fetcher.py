"""What WeasyPrint may read while rendering: files under the site's static/ and content/ and under styles/.

Everything else is refused and reported: other files (``file:///etc/passwd``, ``../../`` escapes, links
that resolve outside), every network URL (``http://127.0.0.1:...``, ``https://...``) and so every redirect.
``data:`` URLs are read in place.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

Refused = Callable[[str, str], None]  # (url, why)


class SafeFetcher(URLFetcher):
    def __init__(self, roots: list[Path], refused: Refused):
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False, timeout=1)
        self.roots = [Path(r).resolve() for r in roots]
        self.refused = refused

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if not isinstance(url, str) or not url.strip():
            return self._refuse(f"an empty URL ({url!r})", "nothing to read")
        try:
            parts = urlsplit(url)
        except ValueError:
            return self._refuse(url, "not a valid URL")
        scheme = parts.scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file" or parts.netloc not in ("", "localhost"):
            return self._refuse(url, "not a local file; the renderer never uses the network")
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            return self._refuse(url, "outside the site's static/ and content/ and aix's styles/")
        if not path.is_file():
            return self._refuse(url, "no such file")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime})

    def _refuse(self, url: str, why: str):
        self.refused(url, why)
        raise ValueError(f"refused {url}: {why}")
