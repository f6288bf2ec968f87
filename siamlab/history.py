"""The one record of a training run that every trainer writes and every plot reads.

A ``History`` is a named list of per-epoch records (``{"epoch": 0, "loss": 0.25, ...}``),
an optional ``baseline`` (the loss of the best constant predictor, drawn as a dashed line),
and optional array snapshots per epoch (embeddings for the explorers). Listeners (live plots)
are called after each ``log``. Framework-neutral: only floats and numpy arrays go in.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from siamlab._io import atomic_write_text
from siamlab.validate import number_in

Listener = Callable[["History"], None]


@dataclass
class History:
    """Per-epoch numbers of one run, e.g. ``History("seed", baseline=0.25)``."""

    name: str
    baseline: float | None = None
    records: list[dict[str, float]] = field(default_factory=list)
    snapshots: dict[int, dict[str, np.ndarray]] = field(default_factory=dict, repr=False)
    listeners: list[Listener] = field(default_factory=list, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.baseline is not None:  # a float32 or 0-d array would only fail later, at save_json
            if isinstance(self.baseline, np.ndarray) and self.baseline.ndim == 0:
                self.baseline = self.baseline.item()
            self.baseline = number_in("baseline", self.baseline, -np.inf, np.inf)

    def log(self, epoch: int | float, **values: float) -> None:
        """Append one record (numbers only) and notify listeners."""
        record = {"epoch": float(epoch)}
        for key, value in values.items():
            number = float(value)  # works for numpy and 0-d framework tensors via __float__
            record[key] = number
        self.records.append(record)
        for listener in list(self.listeners):
            listener(self)

    def snapshot(self, epoch: int, **arrays: np.ndarray) -> None:
        """Keep arrays (e.g. ``embeddings=..., labels=...``) seen at ``epoch``."""
        self.snapshots[int(epoch)] = {k: np.asarray(v) for k, v in arrays.items()}

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(history)`` after every ``log``."""
        self.listeners.append(listener)

    def keys(self) -> list[str]:
        """The metric names logged so far, in first-seen order ("epoch" excluded)."""
        seen: dict[str, None] = {}
        for record in self.records:
            seen.update((k, None) for k in record if k != "epoch")
        return list(seen)

    def series(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """(epochs, values) of one metric, skipping records that lack it."""
        pairs = [(r["epoch"], r[key]) for r in self.records if key in r]
        if not pairs and key not in self.keys():
            raise KeyError(f"{self.name!r} has no metric {key!r}; it has {self.keys()}")
        epochs, values = zip(*pairs, strict=True) if pairs else ((), ())
        return np.asarray(epochs, dtype=float), np.asarray(values, dtype=float)

    def last(self, key: str) -> float:
        """The most recent value of a metric."""
        return float(self.series(key)[1][-1])

    def to_dict(self) -> dict:
        """A JSON-ready dict (records and baseline; snapshots are arrays, saved separately)."""
        return {"name": self.name, "baseline": self.baseline, "records": self.records}

    @classmethod
    def from_dict(cls, data: dict) -> History:
        return cls(name=data["name"], baseline=data.get("baseline"), records=list(data["records"]))

    def save_json(self, path: str | Path) -> None:
        """Write the records as JSON, atomically: a failed write leaves the old file intact."""
        atomic_write_text(path, json.dumps(self.to_dict(), indent=1))

    @classmethod
    def load_json(cls, path: str | Path) -> History:
        """Read a file written by ``save_json``; a corrupt or foreign file is named in the error."""
        try:
            data = json.loads(Path(path).read_text())
            return cls.from_dict(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ValueError(f"{path}: not a readable History JSON file ({exc})") from exc
        except (KeyError, TypeError) as exc:
            raise ValueError(f"{path}: not a History record (expected name, baseline and records; "
                             f"{type(exc).__name__}: {exc})") from exc
