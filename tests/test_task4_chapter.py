"""Task 4 chapter, executed with the quick profile inside the quick book (see the ``quick_book`` fixture)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from mlp_report import playground as pg
from mlp_report.build.book import ChapterError, execute_chapter
from mlp_report.notebook import cell_errors, read_glue, read_notebook
from mlp_report.paths import results_dir

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_chapters import failed_cell  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SOURCE = (ROOT / "chapters" / "task4.md").read_text()
PROSE_KEYS = sorted(set(re.findall(r"\{glue:(?:text)?\}`([^`:]+)(?::[^`]*)?`", SOURCE)))
FIGURE_KEYS = sorted(set(re.findall(r"```\{glue:figure\} (\S+)", SOURCE)))
TABLES = {"t4_config_table", "t4_results_table", "t4_spiral_features_table", "t4_bottleneck_table"}


@pytest.fixture(scope="module")
def notebook(quick_book: Path) -> Path:
    return quick_book / "stage" / "chapters" / "task4.ipynb"


def glued_outputs(path: Path) -> dict[str, dict]:
    """Glue name -> the output's data bundle, keyed by plain MIME type."""
    found = {}
    for cell in read_notebook(path)["cells"]:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("scrapbook")
            if meta:
                prefix = meta.get("mime_prefix", "")
                found[meta["name"]] = {k.removeprefix(prefix): v for k, v in out.get("data", {}).items()}
    return found


def test_chapter_ran_without_errors(notebook):
    assert cell_errors(notebook) == []


def test_every_glue_key_used_in_the_text_exists(notebook):
    glue = read_glue(notebook)
    assert len(PROSE_KEYS) >= 25 and len(FIGURE_KEYS) >= 10  # the regexes found the keys
    missing = [key for key in PROSE_KEYS + FIGURE_KEYS if key not in glue]
    assert missing == []


def test_figures_are_images_and_tables_are_html(notebook):
    data = glued_outputs(notebook)
    for name in pg.PRESETS:  # every data set has its heatmap + loss figure and its neuron figure
        for key in (f"t4_{name}_run", f"t4_{name}_neurons"):
            assert key in FIGURE_KEYS
    for key in FIGURE_KEYS:
        if key in TABLES:
            assert "text/html" in data[key], key
        else:
            assert len(data[key].get("image/png", "")) > 5_000, key


def test_results_are_consistent_with_the_tables(notebook):
    glue = read_glue(notebook)
    results = json.loads((results_dir("quick") / "task4.json").read_text())
    assert results["profile"] == "quick" and results["target"] == pg.TARGET_TEST_LOSS
    for group in ("noise_0", "noise_hard"):
        assert set(results[group]) == set(pg.PRESETS)
        for summary in results[group].values():
            losses = summary["test_loss"]
            assert len(losses) == int(glue["t4_seeds"]) and all(0 <= v < 2 for v in losses)
            assert summary["worst"] == max(losses)
            assert summary["reached"] == sum(v <= pg.TARGET_TEST_LOSS for v in losses)
    for name in pg.PRESETS:
        assert float(glue[f"t4_{name}_worst"]) == pytest.approx(results["noise_0"][name]["worst"], abs=1e-4)
    assert glue["t4_points"] == "500" and glue["t4_train_points"] == "250" and glue["t4_test_points"] == "250"


def test_html_page_shows_every_figure(quick_book):
    html = (quick_book / "_build" / "html" / "chapters" / "task4.html").read_text()
    for key in FIGURE_KEYS:
        label = re.search(rf"```\{{glue:figure\}} {re.escape(key)}\n:name: (\S+)", SOURCE).group(1)
        assert f'id="{label}"' in html, label
    assert "{glue" not in html and "Pending" not in html


def test_bad_parameter_fails_at_the_top(tmp_path):
    with pytest.raises(ChapterError) as err:
        execute_chapter(ROOT / "chapters" / "task4.md", tmp_path / "out.ipynb", {"profile": "quick", "hard_noise": 60})
    assert "hard_noise=60 is invalid: expected an integer >= 1 and <= 50" in str(err.value)
    assert failed_cell(err.value) <= 3
