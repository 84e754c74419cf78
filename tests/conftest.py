"""Shared fixtures: the real corpus (tests skip without it), the sample, and small sites built in a test."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sources"
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent")
    return CORPUS


def pytest_collection_modifyitems(items):
    """Every test that reads the real corpus (through the `corpus` fixture, directly or by another fixture)
    is marked `corpus`, so that `pytest -m "not corpus"` is the quick run."""
    for item in items:
        if "corpus" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.corpus)


@pytest.fixture(autouse=True, scope="session")
def _own_cache_home(tmp_path_factory):
    """The PDF cache of every build in the tests (aix and the aix processes they start) under the test's
    own temporary folder, never the user's cache."""
    patch = pytest.MonkeyPatch()
    patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache-home")))
    yield
    patch.undo()


@pytest.fixture
def sample() -> Path:
    return SAMPLE


def write_site(root: Path, files: dict[str, str], firebase: list[tuple[str, str]] | None = None) -> Path:
    """A Hugo site made of the given files (paths under the root); text is dedented."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "hugo.yaml").write_text("baseURL: https://owaspai.org/\ntitle: Test\n")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    if firebase is not None:
        rules = ",\n".join(
            f'      {{"source": "{s}", "destination": "{d}", "type": 302}}' for s, d in firebase
        )
        (root / "firebase.json").write_text(
            '{\n  "hosting": {\n    "redirects": [\n' + rules + "\n    ]\n  }\n}\n"
        )
    return root


@pytest.fixture
def make_site(tmp_path):
    def make(files: dict[str, str], firebase=None, name: str = "site") -> Path:
        return write_site(tmp_path / name, files, firebase)

    return make


@pytest.fixture(scope="session")
def soffice(tmp_path_factory):
    """Convert with LibreOffice (`soffice --headless --convert-to FORMAT`); skipped, saying so, where it is
    not installed (.ci/run installs it: Debian libreoffice-writer-nogui)."""
    import shutil
    import subprocess

    exe = shutil.which("soffice")
    if exe is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    profile = tmp_path_factory.mktemp("lo-profile")

    def convert(src: Path, fmt: str, outdir: Path) -> Path:
        outdir.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
             "--outdir", str(outdir), str(src)],
            capture_output=True, check=True, timeout=600,
        )  # fmt: skip
        out = outdir / (src.stem + "." + fmt.split(":")[0])
        assert out.is_file(), f"LibreOffice wrote no {out.name}"
        return out

    return convert
