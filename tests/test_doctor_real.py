"""siamlab.doctor on setups rebuilt from public bug reports and on healthy setups of every supported shape
(tests/doctor_zoo.py REAL_CASES, real_setups), as students write them: no wrapper, their DataLoader or
fit arrays, their label shape and convention. One test per point of issue 18."""

from __future__ import annotations

import functools

import doctor_zoo
import numpy as np
import pytest

from siamlab.doctor import Finding, Report, UnsupportedSetup, diagnose
from siamlab.doctor.checks import rank_by_cause


def framework_of(name: str) -> str:
    return "tf" if name.split("_")[0] in ("keras", "signet") or name.startswith("healthy_keras") else "torch"


@functools.cache
def report(name: str) -> Report:
    return diagnose(**doctor_zoo.real_setups(framework_of(name))[name]())


def first_error(r: Report) -> str | None:
    return next((f.code for f in r.findings if f.severity == "error"), None)


BUGS = list(doctor_zoo.REAL_CASES)
HEALTHY = ["healthy_tutorial_two_embeddings", "healthy_koch_function_sigmoid", "healthy_pytorch_examples",
           "healthy_encoder_dataloader", "healthy_keras_example_fixed", "healthy_keras_two_embeddings",
           "healthy_keras_dataset_encoder"]


def named_first(r: Report) -> str:
    """The first finding at the highest severity the report holds."""
    worst = next(s for s in ("error", "warning", "note") if r.by_severity(s))
    return r.by_severity(worst)[0].code


@pytest.mark.parametrize("name", BUGS)
def test_a_reported_bug_is_named_and_first_at_its_highest_severity_unless_the_zoo_says_otherwise(name):
    _link, _cause, code = doctor_zoo.REAL_CASES[name]
    r = report(name)
    assert code in r.codes, r.to_text()
    assert named_first(r) == doctor_zoo.NAMED_LATER.get(name, code), r.to_text()
    assert not r.ok


def test_the_zoo_meets_issue_18s_numbers():
    """Cause the first error-level finding in >= 80 % of the bug cases, present in all, no error on any
    healthy setup (docs/doctor.md's table holds the same counts)."""
    first_error_is_cause = [first_error(report(n)) == doctor_zoo.REAL_CASES[n][2] for n in BUGS]
    assert sum(first_error_is_cause) / len(BUGS) >= 0.8, dict(zip(BUGS, first_error_is_cause))
    assert all(doctor_zoo.REAL_CASES[n][2] in report(n).codes for n in BUGS)
    assert not any(report(n).by_severity("error") for n in HEALTHY)
    public = [n for n in BUGS if doctor_zoo.REAL_CASES[n][0]]
    assert len(public) >= 12


@pytest.mark.parametrize("name", HEALTHY)
def test_a_healthy_setup_of_each_shape_gets_no_error_and_no_warning(name):
    r = report(name)
    assert r.ok, r.to_text()
    assert r.measurements["probe_errors"] == {}


# point 1: the two-embeddings shape, and the user's exception shown
def test_the_two_embeddings_tutorial_shape_runs_without_a_wrapper():
    r = report("healthy_tutorial_two_embeddings")
    assert r.model_kind == "embeddings" and r.measurements["n_pairs"] == 64  # a DataLoader, read as is
    assert report("healthy_keras_two_embeddings").model_kind == "embeddings"


def test_a_model_that_raises_is_reported_with_the_call_that_failed():
    from torch import nn

    class Broken(nn.Module):
        def forward(self, x1, x2):
            raise TypeError("forward() got confused")

    with pytest.raises(RuntimeError,
                       match=r"calling your model as model\(x1, x2\) .* TypeError: forward\(\) got"):
        diagnose(Broken(), doctor_zoo.pair_batches("torch"), lambda out, y: out.mean())


# point 2: labels reach the loss in the user's shape; Keras losses in Keras' order
def test_labels_reach_the_loss_in_the_users_shape():
    r = report("harveyslash_26_label_b1")
    assert r.measurements["label_shape"] == ["B", 1] and first_error(r) == "LOSS_SHAPE_BROADCAST"


def test_a_correct_compiled_keras_loss_in_fit_form_gets_no_error():
    r = report("healthy_keras_example_fixed")
    assert r.ok and r.measurements["label_effect"] > 0.1, r.to_text()


# point 3: the label convention
def test_a_loss_switched_against_the_data_convention_is_named():
    r = report("keras_4980_loss_switched")
    assert first_error(r) == "LABEL_CONVENTION_MISMATCH" and "INVERTED_METRIC" not in r.codes


