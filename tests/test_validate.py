"""validate: the shared argument checks name the argument, what was expected and what was given."""
from __future__ import annotations

import numpy as np
import pytest

from siamlab.validate import number_in, one_of, positive_int


@pytest.mark.parametrize("value, minimum", [(1, 1), (np.int64(7), 1), (0, 0), (250, 250)])
def test_positive_int_accepts_integers_from_the_minimum(value, minimum):
    assert positive_int("n", value, minimum) == value and type(positive_int("n", value, minimum)) is int


@pytest.mark.parametrize("value, error, message", [
    (0, ValueError, r"n must be an int >= 1, got 0"),
    (True, TypeError, r"n must be an int >= 1, got True \(bool\)"),
    (2.0, TypeError, r"n must be an int >= 1, got 2.0 \(float\)"),
    ("3", TypeError, r"n must be an int >= 1, got '3' \(str\)"),
    (None, TypeError, r"n must be an int >= 1, got None \(NoneType\)"),
])
def test_positive_int_refuses_the_rest(value, error, message):
    with pytest.raises(error, match=message):
        positive_int("n", value)


def test_number_in_accepts_numbers_in_the_interval():
    assert number_in("p", 0, 0, 1) == 0.0 and number_in("p", np.float32(0.5), 0, 1) == 0.5
    assert number_in("t", float("inf"), -np.inf, np.inf) == float("inf")


@pytest.mark.parametrize("value, kwargs, error, message", [
    (True, {}, TypeError, r"p must be a number, got True \(bool\)"),
    ("0.5", {}, TypeError, r"p must be a number, got '0.5' \(str\)"),
    (float("nan"), {}, ValueError, r"p must be in \[0, 1\], got nan"),
    (1.5, {}, ValueError, r"p must be in \[0, 1\], got 1.5"),
    (0, {"low_open": True}, ValueError, r"p must be in \(0, 1\], got 0"),
    (1, {"high_open": True}, ValueError, r"p must be in \[0, 1\), got 1"),
])
def test_number_in_refuses_the_rest(value, kwargs, error, message):
    with pytest.raises(error, match=message):
        number_in("p", value, 0, 1, **kwargs)


def test_one_of_lists_the_choices():
    assert one_of("mode", "pca", ("pca", "tsne")) == "pca"
    with pytest.raises(ValueError, match="mode must be one of 'pca', 'tsne'; got 'umap'"):
        one_of("mode", "umap", ("pca", "tsne"))
