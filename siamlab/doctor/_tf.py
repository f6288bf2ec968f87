"""TensorFlow / Keras hooks for the doctor: forward passes, gradients and short training runs.

Keras models cannot always be cloned (subclassed models), so the probes run on the model itself
and every variable (weights, BatchNorm statistics, seed generators) is restored from a snapshot
afterwards; probe optimizers are fresh ones built from the user's optimizer config, so the user's
optimizer is never touched. RNG state is saved and restored by ``preserved``.
"""

from __future__ import annotations

import contextlib
import inspect
import random

import numpy as np
import tensorflow as tf

from siamlab.doctor.probes import REFERENCE_LEARNING_RATE, RestoringProbe

FRAMEWORK = "tf"
SHAPE_ONLY = ("Reshape", "Flatten", "Dropout", "Identity", "InputLayer")  # do not change what an output means


def to_numpy(value) -> np.ndarray:
    if hasattr(value, "numpy"):
        return np.asarray(value.numpy())
    return np.asarray(value)


def detect_kind(model) -> str | None:
    """'encoder' for one input, 'pair' for two (functional inputs or ``call``'s signature), else None."""
    if isinstance(model, tf.keras.Sequential):
        return "encoder"
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        inputs = None
    if inputs:
        return {1: "encoder", 2: "pair"}.get(len(inputs))
    params = list(inspect.signature(model.call).parameters.values())
    if any(p.kind == p.VAR_POSITIONAL for p in params):
        return None
    required = [
        p
        for p in params
        if p.default is p.empty
        and p.name not in ("training", "mask")
        and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    return {1: "encoder", 2: "pair"}.get(len(required))


def _call(model, kind: str, a, b, training: bool = False):
    if kind == "encoder":
        return model(a, training=training)
    try:
        two_inputs = len(model.inputs) == 2
    except (AttributeError, ValueError):
        two_inputs = False
    return model([a, b], training=training) if two_inputs else model(a, b, training=training)


def call_model(model, kind: str, x1: np.ndarray, x2: np.ndarray):
    """One forward pass on two pairs, as the doctor will call the model; the user's exception is raised
    again with the call that failed, never swallowed."""
    a, b = (tf.convert_to_tensor(np.asarray(v[:2], np.float32)) for v in (x1, x2))
    call = "model(x1)" if kind == "encoder" else "model([x1, x2]) or model(x1, x2)"
    try:
        return _call(model, kind, a, b)
    except Exception as error:
        raise RuntimeError(f"calling your model as {call} with x1 of shape {tuple(a.shape)} raised "
                           f"{type(error).__name__}: {error}") from error


def output_kind(model, kind: str, x1: np.ndarray, x2: np.ndarray) -> str:
    """'embeddings' when the pair model returns two tensors of one shape (e1, e2), else ``kind``."""
    out = call_model(model, kind, x1, x2)
    if kind != "encoder" and isinstance(out, (tuple, list)) and len(out) == 2 \
            and tuple(out[0].shape) == tuple(out[1].shape):
        return "embeddings"
    return kind


def labels_first(loss_fn) -> bool:
    """Keras' order, loss(y_true, y_pred): a keras Loss object, or a function whose first argument is
    named y_true (or y)."""
    if isinstance(loss_fn, tf.keras.losses.Loss):
        return True
    try:
        params = list(inspect.signature(loss_fn).parameters)
    except (TypeError, ValueError):
        return False
    return bool(params) and params[0] in ("y_true", "y", "labels", "target")


def keras_loss(loss_fn, y_first: bool):
    """The loss as ``fit`` would call it: a y-first plain function is wrapped as Keras wraps it
    (labels squeezed or expanded to the output's rank, the mean taken)."""
    if y_first and not isinstance(loss_fn, tf.keras.losses.Loss):
        def as_fit_calls_it(y_true, y_pred):  # Keras 3's LossFunctionWrapper: ranks matched, then the mean
            y_true = tf.cast(y_true, y_pred.dtype)
            if len(y_true.shape) == len(y_pred.shape) - 1 and y_pred.shape[-1] == 1:
                y_true = tf.expand_dims(y_true, -1)
            elif len(y_true.shape) == len(y_pred.shape) + 1 and y_true.shape[-1] == 1:
                y_true = tf.squeeze(y_true, -1)
            return tf.reduce_mean(loss_fn(y_true, y_pred))

        return as_fit_calls_it
    return loss_fn


@contextlib.contextmanager
def preserved():
    """Save and restore the RNG states that exist (TF's global generator, Keras' global seed
    generator), numpy's and Python's around the probes; none is created by looking."""
    from keras.src.backend.common import global_state
    from tensorflow.python.ops import stateful_random_ops

    variables = [
        g.state
        for g in (
            stateful_random_ops.global_generator,
            global_state.get_global_attribute("global_seed_generator"),
        )
        if g is not None
    ]
    states = ([v.numpy() for v in variables], np.random.get_state(), random.getstate())
    try:
        yield
    finally:
        for v, value in zip(variables, states[0]):
            v.assign(value)
        np.random.set_state(states[1])
        random.setstate(states[2])


class Probe(RestoringProbe):
    """The doctor's view of one Keras model, loss and optimizer (variables restored after each probe)."""

    framework = FRAMEWORK

    def __init__(self, model, loss_fn, optimizer, kind: str, first_input: np.ndarray, label_tail: tuple = ()):
        self.y_first = labels_first(loss_fn)
        self.model, self.user_optimizer, self.kind = model, optimizer, kind
        self.loss_fn, self.label_tail = keras_loss(loss_fn, self.y_first), label_tail
        try:
            self.list_input = kind in ("pair", "embeddings") and len(model.inputs) == 2
        except (AttributeError, ValueError):
            self.list_input = False
        if not model.built:  # build with a first call so that its variables exist to be snapshot
            self._forward(first_input[:1], first_input[:1], training=False)
        self.initial = [v.numpy() for v in model.variables]

    def reset(self) -> None:
        for v, value in zip(self.model.variables, self.initial):
            v.assign(value)

    def tensor(self, array) -> tf.Tensor:
        return tf.convert_to_tensor(np.asarray(array, dtype=np.float32))

    def _forward(self, x1, x2, training: bool) -> tuple:
        a, b = self.tensor(x1), self.tensor(x2)
        if self.kind == "encoder":
            return self.model(a, training=training), self.model(b, training=training)
        if self.list_input:
            out = self.model([a, b], training=training)
        else:
            out = self.model(a, b, training=training)
        return tuple(out) if self.kind == "embeddings" else (out,)

    def _loss(self, outputs: tuple, y) -> tf.Tensor:
        labels = self.tensor(y)
        labels = tf.reshape(labels, (-1, *self.label_tail))
        return self.loss_fn(labels, *outputs) if self.y_first else self.loss_fn(*outputs, labels)

    def outputs(self, x1, x2) -> tuple[np.ndarray, ...]:
        return tuple(to_numpy(o) for o in self._forward(x1, x2, training=False))

    def loss_of(self, outputs: tuple[np.ndarray, ...], y) -> float:
        return float(self._loss(tuple(self.tensor(o) for o in outputs), y))

    def gradients(self, x1, x2, y) -> tuple[float, list[tuple[str, np.ndarray | None, np.ndarray]]]:
        variables = self.model.trainable_variables
        if not variables:
            return float(self._loss(self._forward(x1, x2, training=True), y)), []
        with tf.GradientTape() as tape:
            loss = self._loss(self._forward(x1, x2, training=True), y)
        grads = tape.gradient(loss, variables)
        out = [
            (
                v.path if hasattr(v, "path") else v.name,
                None if g is None else to_numpy(tf.convert_to_tensor(g)),
                v.numpy(),
            )
            for v, g in zip(variables, grads)
        ]
        self.reset()
        return float(loss), out

    def frozen(self) -> tuple[list[str], int, int]:
        """(names of weights frozen with trainable=False, their size, the size of all weights); BatchNorm
        statistics and seed states, never trainable, are left out."""
        def counted(v) -> bool:
            name = v.path if hasattr(v, "path") else v.name
            return not any(k in name for k in ("moving_", "seed_generator", "iteration", "count"))

        frozen = [v for v in self.model.non_trainable_variables if counted(v)]
        every = [v for v in self.model.variables if counted(v)]
        size = sum(int(np.prod(v.shape)) for v in frozen)
        return ([v.path if hasattr(v, "path") else v.name for v in frozen], size,
                sum(int(np.prod(v.shape)) for v in every))

    def loss_reaches_parameters(self, x1, x2, y) -> bool:
        """Whether any trainable variable gets a gradient from the loss of one batch."""
        variables = self.model.trainable_variables
        if not variables:
            return False
        with tf.GradientTape() as tape:
            loss = self._loss(self._forward(x1, x2, training=True), y)
        grads = tape.gradient(loss, variables)
        self.reset()
        return any(g is not None for g in grads)

    def first_nonfinite(self, x1, x2, y) -> dict:
        """Where NaN or inf first appears: the first layer of the model (looked into, in call order for
        layered models) whose output is not finite; ops inside a Lambda are named by the Lambda."""
        found: dict = {}
        layers = [layer for layer in getattr(self.model, "layers", []) if not getattr(layer, "layers", None)]
        for layer in layers:
            try:
                outs = [layer.output] if not isinstance(layer.output, list) else layer.output
                probe = tf.keras.Model(self.model.inputs, outs)
                values = probe([self.tensor(x1), self.tensor(x2)] if self.list_input else self.tensor(x1))
            except Exception:  # a subclassed model or a layer used twice: not located by layer
                return found
            values = values if isinstance(values, (list, tuple)) else [values]
            if not all(bool(tf.reduce_all(tf.math.is_finite(tf.cast(v, tf.float32)))) for v in values):
                return {"op": type(layer).__name__, "module": layer.name, "stage": "forward"}
        return found

    def learning_rate(self) -> float | None:
        return None if self.user_optimizer is None else float(to_numpy(self.user_optimizer.learning_rate))

    def _optimizer(self, which: str):
        if which == "user" and self.user_optimizer is not None:
            return type(self.user_optimizer).from_config(self.user_optimizer.get_config())
        return tf.keras.optimizers.Adam(learning_rate=REFERENCE_LEARNING_RATE)

    def _train(self, x1, x2, y, steps: int, which: str, eval_on=None) -> tuple[list[float], float, tuple]:
        """Like ``siamlab.doctor._torch.Probe.train``: losses, first-step ||dw|| / ||w||, outputs after."""
        optimizer, variables = self._optimizer(which), self.model.trainable_variables
        a, b, labels = self.tensor(x1), self.tensor(x2), self.tensor(y)

        def step():
            with tf.GradientTape() as tape:
                loss = self._loss(self._forward(a, b, training=True), labels)
            grads = tape.gradient(loss, variables)
            optimizer.apply_gradients([(g, v) for g, v in zip(grads, variables) if g is not None])
            return loss

        # Eager on purpose: a tf.function traced in each call kept ~15 MB per diagnose alive (TF 2.21: ten
        # calls took the peak from 729 to 862 MB; eager stays flat) for about 1 s saved per call.
        losses, ratio = [], float("nan")
        for i in range(steps):
            before = [v.numpy() for v in variables] if i == 0 else None
            losses.append(float(step()))
            if before is not None:
                delta = sum(float(np.sum((v.numpy() - w) ** 2)) for v, w in zip(variables, before))
                norm = sum(float(np.sum(w**2)) for w in before)
                ratio = (delta / norm) ** 0.5 if norm > 0 else float("inf")
        losses.append(float(self._loss(self._forward(a, b, training=True), labels)))
        after = self.outputs(x1, x2) if eval_on is None else self.outputs(*eval_on)
        self.reset()
        return losses, ratio, after

    def final_activation(self, x1, x2) -> str | None:
        """The last layer's activation ('relu', 'sigmoid', 'linear', ...) or its class name."""
        layers = getattr(self.model, "layers", [])
        while layers and getattr(layers[-1], "layers", None):  # a nested model: look inside
            layers = layers[-1].layers
        layers = [layer for layer in layers if type(layer).__name__ not in SHAPE_ONLY]
        if not layers:
            return None
        last = layers[-1]
        activation = getattr(last, "activation", None)
        if activation is not None:
            return getattr(activation, "__name__", type(activation).__name__)
        return type(last).__name__

    def first_layer(self, x1, x2) -> str | None:
        """The first layer that is not an input or shape-only, nested models looked into (its class name)."""
        layers = list(getattr(self.model, "layers", []))
        while layers:
            layer = layers.pop(0)
            if getattr(layer, "layers", None):  # a nested model (a Siamese tower): its first layer is first
                layers = list(layer.layers)
            elif type(layer).__name__ not in SHAPE_ONLY:
                return type(layer).__name__
        return None

    def regularization(self, outputs: tuple[np.ndarray, ...], y) -> tuple[float, bool]:
        """(declared penalty, whether the loss adds it): ``model.losses``; the loss adds them when
        doubling the weights changes its value on fixed outputs."""
        declared = self.model.losses
        if not declared:
            return 0.0, True
        total = float(tf.add_n([tf.convert_to_tensor(t) for t in declared]))
        before = self.loss_of(outputs, y)
        for v in self.model.trainable_variables:
            v.assign(v * 2.0)
        after = self.loss_of(outputs, y)
        self.reset()
        return total, abs(after - before) > 1e-7 * max(1.0, abs(before))
