"""Render every example's `flowc graph --format svg` in headless Chromium, screenshot it, and check that no text
is clipped: each state's name and detail lie inside its box, and every box inside the picture.

    python benchmarks/graph_browser_check.py [--out DIR]     # needs Debian's chromium (apt-get install chromium)

Chromium runs the check in the page (getBBox of every text against its rect) and writes the verdict into the
DOM, which `--dump-dom` prints; `--screenshot` keeps a PNG per workflow to look at. Exit 1 on any clipped text.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CHECK = """
<script>
window.addEventListener('load', () => {
  const out = [];
  const svg = document.querySelector('svg');
  const frame = svg.getBBox();
  const width = svg.width.baseVal.value, height = svg.height.baseVal.value;
  for (const g of document.querySelectorAll('g.state')) {
    const box = g.querySelector('rect').getBBox();
    for (const t of g.querySelectorAll('text')) {
      const b = t.getBBox();
      if (b.x < box.x || b.y < box.y || b.x + b.width > box.x + box.width + 0.5 || b.y + b.height > box.y + box.height + 0.5)
        out.push(t.textContent);
    }
  }
  if (frame.x + frame.width > width + 0.5 || frame.y + frame.height > height + 0.5) out.push('<picture overflows>');
  document.getElementById('verdict').textContent = JSON.stringify(out);
});
</script>
"""
CHROMIUM = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]


def pages() -> list[tuple[str, str]]:
    from flowc.compiler.pipeline import analyse
    from flowc.targets.graph.model import from_asl
    from flowc.targets.graph.svg import graph

    out = []
    for path in sorted((REPO / "workflows").glob("*.flow")) + sorted((REPO / "tests/corpus/flow").glob("*.flow")):
        result = analyse([path])
        for name, emitted in result.asl.items():
            g = from_asl(emitted.definition)
            out.append((f"{path.stem}-{name}", graph(g.nodes, g.edges, name)))
    return out


def check(name: str, svg: str, work: Path, chromium: str) -> list[str]:
    page = work / f"{name}.html"
    page.write_text(f"<!DOCTYPE html><html><body style='margin:0'>{svg}<pre id='verdict'></pre>{CHECK}</body></html>",
                    encoding="utf-8")
    size = re.search(r'width="(\d+(?:\.\d+)?)" height="(\d+(?:\.\d+)?)"', svg)
    w, h = (int(float(size.group(1))) + 20, int(float(size.group(2))) + 60) if size else (1200, 2000)
    subprocess.run([chromium, *CHROMIUM, f"--window-size={w},{h}", f"--screenshot={work / (name + '.png')}",
                    page.as_uri()], capture_output=True, timeout=120, check=False)
    dom = subprocess.run([chromium, *CHROMIUM, "--virtual-time-budget=2000", "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120, check=False).stdout
    found = re.search(r'<pre id="verdict">(.*?)</pre>', dom, re.S)
    if not found or not found.group(1):
        return ["<no verdict: the page did not run>"]
    return json.loads(html.unescape(found.group(1)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="keep the screenshots here")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("chromium not found: apt-get install chromium", file=sys.stderr)
        return 2
    work = args.out or Path(tempfile.mkdtemp(prefix="flowc-graph-"))
    work.mkdir(parents=True, exist_ok=True)
    bad = 0
    drawn = pages()
    for name, svg in drawn:
        clipped = check(name, svg, work, chromium)
        bad += bool(clipped)
        print(f"{'CLIPPED' if clipped else 'ok':8} {name}" + (f": {clipped}" if clipped else ""))
    print(f"{len(drawn)} graphs, {bad} with clipped text; screenshots in {work}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
