"""What every checker shares: calling the student's answer safely, reading its result in any
framework, and a verdict that explains without ever printing the solution."""
from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from siamlab.validate import one_of

FRAMEWORKS = ("numpy", "tf", "torch")


F = TypeVar("F", bound=Callable[..., Any])


class ExerciseError(AssertionError):
    """A wrong answer: the message says what the answer does and why that is wrong."""


@dataclass(frozen=True)
class Verdict:
    """A passed exercise: its id and the message printed to the student."""

    exercise: str
    message: str

    def __str__(self) -> str:
        return f"✓ {self.exercise}: {self.message}"

    def _ipython_display_(self) -> None:
        """Nothing: the checker has printed the verdict already (no second copy as the cell's result)."""


def checker(check: F) -> F:
    """Decorate a checker so that its errors reach the student without the checker's frames: a
    traceback shows source lines around each frame, and the checker's lines hold the reference answer."""

    @functools.wraps(check)
    def run(*args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True  # IPython and pytest leave this frame out of the traceback too
        try:
            return check(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - re-raised as it is, only without the checker's frames
            raise error.with_traceback(None) from None

    return run  # type: ignore[return-value]


def passed(exercise: str, message: str) -> Verdict:
    """Print and return the verdict of a correct answer (a checker's last line)."""
    verdict = Verdict(exercise, message)
    print(verdict)
    return verdict


def wrong(exercise: str, message: str) -> ExerciseError:
    """The error a checker raises for a recognised (or unrecognised) wrong answer."""
    return ExerciseError(f"✗ {exercise}: {message}")


def require_callable(name: str, value: object, signature: str) -> Callable:
    """``value`` if callable, else a TypeError naming the function the exercise expects."""
    if not callable(value):
        raise TypeError(f"{name} must be a function {signature}, got {value!r} ({type(value).__name__})")
    return value  # type: ignore[return-value]


def require_framework(framework: object) -> str:
    """``framework`` if it is one of numpy / tf / torch (the forms an answer may take)."""
    return str(one_of("framework", framework, FRAMEWORKS))


def to_numpy(value: Any) -> np.ndarray:
    """A numpy float64 array from a numpy, torch or TensorFlow value (no framework import needed)."""
    if hasattr(value, "detach"):          # torch.Tensor
        value = value.detach().cpu().numpy()
    elif hasattr(value, "numpy") and not isinstance(value, np.ndarray):   # tf.Tensor / tf.Variable
        value = value.numpy()
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(f"expected numbers (a number, an array or a tensor), got {type(value).__name__}: "
                        f"{error}") from None


def as_framework(array: np.ndarray, framework: str) -> Any:
    """``array`` (float32) in the student's framework; the framework is imported only here."""
    array = np.asarray(array, dtype=np.float32)
    if framework == "torch":
        import torch

        return torch.tensor(array)
    if framework == "tf":
        import tensorflow as tf

        return tf.constant(array)
    return array


def call(exercise: str, fn: Callable, *args: Any) -> Any:
    """Run the student's function; NotImplementedError passes through (the stub), other errors explain."""
    try:
        return fn(*args)
    except NotImplementedError:
        raise
    except Exception as error:  # noqa: BLE001 - any error in the student's code is reported, not hidden
        raise wrong(exercise, f"your function raised {type(error).__name__}: {error}") from error


def close(a: np.ndarray | float, b: np.ndarray | float, rtol: float = 1e-4, atol: float = 1e-6) -> bool:
    """Shapes equal and values equal to float32 precision."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))
