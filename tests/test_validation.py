"""nan, inf and -inf are refused by every float check, with the usual message naming the parameter."""

from __future__ import annotations

import math

import pytest

from mlp_report.sweeps import RunConfig, run_sweep
from mlp_report.validation import ConfigError, require_float, require_known_keys, suggestion

NON_FINITE = [math.nan, math.inf, -math.inf]


@pytest.mark.parametrize("value", NON_FINITE)
def test_require_float_refuses_non_finite_values(value):
    with pytest.raises(ConfigError, match=rf"^x={value!r} is invalid: expected a finite number > 0\.$"):
        require_float("x", value, positive=True)
    with pytest.raises(ConfigError, match=rf"^x={value!r} is invalid: expected a finite number >= 0.0 and < 1.0\.$"):
        require_float("x", value, minimum=0.0, below=1.0)
    with pytest.raises(ConfigError, match=rf"^x={value!r} is invalid: expected a finite number\.$"):
        require_float("x", value)


def test_finite_values_keep_todays_message():
    assert require_float("x", 1e300) == 1e300
    with pytest.raises(ConfigError, match=r"^x=0 is invalid: expected a number > 0\.$"):
        require_float("x", 0, positive=True)


@pytest.mark.parametrize("value", NON_FINITE)
@pytest.mark.parametrize("field", ["learning_rate", "l2", "dropout"])
def test_run_config_refuses_non_finite_fields(field, value):
    with pytest.raises(ConfigError, match=rf"^{field}={value!r} is invalid: expected a finite number"):
        RunConfig.make(**{field: value})
    with pytest.raises(ConfigError, match=rf"^class_weight\[3\]={value!r} is invalid: expected a finite number > 0"):
        RunConfig.make(class_weight={3: value})


def test_run_sweep_refuses_before_anything_runs(tmp_path):
    def never(config, seed):
        raise AssertionError("trained")

    with pytest.raises(ConfigError, match="learning_rate=inf is invalid: expected a finite number > 0"):
        run_sweep([{"learning_rate": math.inf}], seeds=1, cache_dir=tmp_path, executor=None, runner=never)


@pytest.mark.parametrize("value", NON_FINITE)
def test_playground_arguments_refuse_non_finite_values(value):
    from mlp_report import playground as pg
    from mlp_report.playground.widget import validate_config

    with pytest.raises(ConfigError, match=rf"^noise={value!r} is invalid: expected a finite number"):
        pg.check_noise(value)
    with pytest.raises(ConfigError, match=rf"^ratio={value!r} is invalid: expected a finite number"):
        pg.split_index(500, value)
    for key in ("learning_rate", "reg_rate", "ratio", "noise"):
        with pytest.raises(ConfigError, match=rf"^{key}={value!r} is invalid: expected a finite number"):
            validate_config({key: value})


def test_unknown_keys_get_a_did_you_mean():
    assert suggestion("lerning_rate", ["learning_rate", "epochs"]) == " (did you mean 'learning_rate'?)"
    assert suggestion("zzz", ["learning_rate"]) == ""
    with pytest.raises(ConfigError, match=r"config has an unknown key 'batchsize' \(did you mean 'batch_size'\?\): allowed keys are"):
        require_known_keys("config", ["batchsize"], ["batch_size", "epochs"])
