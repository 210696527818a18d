"""axe-core (WCAG 2.1 A and AA rules) on every page of the built quick book, in the light and the dark theme.

axe-core comes from npm (package.json, installed by `npm ci` with the widget's JavaScript) and is injected
into each page by the test; nothing of it ships with the book. Set MLP_REPORT_BOOK_HTML to a built book's
``_build/html`` to check that book instead of building the quick one.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN = """async (tags) => {
  const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
  return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length,
    where: v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ': ' + (n.failureSummary || '').split('\\n').slice(1, 2).join('')) }));
}"""

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def book_html(request: pytest.FixtureRequest) -> Path:
    given = os.environ.get("MLP_REPORT_BOOK_HTML")
    return Path(given) if given else request.getfixturevalue("quick_book") / "_build" / "html"


def book_pages(html: Path) -> list[str]:
    """Every HTML page of the book (not the copied sources or static files)."""
    return sorted(str(p.relative_to(html)) for p in html.rglob("*.html") if not p.relative_to(html).parts[0].startswith("_"))


def test_axe_finds_no_wcag_violation_on_any_page(book_html: Path, serve, browser) -> None:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make install does it)")
    base = serve(book_html)
    pages = book_pages(book_html)
    assert "chapters/task4.html" in pages and "index.html" in pages
    found = {}
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/*", lambda r: r.abort() if r.request.url.split("/")[2].split(":")[0] not in ("127.0.0.1", "localhost") else r.continue_())
    try:
        for name in pages:
            page = context.new_page()
            page.goto(f"{base}/{name}", wait_until="load")
            page.wait_for_load_state("networkidle")
            if page.locator("script[type='application/vnd.jupyter.widget-view+json']").count():
                page.wait_for_selector(".mlp-pg .mlp-pg-test-loss", timeout=30_000)
            page.add_script_tag(path=str(AXE))
            page.add_style_tag(content="*, *::before, *::after { transition: none !important; }")  # colours settle at once
            backgrounds = set()
            for theme in ("light", "dark"):  # the theme's switch sets these two attributes; its CSS follows them
                page.evaluate("(t) => { document.documentElement.dataset.theme = t; document.documentElement.dataset.mode = t; }", theme)
                page.wait_for_timeout(100)
                backgrounds.add(page.evaluate("getComputedStyle(document.body).backgroundColor"))
                violations = page.evaluate(RUN, WCAG)
                if violations:
                    found[f"{name} ({theme})"] = violations
            assert len(backgrounds) == 2, f"{name}: the dark theme did not apply"
            page.close()
    finally:
        context.close()
    assert found == {}, "axe-core violations:\n" + "\n".join(f"{k}: {v}" for k, v in found.items())
