"""An interactive TensorFlow-Playground-like widget that trains in the browser.

:class:`PlaygroundWidget` is an `anywidget <https://anywidget.dev>`_ whose front end
(``static/playground.js``) generates the data, trains the network and draws it in JavaScript, so the
widget keeps working in the static HTML book, where no kernel runs. The JavaScript mirrors
:mod:`mlp_report.playground`: the same Mulberry32 draws give bit-identical data sets and initial weights
for the same seeds, and one epoch is the same mini-batch SGD (``tests/playground/test_widget_js.py`` checks both).

In Jupyter, the traits ``config``, ``weights``, ``losses`` and ``epoch`` are synced both ways: set
``config`` (or use :meth:`PlaygroundWidget.import_json`) to drive the widget, read the trained weights
back with :meth:`PlaygroundWidget.params`.

    from mlp_report.playground.widget import playground_widget
    playground_widget("spiral")      # the Task 4 presets are in the widget's preset menu
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import anywidget
import numpy as np
import traitlets

from .. import playground as pg
from ..validation import ConfigError, invalid, require_choice, require_float, require_int, require_known_keys

ESM_PATH = Path(__file__).with_name("static") / "playground.js"
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10)  # the playground's menu
REG_RATES = (0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10)
MAX_BATCH = 30  # the playground's batch-size slider runs from 1 to 30
SPEEDS = (1, 5, 20, 100)  # epochs per animation frame
EXPORT_FORMAT = "mlp-report-playground"

# The playground's defaults; a config is always complete (these keys, no others).
DEFAULT_CONFIG: dict[str, Any] = {
    "dataset": "circle",
    "noise": 0,
    "ratio": 0.5,
    "batch_size": 10,
    "learning_rate": 0.03,
    "activation": "tanh",
    "regularization": "none",
    "reg_rate": 0,
    "features": ["x1", "x2"],
    "hidden": [4, 2],
    "data_seed": 0,
    "init_seed": None,  # None: the weights continue the data's stream, as playground.seeded_run
}
# Keys whose change resets the network to its initial weights (the JavaScript's RESET_KEYS): playground.ts
# resets on a change of every control but the learning rate; a new data or init seed resets too, because the
# seeds define the initial state.
RESET_KEYS = ("dataset", "noise", "ratio", "batch_size", "activation", "regularization", "reg_rate",
              "features", "hidden", "data_seed", "init_seed")


def validate_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """A complete, checked widget config: ``config`` over :data:`DEFAULT_CONFIG`.

    Raises :class:`~mlp_report.validation.ConfigError` naming the key, the bad value and what is allowed.
    """
    if not isinstance(config, Mapping):
        raise invalid("config", config, "expected a dict with keys from " + ", ".join(DEFAULT_CONFIG))
    require_known_keys("config", config, DEFAULT_CONFIG)
    c = {**DEFAULT_CONFIG, **config}
    out = {
        "dataset": require_choice("dataset", c["dataset"], pg.DATASETS),
        "noise": _number(pg.check_noise(c["noise"])),
        "ratio": require_float("ratio", c["ratio"], positive=True, below=1.0),
        "batch_size": require_int("batch_size", c["batch_size"], minimum=1, maximum=MAX_BATCH),
        "learning_rate": require_float("learning_rate", c["learning_rate"], positive=True),
        "activation": require_choice("activation", c["activation"], pg.ACTIVATIONS),
        "regularization": require_choice("regularization", c["regularization"], pg.REGULARIZATIONS),
        "reg_rate": _number(require_float("reg_rate", c["reg_rate"], minimum=0.0)),
        "features": list(pg.check_features(c["features"])),
        "hidden": list(pg.check_hidden(c["hidden"])),
        "data_seed": require_int("data_seed", c["data_seed"], minimum=0, maximum=pg.UINT32),
        "init_seed": None if c["init_seed"] is None else require_int("init_seed", c["init_seed"], minimum=0, maximum=pg.UINT32),
    }
    pg.split_index(pg.default_size(out["dataset"]), out["ratio"])  # both sides non-empty
    return out


def _number(value: float) -> int | float:
    """Whole numbers as int, so the JSON matches what the JavaScript writes (``0`` rather than ``0.0``)."""
    return int(value) if float(value).is_integer() else float(value)


def layer_sizes(config: Mapping[str, Any]) -> tuple[int, ...]:
    """``(inputs, *hidden, 1)`` of a config."""
    return pg.layer_sizes(len(config["features"]), config["hidden"])


def validate_weights(weights: Any, sizes: Sequence[int]) -> list[dict[str, list]]:
    """Weights as the widget holds them, checked against the layer sizes: one ``{"kernel": [n_in][n_out],
    "bias": [n_out]}`` per layer (Keras' layout), finite numbers, and optionally ``"dead": [n_in][n_out]``
    booleans (links cut by L1 regularization; kept when given)."""
    expected = f"a list of {len(sizes) - 1} layers {{'kernel': [n_in][n_out], 'bias': [n_out]}} for sizes {tuple(sizes)}"
    if isinstance(weights, (str, bytes, Mapping)) or not isinstance(weights, Sequence) or len(weights) != len(sizes) - 1:
        raise invalid("weights", _short(weights), "expected " + expected)
    out = []
    for k, layer in enumerate(weights):
        if not isinstance(layer, Mapping) or not {"kernel", "bias"} <= set(layer) <= {"kernel", "bias", "dead"}:
            raise invalid(f"weights[{k}]", _short(layer), "expected a dict with the keys 'kernel' and 'bias' (and 'dead')")
        kernel = np.asarray(layer["kernel"], dtype=np.float64)
        bias = np.asarray(layer["bias"], dtype=np.float64)
        if kernel.shape != (sizes[k], sizes[k + 1]) or bias.shape != (sizes[k + 1],):
            raise ConfigError(
                f"weights[{k}] has kernel {kernel.shape} and bias {bias.shape}: expected "
                f"({sizes[k]}, {sizes[k + 1]}) and ({sizes[k + 1]},) for sizes {tuple(sizes)}."
            )
        if not (np.isfinite(kernel).all() and np.isfinite(bias).all()):
            raise invalid(f"weights[{k}]", _short(layer), "expected finite numbers")
        entry = {"kernel": kernel.tolist(), "bias": bias.tolist()}
        if "dead" in layer:
            dead = layer["dead"]
            if np.shape(dead) != kernel.shape or not all(isinstance(v, (bool, np.bool_)) for v in np.ravel(np.asarray(dead, dtype=object))):
                raise invalid(f"weights[{k}]['dead']", _short(dead), f"expected {kernel.shape} booleans like the kernel")
            entry["dead"] = np.asarray(dead, dtype=bool).tolist()
        out.append(entry)
    return out


def _short(value: Any) -> str:
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)) and len(value) > 200:
        value = [*value[:50], "..."]  # never repr a million points to quote a few
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def initial_weights(config: Mapping[str, Any]) -> list[dict[str, list]]:
    """The weights the widget starts from for ``config``: ``Mulberry32(data_seed)`` makes and splits the data,
    then draws the weights (or ``init_seed`` draws them), as the JavaScript's ``Simulation.reset``."""
    c = validate_config(config)
    rng = pg.Mulberry32(c["data_seed"])
    pg.make_split(c["dataset"], c["noise"], c["ratio"], rng)
    params = pg.init_params(len(c["features"]), c["hidden"], rng if c["init_seed"] is None else c["init_seed"])
    return [{"kernel": k.tolist(), "bias": b.tolist(), "dead": np.zeros(k.shape, bool).tolist()}
            for k, b in zip(params[::2], params[1::2], strict=True)]


def preset_configs() -> dict[str, dict[str, Any]]:
    """The Task 4 configurations of :data:`mlp_report.playground.PRESETS` as widget configs."""
    return {name: preset_config(preset) for name, preset in pg.PRESETS.items()}


def preset_config(preset: Mapping[str, Any], seed: int = 0) -> dict[str, Any]:
    """One entry of :data:`mlp_report.playground.PRESETS` as a widget config for one seed of the chapter:
    ``Mulberry32(seed)`` makes the data, then the initial weights (``init_seed`` None), as
    :func:`mlp_report.playground.seeded_run`. The preset's ``epochs`` is not part of a config."""
    names = {"regularization_rate": "reg_rate"}
    config = {names.get(k, k): v for k, v in preset.items() if k != "epochs"}
    for key in ("features", "hidden"):
        config[key] = list(config[key])
    return validate_config({**config, "data_seed": seed, "init_seed": None})


MAX_POINTS = 5000  # own points at most (drawn, CSV or imported); the JavaScript's MAX_POINTS
POINT_RANGE = 6.0  # |x| and |y| at most: the playground's plane runs from -6 to 6


def validate_points(points: Any, dataset: str | None = None) -> list[list[float]]:
    """Own data points ``[[x, y, label], ...]`` (drawn or imported in the widget): finite numbers, ``x`` and
    ``y`` within ±:data:`POINT_RANGE`, at most :data:`MAX_POINTS`, labels ±1 for a classification
    ``dataset`` and in [-1, 1] for a regression one (or any of those when ``dataset`` is None); an empty list
    means the generated data set. The JavaScript's ``checkPoints`` applies the same rules."""
    if isinstance(points, (str, bytes, Mapping)) or not isinstance(points, Sequence):
        raise invalid("points", _short(points), "expected a list of [x, y, label]")
    if len(points) > MAX_POINTS:
        raise ConfigError(f"points: {len(points)} points are too many: at most {MAX_POINTS} are allowed.")
    rows = []
    for i, q in enumerate(points):
        ok = isinstance(q, Sequence) and not isinstance(q, (str, bytes)) and len(q) == 3 and all(
            isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_)) and np.isfinite(v) for v in q)
        if not ok:
            raise invalid(f"points[{i}]", _short(q), "expected [x, y, label], three finite numbers")
        x, y, label = (float(v) for v in q)
        if abs(x) > POINT_RANGE or abs(y) > POINT_RANGE:
            raise invalid(f"points[{i}]", _short(q), f"x and y must be within ±{POINT_RANGE:g}, the playground's range")
        regression = None if dataset is None else pg.problem_of(dataset) == "regression"
        if abs(label) > 1 or (regression is False and abs(label) != 1):
            rule = "1 or -1 (classification data)" if regression is False else "a number from -1 to 1"
            raise invalid(f"points[{i}]", _short(q), f"the label must be {rule}")
        rows.append([x, y, label])
    if len(rows) == 1:
        raise invalid("points", _short(points), "expected at least 2 points (or none: the generated data)")
    return rows


