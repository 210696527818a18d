"""Helpers for the mlp-report Jupyter Book: data, models, training, sweeps, plots and the playground."""

__version__ = "0.1.0"
