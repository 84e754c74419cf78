"""The font the merge stamps with (footer, contents numbers, page references): the body font's own file,
subset to the characters stamped and embedded once as a simple TrueType font, so that every font in the
PDF is embedded and the stamped text is measured with the metrics the viewer draws it with."""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import io
import json
import shutil
import subprocess
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

from .. import STYLES
from ..errors import AixError
from ..fileio import write_atomic

FAMILY = "Liberation Sans"  # the body font (styles/aix.css, html { font-family })
CHARS = " (),./0123456789p"  # "12 / 226", "57", "(p. 57)"
FIRST, LAST = min(map(ord, CHARS)), max(map(ord, CHARS))  # WinAnsi codes (ASCII here)
FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path("/System/Library/Fonts"),
    Path("/Library/Fonts"),
    Path(STYLES),
)
NONSYMBOLIC = 32  # FontDescriptor /Flags: the Latin character set, through /Encoding


@dataclass(frozen=True, slots=True)
class StampFont:
    name: str  # PostScript name: LiberationSans-Bold
    program: bytes  # the subset TrueType file
    widths: dict[str, float]  # advance of each character in 1/1000 em
    bbox: tuple[float, float, float, float]
    ascent: float
    descent: float
    cap_height: float
    bold: bool

    def width(self, text: str, size: float) -> float:
        return sum(self.widths[c] for c in text) * size / 1000

    def embed(self, pdf: pikepdf.Pdf) -> pikepdf.Object:
        """The font dictionary, written once into `pdf`; the subset tag is a hash of the program."""
        tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(self.program).digest()[:6])
        base = Name(f"/{tag}+{self.name}")
        program = pdf.make_stream(self.program)
        program.Length1 = len(self.program)
        descriptor = Dictionary(
            Type=Name.FontDescriptor,
            FontName=base,
            Flags=NONSYMBOLIC,
            FontBBox=Array(self.bbox),
            ItalicAngle=0,
            Ascent=self.ascent,
            Descent=self.descent,
            CapHeight=self.cap_height,
            StemV=120 if self.bold else 80,
            FontFile2=program,
        )
        return pdf.make_indirect(
            Dictionary(
                Type=Name.Font,
                Subtype=Name.TrueType,
                BaseFont=base,
                FirstChar=FIRST,
                LastChar=LAST,
                Widths=Array([self.widths.get(chr(code), 0) for code in range(FIRST, LAST + 1)]),
                Encoding=Name.WinAnsiEncoding,
                FontDescriptor=pdf.make_indirect(descriptor),
            )
        )


_saved_in: Path | None = None  # where subset fonts are kept between builds (the PDF cache folder)


def keep_in(folder: Path | None) -> None:
    """Keep the subset fonts in this folder: subsetting costs a rebuild about 0.3 s."""
    global _saved_in
    _saved_in = folder


@functools.cache
def stamp_font(bold: bool = False) -> StampFont:
    """The body font cut down to what the stamps draw (once per process, and once per font file when a
    folder to keep it in is given)."""
    file = font_file(FAMILY, bold)
    stat = file.stat()
    key = f"{file}\0{stat.st_size}\0{stat.st_mtime_ns}\0{CHARS}\0{version('fonttools')}\0{bold}"
    saved = _saved_in / f"font-{hashlib.sha256(key.encode()).hexdigest()[:24]}.json" if _saved_in else None
    if saved is not None and saved.is_file():
        try:
            data = json.loads(saved.read_text(encoding="utf-8"))
            data["program"] = base64.b64decode(data["program"])
            data["bbox"] = tuple(data["bbox"])
            return StampFont(**data)
        except (OSError, ValueError, TypeError, KeyError):
            pass  # made again below
    font = _subset(file, bold)
    if saved is not None:
        data = asdict(font) | {"program": base64.b64encode(font.program).decode("ascii")}
        with contextlib.suppress(OSError):
            write_atomic(saved, json.dumps(data))
    return font


def _subset(file: Path, bold: bool) -> StampFont:
    from fontTools import subset  # only when the kept subset is missing: importing it costs 0.1 s
    from fontTools.ttLib import TTFont, TTLibError

    try:
        font = TTFont(file)
    except (OSError, TTLibError) as e:
        raise AixError(f"cannot read the font {file}: {e}") from None
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = [1, 2, 4, 6]
    options.drop_tables += ["FFTM"]  # FontForge's timestamps, which fontTools cannot subset
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=CHARS)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    scale = 1000 / font["head"].unitsPerEm
    cmap = font.getBestCmap()
    advances = font["hmtx"].metrics
    head, os2 = font["head"], font["OS/2"]
    return StampFont(
        name=font["name"].getDebugName(6) or FAMILY.replace(" ", ""),
        program=buffer.getvalue(),
        widths={c: round(advances[cmap[ord(c)]][0] * scale) for c in CHARS},
        bbox=tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)),
        ascent=round(font["hhea"].ascent * scale),
        descent=round(font["hhea"].descent * scale),
        cap_height=round(getattr(os2, "sCapHeight", head.yMax) * scale),
        bold=bold,
    )


def font_file(family: str, bold: bool) -> Path:
    """The file fontconfig gives for the family, refused unless it is that family's own file among the
    system fonts (or aix's styles): a fallback font or a file elsewhere would stamp in another face."""
    style = f"{family}:bold" if bold else f"{family}:regular"
    missing = f"the font {style} (the body font, for page numbers) is not installed"
    if shutil.which("fc-match") is None:
        raise AixError(f"{missing}: fontconfig's fc-match is not on the PATH")
    done = subprocess.run(
        ["fc-match", "--format=%{family}\n%{file}", style], capture_output=True, text=True, timeout=30
    )
    found, _, file = done.stdout.partition("\n")
    if done.returncode != 0 or family.lower() not in (f.strip().lower() for f in found.split(",")):
        raise AixError(missing, hint="make setup says which package")
    path = Path(file).resolve()
    if (
        not any(path.is_relative_to(folder.resolve()) for folder in FONT_DIRS)
        or path.suffix.lower() != ".ttf"
    ):
        raise AixError(f"{missing}: fontconfig gives {file}, not a TrueType file among the system fonts")
    return path
