"""Make the binary assets of the sample document in sources/static/: diagrams (PNG) and the navigator (PDF).

Run from the repository root:  .venv/bin/python tools/make_sample_assets.py

The output is deterministic for a given Pillow and WeasyPrint version: no timestamps, a fixed PDF
identifier and fixed fonts. The navigator's /go/ links are checked against sources/firebase.json, so a
box can never point at a permalink the sample does not define.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "sources"
MAX_IMAGE_BYTES = 30 * 1024
# Embedded font subsets carry a 'modified' time (fontTools reads SOURCE_DATE_EPOCH); fix it to 2025-01-01.
FIXED_EPOCH = "1735689600"

FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
)
BOLD_FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
)

INK = (33, 37, 41)
PALETTE = {
    "blue": (208, 228, 250),
    "green": (214, 240, 218),
    "orange": (253, 226, 196),
    "red": (250, 212, 212),
    "grey": (230, 232, 235),
    "purple": (229, 218, 247),
}


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for name in BOLD_FONT_FILES if bold else FONT_FILES:
        if Path(name).is_file():
            return ImageFont.truetype(name, size)
    return ImageFont.load_default(size=size)


# A diagram: a title, boxes (x, y, w, h, label, colour) and arrows between box centres' edges.
Box = tuple[int, int, int, int, str, str]

DIAGRAMS: dict[str, dict] = {
    "sample-threat-model.png": {
        "size": (720, 300),
        "title": "Threat model of an AI system (sample)",
        "boxes": [
            (30, 70, 150, 60, "Training data", "green"),
            (30, 190, 150, 60, "Suppliers", "green"),
            (285, 130, 150, 60, "Model", "blue"),
            (540, 70, 150, 60, "Application", "grey"),
            (540, 190, 150, 60, "User / attacker", "red"),
        ],
        "arrows": [(0, 2), (1, 2), (2, 3), (4, 3)],
        "caption": "Red: where input threats start. Green: where development-time threats start.",
    },
    "sample-lifecycle.png": {
        "size": (720, 240),
        "title": "Controls across the AI lifecycle (sample)",
        "boxes": [
            (20, 80, 150, 70, "Governance", "purple"),
            (195, 80, 150, 70, "Data limitation", "green"),
            (370, 80, 150, 70, "Limit unwanted\nbehaviour", "orange"),
            (545, 80, 150, 70, "Threat-specific\ncontrols", "blue"),
        ],
        "arrows": [(0, 1), (1, 2), (2, 3)],
        "caption": "From organisation-wide measures to controls for one threat.",
    },
    "sample-supply-chain.png": {
        "size": (640, 220),
        "title": "Model supply chain (sample)",
        "boxes": [
            (20, 80, 160, 60, "Public model hub", "grey"),
            (240, 80, 160, 60, "Hash check", "orange"),
            (460, 80, 160, 60, "Training pipeline", "blue"),
        ],
        "arrows": [(0, 1), (1, 2)],
        "caption": "A download enters the pipeline only after its hash matches.",
    },
}


def _arrow(draw: ImageDraw.ImageDraw, a: Box, b: Box) -> None:
    """A straight arrow from the edge of box a to the facing edge of box b."""
    ax, ay, aw, ah = a[:4]
    bx, by, bw, bh = b[:4]
    start = (ax + aw, ay + ah // 2) if bx > ax else (ax, ay + ah // 2)
    end = (bx, by + bh // 2) if bx > ax else (bx + bw, by + bh // 2)
    if bx == ax:  # one above the other
        start = (ax + aw // 2, ay + ah if by > ay else ay)
        end = (bx + bw // 2, by if by > ay else by + bh)
    draw.line([start, end], fill=INK, width=3)
    dx, dy = end[0] - start[0], end[1] - start[1]
    length = max((dx * dx + dy * dy) ** 0.5, 1.0)
    ux, uy = dx / length, dy / length
    tip = end
    left = (tip[0] - 12 * ux + 6 * uy, tip[1] - 12 * uy - 6 * ux)
    right = (tip[0] - 12 * ux - 6 * uy, tip[1] - 12 * uy + 6 * ux)
    draw.polygon([tip, left, right], fill=INK)


def draw_diagram(spec: dict) -> Image.Image:
    width, height = spec["size"]
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((width // 2, 22), spec["title"], fill=INK, font=_font(20, bold=True), anchor="mm")
    label_font = _font(15)
    boxes: list[Box] = spec["boxes"]
    for i, j in spec["arrows"]:
        _arrow(draw, boxes[i], boxes[j])
    for x, y, w, h, label, colour in boxes:
        draw.rounded_rectangle((x, y, x + w, y + h), radius=10, fill=PALETTE[colour], outline=INK, width=2)
        draw.multiline_text(
            (x + w // 2, y + h // 2), label, fill=INK, font=label_font, anchor="mm", align="center", spacing=4
        )
    draw.text((width // 2, height - 18), spec["caption"], fill=(90, 90, 90), font=_font(13), anchor="mm")
    # Few colours: a palette image keeps the file small and its bytes stable.
    return image.quantize(colors=32, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)


def write_images(static: Path) -> list[Path]:
    folder = static / "images"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, spec in DIAGRAMS.items():
        path = folder / name
        draw_diagram(spec).save(path, format="PNG", optimize=True)
        size = path.stat().st_size
        if size > MAX_IMAGE_BYTES:
            raise SystemExit(
                f"{path}: {size} bytes, more than the {MAX_IMAGE_BYTES} allowed for a sample image"
            )
        written.append(path)
    return written


# The navigator: one landscape page of boxes, each a link into the document.
# (label, group, href); "go:<name>" stands for https://owaspai.org/go/<name>/ and must be in firebase.json.
NAVIGATOR_BOXES = [
    ("General controls", "controls", "go:generalcontrols"),
    ("#DATA MINIMIZE", "controls", "https://owaspai.org/docs/1_general_controls/#data-minimize"),
    ("#OVERSIGHT", "controls", "go:oversight"),
    ("Input threats", "input", "go:inputthreats"),
    ("Evasion", "input", "go:evasion"),
    ("Prompt injection", "input", "go:promptinjection"),
    ("#MONITOR USE", "input", "go:monitoruse"),
    ("#RATE LIMIT", "input", "go:ratelimit"),
    ("Development-time threats", "development", "go:developmenttime"),
    ("Data poisoning", "development", "go:datapoisoning"),
    ("#SUPPLY CHAIN MANAGE", "development", "go:supplychainmanage"),
    ("OWASP GenAI Security Project", "external", "https://genai.owasp.org/"),
]

NAVIGATOR_CSS = """
@page { size: A4 landscape; margin: 14mm; }
body { font-family: "DejaVu Sans", "Liberation Sans", sans-serif; color: #212529; margin: 0; }
h1 { font-size: 22pt; margin: 0 0 4mm 0; }
p.lead { font-size: 10pt; margin: 0 0 8mm 0; color: #555; }
.grid { display: flex; flex-wrap: wrap; gap: 6mm; }
.box { position: relative; width: 62mm; height: 38mm; padding: 5mm; box-sizing: border-box;
       border: 0.6mm solid #212529; border-radius: 3mm; font-size: 15pt; font-weight: bold; }
.box span { display: block; font-size: 9pt; font-weight: normal; margin-top: 2mm; color: #444; }
/* One link per box: an empty <a> over the whole box gives one link annotation, not one per line. */
.box a { position: absolute; top: 0; left: 0; width: 100%; height: 100%; }
.controls { background: #e5daf7; }
.input { background: #fad4d4; }
.development { background: #d6f0da; }
.external { background: #e6e8eb; }
"""


def _go_names(site: Path) -> set[str]:
    data = json.loads((site / "firebase.json").read_text(encoding="utf-8"))
    return {
        rule["source"].strip("/").split("/", 1)[1]
        for rule in data["hosting"]["redirects"]
        if rule["source"].startswith("/go/")
    }


def navigator_html(site: Path) -> str:
    names = _go_names(site)
    boxes = []
    for label, group, href in NAVIGATOR_BOXES:
        if href.startswith("go:"):
            name = href[3:]
            if name not in names:
                raise SystemExit(f"navigator box {label!r}: /go/{name}/ is not a redirect in firebase.json")
            href = f"https://owaspai.org/go/{name}/"
        shown = href.removeprefix("https://")
        boxes.append(
            f'  <div class="box {group}"><a href="{html.escape(href)}"></a>{html.escape(label)}'
            f"<span>{html.escape(shown)}</span></div>"
        )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<title>AI Exchange navigator (sample)</title>\n"
        '<meta name="author" content="OWASP AI Exchange">\n'
        f"<style>{NAVIGATOR_CSS}</style>\n</head>\n<body>\n"
        "<h1>AI Exchange navigator (sample)</h1>\n"
        '<p class="lead">Each box links to its section of the sample document. '
        "Purple: general controls. Red: input threats. Green: development-time threats. "
        "Grey: elsewhere.</p>\n"
        '<div class="grid">\n' + "\n".join(boxes) + "\n</div>\n</body>\n</html>\n"
    )


def write_navigator(site: Path, static: Path) -> Path:
    os.environ.setdefault("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    from weasyprint import HTML  # imported here: the images need only Pillow

    folder = static / "navigator"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "sample-navigator.pdf"
    document = HTML(string=navigator_html(site), base_url=str(site)).render()
    if len(document.pages) != 1:
        raise SystemExit(f"the navigator must fit on one page, not {len(document.pages)}")
    document.write_pdf(path, pdf_identifier=b"aix-sample-navigator", uncompressed_pdf=False)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=SITE, help="the Hugo site root (default: sources/)")
    parser.add_argument("--no-pdf", action="store_true", help="make the images only")
    args = parser.parse_args(argv)
    static = args.site / "static"
    written = write_images(static)
    if not args.no_pdf:
        written.append(write_navigator(args.site, static))
    for path in written:
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(f"wrote {shown} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