def data_split(config: Mapping[str, Any], points: Sequence[Sequence[float]] = ()) -> pg.Split:
    """The training and test points the widget uses: the generated data set of ``config`` or, if given, the
    own ``points`` shuffled with the data seed's stream and cut at ``ratio`` (each side keeps at least one
    point), as the JavaScript's ``usePoints``."""
    if not len(points):
        return pg.make_split(config["dataset"], config["noise"], config["ratio"], config["data_seed"])
    array = np.asarray(points, dtype=np.float64)
    order = pg.shuffle_order(len(array), pg.Mulberry32(config["data_seed"]))
    array = array[order]
    cut = max(1, min(len(array) - 1, int(np.floor(len(array) * config["ratio"]))))
    return pg.Split(array[:cut, :2], array[:cut, 2], array[cut:, :2], array[cut:, 2])


def network_outputs(config: Mapping[str, Any], weights: Sequence[Mapping[str, Any]], points: np.ndarray) -> np.ndarray:
    """The widget network's output for points ``[n, 2]`` (numpy, float64; the output is tanh, or linear
    for the regression data sets)."""
    act = {"relu": lambda v: np.maximum(v, 0), "tanh": np.tanh, "sigmoid": lambda v: 1 / (1 + np.exp(-v)), "linear": lambda v: v}
    x = pg.features(points, config["features"])
    for k, layer in enumerate(weights):
        x = x @ np.asarray(layer["kernel"], dtype=np.float64) + np.asarray(layer["bias"], dtype=np.float64)
        last = k == len(weights) - 1
        x = act["linear" if last and config["dataset"].startswith("reg-") else "tanh" if last else config["activation"]](x)
    return x[:, 0]


