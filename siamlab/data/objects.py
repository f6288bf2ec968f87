"""Procedural 1x40x50 grayscale "object" images, a stand-in for the PyTorch seed's photos.

The asker of seed 2 trained one Siamese network per object on 40x50 grayscale photos
("the object" vs "other objects"). We cannot ship those photos, so we draw objects of a few
shapes with random position, scale, rotation, brightness, clutter and noise. Everything is
deterministic by seed, so a notebook shows the same images on every machine.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.ndimage import gaussian_filter

from siamlab.validate import number_in, positive_int

HEIGHT, WIDTH = 40, 50
OBJECT_CLASSES = ("ring", "cross", "triangle", "frame", "bar", "lshape")


def _shape_mask(name: str, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Boolean mask of a unit-size shape in the object's own (rotated, scaled) coordinates."""
    r = np.hypot(u, v)
    au, av = np.abs(u), np.abs(v)
    if name == "ring":
        return (r <= 1.0) & (r >= 0.6)
    if name == "cross":
        return ((au <= 0.25) & (av <= 1.0)) | ((av <= 0.25) & (au <= 1.0))
    if name == "triangle":
        return (v <= 0.6) & (v >= -1.0 + 2.0 * au * 1.15)
    if name == "frame":
        return (np.maximum(au, av) <= 0.9) & (np.maximum(au, av) >= 0.55)
    if name == "bar":
        return (au <= 1.0) & (av <= 0.3)
    if name == "lshape":
        stem = (u >= -0.8) & (u <= -0.4) & (av <= 0.9)
        return stem | ((v >= 0.5) & (v <= 0.9) & (u >= -0.8) & (u <= 0.8))
    raise ValueError(f"unknown object class {name!r}; expected one of {OBJECT_CLASSES}")


@dataclass(frozen=True)
class ObjectImages:
    """Images (N, 40, 50) uint8, labels (N,) uint8 indexing ``class_names``."""

    images: np.ndarray
    labels: np.ndarray
    class_names: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.labels)


def draw_object(name: str, rng: np.random.Generator, clutter: int = 3, noise: float = 12.0) -> np.ndarray:
    """One (40, 50) uint8 image of the named object on a cluttered, noisy background."""
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float64)
    background = rng.uniform(20, 70) + rng.uniform(-15, 15) * (xx / WIDTH - 0.5)
    image = np.array(background)
    for _ in range(clutter):  # faint strokes that belong to no object
        x0, y0 = rng.uniform(0, WIDTH), rng.uniform(0, HEIGHT)
        angle = rng.uniform(0, np.pi)
        along = (xx - x0) * np.cos(angle) + (yy - y0) * np.sin(angle)
        across = -(xx - x0) * np.sin(angle) + (yy - y0) * np.cos(angle)
        stroke = (np.abs(across) <= 0.7) & (np.abs(along) <= rng.uniform(4, 10))
        image = np.where(stroke, image + rng.uniform(30, 70), image)
    size = rng.uniform(8, 13)
    cx, cy = rng.uniform(size + 1, WIDTH - size - 1), rng.uniform(size + 1, HEIGHT - size - 1)
    theta = rng.uniform(0, 2 * np.pi)
    dx, dy = (xx - cx) / size, (yy - cy) / size
    u = dx * np.cos(theta) + dy * np.sin(theta)
    v = -dx * np.sin(theta) + dy * np.cos(theta)
    mask = _shape_mask(name, u, v).astype(np.float64)
    brightness = rng.uniform(150, 230)
    image = image * (1 - mask) + brightness * mask
    image = gaussian_filter(image, sigma=0.7) + rng.normal(0, noise, image.shape)
    return np.clip(np.rint(image), 0, 255).astype(np.uint8)


def make_objects(
    n_per_class: int,
    classes: Sequence[str] = OBJECT_CLASSES,
    seed: int = 0,
    clutter: int = 3,
    noise: float = 12.0,
) -> ObjectImages:
    """``n_per_class`` images of each class, interleaved by class, deterministic by ``seed``."""
    n_per_class = positive_int("n_per_class", n_per_class)
    clutter = positive_int("clutter", clutter, minimum=0)
    noise = number_in("noise", noise, 0, np.inf)
    seed = positive_int("seed", seed, minimum=0)
    if isinstance(classes, str):
        raise TypeError(f"classes must be a sequence of class names, got the string {classes!r}")
    classes = tuple(classes)
    for name in classes:
        if name not in OBJECT_CLASSES:
            raise ValueError(f"unknown object class {name!r}; expected one of {OBJECT_CLASSES}")
    if len(set(classes)) != len(classes):
        raise ValueError(f"object classes must be distinct, got {classes}")
    rng = np.random.default_rng(seed)
    labels = np.tile(np.arange(len(classes), dtype=np.uint8), n_per_class)
    images = np.stack([draw_object(classes[k], rng, clutter, noise) for k in labels])
    return ObjectImages(images=images, labels=labels, class_names=classes)
