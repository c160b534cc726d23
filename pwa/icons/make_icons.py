"""Draw the PWA icons: a tally of five (four strokes and a crossing one) on the brand blue.

Run from the repository root with the project's Python: .venv/bin/python pwa/icons/make_icons.py
"""

from pathlib import Path

from PIL import Image, ImageDraw

BLUE = (11, 61, 92)
WHITE = (255, 255, 255)
AMBER = (255, 193, 7)
HERE = Path(__file__).resolve().parent


def draw(size: int, *, maskable: bool) -> Image.Image:
    scale = 4  # draw large, then downsample: smooth edges without anti-aliasing support
    s = size * scale
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    if maskable:
        d.rectangle([0, 0, s, s], fill=BLUE)  # full bleed: the launcher applies its own mask
        content = 0.56  # keep the marks inside the 80% safe circle
    else:
        d.rounded_rectangle([0, 0, s - 1, s - 1], radius=int(s * 0.2), fill=BLUE)
        content = 0.66
    box = s * content
    left = (s - box) / 2
    top = (s - box) / 2
    stroke = box * 0.1
    for i in range(4):
        x = left + box * (0.12 + i * 0.22)
        d.rounded_rectangle([x, top, x + stroke, top + box], radius=int(stroke / 2), fill=WHITE)
    d.line([(left, top + box * 0.78), (left + box, top + box * 0.22)], fill=AMBER, width=int(stroke))
    return img.resize((size, size), Image.LANCZOS)


def main() -> None:
    draw(192, maskable=False).save(HERE / "icon-192.png", optimize=True)
    draw(512, maskable=False).save(HERE / "icon-512.png", optimize=True)
    draw(512, maskable=True).save(HERE / "icon-maskable-512.png", optimize=True)
    draw(180, maskable=True).convert("RGB").save(HERE / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
