// TensorFlow-Playground-like widget (anywidget ES module). Trains and draws in the browser, so it
// also works in the static book with no kernel. The pure functions are exported for the node tests; they
// mirror mlp_report.playground line by line (same Mulberry32 draws in the same order => identical data).
export const FEATURES = ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"];
export const DATASETS = ["circle", "xor", "gauss", "spiral", "reg-plane", "reg-gauss"];
export const ACTIVATIONS = ["relu", "tanh", "sigmoid", "linear"];
export const REGULARIZATIONS = ["none", "L1", "L2"];
export const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
export const REG_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const DOMAIN = 6, PI = Math.PI;
export const PROBLEMS = ["classification", "regression"];
export const isRegression = (name) => name.startsWith("reg-");
/** The problem type of a data set: "regression" for reg-plane and reg-gauss, else "classification". */
export const problemOf = (name) => (isRegression(name) ? "regression" : "classification");
/** Config keys whose change resets the network to its initial weights, as playground.ts resets on every
 * control but the learning rate; a new data or init seed also resets (the seeds define the initial state). */
export const RESET_KEYS = ["dataset", "noise", "ratio", "batch_size", "activation", "regularization", "reg_rate",
  "features", "hidden", "data_seed", "init_seed"];

/** Mulberry32: a seeded generator of numbers in [0, 1) (state kept as an unsigned 32-bit integer). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function () {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const randUniform = (rng, a, b) => rng() * (b - a) + a;
function normalRandom(rng, mean, variance) {
  let v1, v2, s;
  do { v1 = 2 * rng() - 1; v2 = 2 * rng() - 1; s = v1 * v1 + v2 * v2; } while (s > 1);
  return mean + Math.sqrt(variance) * (Math.sqrt(-2 * Math.log(s) / s) * v1);
}
const dist = (x, y, cx, cy) => { const dx = x - cx, dy = y - cy; return Math.sqrt(dx * dx + dy * dy); };
// d3 v3's linear scale on a two-value domain
function linear(d0, d1, r0, r1, v, clamp) {
  let t = (v - d0) / (d1 - d0);
  if (clamp) t = Math.max(0, Math.min(1, t));
  return r0 * (1 - t) + r1 * t;
}
const GAUSSIANS = [[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]];
function regGaussLabel(x, y) {
  let label = 0;
  for (const [cx, cy, sign] of GAUSSIANS) {
    const l = sign * linear(0, 2, 1, 0, dist(x, y, cx, cy), true);
    if (Math.abs(l) > Math.abs(label)) label = l;
  }
  return label;
}
// The generators of dataset.ts: each returns [[x, y, label], ...] in generation order.
const GENERATORS = {
  circle(n, noise, rng) {
    const radius = 5, pts = [];
    for (const [lo, hi] of [[0, radius * 0.5], [radius * 0.7, radius]]) {
      for (let i = 0; i < n / 2; i++) {
        const r = randUniform(rng, lo, hi), angle = randUniform(rng, 0, 2 * PI);
        const x = r * Math.sin(angle), y = r * Math.cos(angle);
        const nx = randUniform(rng, -radius, radius) * noise, ny = randUniform(rng, -radius, radius) * noise;
        pts.push([x, y, dist(x + nx, y + ny, 0, 0) < radius * 0.5 ? 1 : -1]);
      }
    }
    return pts;
  },
  xor(n, noise, rng) {
    const pts = [], pad = 0.3;
    for (let i = 0; i < n; i++) {
      let x = randUniform(rng, -5, 5); x += x > 0 ? pad : -pad;
      let y = randUniform(rng, -5, 5); y += y > 0 ? pad : -pad;
      const nx = randUniform(rng, -5, 5) * noise, ny = randUniform(rng, -5, 5) * noise;
      pts.push([x, y, (x + nx) * (y + ny) >= 0 ? 1 : -1]);
    }
    return pts;
  },
  gauss(n, noise, rng) {
    const variance = linear(0, 0.5, 0.5, 4, noise), pts = [];
    for (const [cx, cy, label] of [[2, 2, 1], [-2, -2, -1]]) {
      for (let i = 0; i < n / 2; i++) {
        const x = normalRandom(rng, cx, variance), y = normalRandom(rng, cy, variance);
        pts.push([x, y, label]);
      }
    }
    return pts;
  },
  spiral(n, noise, rng) {
    const m = n / 2, pts = [];
    for (const [dt, label] of [[0, 1], [PI, -1]]) {
      for (let i = 0; i < m; i++) {
        const r = i / m * 5, t = 1.75 * i / m * 2 * PI + dt;
        const x = r * Math.sin(t) + randUniform(rng, -1, 1) * noise;
        const y = r * Math.cos(t) + randUniform(rng, -1, 1) * noise;
        pts.push([x, y, label]);
      }
    }
    return pts;
  },
  "reg-plane"(n, noise, rng) {
    return regress(n, noise, rng, (x, y) => linear(-10, 10, -1, 1, x + y));
  },
  "reg-gauss"(n, noise, rng) {
    return regress(n, noise, rng, regGaussLabel);
  },
};
function regress(n, noise, rng, label) {
  const radius = 6, pts = [];
  for (let i = 0; i < n; i++) {
    const x = randUniform(rng, -radius, radius), y = randUniform(rng, -radius, radius);
    const nx = randUniform(rng, -radius, radius) * noise, ny = randUniform(rng, -radius, radius) * noise;
    pts.push([x, y, label(x + nx, y + ny)]);
  }
  return pts;
}

/** Points [[x, y, label]] of a data set (noise in percent, 0..50), drawing from rng. */
export function generate(name, noise, rng, n) {
  if (!GENERATORS[name]) throw new Error(`dataset=${JSON.stringify(name)} is invalid: expected one of ${DATASETS}`);
  return GENERATORS[name](n || (isRegression(name) ? 1200 : 500), noise / 100, rng);
}
/** The playground's in-place Fisher-Yates shuffle (one draw per element). */
export function shuffle(array, rng) {
  let counter = array.length;
  while (counter > 0) {
    const index = Math.floor(rng() * counter);
    counter--;
    const tmp = array[counter]; array[counter] = array[index]; array[index] = tmp;
  }
  return array;
}
/** Generate, shuffle and split with one stream (a seed, or a generator to continue): {train, test} lists of
 * [x, y, label]. As mlp_report.playground.make_split. */
export function makeSplit(name, noise, ratio, seed) {
  const rng = typeof seed === "function" ? seed : mulberry32(seed), pts = shuffle(generate(name, noise, rng), rng);
  const cut = Math.floor(pts.length * ratio);
  return { train: pts.slice(0, cut), test: pts.slice(cut) };
}
const FEATURE_FN = {
  "x1": (x) => x, "x2": (x, y) => y, "x1^2": (x) => x * x, "x2^2": (x, y) => y * y,
  "x1*x2": (x, y) => x * y, "sin(x1)": (x) => Math.sin(x), "sin(x2)": (x, y) => Math.sin(y),
};
/** The network inputs of one point, in the order of names. */
export const featurize = (x, y, names) => names.map((f) => FEATURE_FN[f](x, y));

const ACT = {
  relu: [(x) => Math.max(0, x), (x) => (x <= 0 ? 0 : 1)],
  tanh: [Math.tanh, (x) => { const t = Math.tanh(x); return 1 - t * t; }],
  sigmoid: [(x) => 1 / (1 + Math.exp(-x)), (x) => { const s = 1 / (1 + Math.exp(-x)); return s * (1 - s); }],
  linear: [(x) => x, () => 1],
};

/** Layers [{kernel: [nIn][nOut], bias: [nOut], dead: [nIn][nOut]}] for sizes [inputs, ...hidden, 1]: weights
 * random() - 0.5 drawn in the playground's order (layer by layer, each node's incoming links in turn), biases
 * 0.1, no dead link (dead[i][j]: the link from input i to neuron j was cut by L1, see applyGradients). */
export function initNetwork(sizes, seed) {
  const rng = typeof seed === "function" ? seed : mulberry32(seed), layers = [];
  for (let l = 1; l < sizes.length; l++) {
    const kernel = Array.from({ length: sizes[l - 1] }, () => new Array(sizes[l]).fill(0));
    for (let j = 0; j < sizes[l]; j++) for (let i = 0; i < sizes[l - 1]; i++) kernel[i][j] = rng() - 0.5;
    layers.push({ kernel, bias: new Array(sizes[l]).fill(0.1), dead: noDead(kernel) });
  }
  return layers;
}

const noDead = (kernel) => kernel.map((r) => r.map(() => false));
/** Deep copies of layers with a dead matrix each (all false where it is missing). */
export const copyLayers = (layers) => layers.map((L) => ({ kernel: L.kernel.map((r) => r.slice()), bias: L.bias.slice(),
  dead: L.dead ? L.dead.map((r) => r.map(Boolean)) : noDead(L.kernel) }));

/** Forward pass of one input: the outputs of every layer (input included); totals kept for backprop. */
export function forward(layers, input, activation, outActivation) {
  const outs = [input], totals = [];
  layers.forEach((L, l) => {
    const f = ACT[l === layers.length - 1 ? outActivation : activation][0], prev = outs[l];
    const tot = L.bias.slice();
    for (let i = 0; i < prev.length; i++) {
      const row = L.kernel[i], v = prev[i];
      for (let j = 0; j < tot.length; j++) tot[j] += row[j] * v;
    }
    totals.push(tot);
    outs.push(tot.map(f));
  });
  return { outs, totals };
}
/** nn.ts: a linear output neuron for regression, tanh for classification. */
export const outputActivation = (dataset) => (isRegression(dataset) ? "linear" : "tanh");
export const predict = (layers, input, cfg) =>
  forward(layers, input, cfg.activation, outputActivation(cfg.dataset)).outs[layers.length][0];

/** Mean of 0.5 * (output - label)^2 over points [[x, y, label]] (no regularization term). */
export function loss(layers, points, cfg) {
  let sum = 0;
  for (const [x, y, label] of points) {
    const d = predict(layers, featurize(x, y, cfg.features), cfg) - label;
    sum += 0.5 * d * d;
  }
  return sum / points.length;
}

/** Gradient accumulators for a network (sums over the current batch, as nn.ts keeps them). */
export function newAccumulator(layers) {
  return { n: 0, layers: layers.map((L) => ({ kernel: L.kernel.map((r) => r.map(() => 0)), bias: L.bias.map(() => 0) })) };
}

/** nn.ts backProp for one point with the square error: adds dE/dw and dE/db to acc. */
export function backward(layers, acc, input, label, cfg) {
  const { outs, totals } = forward(layers, input, cfg.activation, outputActivation(cfg.dataset));
  let outputDer = [outs[layers.length][0] - label];
  for (let l = layers.length - 1; l >= 0; l--) {
    const der = ACT[l === layers.length - 1 ? outputActivation(cfg.dataset) : cfg.activation][1];
    const inputDer = totals[l].map((t, j) => outputDer[j] * der(t)), A = acc.layers[l], prev = outs[l];
    inputDer.forEach((d, j) => { A.bias[j] += d; });
    for (let i = 0; i < prev.length; i++) for (let j = 0; j < inputDer.length; j++) A.kernel[i][j] += inputDer[j] * prev[i];
    if (l > 0) outputDer = layers[l].kernel.map((row) => row.reduce((s, w, j) => s + w * inputDer[j], 0));
  }
  acc.n++;
}

