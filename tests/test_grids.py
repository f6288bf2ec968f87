"""Static image and pair grids."""
import numpy as np
import pytest

from siamlab.viz.grids import image_grid
from siamlab.viz.pairs import pair_grid


def test_image_grid_lays_out_rows_and_titles():
    figure = image_grid(np.zeros((7, 28, 28), np.uint8), titles=list("abcdefg"), ncols=3, title="t")
    shown = [ax for ax in figure.axes if ax.images]
    assert len(figure.axes) == 9 and len(shown) == 7 and shown[6].get_title() == "g"


def test_pair_grid_without_a_model_shows_labels_left_beside_right():
    left, right = np.zeros((2, 4, 5), np.uint8), np.full((2, 4, 5), 255, np.uint8)
    figure = pair_grid(left, right, np.array([1, 0]), cols=2)
    assert [ax.get_title() for ax in figure.axes] == ["label 1: same", "label 0: different"]
    shown = figure.axes[0].images[0].get_array()
    assert shown.shape == (4, 12) and shown[:, :5].max() == 0 and shown[:, 7:].min() == 255


@pytest.mark.parametrize("call, message", [
    (lambda: image_grid(np.zeros((2, 3))), r"expected \(N, H, W\) images, got shape \(2, 3\)"),
    (lambda: image_grid(np.zeros((2, 3, 3)), titles=["a"]), "expected 2 titles, one per image, got 1"),
    (lambda: image_grid(np.zeros((0, 3, 3))), r"need at least one image, got shape \(0, 3, 3\)"),
    (lambda: image_grid([]), r"expected \(N, H, W\) images, got shape \(0,\)"),
    (lambda: image_grid(np.zeros((2, 3, 3)), ncols=0), "ncols must be an int >= 1, got 0"),
    (lambda: pair_grid(np.zeros((2, 3, 3)), np.zeros((2, 3, 3)), np.zeros(2), n=0), "n must be an int >= 1"),
    (lambda: pair_grid(np.zeros((2, 3, 3)), np.zeros((1, 3, 3)), np.zeros(2)),
     "expected as many right images"),
    (lambda: pair_grid(np.zeros((2, 3, 3)), np.zeros((2, 3, 3)), np.zeros(2), distances=np.zeros(2)),
     "together"),
])
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