def test_same_label_is_inferred_from_the_loss_and_can_be_stated():
    setups = doctor_zoo.real_setups("torch")
    inferred = report("healthy_tutorial_two_embeddings")  # the tutorial's loss: label 1 = different
    assert "the loss pulls label-0 pairs together" in inferred.measurements["label_convention"]
    stated_wrong = diagnose(**setups["healthy_tutorial_two_embeddings"](), same_label=1)
    assert first_error(stated_wrong) == "LABEL_CONVENTION_MISMATCH"
    assert diagnose(**setups["healthy_tutorial_two_embeddings"](), same_label=0).ok
    with pytest.raises(ValueError, match="same_label must be 1 .* got 2"):
        diagnose(**setups["healthy_tutorial_two_embeddings"](), same_label=2)


# point 4: an activation called as a function; the output range is measured
def test_torch_sigmoid_called_in_forward_is_not_a_mismatch_and_a_relu_head_is():
    assert "OUTPUT_ACTIVATION_MISMATCH" not in report("healthy_koch_function_sigmoid").codes
    relu = diagnose(**doctor_zoo.torch_setups()["OUTPUT_ACTIVATION_MISMATCH"]())
    [finding] = [f for f in relu.findings if f.code == "OUTPUT_ACTIVATION_MISMATCH"]
    assert "ReLU" in finding.explanation and finding.evidence["output_at_bound_share"] >= 0.1


# point 5: non-finite values located and fixed at their op
def test_acos_at_one_is_located_and_its_fix_is_a_clamp():
    r = report("pytorch_8069_acos")
    [finding] = [f for f in r.findings if f.code == "NONFINITE_VALUES"]
    assert finding.evidence["first_op"] == "AcosBackward0" and "clamp" in finding.fix.lower()
    assert first_error(r) == "NONFINITE_VALUES"
    assert "NAN_RISK_SQRT_AT_ZERO" not in r.codes and "CONSTANT_OUTPUT" not in r.codes


# point 6: pair balance
def test_a_quarter_of_same_pairs_is_flagged_and_half_is_not():
    r = report("harveyslash_7_pair_balance")
    assert "PAIR_IMBALANCE" in r.codes and abs(r.measurements["same_share"] - 0.5) >= 0.15
    assert "PAIR_IMBALANCE" not in report("healthy_tutorial_two_embeddings").codes


# point 7: severity follows the cause
def test_branch_scales_are_an_error_ranked_above_what_they_explain():
    r = report("keras_4459_branch_scales")
    assert r.findings[0].code == "BRANCH_SCALE_MISMATCH" and r.findings[0].severity == "error"
    explained = {f.code: f.evidence.get("explained_by") for f in r.findings}
    assert explained.get("CANNOT_OVERFIT_ONE_BATCH") == "BRANCH_SCALE_MISMATCH"


def test_a_cause_takes_the_severity_of_the_error_it_explains():
    scale = Finding("UNNORMALIZED_INPUT", "warning", {}, "why", "fix")
    fit = Finding("CANNOT_OVERFIT_ONE_BATCH", "error", {}, "why", "fix")
    ranked = Report("torch", "encoder", rank_by_cause([fit, scale]))
    assert [(f.code, f.severity) for f in ranked.findings] == [
        ("UNNORMALIZED_INPUT", "error"), ("CANNOT_OVERFIT_ONE_BATCH", "error")]
    assert ranked.findings[1].evidence["explained_by"] == "UNNORMALIZED_INPUT"


# point 8: ok means what a student reads
def test_a_flipped_margin_term_is_an_error():
    r = report("notebook06_flipped_margin")
    assert first_error(r) == "LOSS_PREFERS_CONSTANT" and not r.ok


def _encoder_setup(**changes):
    setup = doctor_zoo.torch_setups()["healthy_cnn"]()
    setup.update(changes)
    return setup


def test_every_parameter_frozen_is_an_error_and_frozen_convs_are_named():
    setup = _encoder_setup()
    setup["model"].requires_grad_(False)
    frozen = diagnose(**setup)
    assert first_error(frozen) == "NO_PARAMETER_REACHES_LOSS" and not frozen.ok
    setup = _encoder_setup()
    for layer in (setup["model"][0], setup["model"][3]):
        layer.requires_grad_(False)
    convs = diagnose(**setup)
    [finding] = [f for f in convs.findings if f.code == "FROZEN_PARAMETERS"]
    assert "0.weight" in finding.evidence["frozen"] and "3.weight" in finding.evidence["frozen"]
    assert not convs.ok


