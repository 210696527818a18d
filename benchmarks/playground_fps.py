"""Frames and epochs per second of the Task 4 widget against TensorFlow Playground's own build.

Both train Spiral with a 6-5 tanh network on x1, x2, sin(x1), sin(x2) (learning rate 0.1, batch size 5,
50 % training data) at one epoch per animation frame, in the same headless Chromium, one after the other
and in alternation (ROUNDS rounds of SECONDS seconds each), so the machine's load touches both alike. TF
Playground's build (``../shared/anchors/tf-playground/``, never shipped) and a static page with the widget
are served on loopback; requests leaving the machine (TF's web fonts) are blocked. Frames are counted with a
requestAnimationFrame counter in the page (what the browser managed to render), epochs from each page's
epoch counter. The medians are the result, with the load average of the machine.

    python benchmarks/playground_fps.py [--seconds 8] [--rounds 3] [--tf ../shared/anchors/tf-playground]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TF_HASH = ("#activation=tanh&batchSize=5&dataset=spiral&regDataset=reg-plane&learningRate=0.1&regularizationRate=0"
           "&noise=0&networkShape=6,5&seed=0.1&showTestData=false&discretize=false&percTrainData=50&x=true&y=true"
           "&xTimesY=false&xSquared=false&ySquared=false&cosX=false&sinX=true&cosY=false&sinY=true&collectStats=false"
           "&problem=classification&initZero=false&hideText=false")
# frames the page rendered; and a no-op for Google Analytics, which TF's build calls on a click (analytics.js is
# not part of the build: without it the Play button throws "ga is not defined" and nothing starts)
COUNTER = ("window.__frames = 0; (function count() { window.__frames++; requestAnimationFrame(count); })();"
           "window.ga = window.ga || function () {};")
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>widget</title>
<script src="_static/widgets/require.js"></script><script src="_static/widgets/require-config.js"></script>
<script src="_static/widgets/html-manager/embed-amd.js"></script>
<script type="application/vnd.jupyter.widget-state+json">{state}</script></head>
<body><main style="width:1100px">{views}</main></body></html>"""


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve(folder: Path) -> str:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def widget_page(folder: Path) -> Path:
    """A static page with the Spiral widget, embedded as the book embeds it."""
    from ipywidgets.embed import embed_data

    from mlp_report.build.book import vendor_widget_js
    from mlp_report.playground.widget import playground_widget

    vendor_widget_js(ROOT, folder)
    widget = playground_widget("spiral")
    widget.speed = 1
    data = embed_data(views=[widget], drop_defaults=False)
    views = "".join(f'<script type="application/vnd.jupyter.widget-view+json">{json.dumps(v)}</script>' for v in data["view_specs"])
    page = folder / "widget.html"
    page.write_text(PAGE.format(state=json.dumps(data["manager_state"]).replace("</", "<\\/"), views=views))
    return page


def measure(page, play: str, epoch_js: str, seconds: float) -> dict:
    """Start training, then count frames and epochs over `seconds`."""
    page.click(play)
    page.wait_for_timeout(1000)  # warm-up
    f0, e0, t0 = page.evaluate("window.__frames"), page.evaluate(epoch_js), time.perf_counter()
    page.wait_for_timeout(seconds * 1000)
    f1, e1, t1 = page.evaluate("window.__frames"), page.evaluate(epoch_js), time.perf_counter()
    page.click(play)
    return {"fps": (f1 - f0) / (t1 - t0), "epochs_per_s": (e1 - e0) / (t1 - t0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tf", type=Path, default=ROOT.parent / "shared" / "anchors" / "tf-playground")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()
    if not (args.tf / "index.html").is_file():
        raise SystemExit(f"--tf {args.tf}: no TF Playground build there (index.html missing)")
    from playwright.sync_api import sync_playwright

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        ours_url = f"{serve(Path(tmp))}/{widget_page(Path(tmp)).name}"
        tf_url = f"{serve(args.tf)}/index.html{TF_HASH}"
        browser = pw.chromium.launch(executable_path=args.chromium, headless=True, args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.route("**/*", lambda r: r.abort() if r.request.url.split("/")[2].split(":")[0] not in ("127.0.0.1", "localhost") else r.continue_())
        context.add_init_script(COUNTER)
        tf_page, our_page = context.new_page(), context.new_page()
        tf_page.goto(tf_url, wait_until="load")
        our_page.goto(ours_url, wait_until="load")
        our_page.wait_for_selector(".mlp-pg .mlp-pg-test-loss", timeout=60_000)
        results = {"tf": [], "ours": []}
        for _ in range(args.rounds):
            tf_page.bring_to_front()
            results["tf"].append(measure(tf_page, "#play-pause-button", "+document.querySelector('#iter-number').textContent.replace(/,/g, '')", args.seconds))
            our_page.bring_to_front()
            results["ours"].append(measure(our_page, ".mlp-pg button.mlp-pg-play", "+document.querySelector('.mlp-pg .mlp-pg-epoch').dataset.value", args.seconds))
        browser.close()
    load_after = os.getloadavg()
    print(f"Spiral 6-5, one epoch per frame, {args.rounds} x {args.seconds:.0f} s each, 1400 x 1000 headless Chromium")
    print(f"load average (1, 5, 15 min) before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, "
          f"after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}; {os.cpu_count()} cores")
    print(f"{'':22}{'frames/s':>10}{'epochs/s':>10}   (median; every round)")
    for name, label in (("tf", "TF Playground"), ("ours", "mlp-report widget")):
        fps = statistics.median(r["fps"] for r in results[name])
        eps = statistics.median(r["epochs_per_s"] for r in results[name])
        rounds = ", ".join(f"{r['fps']:.1f}/{r['epochs_per_s']:.1f}" for r in results[name])
        print(f"{label:22}{fps:10.1f}{eps:10.1f}   ({rounds})")
    ratio = statistics.median(r["fps"] for r in results["ours"]) / statistics.median(r["fps"] for r in results["tf"])
    print(f"widget / TF frames: {ratio:.2f}")


if __name__ == "__main__":
    main()
