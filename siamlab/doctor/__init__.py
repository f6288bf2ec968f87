"""``siamlab.doctor``: point it at a Siamese setup that does not train; it names the likely cause and the fix.

``diagnose(model, pairs, loss_fn)`` runs short probes (forward passes, the loss on synthetic outputs,
gradients, one optimizer step and a few dozen steps on one batch, all on copies or with every
variable restored) and returns a ``Report``. Imports no framework: the PyTorch or TensorFlow hooks
are loaded only for a model of that framework.
"""

from __future__ import annotations

import importlib

from siamlab.doctor.checks import THRESHOLDS, findings_from
from siamlab.doctor.report import CAUSE_ORDER, Finding, Report

__all__ = ["CAUSE_ORDER", "THRESHOLDS", "Finding", "Report", "detect_framework", "diagnose"]

KINDS = ("encoder", "pair")


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
    model, pairs, loss_fn, *, optimizer=None, metric=None, history=None, model_kind: str | None = None
) -> Report:
    """Probe ``model`` on a few ``(x1, x2, y)`` batches (y: 1 = same) and report what keeps it from training.

    ``model_kind="encoder"``: ``model(x)`` gives embeddings and ``loss_fn(e1, e2, y)`` the loss;
    ``"pair"``: ``model(x1, x2)`` gives one output per pair and ``loss_fn(output, y)`` the loss;
    None: read from the forward's signature. ``optimizer``: its class and settings are copied for a
    probe step (the user's one is not touched); ``metric(outputs, y) -> accuracy`` is checked for
    inversion; ``history``: a ``History`` or a list of per-epoch losses, for the plateau check.
    """
    from siamlab.doctor import probes

    framework = detect_framework(model)
    hooks = importlib.import_module(f"siamlab.doctor._{framework}")
    kind = model_kind if model_kind is not None else hooks.detect_kind(model)
    if kind not in KINDS:
        raise ValueError(
            f"cannot tell from {type(model).__name__}'s forward whether it is an encoder "
            f"(model(x)) or a pair model (model(x1, x2)): pass model_kind='encoder' or 'pair'"
            + ("" if kind is None else f", got {kind!r}")
        )
    batches = probes.as_batches(pairs, hooks.to_numpy)
    seconds: dict = {}
    errors: dict = {}  # probes that raised: recorded and shown, the others still run

    def run(name, fn, *args, default=None, required=False):
        return probes.timed(seconds, None if required else errors, name, fn, *args, default=default)

    with hooks.preserved():
        if framework == "torch":
            probe = hooks.Probe(model, loss_fn, optimizer, kind)
        else:
            probe = hooks.Probe(model, loss_fn, optimizer, kind, batches[0][0])
        m = probes.measure_inputs(batches)
        outputs, outs = run("outputs", probes.measure_outputs, probe, batches, kind, required=True)
        m.update(outputs)
        m.update(run("loss", probes.measure_loss, probe, batches, outs, kind, metric, required=True))
        m["final_activation"] = run("activation", probe.final_activation, *batches[0][:2])
        m["first_layer"] = run("first_layer", probe.first_layer, *batches[0][:2])
        m.update(run("gradients", probes.measure_gradients, probe, batches, kind, default={}))
        m["regularization_declared"], m["regularization_in_loss"] = run(
            "regularization", probe.regularization, outs[0], batches[0][2], default=(0.0, True))
        has_optimizer = optimizer is not None
        m.update(run("training", probes.measure_training, probe, batches, kind, has_optimizer, default={}))
        m["history"] = probes.history_losses(history)
        m["history_baseline"] = getattr(history, "baseline", None)
        if m["history"] and m["history_baseline"] is None:
            m["history_baseline"] = run("baseline", probes.history_baseline, probe, batches, outs, kind)
    m["probe_errors"] = errors
    seconds["total"] = round(sum(seconds.values()), 3)
    return Report(framework, kind, findings_from(m, kind), m, seconds)
