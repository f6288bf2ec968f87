"""2-D projections of embeddings (PCA, t-SNE, UMAP when installed) and collapse measures."""
from __future__ import annotations

import importlib.util
import warnings

import numpy as np

from siamlab.validate import positive_int


def available_methods() -> list[str]:
    """Projection methods usable here: "pca", "tsne", and "umap" only when umap-learn is installed."""
    methods = ["pca", "tsne"]
    if importlib.util.find_spec("umap") is not None:
        methods.append("umap")
    return methods


def check_embeddings(embeddings: np.ndarray, name: str = "embeddings") -> np.ndarray:
    """``embeddings`` as a finite float (n, d) array; 1-D input counts as d = 1."""
    array = np.asarray(embeddings, dtype=np.float64)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2 or array.shape[0] < 2:
        raise ValueError(f"{name} must be an (n, d) array with n >= 2, got shape {np.shape(embeddings)}")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite, got {int((~np.isfinite(array)).sum())} NaN/inf values")
    return array


def _pad2(array: np.ndarray) -> np.ndarray:
    return np.hstack([array, np.zeros((len(array), 1))]) if array.shape[1] == 1 else array


def pca_basis(embeddings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mean, 2 x d components) of PCA; apply with ``(x - mean) @ components.T``."""
    array = _pad2(check_embeddings(embeddings))
    mean = array.mean(axis=0)
    centred = array - mean
    # SVD directly: sklearn's PCA warns on the zero variance of a collapsed embedding.
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    components = vt[:2]
    signs = np.sign(components[np.arange(2), np.argmax(np.abs(components), axis=1)])
    signs[signs == 0] = 1
    return mean, components * signs[:, None]


def project(embeddings: np.ndarray, method: str = "pca", seed: int = 0,
            tsne_iterations: int = 500) -> np.ndarray:
    """(n, 2) coordinates of ``embeddings`` (n, d): PCA keeps scale (collapse stays visible).

    t-SNE runs ``tsne_iterations`` (scikit-learn's default is 1000): half the time, and the
    layout of a few thousand points has settled by then (2,000 points: about 18 s on 2 cores).
    """
    array = _pad2(check_embeddings(embeddings))
    if method == "pca":
        mean, components = pca_basis(array)
        return (array - mean) @ components.T
    if method == "tsne":
        from sklearn.manifold import TSNE

        tsne_iterations = positive_int("tsne_iterations", tsne_iterations, minimum=250)
        perplexity = float(min(30.0, max(2.0, (len(array) - 1) / 3)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return TSNE(n_components=2, init="pca", perplexity=perplexity, random_state=seed,
                        max_iter=tsne_iterations).fit_transform(array)
    if method == "umap":
        if "umap" not in available_methods():
            raise ImportError("method 'umap' needs the optional package umap-learn (pip install umap-learn)")
        import umap

        return umap.UMAP(n_components=2, random_state=seed).fit_transform(array)
    raise ValueError(f"method must be one of {available_methods()}, got {method!r}")


def embedding_spread(embeddings: np.ndarray) -> float:
    """Root-mean-square distance of the embeddings to their centroid (about 0 = collapsed)."""
    array = check_embeddings(embeddings)
    return float(np.sqrt(((array - array.mean(axis=0)) ** 2).sum(axis=1).mean()))


def class_separation(embeddings: np.ndarray, labels: np.ndarray) -> float:
    """Mean distance between class centroids divided by the mean within-class RMS spread."""
    array = check_embeddings(embeddings)
    labels = np.asarray(labels).reshape(-1)
    if len(labels) != len(array):
        raise ValueError(f"labels must have one entry per embedding: expected {len(array)}, "
                         f"got {len(labels)}")
    classes = np.unique(labels)
    if len(classes) < 2:
        raise ValueError(f"class_separation needs at least 2 classes, got {len(classes)}")
    centroids = np.stack([array[labels == c].mean(axis=0) for c in classes])
    within = np.mean([np.sqrt(((array[labels == c] - centroids[i]) ** 2).sum(axis=1).mean())
                      for i, c in enumerate(classes)])
    gaps = np.sqrt(((centroids[:, None] - centroids[None]) ** 2).sum(axis=-1))
    between = gaps[np.triu_indices(len(classes), 1)].mean()
    return float(between / within) if within > 0 else float("inf") if between > 0 else 0.0
