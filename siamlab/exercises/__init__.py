"""Checkers for the notebooks' exercises: each runs the student's function on probe inputs, passes
every correct form (numpy, TensorFlow or PyTorch; per pair or vectorised), names the common wrong
answers by what they do, and never prints a solution. No framework is imported until a checker
needs one (``import siamlab.exercises`` stays light).

Add an exercise: write ``check_NAME(fn, ...) -> Verdict`` (raise ``wrong(...)`` for each wrong
answer it recognises) in a module here, and list it in ``EXERCISES``.
"""
from __future__ import annotations

from dataclasses import dataclass

from siamlab.exercises._core import ExerciseError, Verdict
from siamlab.exercises.bug_lab import check_mystery_fix, check_same_label
from siamlab.exercises.losses import (
    check_contrastive_loss,
    check_plateau,
    check_pulled_distance,
    check_safe_distance,
)
from siamlab.exercises.pairs import check_constant_output, check_fixed_pairs
from siamlab.exercises.rates import check_learning_rate
from siamlab.exercises.thresholds import check_roc_point, check_validation_threshold


@dataclass(frozen=True)
class Exercise:
    """One exercise: its id (notebook-number), notebook, checker name and what the student does."""

    id: str
    notebook: str
    checker: str
    task: str


EXERCISES = (
    Exercise("01-1", "01_tf_seed_reproduced", "check_plateau",
             "predict the loss seed 1's loss freezes at, for any share of same pairs"),
    Exercise("01-2", "01_tf_seed_reproduced", "check_pulled_distance",
             "predict the distance seed 1's loss pulls every pair to"),
    Exercise("02-1", "02_tf_fix_step_by_step", "check_contrastive_loss",
             "write the contrastive loss in TensorFlow, each distance with its own label"),
    Exercise("02-2", "02_tf_fix_step_by_step", "check_safe_distance",
             "write a Euclidean distance whose gradient stays finite at distance 0"),
    Exercise("03-1", "03_torch_seed_reproduced", "check_fixed_pairs",
             "remove the index bug from the PyTorch asker's make_pairs"),
    Exercise("03-2", "03_torch_seed_reproduced", "check_constant_output",
             "predict, from the parameters alone, the output the buggy network gives every pair"),
    Exercise("04-1", "04_torch_fix_step_by_step", "check_learning_rate",
             "read a learning rate off a range test"),
    Exercise("04-2", "04_torch_fix_step_by_step", "check_contrastive_loss",
             "write the contrastive loss in PyTorch"),
    Exercise("05-1", "05_explorers", "check_validation_threshold",
             "choose a threshold on validation pairs and report its held-out accuracy"),
    Exercise("05-2", "05_explorers", "check_roc_point",
             "compute the ROC point (true and false positive rate) of a threshold"),
    Exercise("06-1", "06_bug_lab", "check_mystery_fix",
             "find the mystery model's one bug from the doctor's evidence and write the fixed loss"),
    Exercise("06-2", "06_bug_lab", "check_same_label",
             "read which label value a tutorial's contrastive loss treats as a same pair"),
)

__all__ = ["EXERCISES", "Exercise", "ExerciseError", "Verdict", "check_constant_output",
           "check_contrastive_loss", "check_fixed_pairs", "check_learning_rate", "check_mystery_fix",
           "check_plateau",
           "check_pulled_distance", "check_roc_point", "check_safe_distance", "check_same_label",
           "check_validation_threshold"]