def test_a_probe_that_raises_is_a_finding_and_the_learning_rate_finding_survives_it():
    import torch

    setup = doctor_zoo.torch_setups()["OUTPUT_ACTIVATION_MISMATCH"]()  # ReLU head under BCELoss
    setup["optimizer"] = torch.optim.SGD(setup["model"].parameters(), lr=1e-7, momentum=0.9)
    r = diagnose(**setup)
    assert "LEARNING_RATE_TOO_SMALL" in r.codes and "PROBE_FAILED" in r.codes, r.to_text()
    [failed] = [f for f in r.findings if f.code == "PROBE_FAILED"]
    assert "between 0 and 1" in failed.explanation


def test_a_report_without_findings_says_which_probes_ran_and_what_it_did_not_check():
    text = report("healthy_pytorch_examples").to_text()
    assert "no findings" in text and "probes run: outputs, loss" in text and "not checked:" in text


# point 9: out of scope, said plainly
def test_inputs_of_different_shapes_are_out_of_scope_said_plainly():
    from torch import nn

    exemplar, search = np.zeros((4, 3, 12, 12), np.float32), np.zeros((4, 3, 24, 24), np.float32)
    with pytest.raises(UnsupportedSetup,
                       match=r"not supported: inputs of different shapes .* supported: two"):
        diagnose(nn.Flatten(), [(exemplar, search, np.zeros(4, np.float32))], lambda a, b, y: 0.0)
    with pytest.raises(UnsupportedSetup, match="not supported: labels of shape .* dense score map"):
        diagnose(nn.Flatten(), [(exemplar, exemplar, np.zeros((4, 5, 5), np.float32))], lambda a, b, y: 0.0)


def test_bad_model_kind_and_a_missing_loss_name_expected_and_got():
    from torch import nn

    pairs = doctor_zoo.pair_batches("torch")
    with pytest.raises(ValueError,
                       match=r"model_kind must be one of \('encoder', 'pair', 'embeddings'\).* got 'twin'"):
        diagnose(nn.Flatten(), pairs, lambda a, b, y: 0.0, model_kind="twin")
    with pytest.raises(ValueError, match="loss_fn: pass your loss .* got None"):
        diagnose(nn.Flatten(), pairs)


@pytest.mark.parametrize("framework", ["torch", "tf"])
def test_labels_shuffled_against_their_pairs_get_a_note_and_the_true_labels_do_not(framework):
    make = (doctor_zoo.torch_setups() if framework == "torch" else doctor_zoo.tf_setups())["healthy_mlp"]
    batches = doctor_zoo.pair_batches(framework, n_batches=4, seed=1)
    rng = np.random.default_rng(1)
    shuffled = diagnose(**{**make(), "pairs": [(a, b, rng.permutation(y)) for a, b, y in batches]})
    [note] = [f for f in shuffled.findings if f.code == "LABELS_UNINFORMATIVE"]
    assert note.severity == "note" and note.evidence["held_out_auc"] < 0.65, shuffled.to_text()
    true = diagnose(**{**make(), "pairs": batches})
    assert "LABELS_UNINFORMATIVE" not in true.codes and true.ok


def test_triplets_are_out_of_scope_said_plainly():
    from torch import nn

    anchor = np.zeros((4, 1, 16, 16), np.float32)
    with pytest.raises(UnsupportedSetup, match=r"not supported: triplets .* supported: two inputs"):
        diagnose(nn.Flatten(), [(anchor, anchor, anchor)], lambda a, p, n: 0.0)


def test_blank_images_are_named_in_both_frameworks_and_real_digits_are_not():
    python2 = report("delijati_3_integer_division")
    [blank] = [f for f in python2.findings if f.code == "BLANK_INPUTS"]
    assert blank.severity == "warning" and blank.evidence["blank_share"] >= 0.02
    assert "integer division" in blank.fix
    python3 = report("delijati_3_python3")  # the same real digits divided by 255 as floats
    assert python3.measurements["blank_share"] == 0.0 and "BLANK_INPUTS" not in python3.codes
    make = doctor_zoo.tf_setups()["healthy_mlp"]
    batches = doctor_zoo.pair_batches("tf", n_batches=2)
    blanked = [(a, np.where(np.arange(len(b))[:, None, None, None] % 4 == 0, 0.0, b).astype(np.float32), y)
               for a, b, y in batches]  # a quarter of the right-hand images wiped to 0
    assert "BLANK_INPUTS" in diagnose(**{**make(), "pairs": blanked}).codes
    assert "BLANK_INPUTS" not in diagnose(**{**make(), "pairs": batches}).codes