/** nn.ts updateWeights as the playground does it today, n being the number of accumulated points: each bias
 * b -= lr * (sum of dE/db) / n; each live weight first w1 = w - lr / n * (sum of dE/dw), then separately
 * w2 = w1 - lr * reg_rate * der(w), der taken at the weight before the step (L1: w < 0 ? -1 : 1; L2: w; none: 0).
 * An L1 weight with w1 * w2 < 0 (crossed zero) is set to 0 and its link marked dead; dead links never change. */
export function applyGradients(layers, acc, cfg) {
  if (acc.n === 0) return;
  const lr = cfg.learning_rate, rr = cfg.reg_rate, reg = cfg.regularization, n = acc.n;
  layers.forEach((L, l) => {
    const A = acc.layers[l], dead = L.dead || (L.dead = noDead(L.kernel));
    L.bias.forEach((b, j) => { L.bias[j] = b - lr * A.bias[j] / n; A.bias[j] = 0; });
    L.kernel.forEach((row, i) => row.forEach((w, j) => {
      const g = A.kernel[i][j];
      A.kernel[i][j] = 0;
      if (dead[i][j]) return;
      const der = reg === "L1" ? (w < 0 ? -1 : 1) : reg === "L2" ? w : 0;
      const w1 = w - (lr / n) * g, w2 = w1 - (lr * rr) * der;
      if (reg === "L1" && w1 * w2 < 0) { row[j] = 0; dead[i][j] = true; } else row[j] = w2;
    }));
  });
  acc.n = 0;
}

/** One epoch: the training points in their fixed order, one step per batch of batch_size; a smaller last
 * batch gets its own step at the end of the epoch (as mlp_report.playground.train; the playground itself
 * would carry it over into the next epoch). */
export function trainEpoch(layers, acc, inputs, labels, cfg) {
  for (let i = 0; i < inputs.length; i++) {
    backward(layers, acc, inputs[i], labels[i], cfg);
    if ((i + 1) % cfg.batch_size === 0) applyGradients(layers, acc, cfg);
  }
  applyGradients(layers, acc, cfg);
}

export const DEFAULT_CONFIG = {
  dataset: "circle", noise: 0, ratio: 0.5, batch_size: 10, learning_rate: 0.03, activation: "tanh",
  regularization: "none", reg_rate: 0, features: ["x1", "x2"], hidden: [4, 2], data_seed: 0, init_seed: null,
};
/** A value as a message shows it: JSON (numbers as written, Infinity and NaN too), at most 200 characters. */
export function quote(v) {
  let t;
  try { t = typeof v === "number" ? String(v) : JSON.stringify(v); } catch (err) { t = String(v); }
  if (t === undefined) t = String(v);
  return t.length > 200 ? t.slice(0, 197) + "..." : t;
}
const oneOf = (k, v, list) => (list.includes(v) ? null : `${k}=${quote(v)} is invalid: expected one of ${list.join(", ")}`);
const intIn = (k, v, lo, hi) => (Number.isInteger(v) && v >= lo && v <= hi ? null : `${k}=${quote(v)} is invalid: expected an integer from ${lo} to ${hi}`);
/** Messages for every invalid key of a config (the same rules as mlp_report.widget.validate_config). */
export function checkConfig(c) {
  const e = Object.keys(c).filter((k) => !(k in DEFAULT_CONFIG)).map((k) => `unknown config key ${quote(k)}`);
  e.push(oneOf("dataset", c.dataset, DATASETS), oneOf("activation", c.activation, ACTIVATIONS),
    oneOf("regularization", c.regularization, REGULARIZATIONS), intIn("batch_size", c.batch_size, 1, 30),
    intIn("data_seed", c.data_seed, 0, 4294967295), c.init_seed === null ? null : intIn("init_seed", c.init_seed, 0, 4294967295));
  if (!(typeof c.noise === "number" && c.noise >= 0 && c.noise <= 50)) e.push(`noise=${quote(c.noise)} is invalid: expected a number from 0 to 50`);
  if (!(typeof c.ratio === "number" && c.ratio > 0 && c.ratio < 1)) e.push(`ratio=${quote(c.ratio)} is invalid: expected a fraction in (0, 1)`);
  // finite, as Python's require_float: an Infinity learning rate would make every weight NaN on the first step
  if (!(Number.isFinite(c.learning_rate) && c.learning_rate > 0)) e.push(`learning_rate=${quote(c.learning_rate)} is invalid: expected a finite number > 0`);
  if (!(Number.isFinite(c.reg_rate) && c.reg_rate >= 0)) e.push(`reg_rate=${quote(c.reg_rate)} is invalid: expected a finite number >= 0`);
  if (!Array.isArray(c.features) || !c.features.length || c.features.some((f) => !FEATURES.includes(f)) || new Set(c.features).size !== c.features.length)
    e.push(`features=${quote(c.features)} is invalid: expected distinct names from ${FEATURES.join(", ")}`);
  if (!Array.isArray(c.hidden) || c.hidden.length > 6 || c.hidden.some((h) => !Number.isInteger(h) || h < 1 || h > 8))
    e.push(`hidden=${quote(c.hidden)} is invalid: expected 0 to 6 layers of 1 to 8 neurons`);
  return e.filter(Boolean);
}
/** Layer sizes [inputs, ...hidden, 1] of a config. */
export const sizesOf = (c) => [c.features.length, ...c.hidden, 1];
/** The error message if weights do not fit the layer sizes, else null (dead, optional, is [nIn][nOut] booleans). */
export function checkWeights(w, sizes) {
  const fits = (m, l, ok) => Array.isArray(m) && m.length === sizes[l] && m.every((r) => Array.isArray(r) && r.length === sizes[l + 1] && r.every(ok));
  const ok = Array.isArray(w) && w.length === sizes.length - 1 && w.every((L, l) =>
    L && fits(L.kernel, l, Number.isFinite) && Array.isArray(L.bias) && L.bias.length === sizes[l + 1] && L.bias.every(Number.isFinite) &&
    (L.dead === undefined || fits(L.dead, l, (d) => typeof d === "boolean")));
  return ok ? null : `weights do not fit the network ${sizes.join("-")} (expected [{kernel: [nIn][nOut], bias: [nOut], dead?: [nIn][nOut]}] per layer)`;
}

const PY_FEATURES = { "x1": "x1", "x2": "x2", "x1^2": "x1 ** 2", "x2^2": "x2 ** 2", "x1*x2": "x1 * x2",
  "sin(x1)": "np.sin(x1)", "sin(x2)": "np.sin(x2)" };
/** Python code (a string) that rebuilds the network of config with the given weights in Keras: the features as
 * input columns, the layers with their activations, the weights as literals and a predict(points) helper. The
 * Python side writes the same text (mlp_report.playground.export.keras_code); numbers are String(v). */
export function kerasCode(config, weights) {
  const c = { ...DEFAULT_CONFIG, ...config }, sizes = sizesOf(c), out = outputActivation(c.dataset);
  const err = checkWeights(weights, sizes);
  if (err) throw new Error(err);
  const num = (v) => String(v), row = (r) => `[${r.map(num).join(", ")}]`;
  const nDead = weights.reduce((s, L) => s + (L.dead ? L.dead.flat().filter(Boolean).length : 0), 0);
  const shape = c.hidden.length ? `hidden layers ${c.hidden.join("-")} (${c.activation})` : "no hidden layer";
  const lines = [
    `"""A TensorFlow Playground network exported by mlp-report, rebuilt in Keras with its weights.`,
    "",
    `Data set ${c.dataset} (${problemOf(c.dataset)}); inputs ${c.features.join(", ")}; ${shape}; output ${out}.`,
    ...(nDead ? [`${nDead} link${nDead > 1 ? "s" : ""} cut by L1 regularization (weight 0).`] : []),
    `"""`,
    "import keras",
    "import numpy as np",
    "",
    `FEATURES = [${c.features.map((f) => JSON.stringify(f)).join(", ")}]`,
    "",
    "",
    "def features(points):",
    `    """The network's input columns for points [[x1, x2], ...]."""`,
    `    x1, x2 = np.asarray(points, dtype="float64").reshape(-1, 2).T`,
    `    return np.stack([${c.features.map((f) => PY_FEATURES[f]).join(", ")}], axis=1)`,
    "",
    "",
    "model = keras.Sequential([",
    `    keras.Input(shape=(${sizes[0]},), dtype="float64"),`,
    ...sizes.slice(1).map((n, l) => {
      const last = l === sizes.length - 2;
      return `    keras.layers.Dense(${n}, activation="${last ? out : c.activation}", dtype="float64", name="${last ? "output" : `hidden_${l + 1}`}"),`;
    }),
    "])",
    "model.set_weights([np.array(w, dtype=\"float64\") for w in [",
    ...weights.flatMap((L, l) => [
      `    # ${l === weights.length - 1 ? "output" : `hidden_${l + 1}`}: kernel [${sizes[l]}][${sizes[l + 1]}] (row i: the links from input i), bias [${sizes[l + 1]}]`,
      "    [", ...L.kernel.map((r) => `        ${row(r)},`), "    ],",
      `    ${row(L.bias)},`,
    ]),
    "]])",
    "",
    "",
    "def predict(points):",
    `    """The network's output for points [[x1, x2], ...]${out === "tanh" ? " (its sign is the class)" : ""}."""`,
    "    return np.asarray(model(features(points)))[:, 0]",
  ];
  return lines.join("\n") + "\n";
}

// ------------------------------------------------------------------------------------------------------
// The simulation: data, network, training state (no DOM)
// ------------------------------------------------------------------------------------------------------
export class Simulation {
  constructor(cfg) { this.setConfig(cfg, true); }
  setConfig(cfg, force) {
    const old = this.cfg;
    this.cfg = { ...DEFAULT_CONFIG, ...cfg };
    if (force || RESET_KEYS.some((k) => JSON.stringify(old[k]) !== JSON.stringify(this.cfg[k]))) this.reset();
  }
  // init_seed null: the weights continue the data's stream (mlp_report.playground.seeded_run), else own stream
  reset() {
    const c = this.cfg, rng = mulberry32(c.data_seed), s = makeSplit(c.dataset, c.noise, c.ratio, rng);
    this.train = s.train; this.test = s.test;
    this.trainIn = s.train.map(([x, y]) => featurize(x, y, c.features));
    this.trainY = s.train.map((p) => p[2]);
    this.setWeights(initNetwork(sizesOf(c), c.init_seed === null ? rng : c.init_seed), 0);
  }
  setWeights(layers, epoch) {
    this.layers = copyLayers(layers);
    this.acc = newAccumulator(this.layers);
    this.epoch = epoch || 0;
    this.history = { train: [], test: [] };
    this.record();
  }
  record() {
    this.lossTrain = loss(this.layers, this.train, this.cfg);
    this.lossTest = loss(this.layers, this.test, this.cfg);
    this.history.train.push(this.lossTrain); this.history.test.push(this.lossTest);
  }
  step() {
    trainEpoch(this.layers, this.acc, this.trainIn, this.trainY, this.cfg);
    this.epoch++;
    this.record();
  }
  accuracy() {
    let ok = 0;
    for (const [x, y, label] of this.test) ok += (predict(this.layers, featurize(x, y, this.cfg.features), this.cfg) >= 0 ? 1 : -1) === label;
    return ok / this.test.length;
  }
}

