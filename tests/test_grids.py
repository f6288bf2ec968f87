"""Static image and pair grids."""
import numpy as np
import pytest

from siamlab.viz.grids import image_grid, pair_grid


def test_image_grid_lays_out_rows_and_titles():
    figure = image_grid(np.zeros((7, 28, 28), np.uint8), titles=list("abcdefg"), ncols=3, title="t")
    shown = [ax for ax in figure.axes if ax.images]
    assert len(figure.axes) == 9 and len(shown) == 7 and shown[6].get_title() == "g"


def test_pair_grid_puts_left_above_right():
    left, right = np.zeros((2, 4, 5), np.uint8), np.full((2, 4, 5), 255, np.uint8)
    figure = pair_grid(left, right, np.array([1, 0]))
    axes = figure.axes
    assert [ax.get_title() for ax in axes[:2]] == ["same", "different"]
    assert axes[2].images[0].get_array().max() == 255


@pytest.mark.parametrize("call, message", [
    (lambda: image_grid(np.zeros((2, 3))), r"expected \(N, H, W\) images, got shape \(2, 3\)"),
    (lambda: image_grid(np.zeros((2, 3, 3)), titles=["a"]), "expected 2 titles, one per image, got 1"),
    (lambda: pair_grid(np.zeros((2, 3, 3)), np.zeros((1, 3, 3)), np.zeros(2)), "expected left, right"),
])
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
