"""siamlab.exercises with TensorFlow and PyTorch answers: the contrastive loss in both frameworks,
the distance safe at 0 (a gradient in each), and the asker's SiameseCNN output (torch)."""
from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
import torch
import torch.nn.functional as F

import siamlab.exercises as ex
from siamlab.exercises import ExerciseError
from siamlab.exercises._core import as_framework, to_numpy


def rejects(check, fn, fragment, **kwargs) -> None:
    with pytest.raises(ExerciseError) as caught:
        check(fn, **kwargs)
    assert fragment in str(caught.value), str(caught.value)


def tf_loss(distance, same, margin=1.0):   # the notebook 02 solution
    same = tf.cast(same, distance.dtype)
    hinge = tf.maximum(margin - distance, 0.0)
    return tf.reduce_mean(same * tf.square(distance) + (1.0 - same) * tf.square(hinge))


def torch_loss(distance, same, margin=1.0):   # the notebook 04 solution
    same = same.to(distance.dtype)
    return torch.mean(same * distance**2 + (1 - same) * torch.clamp(margin - distance, min=0.0) ** 2)


def test_core_reads_and_makes_both_frameworks():
    assert to_numpy(torch.ones(2, requires_grad=True)).tolist() == [1.0, 1.0]
    assert to_numpy(tf.Variable([2.0])).tolist() == [2.0]
    assert isinstance(as_framework(np.ones(2), "torch"), torch.Tensor)
    assert isinstance(as_framework(np.ones(2), "tf"), tf.Tensor)


def test_contrastive_loss_tf_accepts_correct_forms():
    ex.check_contrastive_loss(tf_loss, framework="tf")
    ex.check_contrastive_loss(lambda d, y, margin=1.0: tf.keras.ops.mean(
        y * d**2 + (1 - y) * tf.nn.relu(margin - d) ** 2), framework="tf")
    ex.check_contrastive_loss(lambda d, y, margin=1.0: (d**2 if float(y) == 1
                                                         else tf.maximum(0.0, margin - d) ** 2),
                              framework="tf")                        # written for one pair
    ex.check_contrastive_loss(lambda d, y, margin=1.0: siamlab_tf().contrastive_loss(d, y, margin),
                              framework="tf")


def siamlab_tf():
    import siamlab.tf

    return siamlab.tf


def test_contrastive_loss_tf_rejects_the_seed_and_the_swapped_convention():
    def seed_loss(d, y, margin=1.0):   # the asker's tf.map_fn lambda: every distance meets every label
        terms = tf.map_fn(lambda di: y * di**2 + (1 - y) * tf.maximum(0.0, margin - di) ** 2, d)
        return tf.reduce_mean(terms)

    rejects(ex.check_contrastive_loss, seed_loss, "broadcasting", framework="tf")
    rejects(ex.check_contrastive_loss, lambda d, y, margin=1.0: tf_loss(d, 1 - y, margin), "other way round",
            framework="tf")
    rejects(ex.check_contrastive_loss, lambda d, y, margin=1.0: tf.reduce_sum(
        y * d**2 + (1 - y) * tf.maximum(0.0, margin - d) ** 2), "sums over the batch", framework="tf")
    # a (B,) vector of per-pair losses from a vectorised call: TF would train on its sum
    rejects(ex.check_contrastive_loss,
            lambda d, y, margin=1.0: y * d**2 + (1 - y) * tf.maximum(0.0, margin - d) ** 2,
            "return the mean over the pairs, one number", framework="tf")
    rejects(ex.check_contrastive_loss, lambda d, y, margin=1.0: 0.5 * tf_loss(d, y, margin), "Hadsell",
            framework="tf")


def test_contrastive_loss_torch_accepts_correct_forms():
    ex.check_contrastive_loss(torch_loss, framework="torch")
    ex.check_contrastive_loss(lambda d, y, margin=1.0: (y * d**2 + (1 - y) * F.relu(margin - d) ** 2).mean(),
                              framework="torch")
    ex.check_contrastive_loss(lambda d, y, margin=1.0: y * d**2 + (1 - y) * max(0.0, float(margin - d)) ** 2,
                              framework="torch")                     # written for one pair

    from siamlab.torch.losses import contrastive_loss
    ex.check_contrastive_loss(contrastive_loss, framework="torch")


