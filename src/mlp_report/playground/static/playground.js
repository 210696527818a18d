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
const oneOf = (k, v, list) => (list.includes(v) ? null : `${k}=${JSON.stringify(v)} is invalid: expected one of ${list.join(", ")}`);
const intIn = (k, v, lo, hi) => (Number.isInteger(v) && v >= lo && v <= hi ? null : `${k}=${JSON.stringify(v)} is invalid: expected an integer from ${lo} to ${hi}`);
/** Messages for every invalid key of a config (the same rules as mlp_report.widget.validate_config). */
export function checkConfig(c) {
  const e = Object.keys(c).filter((k) => !(k in DEFAULT_CONFIG)).map((k) => `unknown config key ${JSON.stringify(k)}`);
  e.push(oneOf("dataset", c.dataset, DATASETS), oneOf("activation", c.activation, ACTIVATIONS),
    oneOf("regularization", c.regularization, REGULARIZATIONS), intIn("batch_size", c.batch_size, 1, 30),
    intIn("data_seed", c.data_seed, 0, 4294967295), c.init_seed === null ? null : intIn("init_seed", c.init_seed, 0, 4294967295));
  if (!(typeof c.noise === "number" && c.noise >= 0 && c.noise <= 50)) e.push(`noise=${c.noise} is invalid: expected a number from 0 to 50`);
  if (!(typeof c.ratio === "number" && c.ratio > 0 && c.ratio < 1)) e.push(`ratio=${c.ratio} is invalid: expected a fraction in (0, 1)`);
  if (!(typeof c.learning_rate === "number" && c.learning_rate > 0)) e.push(`learning_rate=${c.learning_rate} is invalid: expected a number > 0`);
  if (!(typeof c.reg_rate === "number" && c.reg_rate >= 0)) e.push(`reg_rate=${c.reg_rate} is invalid: expected a number >= 0`);
  if (!Array.isArray(c.features) || !c.features.length || c.features.some((f) => !FEATURES.includes(f)) || new Set(c.features).size !== c.features.length)
    e.push(`features=${JSON.stringify(c.features)} is invalid: expected distinct names from ${FEATURES.join(", ")}`);
  if (!Array.isArray(c.hidden) || c.hidden.length > 6 || c.hidden.some((h) => !Number.isInteger(h) || h < 1 || h > 8))
    e.push(`hidden=${JSON.stringify(c.hidden)} is invalid: expected 0 to 6 layers of 1 to 8 neurons`);
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

// ------------------------------------------------------------------------------------------------------
// The view (DOM only from here on)
// ------------------------------------------------------------------------------------------------------
const CSS = `.pg{font:13px/1.35 system-ui,sans-serif;color:#333;display:grid;grid-template-columns:190px 198px 270px;gap:8px;align-items:start}
.pg .bar{grid-column:1/-1;display:flex;gap:6px;align-items:center;flex-wrap:wrap}.pg .wide{grid-column:1/-1}
.pg fieldset{border:1px solid #ddd;border-radius:6px;padding:2px 8px 6px;margin:0 0 6px}.pg legend{font-weight:600;font-size:12px;padding:0 3px;margin:0;width:auto;float:none}
.pg label{display:block;margin:2px 0}.pg .pgr{display:flex;gap:4px;align-items:center}.pg input[type=range]{width:86px;vertical-align:middle}
.pg button{font:inherit;width:auto;padding:1px 8px;border:1px solid #999;border-radius:4px;background:#f6f6f6;color:#333;cursor:pointer}
.pg button.play{background:#0877bd;color:#fff;border-color:#0877bd;min-width:64px}.pg canvas{border:1px solid #ccc;display:block}
.pg .readout{font-size:12px}.pg .readout b{font-variant-numeric:tabular-nums}.pg select{font:inherit;max-width:100%}
.pg .thumbs{margin-top:4px}.pg .thumbs canvas{margin:1px}
.pg textarea{width:100%;height:50px;font:11px monospace;box-sizing:border-box}.pg .msg{color:#b00}.pg input[type=number]{width:95px}`;
const COLORS = [[245, 147, 34], [232, 234, 235], [8, 119, 189]];
function color(v) { // -1 orange, 0 grey, +1 blue
  v = Math.max(-1, Math.min(1, v));
  const [a, b] = v < 0 ? [COLORS[1], COLORS[0]] : [COLORS[1], COLORS[2]], t = Math.abs(v);
  return a.map((c, i) => Math.round(c + (b[i] - c) * t));
}
function h(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  e.append(...kids);
  return e;
}
const select = (cls, options, value, on) => {
  const s = h("select", { class: cls, onchange: () => on(s.value) },
    ...options.map(([v, text]) => h("option", { value: String(v) }, String(text))));
  s.value = String(value);
  return s;
};

function render({ model, el }) {
  const sim = new Simulation(model.get("config"));
  let running = false, frame = null, lastSync = 0, sent = null, message = "", ioText = "";
  const HEAT = 100, SIZE = 268;
  const root = h("div", { class: "pg" }), style = h("style", {}, CSS);
  el.append(style, root);

  // Write config changes to the model; the change:config listener applies them to the simulation.
  const setConfig = (patch) => { model.set("config", { ...sim.cfg, ...patch }); model.save_changes(); };
  const sync = () => {
    sent = copyLayers(sim.layers);
    model.set("weights", sent); model.set("epoch", sim.epoch);
    model.set("losses", { train: sim.history.train.slice(), test: sim.history.test.slice() });
    model.save_changes(); lastSync = Date.now();
  };
  const loadWeights = (w, epoch) => {
    const err = checkWeights(w, sizesOf(sim.cfg));
    if (err) { message = err; return false; }
    sim.setWeights(w, epoch); return true;
  };
  const onConfig = () => {
    const errs = checkConfig({ ...DEFAULT_CONFIG, ...model.get("config") });
    if (errs.length) { message = errs.join("; "); build(); return; }
    sim.setConfig(model.get("config"));
    const w = model.get("weights"); // weights set together with the config (import) are loaded after it
    if (w !== sent && w && w.length && !checkWeights(w, sizesOf(sim.cfg))) sim.setWeights(w, model.get("epoch"));
    message = ""; build(); sync();
  };
  const onWeights = () => {
    const w = model.get("weights");
    if (w === sent || !w || !w.length) return;
    if (loadWeights(w, model.get("epoch"))) message = "";
    build();
  };
  model.on("change:config", onConfig);
  model.on("change:weights", onWeights);

  const play = (on) => {
    running = on;
    if (running && !frame) frame = requestAnimationFrame(tick);
    if (!running) sync();
    playBtn.textContent = running ? "Pause" : "Play";
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

  let heat, chart, readout, thumbs, playBtn, msg;
  function build() { // (re)create the controls from the current config
    const c = sim.cfg, presets = Object.fromEntries((model.get("presets") || []).map((p) => [p.name, p.config]));
    const presetName = Object.keys(presets).find((k) => JSON.stringify({ ...DEFAULT_CONFIG, ...presets[k] }) === JSON.stringify(c)) || "";
    playBtn = h("button", { class: "play", onclick: () => play(!running) }, running ? "Pause" : "Play");
    const top = h("div", { class: "bar" },
      h("span", {}, "Preset "), select("preset", [["", "(custom)"], ...Object.keys(presets).map((k) => [k, k])], presetName, (v) => {
        if (!presets[v]) return;
        play(false);
        const next = { ...DEFAULT_CONFIG, ...presets[v] };
        if (JSON.stringify(next) === JSON.stringify(sim.cfg)) { sim.reset(); sync(); draw(); } // same config: restart it
        else { model.set("config", next); model.save_changes(); }
      }),
      playBtn,
      h("button", { class: "step", onclick: () => { sim.step(); sync(); draw(); } }, "Step"),
      h("button", { class: "reset", title: "Same seeds: same data and same initial weights", onclick: () => { play(false); sim.reset(); sync(); draw(); } }, "Reset"),
      h("span", {}, " Speed "), select("speed", [1, 5, 20, 100].map((v) => [v, `${v} epoch${v > 1 ? "s" : ""}/frame`]),
        model.get("speed") || 1, (v) => { model.set("speed", +v); model.save_changes(); }));
    const num = (key, empty) => h("input", { type: "number", class: key, min: 0, max: 4294967295, value: c[key] ?? "",
      placeholder: empty || "", onchange: (e) => {
        const t = e.target.value.trim(), v = Math.round(+t);
        if (t === "" && empty) setConfig({ [key]: null }); else if (t !== "" && v >= 0 && v <= 4294967295) setConfig({ [key]: v }); else build();
      } });
    const range = (key, lo, hi, stepv, fmt, map = (v) => v) => h("label", {}, `${key.replace("_", " ")} `,
      h("input", { type: "range", class: key, min: lo, max: hi, step: stepv, value: c[key] / (map(1) || 1),
        onchange: (e) => setConfig({ [key]: map(+e.target.value) }) }), ` ${fmt(c[key])}`);
    const rand = () => Math.floor(Math.random() * 2 ** 31);
    const data = h("fieldset", {}, h("legend", {}, "Data"),
      select("dataset", DATASETS.map((d) => [d, d]), c.dataset, (v) => setConfig({ dataset: v })),
      range("noise", 0, 50, 5, (v) => v), range("ratio", 10, 90, 10, (v) => `${Math.round(v * 100)} %`, (v) => v / 100),
      range("batch_size", 1, 30, 1, (v) => v),
      h("label", {}, "data seed ", num("data_seed")),
      h("label", { title: "Empty: the weights continue the data's random stream, as in the chapter" }, "init seed ", num("init_seed", "stream")),
      h("button", { class: "reseed", title: "New initial weights", onclick: () => setConfig({ init_seed: rand() }) }, "Reseed"), " ",
      h("button", { class: "regen", title: "New data", onclick: () => setConfig({ data_seed: rand() }) }, "New data"));
    const feats = h("fieldset", {}, h("legend", {}, "Features"), ...FEATURES.map((f) => {
      const box = h("input", { type: "checkbox", class: "feature", "data-feature": f, onchange: () => {
        const next = FEATURES.filter((g) => (g === f ? box.checked : c.features.includes(g)));
        if (next.length) setConfig({ features: next }); else build();
      } });
      box.checked = c.features.includes(f);
      return h("label", {}, box, " " + f);
    }));
    const hid = c.hidden, layerRow = (i) => h("div", { class: "pgr" }, `layer ${i + 1}: ${hid[i]} `,
      h("button", { class: "less", onclick: () => hid[i] > 1 && setConfig({ hidden: hid.map((v, k) => (k === i ? v - 1 : v)) }) }, "−"),
      h("button", { class: "more", onclick: () => hid[i] < 8 && setConfig({ hidden: hid.map((v, k) => (k === i ? v + 1 : v)) }) }, "+"));
    const net = h("fieldset", {}, h("legend", {}, "Network"),
      h("div", { class: "pgr" }, `hidden layers: ${hid.length} `,
        h("button", { class: "remove-layer", onclick: () => hid.length && setConfig({ hidden: hid.slice(0, -1) }) }, "−"),
        h("button", { class: "add-layer", onclick: () => hid.length < 6 && setConfig({ hidden: [...hid, 2] }) }, "+")),
      ...hid.map((_, i) => layerRow(i)),
      h("label", {}, "learning rate ", select("learning_rate", LEARNING_RATES.map((v) => [v, v]), c.learning_rate, (v) => setConfig({ learning_rate: +v }))),
      h("label", {}, "activation ", select("activation", ACTIVATIONS.map((v) => [v, v]), c.activation, (v) => setConfig({ activation: v }))),
      h("label", {}, "regularization ", select("regularization", REGULARIZATIONS.map((v) => [v, v]), c.regularization, (v) => setConfig({ regularization: v }))),
      h("label", {}, "rate ", select("reg_rate", REG_RATES.map((v) => [v, v]), c.reg_rate, (v) => setConfig({ reg_rate: +v }))));
    const io = h("textarea", { class: "json", placeholder: "Export writes the config and weights here; paste JSON and press Import",
      oninput: () => { ioText = io.value; } });
    io.value = ioText;
    const port = h("fieldset", {}, h("legend", {}, "Export / import"),
      h("div", { class: "pgr" },
        h("button", { class: "export", onclick: () => {
          io.value = ioText = JSON.stringify({ format: "mlp-report-playground", version: 1, config: sim.cfg, epoch: sim.epoch, weights: sim.layers });
          const a = h("a", { href: URL.createObjectURL(new Blob([io.value], { type: "application/json" })), download: "playground.json" });
          a.click(); setTimeout(() => URL.revokeObjectURL(a.href), 1000);
        } }, "Export JSON"),
        h("button", { class: "import", onclick: () => {
          let s;
          try { s = JSON.parse(io.value); } catch (err) { message = `import: not valid JSON (${err.message})`; build(); return; }
          const cfg = { ...DEFAULT_CONFIG, ...(s && s.config) }, errs = s && s.config ? checkConfig(cfg) : ["import: no \"config\" in the JSON"];
          const werr = errs.length ? null : checkWeights(s.weights, sizesOf(cfg));
          if (errs.length || werr) { message = errs.concat(werr || []).join("; "); build(); return; }
          // config first (rebuilds the data and network), then the weights, which the change:weights listener loads
          play(false); model.set("config", cfg); model.set("epoch", s.epoch || 0); model.set("weights", s.weights); model.save_changes();
        } }, "Import JSON")), io);
    heat = h("canvas", { class: "heatmap", width: SIZE, height: SIZE });
    chart = h("canvas", { class: "loss-chart", width: SIZE, height: 70 });
    readout = h("div", { class: "readout" });
    thumbs = h("div", { class: "thumbs" });
    msg = h("div", { class: "msg" }, message);
    root.replaceChildren(top, h("div", {}, data, feats), h("div", {}, net),
      h("div", {}, readout, heat, chart, thumbs), h("div", { class: "wide" }, msg, port));
    draw();
  }

  function draw() {
    const c = sim.cfg, L = sim.layers, act = outputActivation(c.dataset), nHidden = c.hidden.reduce((a, b) => a + b, 0);
    const ctx = heat.getContext("2d"), img = ctx.createImageData(HEAT, HEAT), T = 24;
    const tImgs = c.hidden.map((n) => Array.from({ length: n }, () => new ImageData(T, T)));
    for (let r = 0; r < HEAT; r++) for (let q = 0; q < HEAT; q++) {
      const x = -DOMAIN + (2 * DOMAIN * q) / (HEAT - 1), y = DOMAIN - (2 * DOMAIN * r) / (HEAT - 1);
      const { outs } = forward(L, featurize(x, y, c.features), c.activation, act);
      const [R, G, B] = color(outs[L.length][0]), k = 4 * (r * HEAT + q);
      img.data.set([R, G, B, 255], k);
      if (nHidden && r % 4 === 0 && q % 4 === 0) { // per-neuron thumbnails at a quarter of the resolution
        const k2 = 4 * ((r / 4 | 0) * T + (q / 4 | 0));
        if (r / 4 < T && q / 4 < T) c.hidden.forEach((n, l) => outs[l + 1].forEach((v, j) => tImgs[l][j].data.set([...color(v), 255], k2)));
      }
    }
    // scale the 100x100 image up to the canvas
    const off = h("canvas", { width: HEAT, height: HEAT }); off.getContext("2d").putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = true; ctx.drawImage(off, 0, 0, SIZE, SIZE);
    const px = (v) => ((v + DOMAIN) / (2 * DOMAIN)) * SIZE;
    for (const [pts, stroke] of [[sim.train, "#fff"], [sim.test, "#000"]]) for (const [x, y, label] of pts) {
      const [R, G, B] = color(label);
      ctx.beginPath(); ctx.arc(px(x), SIZE - px(y), 3, 0, 2 * PI);
      ctx.fillStyle = `rgb(${R},${G},${B})`; ctx.fill(); ctx.strokeStyle = stroke; ctx.lineWidth = 1; ctx.stroke();
    }
    // loss chart: training (grey) and test (black) over the epochs
    const g = chart.getContext("2d"), W = chart.width, H = chart.height, hist = sim.history;
    g.clearRect(0, 0, W, H);
    const top = Math.max(...hist.train, ...hist.test, 1e-9), n = hist.test.length;
    for (const [series, col] of [[hist.train, "#999"], [hist.test, "#000"]]) {
      g.beginPath(); g.strokeStyle = col;
      series.forEach((v, i) => g[i ? "lineTo" : "moveTo"]((n > 1 ? i / (n - 1) : 0) * W, H - 2 - (v / top) * (H - 4)));
      g.stroke();
    }
    readout.replaceChildren("Epoch ", h("b", { class: "epoch" }, String(sim.epoch).padStart(4, "0")),
      " · Test loss ", h("b", { class: "test-loss", "data-value": sim.lossTest }, sim.lossTest.toFixed(3)),
      " · Training loss ", h("b", { class: "train-loss", "data-value": sim.lossTrain }, sim.lossTrain.toFixed(3)),
      ...(isRegression(c.dataset) ? [] : [" · Test accuracy ", h("b", { class: "accuracy" }, `${(100 * sim.accuracy()).toFixed(1)} %`)]));
    thumbs.replaceChildren(...tImgs.map((layer) => h("div", { class: "pgr" }, ...layer.map((im) => {
      const src = h("canvas", { width: T, height: T }), cv = h("canvas", { width: 32, height: 32 });
      src.getContext("2d").putImageData(im, 0, 0); cv.getContext("2d").drawImage(src, 0, 0, 32, 32); return cv;
    }))));
    msg.textContent = message;
  }

  build();
  sync();
  return () => { running = false; if (frame) cancelAnimationFrame(frame); model.off("change:config", onConfig); model.off("change:weights", onWeights); };
}

export default { render };
