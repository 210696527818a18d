"""The one rule for "this run failed to learn", used by training, sweeps, tables, figures and prose.

A run *diverged* when its training loss became ``nan`` or infinite at any epoch, or when its final
epoch's training loss is above :data:`LOSS_LIMIT`: 5 % over ln 10 ≈ 2.30, the loss of an untrained
network that guesses the ten digits uniformly. A run that ends worse than guessing learned nothing its
metrics could show. Accuracy at chance is not a separate test: a run that merely learns slowly (few
updates at a small learning rate) also ends near 10 % with a loss just under ln 10, and it did not diverge;
every run measured with chance-level accuracy and a runaway loss is caught by the loss.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

UNTRAINED_LOSS = math.log(10)  # cross-entropy of a uniform guess over ten classes
LOSS_LIMIT = 1.05 * UNTRAINED_LOSS
RULE = (
    "a run diverged when its training loss became non-finite, or ended above 1.05 × ln 10 ≈ 2.42, "
    "worse than an untrained network guessing uniformly (ln 10 ≈ 2.30)"
)


def _bad(loss: float) -> bool:
    return not math.isfinite(loss) or loss > LOSS_LIMIT


def diverged(losses: Sequence[float]) -> bool:
    """Whether a run with these per-epoch training losses diverged (see :data:`RULE`)."""
    losses = [float(v) for v in losses]
    return any(not math.isfinite(v) for v in losses) or bool(losses and losses[-1] > LOSS_LIMIT)


def diverged_epoch(losses: Sequence[float]) -> int | None:
    """The first epoch (1-based) from which the run had diverged: its first non-finite loss, else the start of
    the final stretch of losses above :data:`LOSS_LIMIT`; ``None`` when it did not diverge."""
    losses = [float(v) for v in losses]
    if not diverged(losses):
        return None
    first = next((i for i, v in enumerate(losses) if not math.isfinite(v)), None)
    if first is not None:
        return first + 1
    start = len(losses)
    while start > 0 and _bad(losses[start - 1]):
        start -= 1
    return start + 1
