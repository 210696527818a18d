"""Export a playground network as Python code that rebuilds it in Keras with its weights.

:func:`keras_code` writes the very text of the widget's ``kerasCode`` in ``static/playground.js`` (the
tests compare them), so "Export as Keras code" in the browser and ``PlaygroundWidget.keras_code()`` in
Jupyter give the same file. Numbers are written as JavaScript's ``String(v)`` writes them
(:func:`js_number`): the shortest digits that read back to the same float, which Python parses too.
"""


from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from ..validation import invalid
from .network import output_activation, problem_of

# How each input feature is computed from the columns x1, x2 in the exported code
PY_FEATURES = {
    "x1": "x1",
    "x2": "x2",
    "x1^2": "x1 ** 2",
    "x2^2": "x2 ** 2",
    "x1*x2": "x1 * x2",
    "sin(x1)": "np.sin(x1)",
    "sin(x2)": "np.sin(x2)",
}


def js_number(value: float) -> str:
    """A float as JavaScript's ``String(value)`` writes it: the shortest round-trip digits (those of
    Python's ``repr``) laid out by ECMAScript's Number::toString (``5``, ``0.000001``, ``1e-7``,
    ``1.5e+21``; ``-0`` as ``0``)."""
    x = float(value)
    if not math.isfinite(x):
        raise invalid("value", value, "expected a finite number")
    if x == 0:
        return "0"
    text = repr(abs(x))
    mantissa, _, exponent = text.partition("e")
    whole, _, fraction = mantissa.partition(".")
    all_digits = whole + fraction
    significant = all_digits.lstrip("0")
    # value = 0.<digits> * 10^n
    n = len(significant) + int(exponent or 0) - len(fraction)
    digits = significant.rstrip("0")
    k = len(digits)
    if k <= n <= 21:
        body = digits + "0" * (n - k)
    elif 0 < n <= 21:
        body = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        body = "0." + "0" * -n + digits
    else:
        e = n - 1
        body = (digits if k == 1 else digits[0] + "." + digits[1:]) + "e" + ("+" if e >= 0 else "-") + str(abs(e))
    return ("-" if x < 0 else "") + body


def _row(values: Sequence[float]) -> str:
    return "[" + ", ".join(js_number(v) for v in values) + "]"


def keras_code(config: Mapping[str, Any], weights: Sequence[Mapping[str, Any]]) -> str:
    """Short Python that rebuilds the network of a widget ``config`` with ``weights`` (the widget's
    ``[{"kernel", "bias", "dead"?}]`` per layer) in Keras: the features as input columns, the layers and
    their activations, the weights as literals, and ``predict(points)`` giving the network's output."""
    from .widget import layer_sizes, validate_config, validate_weights

    c = validate_config(config)
    sizes = layer_sizes(c)
    weights = validate_weights(weights, sizes)
    out = output_activation(problem_of(c["dataset"]))
    n_dead = sum(sum(map(sum, layer["dead"])) for layer in weights if "dead" in layer)
    shape = f"hidden layers {'-'.join(map(str, c['hidden']))} ({c['activation']})" if c["hidden"] else "no hidden layer"
    lines = [
        '"""A TensorFlow Playground network exported by mlp-report, rebuilt in Keras with its weights.',
        "",
        f"Data set {c['dataset']} ({problem_of(c['dataset'])}); inputs {', '.join(c['features'])}; {shape}; output {out}.",
        *([f"{n_dead} link{'s' if n_dead > 1 else ''} cut by L1 regularization (weight 0)."] if n_dead else []),
        '"""',
        "import keras",
        "import numpy as np",
        "",
        f"FEATURES = [{', '.join(json.dumps(f) for f in c['features'])}]",
        "",
        "",
        "def features(points):",
        '    """The network\'s input columns for points [[x1, x2], ...]."""',
        '    x1, x2 = np.asarray(points, dtype="float64").reshape(-1, 2).T',
        f"    return np.stack([{', '.join(PY_FEATURES[f] for f in c['features'])}], axis=1)",
        "",
        "",
        "model = keras.Sequential([",
        f'    keras.Input(shape=({sizes[0]},), dtype="float64"),',
    ]
    names = [f"hidden_{k + 1}" for k in range(len(sizes) - 2)] + ["output"]
    for k, (units, name) in enumerate(zip(sizes[1:], names, strict=True)):
        act = out if k == len(sizes) - 2 else c["activation"]
        lines.append(f'    keras.layers.Dense({units}, activation="{act}", dtype="float64", name="{name}"),')
    lines += ["])", 'model.set_weights([np.array(w, dtype="float64") for w in [']
    for k, (layer, name) in enumerate(zip(weights, names, strict=True)):
        lines.append(
            f"    # {name}: kernel [{sizes[k]}][{sizes[k + 1]}] (row i: the links from input i), bias [{sizes[k + 1]}]"
        )
        lines += ["    [", *(f"        {_row(r)}," for r in layer["kernel"]), "    ],", f"    {_row(layer['bias'])},"]
    lines += [
        "]])",
        "",
        "",
        "def predict(points):",
        f'    """The network\'s output for points [[x1, x2], ...]{" (its sign is the class)" if out == "tanh" else ""}."""',
        "    return np.asarray(model(features(points)))[:, 0]",
    ]
    return "\n".join(lines) + "\n"
