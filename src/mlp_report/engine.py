"""The training engine's version: part of every results cache key.

Apart from :mod:`mlp_report.training` so that a cache key is computed without importing TensorFlow (a
sweep whose runs all come from the cache, or that trains in pool workers, never needs it in the parent).
"""

ENGINE_VERSION = "5"  # bump when results of the same config would change
