"""Measurements -> findings, numpy only. Each threshold says what it was chosen from: numbers measured by
``diagnose`` on the tracks' setups and on the healthy and planted-bug models of ``tests/doctor_zoo.py``."""

from __future__ import annotations

import numpy as np

from siamlab.doctor.report import CAUSE_ORDER, Finding

THRESHOLDS = {
    # Measured with benchmarks/doctor_speed.py --zoo: the four tracks at init, and per framework five
    # healthy zoo setups (MLP, CNN, MLP with SGD, pair model with logits, pair model with sigmoid) and
    # seventeen planted bugs. "healthy" below = all of those healthy ones plus tf-fixed and torch-fixed.
    #
    # max|x| of one branch / the other's: healthy zoo and tracks 1.0 (both branches from one image set);
    # keras-team/keras#4459 rebuilt (0-31 against up to 800,000) 2.6e4
    "branch_scale_ratio": 10.0,
    # loss with each pair at its label's best constant output minus the best single constant, relative:
    # healthy zoo and tracks 0.23 (tf-fixed, whose loss adds an L2 term of ~1.0) to 1.0 lower; a flipped
    # margin term (relu(d - m), or the term subtracted) exactly 0: separating the pairs gains nothing
    "prefers_constant": 1e-4,
    # pair balance: |share of label 1 - 0.5| at least this and at least 3 binomial standard errors from 0.5
    # (harveyslash #7 rebuilt: 0.25; balanced samplers' batches of 64-128 pairs: 0.42-0.58)
    "imbalance": 0.15,
    "imbalance_z": 3.0,
    # AUC of the pixel distance |x1 - x2| against label 1: below 0.5 - this means label-1 pairs look
    # alike (1 = same), above 0.5 + this the reverse (see docs/doctor.md for the values measured)
    "pixel_convention": 0.1,
    # held-out AUC (max(auc, 1 - auc), so about 0.55-0.62 by chance on 48-64 pairs) after fitting 16 pairs
    # with their labels: labels shuffled against the pairs 0.51-0.62 (zoo MLP, torch and Keras, seeds 0-1;
    # notebook 06's object pairs 0.51), healthy 0.98-1.0 (zoo) and 0.70 (notebook 06's encoder on the
    # object pairs: the closest, 0.05 above the limit); and minus the same fit with the labels shuffled:
    # shuffled cases -0.07 to 0.05, healthy 0.18-0.45. A note, not a warning: the tutorial's two-embeddings
    # CNN on notebook 06's object pairs, healthy, reached only 0.56 (shuffled 0.69), inside the shuffled range
    "label_auc": 0.65,
    "label_information": 0.1,
    # share of per-pair outputs exactly 0 or 1 under a probability loss: a ReLU head gives about half
    "at_bound": 0.1,
    # share of pairs whose two images are equal: torch-asker and the planted bug 1.0, healthy 0.0;
    # 0.1 is check_pairs' default (a few equal pairs can happen when sampling same-class pairs)
    "identical_error": 0.5,
    "identical_warning": 0.1,
    # std / max(|mean|, std) of the per-pair output: torch-asker, identical, constant and dead-ReLU
    # models exactly 0.0; healthy 0.0108 (torch pair model with sigmoid) to 0.75
    "constant_output": 1e-4,
    # SimSiam's indicator (std of L2-normalised embeddings x sqrt(d)): healthy at init 0.0134 (torch
    # CNN with global average pooling: its ReLU features share one direction before training), 0.047
    # (Keras CNN), 0.31-0.64 (MLPs, the tf tracks); planted collapse (x1e-3 + 10 offset) 3.8e-6
    # (torch) and 1.9e-5 (tf), constant embeddings 0
    "collapse": 1e-3,
    # relative change of the loss when synthetic labels are flipped or rolled: tf-asker and the planted
    # label-free losses exactly 0, healthy 0.87-7.2
    "label_effect": 1e-5,
    # spread of the loss over the constant outputs of the baseline grid / the baseline: notebook 06's
    # mystery loss (e1 - e1) and the planted output-blind losses of tests/doctor_zoo.py exactly 0;
    # every other zoo setup and track 4.3 (tf-fixed) to 9e8 (see explain_causes)
    "output_effect": 1e-5,
    # |loss - mean (or sum) of single-pair losses| / loss on synthetic outputs: tf-asker and the planted
    # broadcast 0.78, healthy <= 6.7e-8 (float32 round-off)
    "pair_mixing": 1e-3,
    # ||dw|| / ||w|| of one step with the user's optimizer: healthy 0.0067-0.055 (Adam 1e-3 / 3e-3,
    # SGD 0.05); torch-asker (SGD 1e-6) 1.2e-6, planted SGD 1e-7 1.6e-8-3.4e-8; planted Adam 1.0 11-25
    "update_too_small": 1e-5,
    "update_too_large": 1.0,
    # share of parameters whose gradient is exactly zero: torch-asker 0.999999, planted 1.0; healthy
    # 0.00016-0.0105, all of it a Siamese encoder's last bias, which cancels in e1 - e2 (a note)
    "dead_error": 0.5,
    "dead_warning": 0.05,
    # loss after OVERFIT_STEPS Adam 3e-3 steps on FIT_PAIRS pairs / their best constant loss: healthy
    # 0.0-0.017 (torch-fixed 0.003, tf-fixed 0.016; a plain max-pooling CNN on the object images, 32 pairs,
    # 0.32); broken 0.833 and 0.842 (sigmoid twice), 0.96-1.02 (collapse), 0.997 (broadcast, tf-asker),
    # 1.45 (torch-asker), 2.66 (identical inputs)
    "overfit": 0.5,
    # loss at the start / the best constant loss: healthy 0.96-2.1 (torch-asker 2.5); planted x100
    # output scale 636 (torch) and 21,000 (tf), 0-255 inputs 4,100 and 138,000, ReLU before BCELoss 64
    "init_ratio": 10.0,
    # the user's metric on outputs that answer every pair right: healthy 1.0, tf-asker's accuracy and
    # the planted inverted metric 0.0
    "inverted_metric": 0.25,
    # share of the images in the batches whose every value is equal (blank): healthy 0 (the bundled MNIST
    # subset, 1,762 train and 10,000 test images; the zoo's and notebook 06's images carry noise); MNIST
    # divided the Python 2 way (uint8 / 255 floors to 0 except pixels of exactly 255, delijati/pytorch-siamese
    # #3) 9.3 % (train subset) and 10.2 % (test), and 5 % (8 of 160) in that case's rebuilt batches, a
    # sample of 160 images (binomial spread about 5-14 %). Chosen after seeing the 5 %: well below the
    # population's 9-10 %, and above a stray blank image or two in a batch of 64-128
    "blank_images": 0.02,
    # largest |input|: images in [0, 1] give 1.0, standardised ones a few units, raw pixels 255
    "input_scale": 20.0,
    # batches holding one label only, when the data has both: healthy 0 of 2-4, planted sorted 2 of 2
    "single_label_batches": 1,
    # the last three epochs of a history within this relative distance of the baseline, and as flat
    "plateau": 0.03,
    # share of real pairs whose output is below a pair of two equal images' output (pair models): see
    # head_findings for what was measured
    "inverted_head": 0.9,
}


