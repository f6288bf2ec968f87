"""Plots and interactive views. Framework-neutral: numpy arrays and ``History`` in, figures out."""
from siamlab.viz.live import LiveCurves

__all__ = ["LiveCurves"]
