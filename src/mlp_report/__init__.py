"""Helpers for the mlp-report Jupyter Book: data, models, training, sweeps, plots and the playground."""

__version__ = "0.1.0"

from .quiet import install as _hold_back_tensorflow_start_up_lines

_hold_back_tensorflow_start_up_lines()