NORMALIZING = ("BatchNorm", "LayerNorm", "GroupNorm", "InstanceNorm", "Normalization", "Rescaling")


def _f(code: str, severity: str, evidence: dict, explanation: str, fix: str) -> Finding:
    return Finding(code, severity, {k: v for k, v in evidence.items() if v is not None}, explanation, fix)


def data_findings(m: dict) -> list[Finding]:
    """What the batches alone show."""
    t, out = THRESHOLDS, []
    share = m["identical_share"]
    if share > t["identical_warning"]:
        out.append(
            _f(
                "IDENTICAL_INPUTS",
                "error" if share >= t["identical_error"] else "warning",
                {"identical_share": share, "n_pairs": m["n_pairs"]},
                f"{share:.0%} of the pairs show the same image on both sides, so the two branches see "
                "identical tensors: their difference is zero, the output cannot depend on the pair and "
                "nothing before the comparison gets a gradient.",
                "Check how pairs are built (an index that should be pair[j] reads pair[0]); look at a "
                "batch before training on it (siamlab's check_pairs does).",
            )
        )
    blank = m.get("blank_share") or 0.0
    if blank >= t["blank_images"]:
        out.append(
            _f(
                "BLANK_INPUTS",
                "warning",
                {"blank_share": blank, "n_pairs": m["n_pairs"], "input_max_abs": m["input_max_abs"]},
                f"{blank:.0%} of the images in these batches are blank (every value equal): they carry "
                "nothing to compare, two of them make a pair at distance 0, and the rest of the data may "
                "have lost most of its values the same way.",
                "Look at a few images as the model receives them. Dividing uint8 images by 255 with integer "
                "division (Python 2's / on integer arrays, or //) floors every pixel below 255 to 0: divide "
                "a float copy (images.astype('float32') / 255), and cast to an integer type only before "
                "scaling.",
            )
        )
    if m["input_max_abs"] > t["input_scale"]:
        first = m.get("first_layer") or ""
        rescaled = first.startswith(NORMALIZING)  # e.g. the keras.io example: BatchNorm on 0-255 pixels
        out.append(
            _f(
                "UNNORMALIZED_INPUT",
                "note" if rescaled else "warning",
                {"input_max_abs": m["input_max_abs"], "first_layer": m.get("first_layer")},
                f"Inputs reach {m['input_max_abs']:.4g}, far outside a unit scale"
                + (f", but the first layer ({first}) rescales them." if rescaled else
                   ": activations and gradients start huge and a learning rate that suits [0, 1] inputs "
                   "is far too large."),
                "Scale images to [0, 1] (divide by 255) or standardise them.",
            )
        )
    if m["single_label_batches"] >= t["single_label_batches"]:
        out.append(
            _f(
                "UNSHUFFLED_PAIRS",
                "warning",
                {
                    "single_label_batches": m["single_label_batches"],
                    "n_batches": m["n_batches"],
                    "longest_label_run": m["longest_label_run"],
                },
                "Some batches hold only same pairs or only different pairs: the model is pushed one way "
                "for several steps, then the other, and the loss oscillates instead of falling.",
                "Shuffle the pairs (DataLoader(shuffle=True), dataset.shuffle) or sample balanced batches.",
            )
        )
    return out


