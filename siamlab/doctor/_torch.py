"""PyTorch hooks for the doctor: forward passes, gradients and short training runs on a copy of the model.

The user's model is deep-copied once; every probe runs on the copy and resets it afterwards, so the
user's weights, buffers and optimizer are never touched. RNG state is saved and restored by ``preserved``.
"""

from __future__ import annotations

import contextlib
import copy
import inspect
import random
import warnings

import numpy as np
import torch
from torch import nn

from siamlab.doctor.probes import REFERENCE_LEARNING_RATE, RestoringProbe

FRAMEWORK = "torch"
SHAPE_ONLY = ("Identity", "Flatten", "Unflatten", "Dropout")  # layers that do not change what an output means


def to_numpy(value) -> np.ndarray:
    """A numpy copy of a tensor or array-like."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return np.asarray(value)


def detect_kind(model: nn.Module) -> str | None:
    """'encoder' when forward takes one required input, 'pair' for two, else None (unclear); a model
    with ``forward_once`` and an unclear forward is taken as the two-embeddings shape."""
    params = list(inspect.signature(model.forward).parameters.values())
    if any(p.kind == p.VAR_POSITIONAL for p in params):
        return "embeddings" if hasattr(model, "forward_once") else None
    required = [
        p for p in params if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    return {1: "encoder", 2: "pair"}.get(len(required))


def call_model(model: nn.Module, kind: str, x1: np.ndarray, x2: np.ndarray):
    """One forward pass on two pairs, as the doctor will call the model; the user's exception is raised
    again with the call that failed, never swallowed."""
    a, b = (torch.as_tensor(np.asarray(v[:2], np.float32), device=_device(model)) for v in (x1, x2))
    call = "model(x1)" if kind == "encoder" else "model(x1, x2)"
    was = model.training
    model.eval()
    try:
        with torch.no_grad():
            return model(a) if kind == "encoder" else model(a, b)
    except Exception as error:
        raise RuntimeError(f"calling your model as {call} with x1 of shape {tuple(a.shape)} raised "
                           f"{type(error).__name__}: {error}") from error
    finally:
        model.train(was)


def output_kind(model: nn.Module, kind: str, x1: np.ndarray, x2: np.ndarray) -> str:
    """'embeddings' when model(x1, x2) returns two tensors of one shape (e1, e2), else ``kind``."""
    out = call_model(model, kind, x1, x2)
    if kind != "encoder" and isinstance(out, (tuple, list)) and len(out) == 2 \
            and all(isinstance(o, torch.Tensor) for o in out) and out[0].shape == out[1].shape:
        return "embeddings"
    return kind


def _device(model: nn.Module) -> torch.device:
    first = next(model.parameters(), None)
    return first.device if first is not None else torch.device("cpu")


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


class Probe(RestoringProbe):
    """The doctor's view of one torch model, loss and optimizer (all probes on a private copy)."""

    framework = FRAMEWORK

    def __init__(self, model: nn.Module, loss_fn, optimizer, kind: str, label_tail: tuple = ()):
        self.loss_fn, self.user_optimizer, self.kind, self.label_tail = loss_fn, optimizer, kind, label_tail
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
        if self.kind == "embeddings":
            return tuple(self.model(self.tensor(x1), self.tensor(x2)))
        return (self.model(self.tensor(x1), self.tensor(x2)),)

    def _loss(self, outputs: tuple, y) -> torch.Tensor:
        labels = self.tensor(y)
        return self.loss_fn(*outputs, labels.reshape((len(labels), *self.label_tail)))

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
        if loss.requires_grad:  # False: nothing trainable reaches the loss (all frozen, or detached)
            loss.backward()
        grads = [
            (name, None if p.grad is None else to_numpy(p.grad), to_numpy(p))
            for name, p in self.model.named_parameters()
            if p.requires_grad
        ]
        self.model.zero_grad(set_to_none=True)
        self.reset()
        return float(loss.detach()), grads

    def frozen(self) -> tuple[list[str], int, int]:
        """(names of parameters with requires_grad=False, their size, the size of all parameters)."""
        named = list(self.model.named_parameters())
        names = [n for n, p in named if not p.requires_grad]
        frozen = sum(p.numel() for _, p in named if not p.requires_grad)
        return names, frozen, sum(p.numel() for _, p in named)

    def loss_reaches_parameters(self, x1, x2, y) -> bool:
        """Whether the loss of one batch has a gradient path to any trainable parameter."""
        self.model.train()
        loss = self._loss(self._forward(x1, x2), y)
        self.reset()
        return bool(getattr(loss, "requires_grad", False))

    def first_nonfinite(self, x1, x2, y) -> dict:
        """Where NaN or inf first appears in a forward pass and the loss: the first torch op whose
        inputs are finite and whose output is not (a TorchFunctionMode sees every op, also functions
        such as torch.acos called in forward) and the module it ran in (forward hooks); then, if the
        backward pass is the first to go non-finite, the backward op autograd's anomaly mode names."""
        from torch.overrides import TorchFunctionMode

        stack: list[str] = []
        names = {m: n or type(self.model).__name__ for n, m in self.model.named_modules()}
        hooks = [m.register_forward_pre_hook(lambda mod, i: stack.append(names[mod])) for m in names]
        hooks += [m.register_forward_hook(lambda mod, i, o: None if stack.pop() else None) for m in names]
        found: dict = {}

        def finite(t) -> bool:
            return not (isinstance(t, torch.Tensor) and t.is_floating_point()
                        and not bool(torch.isfinite(t).all()))

        class Watch(TorchFunctionMode):
            def __torch_function__(self, func, types, args=(), kwargs=None):
                out = func(*args, **(kwargs or {}))
                if not found and not finite(out):
                    given = list(args) + list((kwargs or {}).values())
                    inputs = [a for a in given if isinstance(a, torch.Tensor)]
                    if all(finite(a) for a in inputs):
                        found.update(op=getattr(func, "__name__", str(func)),
                                     module=stack[-1] if stack else "loss",
                                     stage="forward")
                return out

        self.model.train()
        try:
            with Watch():
                loss = self._loss(self._forward(x1, x2), y)
        finally:
            for h in hooks:
                h.remove()
        if not found and loss.requires_grad:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # anomaly mode warns and prints the forward traceback
                    with torch.autograd.detect_anomaly(check_nan=True):
                        self._loss(self._forward(x1, x2), y).backward()
            except RuntimeError as error:  # "Function 'AcosBackward0' returned nan values in its 0th output."
                text = str(error)
                if "returned nan" in text:
                    found.update(op=text.split("'")[1], module="backward", stage="backward")
            self.model.zero_grad(set_to_none=True)
        self.reset()
        return found

    def learning_rate(self) -> float | None:
        return None if self.user_optimizer is None else float(self.user_optimizer.param_groups[0]["lr"])

    def _optimizer(self, which: str):
        params = [p for p in self.model.parameters() if p.requires_grad]
        if which == "user" and self.user_optimizer is not None:
            group = self.user_optimizer.param_groups[0]
            settings = {k: group[k] for k in self.user_optimizer.defaults if k in group}
            return type(self.user_optimizer)(params, **settings)
        return torch.optim.Adam(params, lr=REFERENCE_LEARNING_RATE)

    def _train(self, x1, x2, y, steps: int, which: str, eval_on=None) -> tuple[list[float], float, tuple]:
        """``steps`` steps on one batch with the user's optimizer settings ('user') or Adam 3e-3
        ('reference'): the losses, ||dw|| / ||w|| of the first step and the outputs afterwards."""
        optimizer = self._optimizer(which)
        params = [p for p in self.model.parameters() if p.requires_grad]
        if not params:
            raise ValueError("no parameter has requires_grad=True: there is nothing to train")
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
        after = self.outputs(x1, x2) if eval_on is None else self.outputs(*eval_on)
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