def network_losses(config: Mapping[str, Any], weights: Sequence[Mapping[str, Any]],
                   points: Sequence[Sequence[float]] = ()) -> tuple[float, float]:
    """``(training loss, test loss)`` of the widget network with ``weights`` on its data (the playground's
    ``mean(0.5 * (output - label)^2)``)."""
    data = data_split(config, points)
    return tuple(pg.playground_loss(network_outputs(config, weights, p), y)  # type: ignore[return-value]
                 for p, y in ((data.x_train, data.y_train), (data.x_test, data.y_test)))


def compact_js(source: str) -> str:
    """The module without comment lines, doc comments and indentation: the ``_esm`` is stored in every
    widget instance's state, so this keeps the pages small. Only whole-line comments are removed."""
    lines, in_doc = [], False
    for line in source.splitlines():
        text = line.strip()
        if in_doc or text.startswith("/**"):
            in_doc = not text.endswith("*/")
            continue
        if text and not text.startswith("//"):
            lines.append(text)
    return "\n".join(lines) + "\n"


class PlaygroundWidget(anywidget.AnyWidget):
    """TensorFlow Playground in a notebook cell: the data, training and drawing run in the browser.

    Traits synced with the front end:

    * ``config``: the data set and network (keys of :data:`DEFAULT_CONFIG`); a change of any key of
      :data:`RESET_KEYS` resets the widget to the initial weights of its seeds, as the playground resets on
      every control but the learning rate (a learning-rate change alone keeps the current weights);
    * ``presets``: the preset menu, ``[{"name": ..., "config": ...}]`` (a list: the order is kept, which
      a dict's is not once the state is saved as JSON with sorted keys);
    * ``weights``: the current parameters, ``[{"kernel": [n_in][n_out], "bias": [n_out], "dead": [n_in][n_out]}]``
      per layer (``dead``: links cut by L1 regularization, which never train again);
    * ``losses``: ``{"train": [...], "test": [...]}``, the loss after every epoch since the last reset;
    * ``epoch`` and ``speed`` (epochs per animation frame while playing);
    * ``points``: own data ``[[x, y, label], ...]`` drawn on the output panel or imported from CSV (empty:
      the generated data set of ``config``), split into training and test by :func:`data_split`.
    * ``show_test`` and ``discretize``: the output panel's *Show test data* and *Discretize output* switches
      (also in the JSON export's ``view`` and in the book's share link).

    Setting ``weights`` from Python also sets ``losses`` (to the one point of those weights, see
    :func:`network_losses`), as the front end does. A new view of the widget (displaying it again, a
    reopened notebook) shows the synced weights, epoch and losses rather than starting again.

    The front end writes ``weights``, ``losses`` and ``epoch`` back when paused, after a step and about
    once a second while playing.
    """

    _esm = compact_js(ESM_PATH.read_text())
    config = traitlets.Dict().tag(sync=True)
    presets = traitlets.List().tag(sync=True)
    weights = traitlets.List().tag(sync=True)
    losses = traitlets.Dict({"train": [], "test": []}).tag(sync=True)
    epoch = traitlets.Int(0).tag(sync=True)
    speed = traitlets.Int(5).tag(sync=True)
    points = traitlets.List().tag(sync=True)
    show_test = traitlets.Bool(False).tag(sync=True)
    discretize = traitlets.Bool(False).tag(sync=True)

    def __init__(
        self,
        config: Mapping[str, Any] | None = None,
        *,
        preset: str | None = None,
        presets: Mapping[str, Mapping[str, Any]] | None = None,
        speed: int = 5,
        **kwargs: Any,
    ) -> None:
        presets = preset_configs() if presets is None else {str(k): validate_config(v) for k, v in presets.items()}
        if preset is not None and config is not None:
            raise ConfigError("PlaygroundWidget takes a preset or a config, not both.")
        if preset is not None:
            config = presets[require_choice("preset", preset, presets)]
        menu = [{"name": name, "config": value} for name, value in presets.items()]
        super().__init__(config=validate_config(config or {}), presets=menu, speed=speed, **kwargs)

    def preset_menu(self) -> dict[str, dict[str, Any]]:
        """The preset menu as ``{name: config}``, in menu order."""
        return {item["name"]: item["config"] for item in self.presets}

    @traitlets.validate("config")
    def _check_config(self, proposal: Any) -> dict[str, Any]:
        return validate_config(proposal["value"])

    @traitlets.validate("speed")
    def _check_speed(self, proposal: Any) -> int:
        return require_choice("speed", proposal["value"], SPEEDS)

    @traitlets.validate("weights")
    def _check_weights(self, proposal: Any) -> list:
        value = proposal["value"]
        return validate_weights(value, layer_sizes(self.config)) if value else []

    @traitlets.validate("points")
    def _check_points(self, proposal: Any) -> list:
        return validate_points(proposal["value"], self.config.get("dataset"))

    @traitlets.observe("weights")
    def _weights_set(self, change: Any) -> None:
        # weights written by the front end come with their losses; weights set here get theirs computed
        if change["new"] and "weights" not in self._property_lock:
            train, test = network_losses(self.config, change["new"], self.points)
            self.losses = {"train": [train], "test": [test]}

    @traitlets.validate("losses")
    def _check_losses(self, proposal: Any) -> dict[str, list]:
        value = proposal["value"]
        if not isinstance(value, Mapping) or set(value) != {"train", "test"}:
            raise invalid("losses", _short(value), "expected {'train': [...], 'test': [...]}")
        return {k: [float(v) for v in value[k]] for k in ("train", "test")}

    # -- reading and writing the state ---------------------------------------------------------------

    def params(self) -> list[np.ndarray]:
        """The current weights as ``[kernel_1, bias_1, ..., kernel_out, bias_out]`` (numpy, Keras' order,
        so ``build_model(...).set_weights(widget.params())`` works). Empty until the front end has run."""
        return [np.asarray(layer[key], dtype=np.float64) for layer in self.weights for key in ("kernel", "bias")]

    def dead(self) -> list[np.ndarray]:
        """Per layer, which links L1 regularization has cut (``[n_in, n_out]`` booleans; none where the
        weights carry no ``dead``)."""
        return [np.asarray(layer.get("dead", np.zeros_like(layer["kernel"], dtype=bool)), dtype=bool) for layer in self.weights]

    def keras_code(self) -> str:
        """Python code that rebuilds the current network in Keras with its weights and defines
        ``predict(points)``: the text of the widget's "Export as Keras code". Before the front end has sent
        weights, the network's initial weights (from its seeds) are used."""
        from .export import keras_code

        return keras_code(self.config, self.weights or initial_weights(self.config))

    def to_dict(self) -> dict[str, Any]:
        """The exported state: format tag, config, epoch, weights and the output panel's switches (``view``),
        what the widget's Export writes."""
        state = {"format": EXPORT_FORMAT, "version": 1, "config": dict(self.config), "epoch": self.epoch,
                 "weights": list(self.weights), "view": {key: bool(getattr(self, key)) for key in VIEW_KEYS}}
        if self.points:
            state["points"] = list(self.points)
        return state

    def export_json(self, path: str | Path | None = None) -> str:
        """The state as JSON (see :meth:`to_dict`); also written to ``path`` if given."""
        text = json.dumps(self.to_dict())
        if path is not None:
            Path(path).write_text(text)
        return text

    def import_json(self, source: str | Path | Mapping[str, Any]) -> None:
        """Load an export (a JSON string, a path to a JSON file, or the dict itself): the config, then the
        weights and epoch. Checks everything before changing anything."""
        state = load_export(source)
        config = validate_config(state["config"])
        weights = validate_weights(state["weights"], layer_sizes(config)) if state.get("weights") else []
        epoch = require_int("epoch", state.get("epoch", 0), minimum=0)
        points = validate_points(state.get("points", []), config["dataset"])
        view = validate_view(state.get("view", {}))
        with self.hold_sync():
            for key in VIEW_KEYS:
                setattr(self, key, view.get(key, False))
            self.losses = {"train": [], "test": []}
            self.points = points
            self.config = config
            self.epoch = epoch
            self.weights = weights  # sets the losses of these weights

    @classmethod
    def from_json(cls, source: str | Path | Mapping[str, Any], **kwargs: Any) -> PlaygroundWidget:
        """A new widget showing an export (see :meth:`import_json`)."""
        widget = cls(**kwargs)
        widget.import_json(source)
        return widget