def loss_findings(m: dict, kind: str) -> list[Finding]:
    """What the loss function does on synthetic outputs, and the activation it meets."""
    t, out = THRESHOLDS, []
    if m["label_effect"] < t["label_effect"]:
        out.append(
            _f(
                "LOSS_IGNORES_LABELS",
                "error",
                {"label_effect": m["label_effect"]},
                "Flipping or shuffling the labels leaves the loss unchanged: it cannot tell same pairs "
                "from different ones, so training can only reach the best constant output.",
                "Make each pair's term use that pair's label (y_i with d_i), e.g. "
                "mean(y * d**2 + (1 - y) * relu(margin - d)**2) on (B,) tensors.",
            )
        )
    if m["pair_mixing"] > t["pair_mixing"]:
        out.append(
            _f(
                "LOSS_SHAPE_BROADCAST",
                "error",
                {"pair_mixing": m["pair_mixing"]},
                "The loss of a batch is neither the mean nor the sum of its pairs' losses: terms of "
                "different pairs are mixed, typically a (B,) label broadcast against (B, 1) or inside a "
                "map_fn lambda into a (B, B) loss.",
                "Give the label and the distance the same shape (B,) and check the per-pair loss has B "
                "elements before taking the mean.",
            )
        )
    accepts, act = m.get("loss_accepts"), (m.get("final_activation") or "").lower()
    lo, hi, bound = m["output_min"], m["output_max"], m.get("output_at_bound_share", 0.0)
    constant = m["output_relative_std"] < t["constant_output"]
    seen = (f"your model's outputs range from {lo:.3g} to {hi:.3g} ({bound:.0%} exactly 0 or 1; the last "
            f"layer "
            f"called is {m.get('final_activation')})")
    unbounded_layer = act in ("relu", "leakyrelu", "leaky_relu", "elu", "softplus", "relu6")
    fit_failed = "training" in (m.get("probe_errors") or {})  # e.g. BCELoss raised: an output passed 1
    if kind == "pair" and accepts == "probability" and (
            lo < 0 or hi > 1 or bound >= t["at_bound"]
            or (unbounded_layer and (constant or bound > 0 or fit_failed))):
        out.append(
            _f(
                "OUTPUT_ACTIVATION_MISMATCH",
                "error",
                {"loss_expects": "probabilities", "last_layer": m.get("final_activation"), "output_min": lo,
                 "output_max": hi, "output_at_bound_share": bound},
                f"The loss expects probabilities in (0, 1) (like BCELoss) but {seen}: outputs at 0 or 1 give "
                "log(0) in the loss and no gradient, outputs above 1 make BCELoss raise.",
                "Output one raw logit and use a with-logits loss (BCEWithLogitsLoss, "
                "BinaryCrossentropy(from_logits=True)), or end with a sigmoid.",
            )
        )
    fitted = (m.get("fitted_output_min"), m.get("fitted_output_max"))
    # A constant output (identical inputs, say) proves nothing about a sigmoid: fitting moves it towards the
    # batch's best logit, often inside (0, 1). CONSTANT_OUTPUT reports that case.
    if kind == "pair" and accepts == "logit" and not constant and lo > 0 and hi < 1 and bound == 0 \
            and fitted[0] is not None and fitted[0] > 0 and fitted[1] < 1:
        out.append(
            _f(
                "OUTPUT_ACTIVATION_MISMATCH",
                "error",
                {"loss_expects": "logits", "last_layer": m.get("final_activation"), "output_min": lo,
                 "output_max": hi, "after_fitting_min": fitted[0], "after_fitting_max": fitted[1]},
                f"The loss applies a sigmoid itself (with-logits) but {seen}, and still inside (0, 1) after "
                f"{m.get('overfit_steps')} steps of fitting ({fitted[0]:.3g} to {fitted[1]:.3g}): the "
                "outputs are probabilities already, squashed twice; the loss cannot go below ~0.31 for same "
                "pairs.",
                "Remove the final sigmoid (module or torch.sigmoid call), or use the plain (probability) "
                "loss.",
            )
        )
    located = str((m.get("nonfinite_at") or {}).get("op", "")).lower()
    sqrt_like = not located or any(k in located for k in ("sqrt", "pow", "norm", "dist"))
    if m.get("nonfinite_gradients_at_distance_0", 0) > 0 and sqrt_like:
        out.append(
            _f(
                "NAN_RISK_SQRT_AT_ZERO",
                "error",
                {"nonfinite_gradient_values": m["nonfinite_gradients_at_distance_0"],
                 "nonfinite_on_your_batch": m.get("nonfinite_gradient_values", 0),
                 "first_op": (m.get("nonfinite_at") or {}).get("op")},
                "A pair of two equal images (distance 0) gives NaN or infinite gradients: sqrt of a "
                "squared distance has an infinite derivative at 0, and one such pair poisons every weight.",
                "Add a small epsilon inside the sqrt (sqrt(sum(d**2) + 1e-9)) or use the squared distance.",
            )
        )
    metric = m.get("metric_on_preferred_outputs")
    if metric is not None and metric < t["inverted_metric"]:
        out.append(
            _f(
                "INVERTED_METRIC",
                "error",
                {"metric_on_right_answers": metric},
                f"Given outputs that answer every pair right, your metric reports {metric:.2f}: it is "
                "inverted (e.g. it calls a pair 'same' when the distance is LARGE), so a model that learns "
                "looks like it gets worse.",
                "Predict 'same' when the distance is below the threshold (d < margin / 2), or when the "
                "logit is above 0; choose the threshold on held-out pairs (ROC).",
            )
        )
    if m["regularization_declared"] > 0 and not m["regularization_in_loss"]:
        out.append(
            _f(
                "REGULARIZATION_IGNORED",
                "warning",
                {"declared_penalty": m["regularization_declared"]},
                "The model declares weight penalties (kernel_regularizer / model.losses) but the loss you "
                "train on never adds them: the regularisation you asked for does nothing.",
                "Add sum(model.losses) to the loss in a custom step, or drop the regularizers.",
            )
        )
    return out


