"""The chapters' figures, one module per topic (the playground's are in :mod:`mlp_report.playground.figures`)."""
