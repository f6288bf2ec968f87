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

from siamlab.doctor.probes import REFERENCE_LEARNING_RATE

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


class Probe:
    """The doctor's view of one Keras model, loss and optimizer (variables restored after each probe)."""

    framework = FRAMEWORK

    def __init__(self, model, loss_fn, optimizer, kind: str, first_input: np.ndarray):
        self.model, self.loss_fn, self.user_optimizer, self.kind = model, loss_fn, optimizer, kind
        try:
            self.list_input = kind == "pair" and len(model.inputs) == 2
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
            return (self.model([a, b], training=training),)
        return (self.model(a, b, training=training),)

    def _loss(self, outputs: tuple, y) -> tf.Tensor:
        return self.loss_fn(*outputs, self.tensor(y))

    def outputs(self, x1, x2) -> tuple[np.ndarray, ...]:
        return tuple(to_numpy(o) for o in self._forward(x1, x2, training=False))

    def loss_of(self, outputs: tuple[np.ndarray, ...], y) -> float:
        return float(self._loss(tuple(self.tensor(o) for o in outputs), y))

    def gradients(self, x1, x2, y) -> tuple[float, list[tuple[str, np.ndarray | None, np.ndarray]]]:
        variables = self.model.trainable_variables
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

    def learning_rate(self) -> float | None:
        return None if self.user_optimizer is None else float(to_numpy(self.user_optimizer.learning_rate))

    def _optimizer(self, which: str):
        if which == "user" and self.user_optimizer is not None:
            return type(self.user_optimizer).from_config(self.user_optimizer.get_config())
        return tf.keras.optimizers.Adam(learning_rate=REFERENCE_LEARNING_RATE)

    def train(self, x1, x2, y, steps: int, which: str) -> tuple[list[float], float, tuple[np.ndarray, ...]]:
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
        after = self.outputs(x1, x2)
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