def training_findings(m: dict) -> list[Finding]:
    """Learning rate, gradients and whether one batch can be fitted."""
    t, out = THRESHOLDS, []
    ratio = m.get("relative_update")
    if ratio is not None and 0 < ratio < t["update_too_small"]:  # 0: no gradient at all, see DEAD_GRADIENTS
        out.append(
            _f(
                "LEARNING_RATE_TOO_SMALL",
                "warning",
                {"relative_update": ratio, "learning_rate": m.get("learning_rate")},
                f"One step changes the weights by {ratio:.2g} of their size (healthy setups: 0.007-0.055): "
                "training would need millions of steps to move.",
                "Raise the learning rate (a range test finds it: siamlab's lr_range_test), e.g. Adam 1e-3.",
            )
        )
    if ratio is not None and ratio > t["update_too_large"]:
        out.append(
            _f(
                "LEARNING_RATE_TOO_LARGE",
                "warning",
                {"relative_update": ratio, "learning_rate": m.get("learning_rate")},
                f"One step changes the weights by {ratio:.2g} times their size: training jumps around "
                "or diverges.",
                "Lower the learning rate by 10-100x (a range test finds it).",
            )
        )
    dead = m.get("dead_share", 0.0)
    if dead > 0:
        severity = "error" if dead >= t["dead_error"] else "warning" if dead >= t["dead_warning"] else "note"
        out.append(
            _f(
                "DEAD_GRADIENTS",
                severity,
                {
                    "dead_share": dead,
                    "dead_tensors": ", ".join(m["dead_tensors"][:6])
                    + (" ..." if len(m["dead_tensors"]) > 6 else ""),
                },
                f"{dead:.2%} of the parameters get exactly zero gradient on a batch."
                + (
                    " A Siamese encoder's last bias always does (it cancels in e1 - e2): harmless."
                    if severity == "note"
                    else " They cannot learn."
                ),
                "Find where the gradient stops: identical branch inputs, a ReLU that is always off, "
                "a detach(), or an output the loss does not use.",
            )
        )
    end, start, base = m.get("overfit_end"), m.get("overfit_start"), m["baseline"]
    if end is not None and base > 1e-6 and not end <= t["overfit"] * base:  # NaN counts as not fitted
        out.append(
            _f(
                "CANNOT_OVERFIT_ONE_BATCH",
                "error",
                {"loss_before": start, "loss_after": end, "best_constant_loss": base},
                f"After {m.get('overfit_steps')} Adam steps on one batch the loss is {end:.4g}, not "
                f"well below the best constant output's {base:.4g}: the model and loss together cannot "
                "even memorise a few pairs.",
                "Fix the causes listed above first; a healthy setup drives one batch's loss far down.",
            )
        )
    return out