VIEW_KEYS = ("show_test", "discretize")


def validate_view(view: Any) -> dict[str, bool]:
    """The ``view`` of an export: ``{"show_test": bool, "discretize": bool}`` (keys optional)."""
    if not isinstance(view, Mapping) or set(view) - set(VIEW_KEYS) or not all(isinstance(v, bool) for v in view.values()):
        raise invalid("view", _short(view), f"expected an object with true/false values for {', '.join(VIEW_KEYS)}")
    return dict(view)


def load_export(source: str | Path | Mapping[str, Any]) -> dict[str, Any]:
    """The dict of an export given as a dict, a JSON string or a path to a JSON file."""
    if isinstance(source, Mapping):
        state = dict(source)
    else:
        text = str(source)
        if isinstance(source, Path) or not text.lstrip().startswith("{"):
            text = Path(source).read_text()
        try:
            state = json.loads(text)
        except json.JSONDecodeError as err:
            raise ConfigError(f"The playground export is not valid JSON: {err}.") from None
    if not isinstance(state, dict) or state.get("format") != EXPORT_FORMAT or "config" not in state:
        raise ConfigError(f"Not a playground export: expected a JSON object with \"format\": \"{EXPORT_FORMAT}\" "
                          "and a \"config\".")
    return state


def playground_widget(preset: str | None = None, **config: Any) -> PlaygroundWidget:
    """The widget with the Task 4 presets in its menu, showing ``preset`` (default: the first preset) with
    any config keys overridden, e.g. ``playground_widget("spiral", noise=10)``."""
    presets = preset_configs()
    if preset is None:
        if not presets:
            return PlaygroundWidget(config)
        preset = next(iter(presets))
    base = presets[require_choice("preset", preset, presets)]
    return PlaygroundWidget({**base, **config}, presets=presets)


__all__ = [
    "DEFAULT_CONFIG",
    "PlaygroundWidget",
    "RESET_KEYS",
    "initial_weights",
    "layer_sizes",
    "data_split",
    "load_export",
    "network_losses",
    "network_outputs",
    "playground_widget",
    "preset_config",
    "preset_configs",
    "validate_config",
    "validate_points",
    "validate_view",
    "validate_weights",
]
