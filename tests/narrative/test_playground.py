"""Sentences and tables of the playground chapter, with hand-made summaries."""

from __future__ import annotations

from mlp_report.narrative import playground as story


def summary(losses, train=(0.01, 0.02)):
    return {"seeds": list(range(len(losses))), "test_loss": losses, "train_loss": list(train),
            "mean": sum(losses) / len(losses), "worst": max(losses), "reached": sum(v <= 0.07 for v in losses)}  # fmt: skip


def test_verdicts():
    assert story.target_verdict(True) == "reach the target on every seed"
    assert story.target_verdict(False) == "do NOT reach the target on every seed"
    assert story.hard_verdict([]) == "every data set still reaches it on every seed"
    assert story.hard_verdict(["Spiral", "XOR"]) == "the target is missed on some seeds of Spiral and XOR"
    assert [story.compared_count(n, 3) for n in (2, 3, 4)] == ["fewer", "as many", "more"]
    assert story.feature_names(("x1", "sin(x1)")) == "`x1`, `sin(x1)`"
    assert story.run_title("spiral", 3, 0.012345) == "Spiral, seed 3: test loss 0.0123"
    assert story.neurons_title("xor", 1) == "Xor, seed 1"


def test_results_table_rows_per_noise_and_data_set():
    table = story.results_table({"0": {"spiral": summary([0.01, 0.05])}, "10": {"spiral": summary([0.05, 0.2])}})
    assert list(table["noise (%)"]) == ["0", "10"] and list(table["data set"]) == ["Spiral", "Spiral"]
    assert list(table[story.REACHED]) == [2, 1] and list(table["worst test loss"]) == [0.05, 0.2]
    assert table["mean training loss"].iloc[0] == 0.015


def test_comparison_and_config_tables():
    table = story.comparison_table([({"features": "x1, x2"}, summary([0.01, 0.2]))])
    assert table.to_dict(orient="records") == [
        {"features": "x1, x2", story.REACHED: "1 of 2", "mean test loss": 0.105, "worst test loss": 0.2}
    ]
    configs = story.config_table({"spiral": {"hidden": "6-5"}, "xor": {"hidden": "3-1"}})
    assert list(configs.index) == ["Spiral", "Xor"] and list(configs["hidden"]) == ["6-5", "3-1"]
    assert len(story.SPIRAL_FEATURE_SETS) == 3