def output_findings(m: dict, kind: str) -> list[Finding]:
    """Symptoms in the outputs and the loss: constant outputs, collapse, loss at init and plateaus."""
    t, out = THRESHOLDS, []
    if m["output_relative_std"] < t["constant_output"]:
        out.append(
            _f(
                "CONSTANT_OUTPUT",
                "error",
                {"output_std": m["output_std"], "output_mean": m["output_mean"], "n_pairs": m["n_pairs"]},
                "Every pair gets the same output: the model does not look at its inputs (or sees the same "
                "ones twice), so no threshold separates same from different pairs.",
                "See the causes above; check the inputs of both branches and for dead units.",
            )
        )
    collapse = m.get("collapse_ratio")
    if collapse is not None and collapse < t["collapse"]:
        out.append(
            _f(
                "EMBEDDING_COLLAPSE",
                "warning",
                {"collapse_ratio": collapse, "embedding_dim": m.get("embedding_dim")},
                "The L2-normalised embeddings of different images point the same way (std x sqrt(d) "
                f"= {collapse:.2g}; about 1 when spread out): the encoder maps everything to one direction.",
                "Check for a large constant offset or bias in the last layer, dead ReLUs, or a loss "
                "that rewards shrinking all distances.",
            )
        )
    ratio = m["loss_at_start"] / m["baseline"] if m["baseline"] > 1e-6 else 1.0  # a loss that can reach 0
    if not ratio <= t["init_ratio"]:  # NaN too
        out.append(
            _f(
                "LOSS_AT_INIT_UNEXPECTED",
                "warning",
                {"loss_at_start": m["loss_at_start"], "best_constant_loss": m["baseline"], "ratio": ratio},
                f"The loss at the start is {ratio:.3g} times the best constant output's: outputs start "
                "far too large (or the loss is not the one you think), so the first steps only shrink them.",
                "Check the output scale at init (input scaling, initialisation, a missing normalisation) "
                "and that the loss is the intended one.",
            )
        )
    history = m.get("history") or []
    base = m.get("history_baseline") or m["baseline"]
    if len(history) >= 3:
        tail = history[-3:]
        near = max(abs(v - base) for v in tail) / max(abs(base), 1e-12)
        flat = (max(tail) - min(tail)) / max(abs(base), 1e-12)
        if near < t["plateau"] and flat < t["plateau"]:
            out.append(
                _f(
                    "LOSS_AT_CONSTANT_BASELINE",
                    "error",
                    {"last_losses": ", ".join(f"{v:.4g}" for v in tail), "best_constant_loss": base},
                    "The training loss sits at the loss of the best constant output (p(1-p) for the "
                    "margin-1 contrastive loss, ln 2 for balanced BCE): the model has learned nothing about "
                    "the pairs.",
                    "Look at the causes above (labels, identical inputs, learning rate).",
                )
            )
    return out


def head_findings(m: dict, kind: str) -> list[Finding]:
    """A pair model whose output calls two equal images 'different': its head starts inverted.

    The keras.io contrastive example (distance -> BatchNorm -> Dense(1, sigmoid)) stalled at chance at
    seeds where that one weight started negative (benchmarks/keras_reference_stall.py). A wider head
    (a Dense layer over |e1 - e2|) starts inverted at half the seeds and trains anyway, so this is a note.
    """
    quantile, low = m.get("identical_pair_quantile"), m.get("same_wants_low_output")
    constant = m["output_relative_std"] < THRESHOLDS["constant_output"]
    if kind != "pair" or quantile is None or low is None or constant:
        return []
    inverted = quantile > THRESHOLDS["inverted_head"] if low else quantile < 1 - THRESHOLDS["inverted_head"]
    if not inverted:
        return []
    return [_f("HEAD_STARTS_INVERTED", "note",
               {"identical_pair_quantile": quantile, "loss_wants_for_same": "low" if low else "high"},
               "Two equal images get an output at the 'different' end of the real pairs' outputs: the head "
               "starts inverted. A head with many weights usually turns around; a single distance -> output "
               "weight (Dense(1) on the distance) can stay negative while the encoder learns the wrong way, "
               "and the loss parks at the constant baseline (measured on the keras.io contrastive example).",
               "Start the distance -> output weight positive (or drop the head: use the distance itself), "
               "and watch the loss against the constant baseline in the first epoch.")]

FIX_BY_OP = {  # the fix for the op where non-finite values first appear
    "acos": "clamp the cosine into [-1 + 1e-7, 1 - 1e-7] before acos/asin (its derivative is infinite at "
            "+-1)",
    "asin": "clamp the value into [-1 + 1e-7, 1 - 1e-7] before acos/asin (its derivative is infinite at +-1)",
    "sqrt": "add a small epsilon inside the sqrt (sqrt(x + 1e-9)): its derivative is infinite at 0",
    "log": "take log(x + 1e-7) or, for probabilities, a with-logits loss: log(0) is -inf",
    "div": "divide by max(norm, 1e-12) (F.normalize / tf.math.l2_normalize do): a norm of 0 gives 0/0",
    "norm": "use a norm with an epsilon (F.normalize, or sqrt(sum(x**2) + 1e-12)): the norm's gradient at 0 "
            "is NaN",
}


def label_convention(m: dict, kind: str) -> tuple[int | None, int | None, str]:
    """(the loss's same label, the data's same label, a sentence): which label's pairs the loss pulls
    together (two-embedding kinds; a pair model whose output is a distance), and which label's pairs
    look alike in pixels (or ``same_label`` when given)."""
    pulled = m.get("loss_pulls_together")
    loss_same = pulled[0] if pulled is not None and len(pulled) == 1 else None
    if kind == "pair" and m.get("output_is_distance") and m.get("loss_accepts") == "real" \
            and m.get("same_wants_low_output") is not None:
        loss_same = 1 if m["same_wants_low_output"] else 0
    given, auc, d = m.get("same_label_given"), m.get("pixel_distance_auc"), THRESHOLDS["pixel_convention"]
    data_same = given
    if given is None and auc is not None and np.isfinite(auc):
        data_same = 1 if auc < 0.5 - d else 0 if auc > 0.5 + d else None
    parts = []
    if given is not None:
        parts.append(f"same_label={given} given")
    elif data_same is not None:
        parts.append(f"in the pixels, label-{data_same} pairs look alike (distance AUC {auc:.2f})")
    if loss_same is not None:
        parts.append(f"the loss pulls label-{loss_same} pairs together")
    elif given is None:
        parts.append("1 = same assumed (the loss does not say)")
    return loss_same, data_same, "; ".join(parts)


