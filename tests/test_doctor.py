"""siamlab.doctor: each finding code raised by its planted bug and absent on healthy models (plain torch and
Keras models that share no code with siamlab, tests/doctor_zoo.py), in both frameworks; the report; and
that diagnose changes nothing in the user's model, optimizer or RNG state."""

from __future__ import annotations

import functools
import json

import doctor_zoo
import numpy as np
import pytest
from conftest import run_python

from siamlab.doctor import CAUSE_ORDER, Finding, Report, diagnose

PLANTED = [
    "IDENTICAL_INPUTS",
    "CONSTANT_OUTPUT",
    "EMBEDDING_COLLAPSE",
    "LOSS_SHAPE_BROADCAST",
    "LOSS_IGNORES_LABELS",
    "OUTPUT_ACTIVATION_MISMATCH",
    "OUTPUT_ACTIVATION_MISMATCH_sigmoid",
    "LEARNING_RATE_TOO_SMALL",
    "LEARNING_RATE_TOO_LARGE",
    "DEAD_GRADIENTS",
    "CANNOT_OVERFIT_ONE_BATCH",
    "NAN_RISK_SQRT_AT_ZERO",
    "REGULARIZATION_IGNORED",
    "INVERTED_METRIC",
    "UNNORMALIZED_INPUT",
    "UNSHUFFLED_PAIRS",
    "LOSS_AT_INIT_UNEXPECTED",
]
HEALTHY = ["healthy_mlp", "healthy_cnn", "healthy_mlp_sgd", "healthy_pair_logit", "healthy_pair_sigmoid",
           "healthy_distance_head"]
TORCH_ONLY = ["healthy_cnn_max"]  # a plain CNN with global max pooling, the slowest healthy fit measured
FRAMEWORKS = ["torch", "tf"]


def setups(framework: str) -> dict:
    return doctor_zoo.torch_setups() if framework == "torch" else doctor_zoo.tf_setups()


@functools.cache
def report_for(framework: str, name: str) -> Report:
    return diagnose(**setups(framework)[name]())


def test_import_siamlab_doctor_loads_no_framework():
    code = (
        "import sys; import siamlab.doctor, siamlab.doctor.checks, siamlab.doctor.probes, "
        "siamlab.doctor.report, siamlab.doctor.tracks; "
        "print('torch' in sys.modules, 'tensorflow' in sys.modules, 'keras' in sys.modules)"
    )
    assert run_python(code).stdout.split() == ["False", "False", "False"]


@pytest.mark.parametrize("framework", FRAMEWORKS)
@pytest.mark.parametrize("planted", PLANTED)
def test_a_planted_bug_raises_its_code(framework, planted):
    code = planted.removesuffix("_sigmoid")
    report = report_for(framework, planted)
    severities = {f.code: f.severity for f in report.findings}
    assert severities.get(code) in ("error", "warning"), report.to_text()


@pytest.mark.parametrize(("framework", "healthy"),
                         [(f, h) for f in FRAMEWORKS for h in HEALTHY] + [("torch", h) for h in TORCH_ONLY])
def test_a_healthy_model_gets_no_warning_and_no_error(framework, healthy):
    report = report_for(framework, healthy)
    assert report.ok, report.to_text()
    assert report.measurements["probe_errors"] == {}


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_distance_head_starting_negative_gets_a_note_and_a_positive_one_none(framework):
    inverted = report_for(framework, "HEAD_STARTS_INVERTED")
    assert [(f.code, f.severity) for f in inverted.findings if f.code == "HEAD_STARTS_INVERTED"] == [
        ("HEAD_STARTS_INVERTED", "note")]
    assert inverted.measurements["identical_pair_quantile"] == 1.0
    healthy = report_for(framework, "healthy_distance_head")
    assert "HEAD_STARTS_INVERTED" not in healthy.codes
    assert healthy.measurements["identical_pair_quantile"] == 0.0


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_identical_inputs_is_named_as_the_root_cause(framework):
    assert report_for(framework, "IDENTICAL_INPUTS").findings[0].code == "IDENTICAL_INPUTS"


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_loss_blind_to_the_outputs_ranks_dead_gradients_above_the_label_finding_it_explains(framework):
    blind = report_for(framework, "loss_ignores_outputs")  # the loss reads e1 where e2 belongs
    assert blind.measurements["output_effect"] == 0.0
    assert blind.codes[:2] == ["DEAD_GRADIENTS", "LOSS_IGNORES_LABELS"]
    dead, labels = blind.findings[:2]
    assert dead.severity == "error" and dead.evidence["loss_output_effect"] == 0.0
    assert "does not use the model's outputs" in dead.explanation
    assert labels.evidence["explained_by"] == "DEAD_GRADIENTS" and labels.fix.startswith("Fix DEAD_GRADIENTS")
    # the rule leaves alone a loss that reads the outputs but not the labels, a dead model with a working
    # loss, and a healthy setup
    label_free = report_for(framework, "LOSS_IGNORES_LABELS")
    assert label_free.codes[0] == "LOSS_IGNORES_LABELS" and label_free.measurements["output_effect"] > 1
    assert "explained_by" not in label_free.findings[0].evidence
    dead_model = report_for(framework, "DEAD_GRADIENTS")
    assert dead_model.codes[0] == "DEAD_GRADIENTS" and "LOSS_IGNORES_LABELS" not in dead_model.codes
    assert "loss_output_effect" not in dead_model.findings[0].evidence
    healthy = report_for(framework, "healthy_mlp")
    assert healthy.ok and healthy.measurements["output_effect"] > 1


