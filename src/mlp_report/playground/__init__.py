"""TensorFlow Playground's data sets, features, network and loss, reproduced in Python (Task 4).

Everything here follows the playground's source (``src/dataset.ts``, ``src/nn.ts`` and
``src/playground.ts`` of github.com/tensorflow/playground):

* the domain is [-6, 6]^2; classification labels are +1 / -1; the noise slider (0..50) reaches the
  generators as ``noise / 100``; 500 points per classification set and 1,200 per regression set;
* the data are shuffled once (the playground's Fisher-Yates) and the first ``floor(n * ratio)`` points
  train, the rest test;
* seven input features, a tanh output neuron for classification and a linear one for regression,
  weights initialised uniform in [-0.5, 0.5] and every bias at 0.1, plain mini-batch SGD on the mean
  gradient without reshuffling between epochs, L1/L2 as a separate step on weights only (an L1 weight
  that crosses zero is cut: set to 0, its link dead for good), and the loss
  ``mean(0.5 * (output - label)^2)``.

Random numbers come from :class:`Mulberry32`, a 32-bit generator that is a few lines in any language.
The JavaScript widget must produce bit-identical data from the same seed, so the generators below
are written to be ported line by line: they draw numbers in exactly the order ``dataset.ts`` does, and
every arithmetic expression keeps the playground's evaluation order. Each generator's docstring lists its
draws. (The playground itself seeds ``Math.random`` with seedrandom's ARC4; we use Mulberry32 instead.)

The package's modules: :mod:`.constants`, :mod:`.jsmath` (Mulberry32, fdlibm), :mod:`.datasets`,
:mod:`.network` (network and training), :mod:`.presets` (the chapter's configurations and experiments),
:mod:`.figures`, :mod:`.widget` (the interactive widget and its JavaScript in ``static/``) and
:mod:`.export` (the network as Keras code).
"""

from __future__ import annotations

from .constants import (  # noqa: F401
    ACTIVATIONS,
    BLUE,
    CLASSIFICATION,
    DATASETS,
    DENSITY,
    DOMAIN,
    FEATURES,
    GREY,
    INITIAL_BIAS,
    MAX_HIDDEN_LAYERS,
    MAX_NEURONS,
    MAX_NOISE,
    NUM_SAMPLES_CLASSIFY,
    NUM_SAMPLES_REGRESS,
    ORANGE,
    PROBLEMS,
    REGRESSION,
    REGULARIZATIONS,
    UINT32,
    WEIGHT_RANGE,
)
from .datasets import (  # noqa: F401
    GAUSSIANS,
    Split,
    check_features,
    check_noise,
    default_size,
    features,
    generate,
    grid,
    make_split,
    shuffle_order,
    split,
    split_index,
)
from .figures import (  # noqa: F401
    colormap,
    datasets_figure,
    draw_heatmap,
    draw_points,
    network_figure,
    neurons_figure,
    run_figure,
)
from .jsmath import (  # noqa: F401
    Mulberry32,
    Seed,
    fdlibm_cos,
    fdlibm_log,
    fdlibm_sin,
    normal_random,
    rand_uniform,
)
from .network import (  # noqa: F401
    Run,
    build_model,
    check_hidden,
    decision_map,
    evaluate,
    init_params,
    layer_sizes,
    neuron_maps,
    output_activation,
    playground_loss,
    predict,
    problem_of,
    train,
)
from .presets import (  # noqa: F401
    PRESETS,
    TARGET_TEST_LOSS,
    Experiment,
    describe_config,
    experiment,
    seeded_run,
)