def test_contrastive_loss_torch_rejects_the_listed_wrong_answers():
    rejects(ex.check_contrastive_loss, lambda d, y, margin=1.0: torch_loss(d, 1 - y, margin),
            "other way round", framework="torch")
    rejects(ex.check_contrastive_loss, lambda d, y, margin=1.0: torch.mean(
        y[None] * d[:, None] ** 2 + (1 - y[None]) * F.relu(margin - d[:, None]) ** 2), "broadcasting",
        framework="torch")
    rejects(ex.check_contrastive_loss,
            lambda d, y, margin=1.0: torch.mean(y * d**2 + (1 - y) * (margin - d) ** 2),
            "max(0, margin - d)", framework="torch")
    # a (B,) vector of per-pair losses: torch's .backward() refuses it
    rejects(ex.check_contrastive_loss, lambda d, y, margin=1.0: y * d**2 + (1 - y) * F.relu(margin - d) ** 2,
            "returns one loss per pair, shape (8,)", framework="torch")


def test_safe_distance_accepts_correct_forms_in_both_frameworks():
    ex.check_safe_distance(lambda a, b: tf.sqrt(tf.reduce_sum(tf.square(a - b), axis=-1) + 1e-9))
    ex.check_safe_distance(lambda a, b: tf.sqrt(tf.maximum(tf.reduce_sum((a - b) ** 2, axis=1), 1e-12)))
    ex.check_safe_distance(lambda a, b: siamlab_tf().euclidean_distance(a, b))
    ex.check_safe_distance(lambda a, b: torch.sqrt(((a - b) ** 2).sum(dim=1) + 1e-9), framework="torch")
    ex.check_safe_distance(lambda a, b: torch.linalg.vector_norm(a - b, dim=1), framework="torch")


def test_safe_distance_rejects_the_listed_wrong_answers():
    rejects(ex.check_safe_distance, lambda a, b: tf.sqrt(tf.reduce_sum(tf.square(a - b), axis=1)), "NaN")
    rejects(ex.check_safe_distance, lambda a, b: tf.norm(a - b, axis=1), "NaN")
    rejects(ex.check_safe_distance, lambda a, b: tf.sqrt(tf.reduce_sum(tf.square(a - b), axis=1)) + 1e-6,
            "outside the sqrt")
    rejects(ex.check_safe_distance, lambda a, b: tf.reduce_sum(tf.square(a - b), axis=1), "squared")
    rejects(ex.check_safe_distance, lambda a, b: tf.sqrt(tf.reduce_sum(tf.square(a - b), axis=0) + 1e-9),
            "one distance per row")
    rejects(ex.check_safe_distance, lambda a, b: torch.sqrt(((a - b) ** 2).sum(dim=1)), "NaN",
            framework="torch")


def test_safe_distance_names_a_distance_without_gradient():
    # values right, but cut off from a: not "NaN or infinite", not "your function raised"
    for fn, framework in [(lambda a, b: tf.stop_gradient(tf.norm(a - b, axis=1)), "tf"),
                          (lambda a, b: np.linalg.norm(a.numpy() - b.numpy(), axis=1), "tf"),
                          (lambda a, b: torch.norm(a - b, dim=1).detach(), "torch"),
                          (lambda a, b: torch.sqrt(((a.detach() - b) ** 2).sum(1) + 1e-9), "torch"),
                          (lambda a, b: np.linalg.norm(a.detach().numpy() - b.numpy(), axis=1), "torch"),
                          (lambda a, b: np.linalg.norm(np.asarray(a) - np.asarray(b), axis=1), "torch")]:
        rejects(ex.check_safe_distance, fn, "your distance has no gradient", framework=framework)


def test_constant_output_accepts_correct_forms():
    ex.check_constant_output(lambda m: torch.relu(m.linear2[0].bias.detach()))
    ex.check_constant_output(lambda m: m.linear2(torch.zeros(1, 100)).detach()[0])   # head of a zero vector
    ex.check_constant_output(lambda m: np.maximum(m.linear2[0].bias.detach().numpy(), 0.0))


def test_constant_output_rejects_the_listed_wrong_answers():
    for answer, fragment in [(lambda m: m.linear2[0].bias.detach(), "never outputs a negative number"),
                             (lambda m: torch.sigmoid(m.linear2[0].bias.detach()), "sigmoid")]:
        with pytest.raises(ExerciseError) as caught:
            ex.check_constant_output(answer)
        message = str(caught.value)
        assert fragment in message and "relu" not in message.lower(), message   # names the fault, not the fix
    rejects(ex.check_constant_output, lambda m: m.linear2[0].weight.detach().sum(1), "not the output")
    rejects(ex.check_constant_output, lambda m: m.linear2[0].bias.detach()[:1], "shape (2,)")
