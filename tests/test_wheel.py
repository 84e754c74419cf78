"""aix as a user installs it: the wheel into a fresh virtual environment, run from another folder.

The checkout's own venv has the sources on its path; this one has only what the wheel holds and what its
declared dependencies bring, so a module, a style or a dependency left out of pyproject.toml fails here.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--disable-pip-version-check",
            "-w",
            out,
            ROOT,
        ],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("aix-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh venv with the wheel and its declared dependencies (from the package index)."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=True)
    pip = env_dir / "bin" / "pip"
    result = subprocess.run(
        [pip, "install", "-q", "--disable-pip-version-check", wheel], capture_output=True, text=True
    )
    if result.returncode != 0:
        pytest.fail(f"pip install of the wheel failed:\n{result.stderr[-2000:]}")
    return env_dir / "bin" / "aix"


def it_holds_every_module_and_style(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {str(p.relative_to(ROOT)) for p in (ROOT / "converter").rglob("*.py")}
    assert modules - names == set()
    styles = {f"converter/styles/{p.name}" for p in (ROOT / "styles").iterdir() if p.is_file()}
    assert styles - names == set()
    assert "converter/py.typed" in names


def it_declares_exactly_the_third_party_modules_it_imports():
    """Every top-level import of converter/ is the standard library, aix itself, or a declared dependency."""
    import tomllib

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    distributions = {d.split(">")[0].split("<")[0].split("=")[0].strip().lower() for d in declared}
    import_name = {"pyyaml": "yaml", "pillow": "PIL", "pypandoc-binary": "pypandoc", "fonttools": "fontTools"}
    allowed = {import_name.get(d, d) for d in distributions}
    imported = set()
    for path in (ROOT / "converter").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = {m for m in imported if m not in sys.stdlib_module_names and m != "converter"}
    assert third_party == allowed


def it_builds_the_sample_from_another_folder(installed, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(ROOT / "sources", site)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}

    def aix(*args: str) -> subprocess.CompletedProcess:
        result = subprocess.run([installed, *args], cwd=work, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        return result

    aix("pdf", str(site), "-o", "out/sample.pdf", "-q")
    pdf = work / "out" / "sample.pdf"
    import pikepdf

    with pikepdf.open(pdf) as doc:
        assert len(doc.pages) > 5
        assert len(doc.Root.Outlines.First.keys()) > 0  # bookmarks

    aix("html", str(site), "-o", "out/html", "-q")
    assert (work / "out/html/styles/aix.css").read_bytes() == (ROOT / "styles/aix.css").read_bytes()

    aix("docx", str(site), "-o", "out/sample.docx")
    with zipfile.ZipFile(work / "out" / "sample.docx") as z:
        assert "word/document.xml" in z.namelist()
        assert any(n.startswith("customXml/item") for n in z.namelist())  # the round-trip store

    synced = aix("sync", "out/sample.docx", str(site))
    assert synced.stdout == ""  # an untouched snapshot changes nothing
    assert "0 file(s) to change" in synced.stderr
