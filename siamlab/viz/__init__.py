"""Plots and interactive views. Framework-neutral: numpy arrays and ``History`` in, figures out."""
from siamlab.viz._display import figure_png, show_figure
from siamlab.viz._explorer import show_side_by_side
from siamlab.viz.colors import DIFFERENT_PAIRS, SAME_PAIRS, class_color
from siamlab.viz.distances import DistanceExplorer
from siamlab.viz.embeddings import EmbeddingExplorer
from siamlab.viz.live import LiveCurves
from siamlab.viz.pairs import pair_grid
from siamlab.viz.projection import available_methods, class_separation, embedding_spread, project

__all__ = [
    "DIFFERENT_PAIRS", "DistanceExplorer", "EmbeddingExplorer", "LiveCurves", "SAME_PAIRS",
    "available_methods", "class_color", "class_separation",
    "embedding_spread", "figure_png", "pair_grid", "project", "show_figure", "show_side_by_side",
]
