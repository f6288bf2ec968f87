"""Procedural 40x50 object images: shape, determinism, classes that differ, bad input."""
import numpy as np
import pytest

from siamlab.data.objects import OBJECT_CLASSES, draw_object, make_objects


def test_shape_dtype_and_interleaved_labels():
    objects = make_objects(3, classes=("ring", "cross"), seed=1)
    assert objects.images.shape == (6, 40, 50) and objects.images.dtype == np.uint8
    assert objects.labels.tolist() == [0, 1, 0, 1, 0, 1] and objects.class_names == ("ring", "cross")


def test_deterministic_by_seed():
    assert np.array_equal(make_objects(2, seed=4).images, make_objects(2, seed=4).images)
    assert not np.array_equal(make_objects(2, seed=4).images, make_objects(2, seed=5).images)


def test_every_class_draws_a_bright_object_on_a_darker_background():
    rng = np.random.default_rng(0)
    for name in OBJECT_CLASSES:
        image = draw_object(name, rng, clutter=0, noise=0.0)
        assert (image > 140).sum() > 30, name  # the object
        assert np.median(image) < 100, name  # the background


def test_classes_differ_more_than_instances_of_one_class():
    clean = make_objects(40, classes=("ring", "bar"), seed=0, clutter=0, noise=0.0)
    masks = clean.images > 120
    ring_area, bar_area = masks[clean.labels == 0].sum((1, 2)), masks[clean.labels == 1].sum((1, 2))
    assert abs(ring_area.mean() - bar_area.mean()) > 3 * max(ring_area.std(), bar_area.std()) / np.sqrt(40)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"n_per_class": 0}, ValueError, "n_per_class must be an int >= 1, got 0"),
    ({"n_per_class": 2.0}, TypeError, "n_per_class must be an int >= 1, got 2.0"),
    ({"n_per_class": True}, TypeError, "n_per_class must be an int >= 1, got True"),
    ({"n_per_class": 1, "classes": ("ring", "star")}, ValueError, "unknown object class 'star'"),
    ({"n_per_class": 1, "classes": ("ring", "ring")}, ValueError, "must be distinct"),
    ({"n_per_class": 1, "classes": "ring"}, TypeError, "classes must be a sequence of class names"),
    ({"n_per_class": 1, "clutter": -1}, ValueError, "clutter must be an int >= 0, got -1"),
    ({"n_per_class": 1, "noise": float("nan")}, ValueError, "noise must be in"),
    ({"n_per_class": 1, "seed": -2}, ValueError, "seed must be an int >= 0, got -2"),
])
def test_bad_arguments_are_named(kwargs, error, message):
    with pytest.raises(error, match=message):
        make_objects(**kwargs)
