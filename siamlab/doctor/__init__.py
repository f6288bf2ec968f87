"""``siamlab.doctor``: point it at a Siamese setup that does not train; it names the likely cause and the fix.

``diagnose(model, pairs, loss_fn)`` runs short probes (forward passes, the loss on synthetic outputs,
gradients, one optimizer step and a few dozen steps on one batch, all on copies or with every
variable restored) and returns a ``Report``. Imports no framework: the PyTorch or TensorFlow hooks
are loaded only for a model of that framework.
"""

from __future__ import annotations

import importlib

from siamlab.doctor.checks import THRESHOLDS, findings_from
from siamlab.doctor.probes import UnsupportedSetup
from siamlab.doctor.report import CAUSE_ORDER, Finding, Report

__all__ = ["CAUSE_ORDER", "THRESHOLDS", "Finding", "Report", "UnsupportedSetup", "detect_framework",
           "diagnose"]

KINDS = ("encoder", "pair", "embeddings")


def detect_framework(model) -> str:
    """'torch' or 'tf', from the modules of the model's classes (nothing is imported to find out)."""
    modules = [cls.__module__ for cls in type(model).__mro__]
    if any(m == "torch" or m.startswith("torch.") for m in modules):
        return "torch"
    if any(m.split(".")[0] in ("keras", "tensorflow", "tf_keras") for m in modules):
        return "tf"
    raise TypeError(
        f"model must be a torch.nn.Module or a keras.Model, got {type(model).__module__}."
        f"{type(model).__name__}"
    )


def diagnose(
    model, pairs, loss_fn=None, *, optimizer=None, metric=None, history=None, model_kind: str | None = None,
    same_label: int | None = None,
) -> Report:
    """Probe a Siamese setup as the user wrote it and report what keeps it from training, cause first.

    ``pairs``: a list of ``(x1, x2, y)`` batches, a torch DataLoader or any iterable of them (the first 8
    are read), fit's ``((x1, x2), y)`` batches or a tf.data.Dataset of them, or Keras arrays
    ``([x1, x2], y)``; labels reach the loss in the shape the user gives them. ``model_kind``:
    ``"encoder"`` (``model(x)`` -> embedding, ``loss_fn(e1, e2, y)``), ``"pair"`` (``model(x1, x2)`` ->
    one output per pair, ``loss_fn(output, y)``) or ``"embeddings"`` (``model(x1, x2) -> (e1, e2)``,
    ``loss_fn(e1, e2, y)``); None: read from the forward's signature and one call. ``loss_fn``: torch
    criteria take ``(output, target)``; Keras losses (a ``keras.losses.Loss`` or a function whose first
    argument is ``y_true``) take ``(y_true, y_pred)`` and are called as ``fit`` calls them; None: the
    compiled model's loss. ``same_label``: the label of same pairs (1 or 0); None: inferred from the loss
    (which label's pairs it pulls together) and reported. ``optimizer``: its class and settings are
    copied for a probe step; ``metric(outputs, y) -> accuracy`` is checked for inversion; ``history``: a
    ``History`` or a list of per-epoch losses, for the plateau check.
    """
    from siamlab.doctor import probes

    framework = detect_framework(model)
    hooks = importlib.import_module(f"siamlab.doctor._{framework}")
    if same_label not in (None, 0, 1):
        raise ValueError(
            f"same_label must be 1 (1 = same pair), 0 (0 = same pair) or None, got {same_label!r}")
    if loss_fn is None:
        loss_fn = getattr(model, "loss", None)
        if loss_fn is None or isinstance(loss_fn, str):
            raise ValueError("loss_fn: pass your loss (a criterion, a function or a keras Loss), or compile "
                             "the "
                             f"Keras model with a loss object or function; got {loss_fn!r}")
    if model_kind not in (None, *KINDS):
        raise ValueError(f"model_kind must be one of {KINDS} or None, got {model_kind!r}")
    kind = model_kind if model_kind is not None else hooks.detect_kind(model)
    if kind is None:
        raise ValueError(
            f"cannot tell from {type(model).__name__}'s forward whether it is an encoder "
            f"(model(x)) or a pair model (model(x1, x2)): pass model_kind='encoder', 'pair' or 'embeddings'"
        )
    seconds: dict = {}
    errors: dict = {}  # probes that raised: recorded and reported as PROBE_FAILED, the others still run

    def run(name, fn, *args, default=None, required=False):
        return probes.timed(seconds, None if required else errors, name, fn, *args, default=default)

    with hooks.preserved():
        batches, label_tail = probes.as_batches(pairs, hooks.to_numpy)
        if kind != "encoder":  # one call tells a pair output from the two embeddings (e1, e2)
            detected = hooks.output_kind(model, kind, batches[0][0], batches[0][1])
            if model_kind is None or detected == "embeddings":
                kind = detected
        else:
            hooks.call_model(model, kind, batches[0][0], batches[0][1])
        if framework == "torch":
            probe = hooks.Probe(model, loss_fn, optimizer, kind, label_tail)
        else:
            probe = hooks.Probe(model, loss_fn, optimizer, kind, batches[0][0], label_tail)
        m = probes.measure_inputs(batches)
        m["model_kind"], m["label_shape"], m["same_label_given"] = kind, ["B", *label_tail], same_label
        outputs, outs = run("outputs", probes.measure_outputs, probe, batches, kind, required=True)
        m.update(outputs)
        m.update(run("loss", probes.measure_loss, probe, batches, outs, kind, metric, same_label,
                     required=True))
        m["final_activation"] = run("activation", probe.final_activation, *batches[0][:2])
        m["first_layer"] = run("first_layer", probe.first_layer, *batches[0][:2])
        m.update(run("gradients", probes.measure_gradients, probe, batches, kind, default={}))
        m["nonfinite_at"] = run("nonfinite", probes.locate_nonfinite, probe, batches, m)
        m["regularization_declared"], m["regularization_in_loss"] = run(
            "regularization", probe.regularization, outs[0], batches[0][2], default=(0.0, True))
        trainable = m.get("loss_reaches_parameters", True)
        if optimizer is not None and trainable:
            m.update(run("user_step", probes.measure_user_step, probe, batches, default={}))
        if trainable:
            m.update(run("training", probes.measure_training, probe, batches, kind, default={}))
        m["history"] = probes.history_losses(history)
        m["history_baseline"] = getattr(history, "baseline", None)
        if m["history"] and m["history_baseline"] is None:
            m["history_baseline"] = run("baseline", probes.history_baseline, probe, batches, outs, kind)
    m["probe_errors"] = errors
    m["probes_run"] = [name for name in seconds if name not in errors]
    seconds["total"] = round(sum(seconds.values()), 3)
    return Report(framework, kind, findings_from(m, kind), m, seconds)