// The view (DOM only from here on). It reads left to right as TensorFlow Playground does: data, features,
// hidden layers, output; the network is an SVG whose links carry their weights (data-weight).
// ------------------------------------------------------------------------------------------------------
export const CLASSIFICATION_SETS = DATASETS.filter((d) => !isRegression(d));
export const REGRESSION_SETS = DATASETS.filter(isRegression);
const FEATURE_LABEL = { "x1": "X₁", "x2": "X₂", "x1^2": "X₁²", "x2^2": "X₂²", "x1*x2": "X₁X₂", "sin(x1)": "sin(X₁)", "sin(x2)": "sin(X₂)" };
const DENSITY = 100, REDUCE = 4, NODE = 30, BIAS = 6, ROW = 50, TOP = 44, HEAT_PX = 260, AXIS = 24, PAD = 10;
// Colours meet WCAG AA (4.5:1 for text) on the widget's background and panel, light and dark.
const CSS = `.mlp-pg{--pg-fg:#222;--pg-muted:#595959;--pg-bg:#fff;--pg-panel:#f5f5f5;--pg-border:#c4c4c4;--pg-accent:#183d4e;--pg-btn:#183d4e;--pg-test:#000;--pg-train:#777;--pg-focus:#0a62c9;--pg-error:#b3261e;
font:12px/1.35 "Helvetica Neue",Helvetica,Arial,sans-serif;color:var(--pg-fg);background:var(--pg-bg);max-width:100%;box-sizing:border-box;position:relative;padding:4px}
html[data-theme=dark] .mlp-pg,body[data-jp-theme-light=false] .mlp-pg{--pg-fg:#e6e6e6;--pg-muted:#b0b8bc;--pg-bg:#1e2226;--pg-panel:#262b30;--pg-border:#5a6168;--pg-accent:#cfe3ee;--pg-btn:#2b6a88;--pg-test:#fff;--pg-train:#999;--pg-focus:#7cc4ff;--pg-error:#ff8a80}
.mlp-pg *{box-sizing:border-box}.mlp-pg .mlp-pg-top{display:flex;flex-wrap:wrap;gap:4px 12px;align-items:flex-end;background:var(--pg-panel);border-bottom:1px solid var(--pg-border);padding:6px 8px;margin-bottom:8px}
.mlp-pg .mlp-pg-field{display:flex;flex-direction:column;gap:1px}.mlp-pg .mlp-pg-field>label{font-size:10px;text-transform:uppercase;letter-spacing:.04em;color:var(--pg-muted);font-weight:500;margin:0}
.mlp-pg h4{font-size:11px;color:var(--pg-fg);font-weight:600;margin:0 0 4px;text-transform:uppercase;letter-spacing:.04em}
.mlp-pg select,.mlp-pg input[type=number]{font:inherit;color:var(--pg-fg);background:var(--pg-bg);border:0;border-bottom:1px solid var(--pg-border);padding:1px 0;max-width:100%}
.mlp-pg input[type=number]{width:86px}.mlp-pg button,.mlp-pg .mlp-pg-file-label{font:inherit;color:var(--pg-fg);background:var(--pg-bg);border:1px solid var(--pg-border);border-radius:3px;padding:2px 8px;cursor:pointer;width:auto;margin:0;white-space:nowrap;display:inline-block}
.mlp-pg button:hover,.mlp-pg .mlp-pg-file-label:hover{border-color:var(--pg-btn)}.mlp-pg .mlp-pg-ctl{display:flex;gap:6px;align-items:center;flex-wrap:wrap}
.mlp-pg :focus-visible{outline:2px solid var(--pg-focus);outline-offset:2px}
.mlp-pg svg :focus-visible{outline:none}.mlp-pg svg g:focus-visible rect.mlp-pg-frame,.mlp-pg svg g:focus-visible circle{stroke:var(--pg-focus)!important;stroke-width:3!important}
.mlp-pg input.mlp-pg-csv-file{position:absolute;width:1px;height:1px;opacity:0;overflow:hidden}.mlp-pg input.mlp-pg-csv-file:focus-visible+label{outline:2px solid var(--pg-focus);outline-offset:2px}
.mlp-pg button.mlp-pg-play{width:40px;height:40px;border-radius:50%;background:var(--pg-btn);border:0;color:#fff;font-size:16px;padding:0}
.mlp-pg button.mlp-pg-round{width:26px;height:26px;border-radius:50%;padding:0;font-size:13px}
.mlp-pg .mlp-pg-epoch{font-size:20px;font-variant-numeric:tabular-nums;color:var(--pg-fg)}
.mlp-pg .mlp-pg-main{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}
.mlp-pg .mlp-pg-col-data{flex:0 0 112px}.mlp-pg .mlp-pg-ours{display:flex;flex-direction:column;gap:4px;margin-bottom:10px}.mlp-pg .mlp-pg-ours select{width:100%}.mlp-pg .mlp-pg-col-net{flex:1 1 260px;min-width:0;position:relative}.mlp-pg .mlp-pg-col-out{flex:0 0 ${HEAT_PX + AXIS + PAD + 4}px}
.mlp-pg .mlp-pg-sets{display:grid;grid-template-columns:repeat(2,48px);gap:6px;margin-bottom:6px}
.mlp-pg canvas.mlp-pg-dataset{width:48px;height:48px;border:2px solid var(--pg-border);border-radius:3px;cursor:pointer;opacity:.45;display:block;background:#fff}
.mlp-pg canvas.mlp-pg-dataset:hover,.mlp-pg canvas.mlp-pg-dataset:focus-visible{opacity:.9}.mlp-pg canvas.mlp-pg-dataset.mlp-pg-selected{border-color:var(--pg-fg);opacity:1;box-shadow:0 1px 5px rgba(0,0,0,.2)}
.mlp-pg label{display:block;margin:3px 0;font-size:11px;color:var(--pg-muted)}.mlp-pg label b{color:var(--pg-fg);font-weight:500}
.mlp-pg input[type=range]{width:100%;margin:0;accent-color:var(--pg-btn)}
.mlp-pg .mlp-pg-layers{display:flex;align-items:center;gap:5px;margin-bottom:2px}
.mlp-pg svg.mlp-pg-network{display:block;width:100%;height:auto;overflow:visible;user-select:none}
.mlp-pg svg text{fill:var(--pg-fg);font-size:11px}.mlp-pg svg .mlp-pg-muted{fill:var(--pg-muted);font-size:10px}
.mlp-pg .mlp-pg-link{fill:none;stroke-dasharray:9 1}.mlp-pg .mlp-pg-link.mlp-pg-dead{stroke:var(--pg-muted)!important;stroke-dasharray:3 3;opacity:.6}
.mlp-pg .mlp-pg-link-hover{fill:none;stroke:transparent;stroke-width:9;cursor:pointer;pointer-events:stroke}
.mlp-pg .mlp-pg-node rect.mlp-pg-frame{fill:none;stroke:var(--pg-fg);stroke-width:1.5;rx:2}.mlp-pg .mlp-pg-node:hover rect.mlp-pg-frame{stroke:var(--pg-muted);stroke-width:2.5}.mlp-pg g.mlp-pg-feature.mlp-pg-off rect.mlp-pg-frame{stroke:var(--pg-border);stroke-dasharray:3 2}
.mlp-pg g.mlp-pg-node{cursor:pointer}.mlp-pg g.mlp-pg-feature.mlp-pg-off foreignObject{opacity:.22}.mlp-pg g.mlp-pg-feature.mlp-pg-off text{fill:var(--pg-muted)}
.mlp-pg rect.mlp-pg-bias{cursor:pointer;stroke:var(--pg-bg);stroke-width:.5}
.mlp-pg g.mlp-pg-pm{cursor:pointer}.mlp-pg g.mlp-pg-pm circle{fill:var(--pg-panel);stroke:var(--pg-border)}.mlp-pg g.mlp-pg-pm:hover circle{stroke:var(--pg-btn)}.mlp-pg g.mlp-pg-pm text{font-size:13px;text-anchor:middle;dominant-baseline:central}
.mlp-pg .mlp-pg-hovercard{position:absolute;display:none;z-index:5;background:var(--pg-bg);border:1px solid var(--pg-border);box-shadow:0 1px 4px rgba(0,0,0,.3);padding:3px 7px;border-radius:3px;white-space:nowrap;font-size:12px}
.mlp-pg .mlp-pg-hovercard input{width:80px;font:inherit}.mlp-pg .mlp-pg-hovercard label{display:flex;justify-content:space-between;gap:8px;color:var(--pg-fg)}.mlp-pg .mlp-pg-hint{font-size:10px;color:var(--pg-muted)}
.mlp-pg .mlp-pg-losses{display:grid;grid-template-columns:auto auto;column-gap:8px;font-size:11px;color:var(--pg-muted)}.mlp-pg .mlp-pg-losses b{color:var(--pg-fg);font-weight:500;font-variant-numeric:tabular-nums}
.mlp-pg canvas.mlp-pg-loss-chart{display:block;width:${HEAT_PX}px;height:44px;margin:3px 0 10px ${PAD}px}
.mlp-pg .mlp-pg-heat{position:relative;width:${HEAT_PX + AXIS + PAD}px;height:${HEAT_PX + AXIS}px;margin-top:6px}
.mlp-pg canvas.mlp-pg-heatmap{position:absolute;left:${PAD}px;top:0;background:#fff;width:${HEAT_PX}px;height:${HEAT_PX}px}
.mlp-pg svg.mlp-pg-overlay{position:absolute;left:${PAD}px;top:0;overflow:visible}.mlp-pg svg.mlp-pg-overlay circle{stroke:#fff;stroke-width:1;stroke-opacity:.8;fill-opacity:.9}.mlp-pg svg.mlp-pg-overlay circle.mlp-pg-test{stroke:#000;stroke-opacity:.6}
.mlp-pg svg.mlp-pg-overlay .mlp-pg-axis line,.mlp-pg svg.mlp-pg-overlay .mlp-pg-axis path{stroke:var(--pg-muted);fill:none}.mlp-pg svg.mlp-pg-overlay text{font-size:10px;fill:var(--pg-muted)}
.mlp-pg.mlp-pg-drawing canvas.mlp-pg-heatmap,.mlp-pg.mlp-pg-drawing svg.mlp-pg-overlay{cursor:crosshair}
.mlp-pg .mlp-pg-legend{width:${HEAT_PX}px;font-size:10px;color:var(--pg-muted);margin:4px 0 4px ${PAD}px}.mlp-pg .mlp-pg-legend .mlp-pg-ticks{display:flex;justify-content:space-between}
.mlp-pg .mlp-pg-legend i{display:block;height:8px;background:linear-gradient(90deg,#f59322,#e8eaeb,#0877bd)}
.mlp-pg .mlp-pg-checks label{display:flex;gap:4px;align-items:center;margin:2px 0;color:var(--pg-fg)}
.mlp-pg .mlp-pg-io{margin-top:8px;border-top:1px solid var(--pg-border);padding-top:6px;display:flex;flex-wrap:wrap;gap:5px;align-items:center;position:relative}
.mlp-pg textarea{width:100%;height:64px;font:11px/1.3 monospace;color:var(--pg-fg);background:var(--pg-panel);border:1px solid var(--pg-border)}
.mlp-pg .mlp-pg-msg{color:var(--pg-error);min-height:1.35em}.mlp-pg .mlp-pg-note{color:var(--pg-muted);font-size:11px;margin:2px 0}
.mlp-pg details.mlp-pg-help{margin-top:6px;font-size:11px}.mlp-pg details.mlp-pg-help summary{cursor:pointer;color:var(--pg-fg)}.mlp-pg .mlp-pg-help dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 10px;margin:4px 0}.mlp-pg .mlp-pg-help dt{font-weight:600}.mlp-pg .mlp-pg-help dd{margin:0}`;
const COLORS = [[245, 147, 34], [232, 234, 235], [8, 119, 189]];
/** TF's colour scale: -1 orange, 0 grey, +1 blue, clamped. */
function color(v) {
  v = Math.max(-1, Math.min(1, v));
  const [a, b] = v < 0 ? [COLORS[1], COLORS[0]] : [COLORS[1], COLORS[2]], t = Math.abs(v);
  return a.map((c, i) => Math.round(c + (b[i] - c) * t));
}
const rgb = (v) => `rgb(${color(v).join(",")})`;
// heatmap.ts: 31 stepped shades (d3.range(0, 1 + 1e-9, 1 / 30)) quantized over [-1, 1], drawn with alpha 160
const SHADES = Array.from({ length: 31 }, (_, i) => color(2 * i / 30 - 1));
export const shadeIndex = (v) => Math.max(0, Math.min(30, Math.floor((v + 1) / 2 * 31)));
const linkWidth = (w) => 1 + 9 * Math.min(1, Math.abs(w) / 5); // d3 scale [0, 5] -> [1, 10], clamped
const SVGNS = "http://www.w3.org/2000/svg";
// Every class name of the widget is namespaced (the root "mlp-pg", the others "mlp-pg-<name>"): a host page's
// global rules (JupyterLab's .hidden {display: none}, a theme's .node, .legend, ...) never reach the widget.
// h() adds the prefix, so the view names classes plainly; CSS and querySelector spell them in full.
export const NS = "mlp-pg";
const ns = (names) => String(names).split(/\s+/).filter(Boolean).map((c) => `${NS}-${c}`).join(" ");
function h(tag, attrs = {}, ...kids) {
  const e = ["svg", "g", "path", "rect", "circle", "text", "image", "line", "title", "foreignObject"].includes(tag) ? document.createElementNS(SVGNS, tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, k === "class" ? ns(v) : v);
  e.append(...kids);
  return e;
}
let idCount = 0;
const nextId = () => `${NS}-id${++idCount}`; // ids for <label for>: unique over every view on the page
const select = (cls, options, value, on) => {
  const s = h("select", { class: cls, id: nextId(), onchange: () => on(s.value) }, ...options.map(([v, text]) => h("option", { value: String(v) }, String(text))));
  s.value = String(value);
  return s;
};
const ICONS = { // 24 x 24 paths (drawn here: no icon font, no network)
  play: "M8 5v14l11-7z", pause: "M6 5h4v14H6zM14 5h4v14h-4z", step: "M6 5v14l9-7zM16 5h2.5v14H16z",
  reset: "M12 5V2L7 6l5 4V7a5 5 0 1 1-5 5H5a7 7 0 1 0 7-7z",
};
const icon = (name) => h("svg", { viewBox: "0 0 24 24", width: 18, height: 18, "aria-hidden": "true", focusable: "false", style: "display:block;margin:auto;fill:currentColor" }, h("path", { d: ICONS[name] }));
/** A labelled control: <label for> names it for screen readers (TF does the same). */
const field = (label, control, cls) => {
  if (!control.id) control.id = nextId();
  return h("div", { class: "field" + (cls ? " " + cls : "") }, h("label", { for: control.id }, label), control);
};
const epochText = (n) => String(n).padStart(6, "0"); // TF pads to six digits (no separators, so the text reads as a number)
/** TF Playground's names of the data sets (index.html's thumbnail titles). */
export const DATASET_NAMES = { circle: "Circle", xor: "Exclusive or", gauss: "Gaussian", spiral: "Spiral", "reg-plane": "Plane", "reg-gauss": "Multi gaussian" };
/** The view's own switches in a share link (#...&show_test=1&discretize=1), beside the config. */
export const viewFlagsToHash = (flags) => Object.entries(flags).filter(([, on]) => on).map(([k]) => `&${k}=1`).join("");
export function hashToViewFlags(hash) {
  const params = new URLSearchParams(String(hash).replace(/^#/, ""));
  return { show_test: params.get("show_test") === "1", discretize: params.get("discretize") === "1" };
}
/** The keyboard map, shown in the widget's help and in the README. */
export const KEYBOARD_HELP = [
  ["Tab / Shift+Tab", "move between controls: buttons, menus, sliders, data sets, input features, ± neurons, neurons"],
  ["Enter / Space", "press the focused button, pick the focused data set, switch the focused input feature on or off"],
  ["← → (sliders)", "change the ratio, noise or batch size one step; the network follows at once"],
  ["Enter on a neuron", "edit its bias and incoming weights (one field each); Tab between them, Enter or Esc closes and returns to the neuron"],
  ["Focus a neuron or feature", "shows its output large in the output panel, as hovering does"],
];

/** At most this many own points (drawn, CSV or Import JSON), as Python's widget.MAX_POINTS. */
export const MAX_POINTS = 5000;
const SHOWN_CSV = 200000; // characters of an imported CSV file shown in the text box
const labelRule = (regression) => (regression ? "a number from -1 to 1 (regression data)" : "1 or -1 (classification data)");
/** The message if one point [x, y, label] is not valid own data, else null (the rules of Python's validate_points). */
function pointError(q, regression) {
  if (!Array.isArray(q) || q.length !== 3 || !q.every((v) => typeof v === "number" && Number.isFinite(v))) return "expected [x, y, label], three finite numbers";
  if (Math.abs(q[0]) > DOMAIN || Math.abs(q[1]) > DOMAIN) return `x and y must be within ±${DOMAIN}, the playground's range`;
  if (regression ? Math.abs(q[2]) > 1 : Math.abs(q[2]) !== 1) return `the label must be ${labelRule(regression)}`;
  return null;
}
/** The message if points are not valid own data for the problem type, else null (loops: no spread, no deep stack). */
export function checkPoints(p, regression) {
  if (!Array.isArray(p)) return `points=${quote(p)} is invalid: expected a list of [x, y, label]`;
  if (p.length > MAX_POINTS) return `points: ${p.length} points are too many: at most ${MAX_POINTS} are allowed`;
  if (p.length === 1) return `points=${quote(p)} is invalid: expected at least 2 points (or none: the generated data)`;
  for (let i = 0; i < p.length; i++) {
    const err = pointError(p[i], regression);
    if (err) return `points[${i}]=${quote(p[i])} is invalid: ${err}`;
  }
  return null;
}
/** Points [[x, y, label]] from CSV text (x, y, label per line; a header line and blank lines are skipped). */
export function parseCsv(text, regression) {
  const pts = [], lines = String(text).split(/\r?\n/);
  for (let k = 0; k < lines.length; k++) {
    const t = lines[k].trim();
    if (!t || t.startsWith("#")) continue;
    const cells = t.split(/[,;\t]/).map((c) => c.trim());
    if (k === 0 && cells.some((c) => c !== "" && !Number.isFinite(+c))) continue; // header
    const v = cells.map(Number);
    if (cells.length !== 3 || !v.every(Number.isFinite)) throw new Error(`CSV line ${k + 1} (${quote(t)}) is invalid: expected three numbers x, y, label`);
    const err = pointError(v, regression);
    if (err) throw new Error(`CSV line ${k + 1} (${quote(t)}) is invalid: ${err}`);
    if (pts.length === MAX_POINTS) throw new Error(`CSV: more than ${MAX_POINTS} points (line ${k + 1} of ${lines.length}): at most ${MAX_POINTS} are allowed`);
    pts.push(v);
  }
  if (pts.length < 2) throw new Error("CSV: expected at least 2 points (x, y, label per line)");
  return pts;
}
/** Own points instead of the generated data set: shuffled and split with the data seed's stream, as
 * makeSplit does; the initial weights continue that stream (init_seed null) unless keepWeights. */
export function usePoints(sim, points, keepWeights) {
  const c = sim.cfg, rng = mulberry32(c.data_seed), pts = shuffle(points.map((p) => p.slice()), rng);
  const cut = Math.max(1, Math.min(pts.length - 1, Math.floor(pts.length * c.ratio)));
  sim.train = pts.slice(0, cut); sim.test = pts.slice(cut);
  sim.trainIn = sim.train.map(([x, y]) => featurize(x, y, c.features));
  sim.trainY = sim.train.map((p) => p[2]);
  if (keepWeights) { sim.lossTrain = loss(sim.layers, sim.train, c); sim.lossTest = loss(sim.layers, sim.test, c); }
  else sim.setWeights(initNetwork(sizesOf(c), c.init_seed === null ? rng : c.init_seed), 0);
}
/** The config as a URL hash (key=value&..., lists comma-separated), and back (null if it is not one). */
export function configToHash(c) {
  return Object.keys(DEFAULT_CONFIG).map((k) => `${k}=${Array.isArray(c[k]) ? c[k].join(",") : c[k] === null ? "" : c[k]}`).join("&");
}
export function hashToConfig(hash) {
  const params = new URLSearchParams(String(hash).replace(/^#/, ""));
  if (!params.has("dataset") || !params.has("hidden")) return null;
  const c = {};
  for (const [k, v] of params) {
    if (!(k in DEFAULT_CONFIG)) continue;
    const def = DEFAULT_CONFIG[k];
    if (k === "features") c[k] = v ? v.split(",") : [];
    else if (k === "hidden") c[k] = v ? v.split(",").map(Number) : [];
    else if (k === "init_seed") c[k] = v === "" ? null : Number(v);
    else c[k] = typeof def === "number" ? Number(v) : v;
  }
  return { ...DEFAULT_CONFIG, ...c };
}
// Only a static page (the book: the widget state is embedded in it) shares its state in the URL hash, and
// only its first playground in document order does, so several widgets on one page never fight over it.
// Views render in no fixed order, so the page's view scripts are looked up in the widget manager.
const VIEW_SCRIPT = "script[type='application/vnd.jupyter.widget-view+json']";
async function firstOnPage(model) {
  if (typeof document === "undefined" || !document.querySelector("script[type='application/vnd.jupyter.widget-state+json']")) return false;
  const manager = model.widget_manager;
  if (!manager || typeof manager.get_model !== "function") return false;
  for (const script of document.querySelectorAll(VIEW_SCRIPT)) {
    let other;
    try { other = await manager.get_model(JSON.parse(script.textContent).model_id); } catch (err) { continue; }
    if (other && other.get("config") !== undefined && other.get("presets") !== undefined) return other.get("config") === model.get("config"); // the first playground
  }
  return false;
}

/** The values of every neuron on the DENSITY x DENSITY grid over [-6, 6]^2 (row 0 at y = 6):
 * maps[l][j] for layer l (1 = first hidden, last = output), and the inputs' feature maps as maps[0]. */
function gridMaps(sim) {
  // the forward pass of forward() (same sums in the same order), without its per-point arrays: it runs
  // DENSITY^2 times a frame
  const c = sim.cfg, L = sim.layers, N = DENSITY, fns = c.features.map((f) => FEATURE_FN[f]), nl = L.length;
  const acts = L.map((_, l) => ACT[l === nl - 1 ? outputActivation(c.dataset) : c.activation][0]);
  const maps = [null, ...L.map((layer) => layer.bias.map(() => new Float32Array(N * N)))];
  const first = new Float64Array(fns.length), bufs = L.map((layer) => new Float64Array(layer.bias.length));
  for (let r = 0; r < N; r++) for (let q = 0; q < N; q++) {
    const x = -DOMAIN + (2 * DOMAIN * q) / (N - 1), y = DOMAIN - (2 * DOMAIN * r) / (N - 1), k = r * N + q;
    for (let f = 0; f < fns.length; f++) first[f] = fns[f](x, y);
    let input = first;
    for (let l = 0; l < nl; l++) {
      const K = L[l].kernel, B = L[l].bias, out = bufs[l], m = maps[l + 1], act = acts[l], nOut = B.length;
      for (let j = 0; j < nOut; j++) out[j] = B[j];
      for (let i = 0; i < input.length; i++) { const row = K[i], v = input[i]; for (let j = 0; j < nOut; j++) out[j] += row[j] * v; }
      for (let j = 0; j < nOut; j++) { out[j] = act(out[j]); m[j][k] = out[j]; }
      input = out;
    }
  }
  return maps;
}
let featureMaps = null;
function inputMaps() { // the seven feature maps never change: computed once
  if (featureMaps) return featureMaps;
  const N = DENSITY;
  featureMaps = FEATURES.map(() => new Float32Array(N * N));
  for (let r = 0; r < N; r++) for (let q = 0; q < N; q++) {
    const x = -DOMAIN + (2 * DOMAIN * q) / (N - 1), y = DOMAIN - (2 * DOMAIN * r) / (N - 1);
    featurize(x, y, FEATURES).forEach((v, f) => { featureMaps[f][r * N + q] = v; });
  }
  return featureMaps;
}
/** Paint values (N x N) into a canvas with TF's stepped shades (or two colours when discretized). */
function paint(canvas, values, n, discretize, alpha) {
  if (canvas.width !== n) { canvas.width = n; canvas.height = n; }
  const ctx = canvas.getContext("2d"), img = ctx.createImageData(n, n), f = DENSITY / n;
  for (let r = 0; r < n; r++) for (let q = 0; q < n; q++) {
    let v = 0;
    if (f === 1) v = values[r * DENSITY + q];
    else { for (let a = 0; a < f; a++) for (let b = 0; b < f; b++) v += values[(r * f + a) * DENSITY + q * f + b]; v /= f * f; } // reduceMatrix
    if (discretize) v = v >= 0 ? 1 : -1;
    const [R, G, B] = SHADES[shadeIndex(v)], k = 4 * (r * n + q);
    img.data[k] = R; img.data[k + 1] = G; img.data[k + 2] = B; img.data[k + 3] = alpha;
  }
  ctx.putImageData(img, 0, 0);
}

function render({ model, el }) {
  const sim = new Simulation(model.get("config"));
  let points = (model.get("points") || []).map((p) => p.slice());
  let running = false, frame = null, lastSync = 0, sent = null, message = "", ioText = "", selected = null, editing = false;
  let showTest = !!model.get("show_test"), discretize = !!model.get("discretize"), drawClass = 0; // drawClass 0: not drawing, else the label of drawn points
  let owner = false; // this view shares its config in the URL hash (see firstOnPage)
  const root = h("div", {}), style = h("style", {}, CSS);
  root.className = NS;
  el.append(style, root);
  const custom = () => points.length > 0;
  const resetSim = () => { sim.reset(); if (custom()) usePoints(sim, points, false); };

  const setConfig = (patch) => { model.set("config", { ...sim.cfg, ...patch }); model.save_changes(); };
  const sync = () => { // epoch and losses first: another view of this model reads them when the weights change
    sent = copyLayers(sim.layers);
    model.set("epoch", sim.epoch);
    model.set("losses", { train: sim.history.train.slice(), test: sim.history.test.slice() });
    model.set("weights", sent);
    model.save_changes(); lastSync = Date.now();
  };
  const writeHash = () => {
    if (!owner) return;
    const flags = viewFlagsToHash({ show_test: showTest, discretize });
    try { history.replaceState(null, "", "#" + configToHash(sim.cfg) + flags); } catch (err) { /* file:// in some browsers */ }
  };
  // A message (an error) stays until the next action that works: any click or change in the widget clears it
  // first (capture phase), and a failing handler sets it again.
  const setMessage = (text) => { message = text; if (msg) msg.textContent = text; };
  const clearOnAction = (e) => { if (e.target.tagName !== "TEXTAREA" && message) setMessage(""); };
  root.addEventListener("click", clearOnAction, true);
  root.addEventListener("change", clearOnAction, true);
  // The model's weights, epoch and losses if they fit the config (a new view of a trained widget), else false.
  const adoptModelState = () => {
    const w = model.get("weights");
    if (!w || !w.length || checkWeights(w, sizesOf(sim.cfg))) return false;
    sim.setWeights(w, model.get("epoch")); sent = w;
    const ls = model.get("losses") || {}, close = (a, b) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
    if (ls.train && ls.test && ls.test.length && ls.train.length === ls.test.length && close(ls.test[ls.test.length - 1], sim.lossTest) && close(ls.train[ls.train.length - 1], sim.lossTrain))
      sim.history = { train: ls.train.slice(), test: ls.test.slice() };
    else return "losses"; // weights set elsewhere (Python) without matching losses: ours are the truth
    return true;
  };
  const onConfig = () => {
    const errs = checkConfig({ ...DEFAULT_CONFIG, ...model.get("config") });
    if (errs.length) { setMessage(errs.join("; ")); return; }
    const before = sim.train, prev = sim.cfg;
    sim.setConfig(model.get("config"));
    if (custom() && sim.train !== before) usePoints(sim, points, false);
    const w = model.get("weights"); // weights set together with the config (import) are loaded after it
    if (w !== sent && w && w.length && !checkWeights(w, sizesOf(sim.cfg))) sim.setWeights(w, model.get("epoch"));
    message = ""; refresh(prev); sync(); writeHash();
  };
  const onWeights = () => {
    const w = model.get("weights");
    if (w === sent || !w || !w.length) return;
    const err = checkWeights(w, sizesOf(sim.cfg));
    if (err) { setMessage(err); return; }
    if (adoptModelState() === "losses") sync();
    message = ""; draw();
  };
  const onPoints = () => {
    const p = model.get("points") || [];
    if (JSON.stringify(p) === JSON.stringify(points)) return;
    points = p.map((q) => q.slice());
    if (custom()) usePoints(sim, points, true); else { const w = sim.layers, e = sim.epoch; sim.reset(); sim.setWeights(w, e); }
    build();
  };
  const onLosses = () => { // losses set from Python (or another view) for the weights shown
    const ls = model.get("losses");
    const H = sim.history, same = ls && ls.test && ls.test.length === H.test.length && ls.test[ls.test.length - 1] === H.test[H.test.length - 1];
    if (!same && ls && ls.test && ls.test.length && ls.train.length === ls.test.length && !running) { sim.history = { train: ls.train.slice(), test: ls.test.slice() }; draw(); }
  };
  const onEpoch = () => { if (!running && model.get("epoch") !== sim.epoch) { sim.epoch = model.get("epoch"); draw(); } };
  const onSpeed = () => { if (speedSel) speedSel.value = String(model.get("speed")); };
  const onPresets = () => build();
  const onView = () => { // Show test data / Discretize set from Python or another view
    const t = !!model.get("show_test"), d = !!model.get("discretize");
    if (t === showTest && d === discretize) return;
    showTest = t; discretize = d;
    const a = root.querySelector(`input.${NS}-show-test`), b = root.querySelector(`input.${NS}-discretize`);
    if (a) a.checked = t;
    if (b) b.checked = d;
    drawPoints(); draw(); writeHash();
  };
  const setView = (patch) => { for (const [k, v] of Object.entries(patch)) model.set(k, v); model.save_changes(); };
  const listeners = { "change:config": onConfig, "change:weights": onWeights, "change:points": onPoints, "change:losses": onLosses,
    "change:epoch": onEpoch, "change:speed": onSpeed, "change:presets": onPresets, "change:show_test": onView, "change:discretize": onView };
  for (const [ev, fn] of Object.entries(listeners)) model.on(ev, fn);

  const play = (on) => {
    running = on;
    if (running && !frame) frame = requestAnimationFrame(tick);
    if (!running) sync();
    if (playBtn) { playBtn.replaceChildren(icon(running ? "pause" : "play")); playBtn.setAttribute("aria-label", running ? "Pause" : "Play"); playBtn.title = running ? "Pause" : "Play"; }
  };
  function tick() {
    frame = null;
    if (!running) return;
    const n = +model.get("speed") || 1, t0 = performance.now();
    for (let i = 0; i < n && performance.now() - t0 < 40; i++) sim.step();
    draw();
    if (Date.now() - lastSync > 1000) sync();
    frame = requestAnimationFrame(tick);
  }

  let playBtn, speedSel, heat, chart, overlay, msg, svg, card, netCol, lossEls = {};
  let linkEls = [], biasEls = [], nodeImgs = [], pointsLayer, ctl = {}, netWidth = 0;

  // ---- focus survives a rebuild: the focused control is found again by its classes and data attributes ----
  const STATE = new Set(["selected", "on", "off", "dead"].map((c) => `${NS}-${c}`));
  const focusKey = () => {
    const a = root.getRootNode().activeElement;
    if (!a || a === root || !root.contains(a)) return null;
    const attrs = (a.hasAttribute("data-feature") ? ["data-feature"] : ["data-dataset", "data-layer", "data-node", "data-param"]).filter((k) => a.hasAttribute(k))
      .map((k) => `[${k}="${a.getAttribute(k)}"]`).join("");
    return a.tagName.toLowerCase() + [...a.classList].filter((c) => !STATE.has(c)).map((c) => `.${c}`).join("") + attrs;
  };
  const keepFocus = (fn) => {
    const key = focusKey();
    fn();
    const again = key && root.querySelector(key);
    if (again && root.getRootNode().activeElement !== again) again.focus({ preventScroll: true });
  };
  // SVG groups acting as buttons: a Tab stop, Enter and Space press them
  const pressable = (g, label, act, role = "button") => {
    g.setAttribute("tabindex", "0"); g.setAttribute("role", role); g.setAttribute("aria-label", label);
    g.addEventListener("click", act);
    g.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); if (message) setMessage(""); act(e); } });
    return g;
  };

  // ---- the network diagram -----------------------------------------------------------------------
  const layout = (c) => {
    // as wide as the column (one SVG unit per CSS pixel, so labels keep their size and columns spread out)
    const cols = c.hidden.length, W = Math.max(300, netWidth || 0, 160 + cols * 64);
    const rows = Math.max(FEATURES.length, ...c.hidden, 1), H = TOP + rows * ROW - (ROW - NODE) + 14;
    const xIn = 56, xOut = W - NODE - 4, xs = c.hidden.map((_, i) => xIn + NODE + (xOut - xIn - NODE) * (i + 1) / (cols + 1) - NODE / 2);
    const y = (i) => TOP + i * ROW;
    return { W, H, xIn, xOut, xs, y };
  };
  const linkPath = (x0, y0, x1, y1) => { const m = (x0 + x1) / 2; return `M${x0},${y0}C${m},${y0} ${m},${y1} ${x1},${y1}`; };
  const networkLabel = (c) => `Network: inputs ${c.features.join(", ")}; ${c.hidden.length ? `hidden layers of ${c.hidden.join(", ")} neurons (${c.activation})` : "no hidden layer"}; one output neuron. Links are coloured by weight (blue positive, orange negative), thicker for larger weights.`;
  function buildNetwork(c) {
    const { W, H, xIn, xOut, xs, y } = layout(c), sizes = sizesOf(c);
    svg = h("svg", { class: "network", viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "group", "aria-label": networkLabel(c) });
    const gLinks = h("g", { class: "links", "aria-hidden": "true" }), gHover = h("g", { "aria-hidden": "true" }), gNodes = h("g", {});
    svg.append(gLinks, gHover, gNodes);
    linkEls = []; biasEls = []; nodeImgs = [];
    // node centres per layer: 0 inputs (active features only, at their fixed rows), 1.. hidden, last output
    const active = c.features.map((f) => FEATURES.indexOf(f));
    const pos = [active.map((f) => [xIn, y(f)]), ...c.hidden.map((n, l) => Array.from({ length: n }, (_, i) => [xs[l], y(i)])), [[xOut, y(0)]]];
    const nodeBox = (l, j, x, yy, cls, label) => { // the node's heatmap: a canvas painted in place every frame
      const img = h("canvas", { width: DENSITY / REDUCE, height: DENSITY / REDUCE, style: "width:100%;height:100%;display:block" });
      const g = h("g", { class: `node ${cls}`, "data-layer": l, "data-node": j }, h("foreignObject", { x, y: yy, width: NODE, height: NODE }, img),
        h("rect", { class: "frame", x, y: yy, width: NODE, height: NODE }));
      if (label) g.append(label);
      return [g, img];
    };
    const hoverShows = (g, sel) => {
      const on = () => { selected = sel; draw(); }, off = () => { selected = null; draw(); };
      g.addEventListener("mouseenter", on); g.addEventListener("mouseleave", off);
      g.addEventListener("focus", on); g.addEventListener("blur", off);
    };
    // inputs: all seven features; a click (Enter, Space) switches one on or off (one input fewer or more)
    FEATURES.forEach((f, i) => {
      const on = c.features.includes(f);
      const [g, img] = nodeBox(0, on ? c.features.indexOf(f) : -1, xIn, y(i), `feature ${on ? "on" : "off"}`,
        h("text", { x: xIn - 5, y: y(i) + NODE / 2 + 4, "text-anchor": "end", "aria-hidden": "true" }, FEATURE_LABEL[f]));
      g.setAttribute("data-feature", f);
      g.append(h("title", {}, `${f}: click to ${on ? "remove" : "add"} this input`));
      pressable(g, `Input feature ${f}`, () => {
        const cur = sim.cfg.features, next = FEATURES.filter((k) => (k === f ? !cur.includes(f) : cur.includes(k)));
        if (next.length) { play(false); setConfig({ features: next }); } else setMessage("At least one input feature must stay on");
      }, "switch");
      g.setAttribute("aria-checked", String(on));
      hoverShows(g, { feature: i });
      gNodes.append(g); nodeImgs.push({ img, layer: 0, index: i });
    });
    for (let l = 1; l < sizes.length; l++) {
      const isOut = l === sizes.length - 1;
      if (!isOut) gNodes.append(...plusMinus(c, l - 1, xs[l - 1] + NODE / 2));
      for (let j = 0; j < sizes[l]; j++) {
        const [cx, cy] = pos[l][j];
        const [g, img] = nodeBox(l, j, cx, cy, isOut ? "output" : "hidden");
        const b = h("rect", { class: "bias", x: cx - BIAS - 2, y: cy + NODE - BIAS + 2, width: BIAS, height: BIAS, "data-layer": l - 1, "data-node": j });
        g.append(b); biasEls.push({ el: b, l: l - 1, j });
        b.addEventListener("mouseenter", (e) => showCard(e, "Bias", l - 1, -1, j));
        b.addEventListener("mouseleave", () => hideCard());
        b.addEventListener("click", (e) => { e.stopPropagation(); editCard(e, "Bias", l - 1, -1, j); });
        // keyboard: Enter edits the neuron's bias and incoming weights
        g.setAttribute("tabindex", "0"); g.setAttribute("role", "button");
        g.setAttribute("aria-label", `${isOut ? "Output neuron" : `Neuron ${j + 1} of hidden layer ${l}`}: Enter edits its bias and ${sizes[l - 1]} incoming weight${sizes[l - 1] > 1 ? "s" : ""}`);
        g.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); editNeuron(g, l - 1, j); } });
        hoverShows(g, { layer: l, index: j });
        gNodes.append(g); nodeImgs.push({ img, layer: l, index: j });
        // incoming links, spread over the node's left edge as playground.ts does
        const n = sizes[l - 1];
        for (let i = 0; i < n; i++) {
          const [sx, sy] = pos[l - 1][i], d = linkPath(sx + NODE + 2, sy + NODE / 2, cx, cy + NODE / 2 + ((i - (n - 1) / 2) / n) * 12);
          const p = h("path", { class: "link", d, "data-layer": l - 1, "data-from": i, "data-to": j });
          const hp = h("path", { class: "link-hover", d });
          hp.addEventListener("mouseenter", (e) => showCard(e, "Weight", l - 1, i, j));
          hp.addEventListener("mouseleave", () => hideCard());
          hp.addEventListener("click", (e) => { e.stopPropagation(); editCard(e, "Weight", l - 1, i, j); });
          gLinks.append(p); gHover.append(hp); linkEls.push({ el: p, l: l - 1, i, j });
        }
      }
    }
    gNodes.append(h("text", { class: "muted", x: xOut + NODE / 2, y: 31, "text-anchor": "middle" }, "output"));
    return svg;
  }
  // +/- neurons above hidden layer l (Tab stops, as TF's buttons are)
  function plusMinus(c, l, cx) {
    const n = c.hidden[l], pm = (cls, dx, text, delta) => {
      const g = h("g", { class: `pm ${cls}`, "data-layer": l }, h("circle", { cx: cx + dx, cy: 9, r: 8 }), h("text", { x: cx + dx, y: 9, "aria-hidden": "true" }, text));
      return pressable(g, `${delta > 0 ? "Add a neuron to" : "Remove a neuron from"} hidden layer ${l + 1}`, () => {
        const hid = sim.cfg.hidden, next = hid[l] + delta;
        if (next >= 1 && next <= 8) { play(false); setConfig({ hidden: hid.map((v, k) => (k === l ? next : v)) }); }
      });
    };
    return [pm("more", -10, "+", 1), pm("less", 10, "−", -1),
      h("text", { class: "muted", x: cx, y: 31, "text-anchor": "middle" }, `${n} neuron${n > 1 ? "s" : ""}`)];
  }
  const paramValue = (l, i, j) => (i < 0 ? sim.layers[l].bias[j] : sim.layers[l].kernel[i][j]);
  const setParam = (l, i, j, x) => {
    if (i < 0) sim.layers[l].bias[j] = x; else sim.layers[l].kernel[i][j] = x;
    // the losses of the edited network replace the last point of the curves
    sim.lossTrain = loss(sim.layers, sim.train, sim.cfg); sim.lossTest = loss(sim.layers, sim.test, sim.cfg);
    const H = sim.history; H.train[H.train.length - 1] = sim.lossTrain; H.test[H.test.length - 1] = sim.lossTest;
    draw(); sync();
  };
  function cardAt(x, y) {
    const box = netCol.getBoundingClientRect();
    card.style.left = `${Math.max(0, Math.min(x - box.left + 14, box.width - 160))}px`;
    card.style.top = `${y - box.top - 10}px`;
    card.style.display = "block";
  }
  function showCard(e, type, l, i, j) {
    if (editing) return;
    const v = paramValue(l, i, j);
    card.replaceChildren(h("span", { class: "type" }, type + " "), h("b", { class: "value", "data-value": String(v) }, v.toPrecision(3)), h("div", { class: "hint" }, "Click anywhere to edit."));
    card.dataset.layer = l; card.dataset.from = i; card.dataset.to = j;
    cardAt(e.clientX, e.clientY);
  }
  function hideCard() { if (!editing) card.style.display = "none"; }
  const numberInput = (l, i, j, label) => {
    const input = h("input", { type: "number", step: "any", class: "edit", value: String(paramValue(l, i, j)), "aria-label": label, "data-param": `${l}:${i}:${j}` });
    input.addEventListener("input", () => { const x = input.value === "" ? NaN : +input.value; if (Number.isFinite(x)) setParam(l, i, j, x); });
    return input;
  };
  function editCard(e, type, l, i, j) {
    editing = true; card.onkeydown = null; card.onfocusout = null;
    const input = numberInput(l, i, j, i < 0 ? `Bias of neuron ${j + 1}, layer ${l + 1}` : `Weight from ${l ? `neuron ${i + 1}` : sim.cfg.features[i]} to neuron ${j + 1}, layer ${l + 1}`);
    const done = () => { editing = false; card.style.display = "none"; };
    input.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === "Escape") done(); });
    input.addEventListener("blur", done);
    card.replaceChildren(h("span", { class: "type" }, type + " "), input);
    cardAt(e.clientX, e.clientY);
    input.focus(); input.select();
  }
  // keyboard editing: the focused neuron's bias and incoming weights, one labelled field each
  function editNeuron(g, l, j) {
    editing = true;
    const names = l === 0 ? sim.cfg.features.map((f) => FEATURE_LABEL[f]) : sim.layers[l].kernel.map((_, i) => `neuron ${i + 1}`);
    const rows = [["Bias", -1], ...names.map((name, i) => [`Weight from ${name}`, i])].map(([text, i]) => {
      const input = numberInput(l, i, j, `${text} (${l === sim.layers.length - 1 ? "output neuron" : `neuron ${j + 1}, layer ${l + 1}`})`);
      return h("label", {}, text, input);
    });
    const close = (back) => {
      editing = false; card.style.display = "none"; card.onkeydown = null; card.onfocusout = null;
      if (back) { const again = root.querySelector(`g.${NS}-node[data-layer="${l + 1}"][data-node="${j}"]`); if (again) again.focus({ preventScroll: true }); }
    };
    card.replaceChildren(h("div", { class: "hint" }, "Enter or Esc: back to the neuron"), ...rows);
    // one handler of each kind at a time (properties, not listeners): the card is reused by every edit
    card.onkeydown = (e) => { if (e.key === "Enter" || e.key === "Escape") { e.preventDefault(); close(true); } };
    card.onfocusout = (e) => { if (!card.contains(e.relatedTarget)) close(false); };
    const r = g.getBoundingClientRect();
    cardAt(r.right, r.top);
    rows[0].querySelector("input").focus();
  }

  // ---- the output panel -------------------------------------------------------------------------------
  function buildOutput(c) {
    heat = h("canvas", { class: "heatmap", width: DENSITY, height: DENSITY, role: "img", "aria-label": "Output" });
    const S = HEAT_PX, sc = (v) => ((v + DOMAIN) / (2 * DOMAIN)) * S;
    overlay = h("svg", { class: "overlay", width: S + AXIS, height: S + AXIS, "aria-hidden": "true" });
    const ax = h("g", { class: "axis" }, h("path", { d: `M0,${S}H${S}V0` }));
    for (let t = -DOMAIN; t <= DOMAIN; t++) {
      const p = sc(t), major = t % 2 === 0, label = String(t).replace("-", "−");
      ax.append(h("line", { x1: p, y1: S, x2: p, y2: S + (major ? 4 : 2) }), h("line", { x1: S, y1: S - p, x2: S + (major ? 4 : 2), y2: S - p }));
      if (major) ax.append(h("text", { x: p, y: S + 14, "text-anchor": "middle" }, label), h("text", { x: S + 6, y: S - p + 3.5 }, label));
    }
    pointsLayer = h("g", { class: "points" });
    overlay.append(pointsLayer, ax);
    const onDraw = (e) => {
      if (!drawClass) return;
      const box = heat.getBoundingClientRect(), x = -DOMAIN + 2 * DOMAIN * (e.clientX - box.left) / box.width, y = DOMAIN - 2 * DOMAIN * (e.clientY - box.top) / box.height;
      if (Math.abs(x) > DOMAIN || Math.abs(y) > DOMAIN) return;
      const label = e.shiftKey ? -drawClass : drawClass;
      const base = custom() ? points : [...sim.train, ...sim.test].map((p) => p.slice());
      if (base.length >= MAX_POINTS) { message = `at most ${MAX_POINTS} points: clear the data set to draw more`; build(); return; }
      points = [...base, [x, y, label]];
      usePoints(sim, points, true); message = "";
      model.set("points", points.map((p) => p.slice())); sync(); build();
    };
    overlay.addEventListener("click", onDraw);
    const check = (cls, text, value, on) => { const b = h("input", { type: "checkbox", class: cls }); b.checked = value; b.addEventListener("change", () => { on(b.checked); writeHash(); }); return h("label", {}, b, text); };
    const regression = isRegression(c.dataset);
    const drawSel = select("draw-class", [[0, "off"], [1, regression ? "+1" : "blue (+1)"], [-1, regression ? "−1" : "orange (−1)"]], drawClass, (v) => {
      drawClass = +v; root.classList.toggle(`${NS}-drawing`, !!drawClass);
    });
    // the losses: fixed rows updated in place (no layout jump when the accuracy is known)
    const row = (cls, text) => { lossEls[cls] = h("b", { class: cls }, "–"); return [h("span", {}, text), lossEls[cls]]; };
    lossEls = {};
    const lossBox = h("div", { class: "losses", role: "status", "aria-live": "off" }, ...row("test-loss", "Test loss"), ...row("train-loss", "Training loss"),
      ...(regression ? [] : row("accuracy", "Test accuracy")));
    chart = h("canvas", { class: "loss-chart", width: 2 * HEAT_PX, height: 88, role: "img", "aria-label": "Loss curves" });
    return h("div", { class: "col-out" }, h("h4", {}, "Output"), lossBox, chart,
      h("div", { class: "heat" }, heat, overlay),
      h("div", { class: "legend" }, h("i", { "aria-hidden": "true" }), h("div", { class: "ticks", "aria-hidden": "true" }, h("span", {}, "−1"), h("span", {}, "0"), h("span", {}, "1")),
        h("div", {}, "Colors shows data, neuron and weight values.")),
      h("div", { class: "checks" },
        check("show-test", "Show test data", showTest, (v) => { showTest = v; drawPoints(); setView({ show_test: v }); }),
        check("discretize", "Discretize output", discretize, (v) => { discretize = v; draw(); setView({ discretize: v }); })),
      h("div", { class: "ctl" }, field("Draw points", drawSel),
        h("button", { class: "clear-points", title: "Start an empty data set to draw on", onclick: () => {
          play(false); points = []; sim.train = []; sim.test = []; sim.trainIn = []; sim.trainY = [];
          message = "Empty data set: draw points (shift-click: the other class)"; drawClass = drawClass || 1; build();
        } }, "Clear")),
      ctl.note = h("div", { class: "note" }, noteText()));
  }
  const noteText = () => (custom() ? `Own data: ${points.length} points` : "Shift-click draws the other class");
  function drawPoints() {
    const S = HEAT_PX, sc = (v) => ((v + DOMAIN) / (2 * DOMAIN)) * S, kids = [];
    const add = (pts, cls) => { for (const [x, y, label] of pts) if (Math.abs(x) <= DOMAIN && Math.abs(y) <= DOMAIN) kids.push(h("circle", { class: cls, cx: sc(x), cy: S - sc(y), r: 3, fill: rgb(label) })); };
    add(sim.train, "train");
    if (showTest) add(sim.test, "test");
    pointsLayer.replaceChildren(...kids);
  }

  // ---- the whole widget ----------------------------------------------------------------------------------
  const presetsOf = () => Object.fromEntries((model.get("presets") || []).map((p) => [p.name, p.config]));
  const presetName = () => {
    const presets = presetsOf();
    return custom() ? "" : Object.keys(presets).find((k) => JSON.stringify({ ...DEFAULT_CONFIG, ...presets[k] }) === JSON.stringify(sim.cfg)) || "";
  };
  const restart = () => { play(false); resetSim(); sync(); drawPoints(); draw(); };
  function build() { // (re)create everything from the current config; the focused control keeps focus
    keepFocus(buildAll);
    // the diagram as wide as its column: measured once the widget is on the page, again when the column changes
    relayout();
  }
  function buildAll() {
    const c = sim.cfg, presets = presetsOf(), regression = isRegression(c.dataset);
    ctl = {};
    playBtn = h("button", { class: "play", "aria-label": running ? "Pause" : "Play", title: running ? "Pause" : "Play", onclick: () => play(!running) }, icon(running ? "pause" : "play"));
    speedSel = select("speed", [1, 5, 20, 100].map((v) => [v, String(v)]), model.get("speed") || 1, (v) => { model.set("speed", +v); model.save_changes(); });
    const sel = (key, label, options, on) => field(label, ctl[key] = select(key, options, c[key], on));
    const top = h("div", { class: "top" },
      h("div", { class: "ctl" },
        h("button", { class: "reset round", title: "Reset the network: same seeds, same data and initial weights", "aria-label": "Reset the network", onclick: restart }, icon("reset")),
        playBtn,
        h("button", { class: "step round", title: "Step: one epoch", "aria-label": "Step one epoch", onclick: () => { sim.step(); sync(); draw(); } }, icon("step"))),
      h("div", { class: "field" }, h("span", { class: "note", id: `${(ctl.epochId = nextId())}` }, "Epoch"),
        h("span", { class: "epoch", "data-value": sim.epoch, role: "status", "aria-live": "off", "aria-labelledby": ctl.epochId }, epochText(sim.epoch))),
      sel("learning_rate", "Learning rate", LEARNING_RATES.map((v) => [v, v]), (v) => setConfig({ learning_rate: +v })),
      sel("activation", "Activation", ACTIVATIONS.map((v) => [v, v === "relu" ? "ReLU" : v[0].toUpperCase() + v.slice(1)]), (v) => setConfig({ activation: v })),
      sel("regularization", "Regularization", REGULARIZATIONS.map((v) => [v, v === "none" ? "None" : v]), (v) => setConfig({ regularization: v })),
      sel("reg_rate", "Regularization rate", REG_RATES.map((v) => [v, v]), (v) => setConfig({ reg_rate: +v })),
      field("Problem type", ctl.problem = select("problem", [["classification", "Classification"], ["regression", "Regression"]], problemOf(c.dataset), (v) => {
        if (v !== problemOf(sim.cfg.dataset)) { play(false); points = []; model.set("points", []); setConfig({ dataset: (v === "regression" ? REGRESSION_SETS : CLASSIFICATION_SETS)[0] }); }
      })));
    const ours = h("div", { class: "ours" },
      field("Preset", ctl.preset = select("preset", [["", "(custom)"], ...Object.keys(presets).map((k) => [k, k])], presetName(), (v) => {
        if (!presets[v]) return;
        play(false);
        const next = { ...DEFAULT_CONFIG, ...presets[v] };
        if (custom()) { points = []; model.set("points", []); }
        if (JSON.stringify(next) === JSON.stringify(sim.cfg)) restart(); // same config: restart it
        else setConfig(next);
      })),
      field("Epochs per frame", speedSel));
    // data column: TF's clickable thumbnails of the data sets of the problem type (Tab stops; Enter/Space pick)
    ctl.sets = (regression ? REGRESSION_SETS : CLASSIFICATION_SETS).map((d) => {
      const on = d === c.dataset && !custom();
      const cv = h("canvas", { class: `dataset${on ? " selected" : ""}`, "data-dataset": d, width: 100, height: 100, title: DATASET_NAMES[d],
        tabindex: 0, role: "button", "aria-label": `Data set: ${DATASET_NAMES[d]}`, "aria-pressed": String(on) });
      const g = cv.getContext("2d");
      for (const [x, y, label] of generate(d, 0, mulberry32(0), 200)) { g.fillStyle = rgb(label); g.fillRect(100 * (x + 6) / 12, 100 * (6 - y) / 12, 4, 4); }
      const pick = () => {
        play(false);
        if (custom()) { points = []; model.set("points", []); }
        if (d === sim.cfg.dataset) { restart(); refresh(sim.cfg); } else setConfig({ dataset: d });
      };
      cv.addEventListener("click", pick);
      cv.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); if (message) setMessage(""); pick(); } });
      return cv;
    });
    // sliders act while dragging (input events); the page is updated in place, so the slider keeps focus
    ctl.ranges = {};
    const range = (key, label, lo, hi, stepv, shown, toValue) => {
      const b = h("b", {}, shown(c[key]));
      const input = h("input", { type: "range", class: key, min: lo, max: hi, step: stepv, value: toValue ? Math.round(c[key] * 100) : c[key], "aria-valuetext": shown(c[key]),
        oninput: (e) => setConfig({ [key]: toValue ? toValue(+e.target.value) : +e.target.value }) });
      ctl.ranges[key] = { input, b, shown, toValue };
      return h("label", {}, `${label}: `, b, input);
    };
    const num = (key, empty) => (ctl[key] = h("input", { type: "number", class: key, min: 0, max: 4294967295, value: c[key] ?? "", placeholder: empty || "",
      onchange: (e) => {
        const t = e.target.value.trim(), v = Math.round(+t);
        if (t === "" && empty) setConfig({ [key]: null }); else if (t !== "" && v >= 0 && v <= 4294967295) setConfig({ [key]: v });
        else { e.target.value = sim.cfg[key] ?? ""; setMessage(`${key}=${JSON.stringify(t)} is invalid: expected an integer from 0 to 4294967295`); }
      } }));
    const rand = () => Math.floor(Math.random() * 2 ** 31);
    const data = h("div", { class: "col-data" }, ours, h("h4", {}, "Data"), h("div", { class: "sets", role: "group", "aria-label": "Which data set do you want to use?" }, ...ctl.sets),
      range("ratio", "Ratio of training to test data", 10, 90, 10, (v) => `${Math.round(v * 100)}%`, (v) => v / 100),
      range("noise", "Noise", 0, 50, 5, String),
      range("batch_size", "Batch size", 1, 30, 1, String),
      h("label", {}, "Data seed", num("data_seed")),
      h("label", { title: "Empty: the weights continue the data's random stream, as in the chapter" }, "Init seed", num("init_seed", "stream")),
      h("div", { class: "ctl" },
        h("button", { class: "regen", title: "Regenerate data (a new data seed)", onclick: () => setConfig({ data_seed: rand() }) }, "New data"),
        h("button", { class: "reseed", title: "New initial weights (a new init seed)", onclick: () => setConfig({ init_seed: rand() }) }, "Reseed")));
    netCol = h("div", { class: "col-net" },
      h("div", { class: "layers" },
        h("h4", { style: "margin:0 8px 0 0" }, "Features"),
        h("button", { class: "add-layer round", title: "Add a hidden layer", "aria-label": "Add a hidden layer", onclick: () => { const hid = sim.cfg.hidden; if (hid.length < 6) { play(false); setConfig({ hidden: [...hid, 2] }); } } }, "+"),
        h("button", { class: "remove-layer round", title: "Remove the last hidden layer", "aria-label": "Remove a hidden layer", onclick: () => { const hid = sim.cfg.hidden; if (hid.length) { play(false); setConfig({ hidden: hid.slice(0, -1) }); } } }, "−"),
        ctl.layerCount = h("h4", { class: "num-layers", style: "margin:0" }, layerText(c))),
      buildNetwork(c),
      h("p", { class: "note" }, "This is the output from one ", h("b", {}, "neuron"), ". Hover (or focus) to see it larger. The outputs are mixed with varying ", h("b", {}, "weights"), ", shown by the thickness of the lines."));
    card = h("div", { class: "hovercard" });
    netCol.append(card);
    const out = buildOutput(c);
    const io = h("textarea", { class: "json", "aria-label": "JSON, Keras code or CSV points", placeholder: "Export writes JSON or Keras code here; paste JSON (Import JSON) or CSV lines x, y, label (Import CSV)", oninput: () => { ioText = io.value; } });
    io.value = ioText;
    const show = (text) => { io.value = ioText = text; };
    const fail = setMessage; // an import's error: shown until the next action that works
    const fileId = nextId();
    const importCsv = (text) => {
      let pts;
      try { pts = parseCsv(text, isRegression(sim.cfg.dataset)); } catch (err) { fail(err.message); return; }
      play(false); points = pts; usePoints(sim, points, false); message = "";
      model.set("points", points.map((p) => p.slice())); sync(); build();
    };
    const port = h("div", { class: "io" },
      h("button", { class: "export", onclick: () => {
        const state = { format: "mlp-report-playground", version: 1, config: sim.cfg, epoch: sim.epoch, weights: sim.layers,
          view: { show_test: showTest, discretize } };
        if (custom()) state.points = points;
        show(JSON.stringify(state));
        const a = h("a", { href: URL.createObjectURL(new Blob([io.value], { type: "application/json" })), download: "playground.json" });
        a.click(); setTimeout(() => URL.revokeObjectURL(a.href), 1000);
      } }, "Export JSON"),
      h("button", { class: "import", onclick: () => {
        let s;
        try { s = JSON.parse(io.value); } catch (err) { fail(`import: not valid JSON (${err.message})`); return; }
        const cfg = { ...DEFAULT_CONFIG, ...(s && s.config) }, errs = s && s.config ? checkConfig(cfg) : ["import: no \"config\" in the JSON"];
        const fresh = !errs.length && (s.weights === undefined || (Array.isArray(s.weights) && s.weights.length === 0)); // Python's export of a fresh widget
        const werr = errs.length || fresh ? null : checkWeights(s.weights, sizesOf(cfg));
        const perr = errs.length || s.points === undefined ? null : checkPoints(s.points, isRegression(cfg.dataset));
        const eerr = errs.length || s.epoch === undefined || (Number.isInteger(s.epoch) && s.epoch >= 0) ? null : `epoch=${quote(s.epoch)} is invalid: expected an integer >= 0`;
        if (errs.length || werr || perr || eerr) { fail(errs.concat([werr, perr, eerr].filter(Boolean)).join("; ")); return; }
        // config first (rebuilds the data and network), then the weights, which the change:weights listener loads
        play(false); points = Array.isArray(s.points) ? s.points.map((q) => q.slice()) : []; model.set("points", points);
        const view = (s && s.view) || {}; // the output panel's switches (optional)
        model.set("show_test", view.show_test === true); model.set("discretize", view.discretize === true);
        model.set("config", cfg); model.set("epoch", fresh ? 0 : s.epoch || 0);
        if (!fresh) model.set("weights", s.weights);
        model.save_changes();
        if (fresh) { resetSim(); sync(); build(); } // no weights: the config's initial ones, as Python's import_json
      } }, "Import JSON"),
      h("button", { class: "import-csv", title: "Points x, y, label (one per line) from the box below or a file", onclick: () => importCsv(io.value) }, "Import CSV"),
      h("input", { type: "file", id: fileId, class: "csv-file", accept: ".csv,text/csv,text/plain", onchange: (e) => {
        const f = e.target.files && e.target.files[0];
        // a big file is read, not shown: a text box of megabytes would stall the page's layout
        if (f) f.text().then((t) => { if (t.length <= SHOWN_CSV) show(t); importCsv(t); });
      } }),
      h("label", { for: fileId, class: "file-label", title: "Read points x, y, label from a CSV file" }, "CSV file…"),
      h("button", { class: "keras", title: "Python code that rebuilds this network with its weights in Keras", onclick: () => {
        show(kerasCode(sim.cfg, sim.layers));
        if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(io.value).catch(() => {});
      } }, "Export as Keras code"),
      io);
    msg = h("div", { class: "msg", role: "alert" }, message);
    const help = h("details", { class: "help" }, h("summary", {}, "Keyboard and help"),
      h("dl", {}, ...KEYBOARD_HELP.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
      h("p", { class: "note" }, "Mouse: click a link or a bias (the small square) to edit it; click the output to draw points when Draw points is on."));
    root.classList.toggle(`${NS}-drawing`, !!drawClass);
    root.replaceChildren(top, h("div", { class: "main" }, data, netCol, out), msg, port, help);
    drawPoints();
    draw();
  }
  const layerText = (c) => `${c.hidden.length} hidden layer${c.hidden.length === 1 ? "" : "s"}`;
  // a config change updates the controls in place (focus and a dragged slider stay); only a new network
  // shape redraws the diagram, only a new problem type rebuilds the whole widget
  function refresh(prev) {
    const c = sim.cfg;
    if (!ctl.sets || !prev || isRegression(prev.dataset) !== isRegression(c.dataset)) { build(); return; }
    for (const k of ["learning_rate", "activation", "regularization", "reg_rate"]) ctl[k].value = String(c[k]);
    ctl.problem.value = problemOf(c.dataset);
    ctl.preset.value = presetName();
    for (const [k, { input, b, shown, toValue }] of Object.entries(ctl.ranges)) {
      input.value = String(toValue ? Math.round(c[k] * 100) : c[k]);
      b.textContent = shown(c[k]); input.setAttribute("aria-valuetext", shown(c[k]));
    }
    for (const k of ["data_seed", "init_seed"]) if (String(ctl[k].value) !== String(c[k] ?? "")) ctl[k].value = c[k] ?? "";
    for (const cv of ctl.sets) { const on = cv.dataset.dataset === c.dataset && !custom(); cv.classList.toggle(`${NS}-selected`, on); cv.setAttribute("aria-pressed", String(on)); }
    if (JSON.stringify(prev.features) !== JSON.stringify(c.features) || JSON.stringify(prev.hidden) !== JSON.stringify(c.hidden) || prev.activation !== c.activation) {
      const old = svg;
      keepFocus(() => old.replaceWith(buildNetwork(c)));
      ctl.layerCount.textContent = layerText(c);
    }
    ctl.note.textContent = noteText();
    drawPoints(); draw();
  }
  function relayout() {
    if (!svg || !svg.isConnected) return;
    const w = Math.round(svg.parentNode.clientWidth);
    if (w > 0 && Math.abs(w - netWidth) > 4) {
      netWidth = w;
      const old = svg;
      keepFocus(() => old.replaceWith(buildNetwork(sim.cfg)));
      draw();
    }
  }
  const resize = typeof ResizeObserver === "function" ? new ResizeObserver(() => relayout()) : null;
  if (resize) resize.observe(root);

  function draw() {
    const c = sim.cfg, maps = gridMaps(sim), feats = inputMaps(), last = sim.layers.length;
    maps[0] = feats;
    // the big heatmap: the output, or the neuron under the mouse (or focus)
    let big = maps[last][0];
    if (selected && selected.feature !== undefined) big = feats[selected.feature];
    else if (selected && maps[selected.layer]) big = maps[selected.layer][selected.index];
    paint(heat, big, DENSITY, discretize, 160);
    const shows = selected ? (selected.feature !== undefined ? FEATURES[selected.feature] : `${selected.layer}:${selected.index}`) : "output";
    heat.dataset.shows = shows;
    // node heatmaps, painted in place: the inputs' only when their canvas is new or Discretize changed
    for (const { img, layer, index } of nodeImgs) {
      if (layer === 0) {
        if (img.dataset.painted === String(discretize)) continue;
        img.dataset.painted = String(discretize);
        paint(img, feats[index], DENSITY / REDUCE, discretize, 255);
      } else paint(img, maps[layer][index], DENSITY / REDUCE, discretize, 255);
    }
    for (const { el, l, i, j } of linkEls) {
      const w = sim.layers[l].kernel[i][j] ?? 0, dead = !!sim.layers[l].dead?.[i]?.[j]; // cut by L1, as in nn.ts
      el.setAttribute("data-weight", String(w));
      el.classList.toggle(`${NS}-dead`, dead);
      el.style.stroke = rgb(w); el.style.strokeWidth = linkWidth(w);
    }
    for (const { el, l, j } of biasEls) { const b = sim.layers[l].bias[j]; el.setAttribute("data-bias", String(b)); el.style.fill = rgb(b); }
    // losses (rows updated in place) and chart (TF: y from the smallest to the largest value shown)
    const fmt = (v) => (Number.isFinite(v) ? v.toFixed(3) : "–");
    const put = (cls, text, value) => { const e = lossEls[cls]; if (!e) return; if (e.textContent !== text) e.textContent = text; e.dataset.value = value; };
    put("test-loss", fmt(sim.lossTest), sim.lossTest); put("train-loss", fmt(sim.lossTrain), sim.lossTrain);
    const accuracy = !isRegression(c.dataset) && sim.test.length ? sim.accuracy() : NaN;
    put("accuracy", Number.isFinite(accuracy) ? `${(100 * accuracy).toFixed(1)}%` : "–", accuracy);
    const g = chart.getContext("2d"), W = chart.width, H = chart.height, hist = sim.history, cs = getComputedStyle(root);
    g.clearRect(0, 0, W, H);
    const all = [...hist.train, ...hist.test].filter(Number.isFinite), lo = Math.min(...all), hi = Math.max(...all), n = hist.test.length;
    for (const [series, col] of [[hist.train, cs.getPropertyValue("--pg-train") || "#777"], [hist.test, cs.getPropertyValue("--pg-test") || "#000"]]) {
      g.beginPath(); g.strokeStyle = col.trim(); g.lineWidth = 2;
      series.forEach((v, i) => g[i ? "lineTo" : "moveTo"]((n > 1 ? i / (n - 1) : 0) * W, H - 3 - (hi > lo ? (v - lo) / (hi - lo) : 0.5) * (H - 6)));
      g.stroke();
    }
    chart.dataset.min = lo; chart.dataset.max = hi;
    // text alternatives of the canvases: what they show, with the current numbers
    const losses = `test loss ${fmt(sim.lossTest)}, training loss ${fmt(sim.lossTrain)}`;
    heat.setAttribute("aria-label", `Heatmap of ${shows === "output" ? "the network's output" : selected.feature !== undefined ? `input ${shows}` : `neuron ${selected.index + 1} of layer ${selected.layer}`} over x1, x2 from −6 to 6 (blue positive, orange negative), epoch ${sim.epoch}: ${losses}`);
    chart.setAttribute("aria-label", `Loss curves over ${n} point${n === 1 ? "" : "s"} (epochs): ${losses}`);
    const ep = root.querySelector(`.${NS}-epoch`);
    if (ep) { ep.textContent = epochText(sim.epoch); ep.dataset.value = sim.epoch; }
    if (msg.textContent !== message) msg.textContent = message;
  }

  // a new view of a trained widget shows its weights, epoch and losses; a fresh one starts from the seeds
  if (custom()) usePoints(sim, points, false);
  const adopted = adoptModelState();
  build();
  if (adopted !== true) sync();
  firstOnPage(model).catch(() => false).then((first) => { // a shared link (#dataset=...&hidden=...) sets the first playground's config
    owner = first; root.dataset.hash = first ? "owner" : "no";
    if (first) { // the view's switches from the link (Show test data, Discretize)
      const flags = hashToViewFlags(location.hash);
      if (flags.show_test !== showTest || flags.discretize !== discretize) setView(flags); // onView shows them
    }
    const fromHash = first && hashToConfig(location.hash);
    if (!fromHash || JSON.stringify(fromHash) === JSON.stringify(sim.cfg)) return;
    const errs = checkConfig(fromHash);
    if (errs.length) setMessage("URL: " + errs.join("; ")); else { model.set("weights", []); model.set("config", fromHash); model.save_changes(); }
  });
  return () => {
    running = false;
    if (frame) cancelAnimationFrame(frame);
    if (resize) resize.disconnect();
    for (const [ev, fn] of Object.entries(listeners)) model.off(ev, fn);
  };
}

export default { render };