def test_an_explained_finding_ranks_directly_below_the_one_that_explains_it():
    labels = Finding("LOSS_IGNORES_LABELS", "error", {"label_effect": 0.0}, "why", "fix")
    dead = Finding("DEAD_GRADIENTS", "error", {"dead_share": 1.0}, "why", "fix")
    fit = Finding("CANNOT_OVERFIT_ONE_BATCH", "error", {}, "why", "fix")
    rate = Finding("LEARNING_RATE_TOO_SMALL", "warning", {}, "why", "fix")
    assert Report("torch", "encoder", [fit, dead, labels, rate]).codes == [
        "LOSS_IGNORES_LABELS", "LEARNING_RATE_TOO_SMALL", "DEAD_GRADIENTS", "CANNOT_OVERFIT_ONE_BATCH"]
    explained = Finding("LOSS_IGNORES_LABELS", "error", {"label_effect": 0.0,
                                                         "explained_by": "DEAD_GRADIENTS"}, "why", "fix")
    assert Report("torch", "encoder", [fit, dead, explained, rate]).codes == [
        "LEARNING_RATE_TOO_SMALL", "DEAD_GRADIENTS", "LOSS_IGNORES_LABELS", "CANNOT_OVERFIT_ONE_BATCH"]


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_history_parked_at_the_baseline_is_flagged_and_a_falling_one_is_not(framework):
    setup = setups(framework)["healthy_mlp"]()
    parked = diagnose(**setup, history=[0.31, 0.2512, 0.2505, 0.2502, 0.2501])
    falling = diagnose(**setups(framework)["healthy_mlp"](), history=[0.31, 0.2, 0.12, 0.07, 0.05])
    assert "LOSS_AT_CONSTANT_BASELINE" in parked.codes
    assert "LOSS_AT_CONSTANT_BASELINE" not in falling.codes and falling.ok


def test_diagnose_changes_nothing_in_a_torch_setup():
    import torch

    setup = doctor_zoo.torch_setups()["healthy_pair_logit"]()
    model, optimizer = setup["model"], setup["optimizer"]
    x1, x2, y = (torch.as_tensor(v) for v in setup["pairs"][0])
    optimizer.zero_grad()
    torch.nn.functional.binary_cross_entropy_with_logits(model(x1, x2), y).backward()
    optimizer.step()  # the optimizer now has state (Adam moments) to protect
    model.train(False)
    weights = {k: v.clone() for k, v in model.state_dict().items()}
    opt_state = {
        i: {k: v.clone() if torch.is_tensor(v) else v for k, v in s.items()}
        for i, s in enumerate(optimizer.state.values())
    }
    rng, np_rng, threads = torch.get_rng_state(), np.random.get_state()[1].copy(), torch.get_num_threads()
    grads = [p.grad.clone() for p in model.parameters()]
    diagnose(**setup)
    assert all(torch.equal(v, model.state_dict()[k]) for k, v in weights.items())
    assert all(torch.equal(g, p.grad) for g, p in zip(grads, model.parameters()))
    assert model.training is False
    for i, s in enumerate(optimizer.state.values()):
        assert all(torch.equal(v, s[k]) if torch.is_tensor(v) else v == s[k] for k, v in opt_state[i].items())
    assert optimizer.param_groups[0]["lr"] == 1e-3
    assert torch.equal(rng, torch.get_rng_state()) and np.array_equal(np_rng, np.random.get_state()[1])
    assert torch.get_num_threads() == threads


def test_diagnose_changes_nothing_in_a_keras_setup():
    import keras
    import tensorflow as tf

    setup = doctor_zoo.tf_setups()["healthy_mlp"]()
    model, optimizer = setup["model"], setup["optimizer"]
    x1, x2, y = setup["pairs"][0]
    with tf.GradientTape() as tape:
        loss = setup["loss_fn"](model(x1), model(x2), tf.constant(y))
    optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
    keras.random.uniform((1,))  # creates Keras' global seed generator, whose state must come back
    seed_state = keras.src.backend.common.global_state.get_global_attribute(
        "global_seed_generator"
    ).state.numpy()
    weights = [v.numpy().copy() for v in model.variables]
    opt_vars = [v.numpy().copy() for v in optimizer.variables]
    np_rng = np.random.get_state()[1].copy()
    diagnose(**setup)
    assert all(np.array_equal(a, v.numpy()) for a, v in zip(weights, model.variables))
    assert len(opt_vars) == len(optimizer.variables)
    assert all(np.array_equal(a, v.numpy()) for a, v in zip(opt_vars, optimizer.variables))
    state = keras.src.backend.common.global_state.get_global_attribute("global_seed_generator").state.numpy()
    assert np.array_equal(seed_state, state) and np.array_equal(np_rng, np.random.get_state()[1])


