"""Constants shared by the Python port and the JavaScript widget: domain, sizes, choices, colours."""


from __future__ import annotations

# ---------------------------------------------------------------------------------------------------
# Constants shared with the JavaScript widget
# ---------------------------------------------------------------------------------------------------

CLASSIFICATION = ("circle", "xor", "gauss", "spiral")
REGRESSION = ("reg-plane", "reg-gauss")
DATASETS = CLASSIFICATION + REGRESSION
PROBLEMS = ("classification", "regression")  # the playground's problem types: tanh or linear output
NUM_SAMPLES_CLASSIFY = 500
NUM_SAMPLES_REGRESS = 1200
DOMAIN = 6.0  # points and heatmaps live in [-DOMAIN, DOMAIN]^2
DENSITY = 100  # heatmap resolution per axis, as in the playground
MAX_NOISE = 50  # the noise slider's range is 0..50 (percent)
MAX_NEURONS = 8  # the playground allows at most 8 neurons per hidden layer ...
MAX_HIDDEN_LAYERS = 6  # ... and at most 6 hidden layers
FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
REGULARIZATIONS = ("none", "L1", "L2")
WEIGHT_RANGE = 0.5  # initial weights are random() - 0.5
INITIAL_BIAS = 0.1

# The playground's colour scale: orange for -1, light grey for 0, blue for +1.
ORANGE = "#f59322"
GREY = "#e8eaeb"
BLUE = "#0877bd"

UINT32 = 0xFFFFFFFF