def setup_findings(m: dict, kind: str) -> list[Finding]:
    """Findings about the setup as a whole: branch scales, pair balance, label convention and information,
    a loss won by a constant, non-finite values, frozen or unreachable parameters, probes that raised."""
    t, out = THRESHOLDS, []
    ratio = m.get("branch_scale_ratio", 1.0)
    if ratio >= t["branch_scale_ratio"]:
        out.append(_f("BRANCH_SCALE_MISMATCH", "error",
                      {"x1_max_abs": m["input_max_abs_x1"], "x2_max_abs": m["input_max_abs_x2"],
                       "ratio": ratio},
                      f"The two inputs are on different scales (largest |x1| {m['input_max_abs_x1']:.4g}, "
                      f"largest |x2| {m['input_max_abs_x2']:.4g}): one shared encoder cannot suit both, the "
                      "larger branch "
                      "dominates distances and gradients, and training jumps around instead of learning.",
                      "Scale both inputs the same way (one normalisation, fitted on both) before the model."))
    n, share = m["n_pairs"], m["same_share"]
    z = abs(share - 0.5) / np.sqrt(0.25 / max(n, 1))
    if abs(share - 0.5) >= t["imbalance"] and z >= t["imbalance_z"]:
        out.append(_f("PAIR_IMBALANCE", "warning", {"label_1_share": share, "n_pairs": n},
                      f"{share:.0%} of the {n} pairs are labelled 1 where a contrastive or BCE loss assumes "
                      "about half: the model is pushed towards the majority answer and trains worse (a pair "
                      "sampler that "
                      "picks 'any other image' for a different pair also picks same pairs by chance).",
                      "Sample same and different pairs half and half (draw a different pair until its "
                      "classes "
                      "differ), or weight the loss by class."))
    loss_same, data_same, sentence = label_convention(m, kind)
    m["label_convention"] = sentence
    if loss_same is not None and data_same is not None and loss_same != data_same:
        out.append(_f("LABEL_CONVENTION_MISMATCH", "error",
                      {"loss_pulls_together": f"label {loss_same}", "same_pairs_are": f"label {data_same}",
                       "pixel_distance_auc": m.get("pixel_distance_auc"),
                       "same_label": m.get("same_label_given")},
                      f"The loss pulls pairs labelled {loss_same} together but your same pairs are labelled "
                      f"{data_same} ({sentence}): training makes same pairs far apart and different pairs "
                      "close, "
                      "and an accuracy written for your labels reads near 0.",
                      "Make the loss and the data agree: swap y and 1 - y in the loss (the label of a same "
                      "pair "
                      f"must multiply d**2), or relabel the pairs; pass same_label={data_same} to state it."))
    value, base = m.get("right_answer_loss"), m.get("baseline")
    blind = m.get("output_effect", 1.0) < t["output_effect"]  # blind to the outputs: DEAD_GRADIENTS says it
    no_gain = value is not None and base is not None and np.isfinite(value) \
        and value >= base - t["prefers_constant"] * max(1.0, abs(base))
    if no_gain \
            and not blind:
        out.append(_f("LOSS_PREFERS_CONSTANT", "error",
                      {"loss_with_best_output_per_label": value, "best_constant_loss": base,
                       "best_constant_output": m.get("baseline_output")},
                      f"Giving every pair the best output for its own label costs {value:.4g}, no less than "
                      f"one constant output for all pairs ({base:.4g}): the loss does not reward telling "
                      "pairs apart, so training drives all outputs to that constant (a margin term with its "
                      "sign flipped, relu(d - m) for relu(m - d), or a subtracted term, does this).",
                      "Check each term's sign: same pairs pay d**2, different pairs pay relu(margin - d)**2, "
                      "both added."))
    bad_out, bad_grad = m.get("nonfinite_output_share", 0.0), m.get("nonfinite_gradient_values", 0)
    located = str((m.get("nonfinite_at") or {}).get("op", "")).lower()
    at_zero_other_op = m.get("nonfinite_gradients_at_distance_0", 0) > 0 and located \
        and not any(k in located for k in ("sqrt", "pow", "norm", "dist"))
    sqrt_at_zero = m.get("nonfinite_gradients_at_distance_0", 0) > 0 and not at_zero_other_op
    grad_elsewhere = bad_grad > 0 and not (sqrt_at_zero and (not located or not at_zero_other_op))
    if bad_out > 0 or grad_elsewhere or not np.isfinite(m.get("loss_at_start", 0.0)) or at_zero_other_op:
        where = m.get("nonfinite_at") or {}
        op = str(where.get("op", ""))
        fix = next((text for key, text in FIX_BY_OP.items() if key in op.lower()),
                   "find the op named above and keep its input inside its domain (an epsilon, a clamp)")
        out.append(_f("NONFINITE_VALUES", "error",
                      {"nonfinite_output_share": bad_out, "nonfinite_gradient_values": bad_grad,
                       "first_op": where.get("op"), "in": where.get("module"), "stage": where.get("stage")},
                      "NaN or inf appears "
                      + (f"first in {op} ({where.get('stage')}, in {where.get('module')})"
                                               if op else "(not located)")
                      + " on real batches: one non-finite value poisons every weight it reaches.",
                      fix[0].upper() + fix[1:] + "."))
    if m.get("loss_reaches_parameters") is False:
        frozen = m.get("frozen_tensors", [])
        out.append(_f("NO_PARAMETER_REACHES_LOSS", "error",
                      {"frozen_share": m.get("frozen_share"), "frozen": ", ".join(frozen[:6])
                       + (" ..." if len(frozen) > 6 else "")},
                      "No trainable parameter gets a gradient from the loss: "
                      + ("every parameter is frozen (requires_grad=False / trainable=False)"
                         if m.get("frozen_share", 0) >= 1 else "the loss is detached from the model "
                         "(a .detach(), .item(), .numpy() or torch.no_grad() on the way)")
                      + ", so no optimizer step can change anything.",
                      "Unfreeze the layers you mean to train (requires_grad_(True), layer.trainable = True) "
                      "and "
                      "keep the loss a tensor computed from the model's outputs."))
    elif m.get("frozen_share", 0) > 0:
        frozen = m["frozen_tensors"]
        out.append(_f("FROZEN_PARAMETERS", "warning",
                      {"frozen_share": m["frozen_share"], "frozen": ", ".join(frozen[:6])
                       + (" ..." if len(frozen) > 6 else "")},
                      f"{m['frozen_share']:.0%} of the parameters are frozen and will not learn: "
                      + ", ".join(frozen[:4]) + (" ..." if len(frozen) > 4 else "") + ".",
                      "If these should learn, set requires_grad=True (trainable=True) and give them to the "
                      "optimizer; a frozen pretrained backbone is fine only if its features already separate "
                      "your pairs."))
    true_auc, shuffled_auc = m.get("held_out_auc"), m.get("held_out_auc_shuffled_labels")
    if true_auc is not None and shuffled_auc is not None \
            and true_auc - shuffled_auc < t["label_information"] \
            and true_auc < t["label_auc"] and m.get("pixel_distance_auc") is not None \
            and abs(m["pixel_distance_auc"] - 0.5) < t["pixel_convention"] \
            and m.get("overfit_end") is not None and m["overfit_end"] <= t["overfit"] * m["baseline"] \
            and m.get("output_effect", 0) >= t["output_effect"] \
            and m.get("label_effect", 0) >= t["label_effect"]:
        out.append(_f("LABELS_UNINFORMATIVE", "note",
                      {"held_out_auc": true_auc, "held_out_auc_shuffled_labels": shuffled_auc,
                       "pixel_distance_auc": m["pixel_distance_auc"]},
                      f"Fitting a few pairs with their labels ranks the other pairs no better (AUC "
                      f"{true_auc:.2f}) than fitting them with shuffled labels ({shuffled_auc:.2f}), and "
                      "label-1 pairs look no more "
                      "alike than label-0 pairs: either the labels do not belong to their pairs, or the "
                      "data is too hard for a few steps to show it (notebook 06's correct setup, true "
                      "labels, looks like this too at seed 1).",
                      "Check that labels are shuffled together with their pairs (one permutation for x1, x2 "
                      "and y), and look at a few pairs with their labels."))
    errors = m.get("probe_errors") or {}
    if errors:
        out.append(_f("PROBE_FAILED", "error", dict(errors),
                      "Running your setup raised an error in " + ", ".join(errors) + ": "
                      + "; ".join(errors.values()) + ". Training would raise it too.",
                      "Read the error above: it is your model's, loss's or optimizer's own."))
    return out