def test_an_ambiguous_forward_asks_for_model_kind():
    from torch import nn

    class Anything(nn.Module):
        def forward(self, *inputs):
            return inputs[0]

    with pytest.raises(ValueError, match="pass model_kind='encoder', 'pair' or 'embeddings'"):
        diagnose(Anything(), doctor_zoo.pair_batches("torch"), lambda e1, e2, y: 0.0)


def test_a_model_of_no_known_framework_is_a_type_error():
    with pytest.raises(TypeError, match="torch.nn.Module or a keras.Model, got builtins.dict"):
        diagnose({}, [], None)


def test_pairs_with_mismatched_shapes_name_expected_and_got():
    from torch import nn

    x = np.zeros((4, 1, 16, 16), np.float32)
    with pytest.raises(
        ValueError,
        match=r"pairs\[0\]: expected x1 and x2 of one shape .* got \(4, 1, 16, 16\), "
        r"\(3, 1, 16, 16\) and \(4,\)",
    ):
        diagnose(nn.Flatten(), [(x, x[:3], np.zeros(4))], lambda e1, e2, y: 0.0)


def test_the_report_orders_causes_before_symptoms_and_renders_three_ways():
    symptom = Finding("CONSTANT_OUTPUT", "error", {"output_std": 0.0}, "why", "fix")
    cause = Finding("IDENTICAL_INPUTS", "error", {"identical_share": 1.0}, "why", "fix")
    note = Finding("DEAD_GRADIENTS", "note", {"dead_share": 0.001}, "why", "fix")
    report = Report("torch", "pair", [note, symptom, cause])
    assert report.codes == ["IDENTICAL_INPUTS", "CONSTANT_OUTPUT", "DEAD_GRADIENTS"]
    assert not report.ok and Report("tf", "encoder", [note]).ok
    assert json.loads(report.to_json())["findings"][0]["code"] == "IDENTICAL_INPUTS"
    assert "1. [ERROR] IDENTICAL_INPUTS" in report.to_text() and "<table>" in report._repr_html_()
    assert "no findings" in Report("tf", "encoder").to_text()
    assert set(CAUSE_ORDER) >= {f.code for f in report.findings}


def test_a_finding_rejects_an_unknown_code_or_severity():
    with pytest.raises(ValueError, match="got 'NOT_A_CODE'"):
        Finding("NOT_A_CODE", "error", {}, "", "")
    with pytest.raises(ValueError, match="severity must be one of .* got 'fatal'"):
        Finding("CONSTANT_OUTPUT", "fatal", {}, "", "")


def test_framework_tensors_as_pairs_give_the_same_measurements_as_numpy():
    import torch

    setup = doctor_zoo.torch_setups()["healthy_mlp"]()
    as_numpy = diagnose(**setup)
    setup["pairs"] = [tuple(torch.as_tensor(v) for v in batch) for batch in setup["pairs"]]
    as_tensors = diagnose(**setup)
    assert as_tensors.codes == as_numpy.codes
    assert as_tensors.measurements["loss_at_start"] == as_numpy.measurements["loss_at_start"]


def test_model_kind_is_read_from_keras_call_signatures():
    from siamlab.doctor import _tf
    from siamlab.tf import Encoder, SiameseNet, asker

    assert _tf.detect_kind(asker.Encoder()) == "encoder"
    assert _tf.detect_kind(SiameseNet(Encoder())) == "pair"


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_raw_pixels_into_a_batchnorm_first_layer_are_a_note_not_a_warning(framework):
    setup = setups(framework)["UNNORMALIZED_INPUT"]()
    if framework == "torch":
        from torch import nn

        setup["model"] = nn.Sequential(nn.BatchNorm2d(1), *setup["model"])
    else:
        import keras

        setup["model"] = keras.Sequential([keras.Input((16, 16, 1)), keras.layers.BatchNormalization(),
                                           *setup["model"].layers])
    report = diagnose(**setup)
    [finding] = [f for f in report.findings if f.code == "UNNORMALIZED_INPUT"]
    assert finding.severity == "note" and finding.evidence["first_layer"].startswith("BatchNorm")
    assert report_for(framework, "UNNORMALIZED_INPUT").measurements["first_layer"] in ("Linear", "Dense")
