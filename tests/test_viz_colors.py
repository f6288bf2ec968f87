"""The course's colour rules: digit k is "Ck" everywhere; same / different pairs have fixed colours."""
import numpy as np
import pytest

from siamlab.viz import DIFFERENT_PAIRS, SAME_PAIRS, class_color


@pytest.mark.parametrize("label, position, expected", [
    (0, 5, "C0"), (7, 0, "C7"), (np.int64(3), 1, "C3"), (np.float32(1.0), 0, "C1"), (12, 0, "C2"),
    ("ring", 4, "C4"), (True, 1, "C1"), (-1, 2, "C2"), (0.5, 3, "C3"),
])
def test_class_color_follows_the_label_then_the_position(label, position, expected):
    assert class_color(label, position) == expected


def test_pair_colours_differ_from_each_other():
    assert SAME_PAIRS != DIFFERENT_PAIRS


def test_embedding_explorer_draws_digit_k_in_colour_k():
    from matplotlib.colors import to_hex

    from siamlab.viz import EmbeddingExplorer
    rng = np.random.default_rng(0)
    labels = np.array([3, 3, 7, 7, 7, 3])
    explorer = EmbeddingExplorer({0: rng.normal(size=(6, 4))}, labels)
    colours = [to_hex(scatter.get_facecolor()[0]) for scatter in explorer._scatters]
    assert colours == [to_hex("C3"), to_hex("C7")]