# Cause -> the findings it explains. A cause that explains an error is itself an error (it is what a
# student must fix), and each explained finding is ranked right after its cause with explained_by.
EXPLAINS = {
    "LOSS_IGNORES_LABELS": ("LOSS_PREFERS_CONSTANT",),
    "LOSS_SHAPE_BROADCAST": ("LOSS_IGNORES_LABELS", "LOSS_PREFERS_CONSTANT", "CANNOT_OVERFIT_ONE_BATCH"),
    "IDENTICAL_INPUTS": ("CONSTANT_OUTPUT", "DEAD_GRADIENTS", "CANNOT_OVERFIT_ONE_BATCH"),
    "BRANCH_SCALE_MISMATCH": ("UNNORMALIZED_INPUT", "CANNOT_OVERFIT_ONE_BATCH", "LOSS_AT_INIT_UNEXPECTED",
                              "LEARNING_RATE_TOO_LARGE", "NONFINITE_VALUES"),
    "NO_PARAMETER_REACHES_LOSS": ("PROBE_FAILED", "CANNOT_OVERFIT_ONE_BATCH", "DEAD_GRADIENTS"),
    "LOSS_PREFERS_CONSTANT": ("CANNOT_OVERFIT_ONE_BATCH", "CONSTANT_OUTPUT", "EMBEDDING_COLLAPSE",
                              "LABELS_UNINFORMATIVE"),
    "OUTPUT_ACTIVATION_MISMATCH": ("PROBE_FAILED", "CANNOT_OVERFIT_ONE_BATCH", "LOSS_AT_INIT_UNEXPECTED"),
    "NONFINITE_VALUES": ("CONSTANT_OUTPUT", "LOSS_AT_INIT_UNEXPECTED", "CANNOT_OVERFIT_ONE_BATCH",
                         "NAN_RISK_SQRT_AT_ZERO", "PROBE_FAILED"),
    "UNNORMALIZED_INPUT": ("CANNOT_OVERFIT_ONE_BATCH", "LOSS_AT_INIT_UNEXPECTED", "LEARNING_RATE_TOO_LARGE"),
    "FROZEN_PARAMETERS": ("CANNOT_OVERFIT_ONE_BATCH",),
}
RANK = {"error": 0, "warning": 1, "note": 2}


