"""PyTorch hooks for the doctor: forward passes, gradients and short training runs on a copy of the model.

The user's model is deep-copied once; every probe runs on the copy and resets it afterwards, so the
user's weights, buffers and optimizer are never touched. RNG state is saved and restored by ``preserved``.
"""

from __future__ import annotations

import contextlib
import copy
import inspect
import random

import numpy as np
import torch
from torch import nn

from siamlab.doctor.probes import REFERENCE_LEARNING_RATE

FRAMEWORK = "torch"
SHAPE_ONLY = ("Identity", "Flatten", "Unflatten", "Dropout")  # layers that do not change what an output means


def to_numpy(value) -> np.ndarray:
    """A numpy copy of a tensor or array-like."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return np.asarray(value)


def detect_kind(model: nn.Module) -> str | None:
    """'encoder' when forward takes one required input, 'pair' for two, else None (unclear)."""
    params = list(inspect.signature(model.forward).parameters.values())
    if any(p.kind == p.VAR_POSITIONAL for p in params):
        return None
    required = [
        p for p in params if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    return {1: "encoder", 2: "pair"}.get(len(required))


@contextlib.contextmanager
def preserved():
    """Save and restore torch's, numpy's and Python's global RNG state around the probes, which run on
    one CPU thread: on this 2-core machine shared with another process, a step of the object track's
    model took 0.8 s with 2 threads and 0.025 s with 1 (intra-op threads spinning for a busy core)."""
    states = (torch.get_rng_state(), np.random.get_state(), random.getstate())
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    cuda = torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None
    try:
        yield
    finally:
        torch.set_num_threads(threads)
        torch.set_rng_state(states[0])
        np.random.set_state(states[1])
        random.setstate(states[2])
        if cuda is not None:
            torch.cuda.set_rng_state_all(cuda)


class Probe:
    """The doctor's view of one torch model, loss and optimizer (all probes on a private copy)."""

    framework = FRAMEWORK

    def __init__(self, model: nn.Module, loss_fn, optimizer, kind: str):
        self.loss_fn, self.user_optimizer, self.kind = loss_fn, optimizer, kind
        self.model = copy.deepcopy(model)
        first = next(self.model.parameters(), None)
        self.device = first.device if first is not None else torch.device("cpu")
        self.initial = {k: v.detach().clone() for k, v in self.model.state_dict().items()}

    def reset(self) -> None:
        self.model.load_state_dict(self.initial)

    def tensor(self, array) -> torch.Tensor:
        return torch.as_tensor(np.asarray(array, dtype=np.float32), device=self.device)

    def _forward(self, x1, x2) -> tuple:
        if self.kind == "encoder":
            return self.model(self.tensor(x1)), self.model(self.tensor(x2))
        return (self.model(self.tensor(x1), self.tensor(x2)),)

    def _loss(self, outputs: tuple, y) -> torch.Tensor:
        return self.loss_fn(*outputs, self.tensor(y))

    def outputs(self, x1, x2) -> tuple[np.ndarray, ...]:
        """Model outputs in eval mode: (e1, e2) for an encoder, (output,) for a pair model."""
        self.model.eval()
        with torch.no_grad():
            return tuple(to_numpy(o) for o in self._forward(x1, x2))

    def loss_of(self, outputs: tuple[np.ndarray, ...], y) -> float:
        """The user's loss on given (possibly synthetic) outputs and labels."""
        with torch.no_grad():
            return float(self._loss(tuple(self.tensor(o) for o in outputs), y))

    def gradients(self, x1, x2, y) -> tuple[float, list[tuple[str, np.ndarray | None, np.ndarray]]]:
        """Loss and per-parameter gradients (None: no gradient reached it) on one batch, train mode."""
        self.model.train()
        self.model.zero_grad(set_to_none=True)
        loss = self._loss(self._forward(x1, x2), y)
        loss.backward()
        grads = [
            (name, None if p.grad is None else to_numpy(p.grad), to_numpy(p))
            for name, p in self.model.named_parameters()
            if p.requires_grad
        ]
        self.model.zero_grad(set_to_none=True)
        self.reset()
        return float(loss.detach()), grads

    def learning_rate(self) -> float | None:
        return None if self.user_optimizer is None else float(self.user_optimizer.param_groups[0]["lr"])

    def _optimizer(self, which: str):
        params = [p for p in self.model.parameters() if p.requires_grad]
        if which == "user" and self.user_optimizer is not None:
            group = self.user_optimizer.param_groups[0]
            settings = {k: group[k] for k in self.user_optimizer.defaults if k in group}
            return type(self.user_optimizer)(params, **settings)
        return torch.optim.Adam(params, lr=REFERENCE_LEARNING_RATE)

    def train(self, x1, x2, y, steps: int, which: str) -> tuple[list[float], float, tuple[np.ndarray, ...]]:
        """``steps`` steps on one batch with the user's optimizer settings ('user') or Adam 3e-3
        ('reference'): the losses, ||dw|| / ||w|| of the first step and the outputs afterwards."""
        optimizer = self._optimizer(which)
        params = [p for p in self.model.parameters() if p.requires_grad]
        losses, ratio = [], float("nan")
        self.model.train()
        for step in range(steps):
            before = [p.detach().clone() for p in params] if step == 0 else None
            optimizer.zero_grad()
            loss = self._loss(self._forward(x1, x2), y)
            loss.backward()
            optimizer.step()
            losses.append(float(loss.detach()))
            if before is not None:
                delta = sum(float(((p.detach() - b) ** 2).sum()) for p, b in zip(params, before))
                norm = sum(float((b**2).sum()) for b in before)
                ratio = (delta / norm) ** 0.5 if norm > 0 else float("inf")
        with torch.no_grad():
            losses.append(float(self._loss(self._forward(x1, x2), y)))
        after = self.outputs(x1, x2)
        self.reset()
        return losses, ratio, after

    def _layers_called(self, x1, x2) -> list[str]:
        """Class names of the leaf modules one forward pass calls, in order, shape-only ones left out."""
        called: list[str] = []
        hooks = [m.register_forward_hook(lambda mod, i, o: called.append(type(mod).__name__))
                 for m in self.model.modules() if not list(m.children())]
        try:
            self.outputs(x1[:2], x2[:2])
        finally:
            for h in hooks:
                h.remove()
        return [name for name in called if name not in SHAPE_ONLY]

    def final_activation(self, x1, x2) -> str | None:
        """The class name of the last leaf module the forward pass calls ('ReLU', 'Sigmoid', ...)."""
        called = self._layers_called(x1, x2)
        return called[-1] if called else None

    def first_layer(self, x1, x2) -> str | None:
        """The class name of the first leaf module the forward pass calls that is not shape-only."""
        called = self._layers_called(x1, x2)
        return called[0] if called else None

    def regularization(self, outputs: tuple[np.ndarray, ...], y) -> tuple[float, bool]:
        """(declared penalty, whether the loss adds it): the model's ``losses`` (siamlab's models
        declare their L2 there); the loss adds it when doubling the weights changes its value."""
        declared = getattr(self.model, "losses", None)
        if not declared or not isinstance(declared, (list, tuple)):
            return 0.0, True
        with torch.no_grad():
            total = float(sum(float(t) for t in declared))
            before = self.loss_of(outputs, y)
            for p in self.model.parameters():
                p.mul_(2.0)
            after = self.loss_of(outputs, y)
        self.reset()
        return total, abs(after - before) > 1e-7 * max(1.0, abs(before))