def rank_by_cause(findings: list[Finding]) -> list[Finding]:
    """The severity rule: for each cause in ``EXPLAINS`` that is present (as an error or a warning), the
    findings it explains get ``explained_by`` (the report ranks them right after it) and the cause takes
    the highest severity among them, so the unscaled input that explains CANNOT_OVERFIT_ONE_BATCH is an
    error above it, not a warning under it."""
    codes = {f.code: f for f in findings}
    explained: dict[str, str] = {}
    for cause in CAUSE_ORDER:
        f = codes.get(cause)
        if f is None or f.severity == "note" or cause in explained:
            continue
        for symptom in EXPLAINS.get(cause, ()):
            if symptom in codes and symptom not in explained and symptom != cause:
                explained[symptom] = cause
    out = []
    for f in findings:
        evidence = dict(f.evidence)
        severity = f.severity
        if f.code in explained and "explained_by" not in evidence:
            evidence["explained_by"] = explained[f.code]
        worst = [codes[s].severity for s, c in explained.items() if c == f.code]
        if worst and min(RANK[w] for w in worst) < RANK[severity]:
            severity = min(worst, key=RANK.get)
        out.append(Finding(f.code, severity, evidence, f.explanation, f.fix))
    return out



def explain_causes(findings: list[Finding], m: dict) -> list[Finding]:
    """Cause first: where one finding explains another, the explained one says so (``explained_by``) and
    the report ranks it directly below the one that explains it (``report._rank``). One rule so far:

    DEAD_GRADIENTS (error) explains LOSS_IGNORES_LABELS when the loss ignores the outputs too: it gives
    the same value for every constant output tried (output_effect below its threshold). Such a loss
    cannot read a label against an output, and no gradient can reach any parameter through it, so both
    findings come from one line, and DEAD_GRADIENTS' fix points at it ("an output the loss does not
    use") while LOSS_IGNORES_LABELS' fix, about labels, would not. Measured on notebook 06's mystery
    model (diff = e1 - e1) and the planted output-blind losses of tests/doctor_zoo.py (torch and Keras).
    It does not fire for a loss that reads the outputs but not the labels (the planted label-free loss,
    the TensorFlow asker's broadcast loss: output_effect > 0), nor for a dead model with a working loss.
    """
    codes = {f.code: f for f in findings}
    dead, labels = codes.get("DEAD_GRADIENTS"), codes.get("LOSS_IGNORES_LABELS")
    effect = m.get("output_effect")
    if (dead is None or labels is None or dead.severity != "error" or effect is None
            or not effect < THRESHOLDS["output_effect"]):
        return findings
    blind = (f"The loss gives the same value ({m['baseline']:.4g}) for every constant output tried: it does "
             "not use the model's outputs, so no gradient reaches any parameter.")
    new_dead = _f(dead.code, dead.severity, {**dead.evidence, "loss_output_effect": effect},
                  f"{dead.explanation} {blind}",
                  "Make the loss depend on the outputs it is given: look for an argument it never uses, "
                  "a detach() or .numpy() on the way, or a value that does not come from its inputs.")
    new_labels = _f(labels.code, labels.severity, {**labels.evidence, "explained_by": dead.code},
                    f"{labels.explanation} Here the loss ignores the outputs as well (DEAD_GRADIENTS, "
                    "above), and a loss that ignores the outputs cannot pair a label with one.",
                    "Fix DEAD_GRADIENTS first, then diagnose again: the loss may read the labels once it "
                    "reads the outputs.")
    return [new_dead if f is dead else new_labels if f is labels else f for f in findings]


def findings_from(m: dict, kind: str) -> list[Finding]:
    """Every finding the measurements support, with the causes that explain others marked (the Report
    orders them)."""
    found = (setup_findings(m, kind) + data_findings(m) + loss_findings(m, kind) + training_findings(m)
             + output_findings(m, kind) + head_findings(m, kind))
    return rank_by_cause(explain_causes(found, m))
