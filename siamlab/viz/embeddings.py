"""Embedding explorer: a 2-D projection per saved epoch, coloured by class, with thumbnails.

All epochs are projected once up front. With PCA one basis (fitted on every epoch together)
serves all epochs and the axes stay fixed, so a collapsing embedding visibly shrinks to a
dot while a working one spreads into class clusters. ``set_epoch`` only moves points;
``select`` (the point box, or in JupyterLab a click on a point through the optional ipyevents) shows
a chosen image and its nearest neighbours in embedding space.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from siamlab.history import History
from siamlab.validate import positive_int
from siamlab.viz._explorer import Explorer, click_events
from siamlab.viz.colors import class_color
from siamlab.viz.images import as_2d_images
from siamlab.viz.projection import check_embeddings, class_separation, embedding_spread, pca_basis, project


def _epoch_keys(mapping: Mapping, name: str) -> list[int]:
    """The keys of ``mapping`` as int epochs; "1" and 1 (or 1.5) are an error, not a dropped epoch."""
    epochs = []
    for key in mapping:
        if isinstance(key, bool) or not isinstance(key, (int, np.integer)):
            raise TypeError(f"{name} keys must be int epochs, got {key!r} ({type(key).__name__})")
        epochs.append(int(key))
    if len(set(epochs)) != len(epochs):
        raise ValueError(f"{name} has the same epoch twice, got keys {list(mapping)}")
    return epochs


class EmbeddingExplorer(Explorer):
    """Scatter of embeddings per epoch (``set_epoch``) with an image + neighbours panel (``select``)."""

    def __init__(self, embeddings: Mapping[int, np.ndarray], labels: np.ndarray,
                 images: np.ndarray | None = None,
                 class_names: Sequence[str] | None = None, method: str = "pca", neighbours: int = 5,
                 seed: int = 0, title: str = ""):
        super().__init__()
        if not isinstance(embeddings, Mapping) or not embeddings:
            raise ValueError("embeddings must be a non-empty mapping epoch -> (n, d) array, "
                             f"got {type(embeddings).__name__}")
        self.epochs = sorted(_epoch_keys(embeddings, "embeddings"))
        self.raw = {int(e): check_embeddings(v, f"embeddings[{e}]") for e, v in embeddings.items()}
        n = len(self.raw[self.epochs[0]])
        for e, v in self.raw.items():
            if len(v) != n or v.shape[1] != self.raw[self.epochs[0]].shape[1]:
                raise ValueError("every epoch needs the same shape: "
                                 f"expected {self.raw[self.epochs[0]].shape}, got {v.shape} at epoch {e}")
        # labels: one array for every epoch, or a mapping epoch -> that epoch's labels
        if isinstance(labels, Mapping) and set(_epoch_keys(labels, "labels")) != set(self.epochs):
            raise ValueError(f"labels must have one entry per epoch {self.epochs}, "
                             f"got epochs {sorted(labels)}")
        by_epoch = {int(e): v for e, v in labels.items()} if isinstance(labels, Mapping) else {}
        self.labels_by_epoch = {e: np.asarray(by_epoch.get(e, labels)).reshape(-1) for e in self.epochs}
        for e, epoch_labels in self.labels_by_epoch.items():
            if len(epoch_labels) != n:
                raise ValueError(f"labels must have one entry per embedding: expected {n}, "
                                 f"got {len(epoch_labels)} at epoch {e}")
        self.labels = self.labels_by_epoch[self.epochs[-1]]  # the shown epoch's labels (set_epoch)
        self.images = None if images is None else as_2d_images(images)
        if self.images is not None and len(self.images) != n:
            raise ValueError(f"images must have one entry per embedding: expected {n}, "
                             f"got {len(self.images)}")
        self.classes = np.unique(np.concatenate(list(self.labels_by_epoch.values())))
        if class_names is not None and len(class_names) <= int(self.classes.max()):
            raise ValueError(f"class_names must name every label up to {int(self.classes.max())}, "
                             f"got {len(class_names)} names")
        self.class_names = class_names
        if not isinstance(neighbours, (int, np.integer)) or not 0 <= neighbours < n:
            raise ValueError(f"neighbours must be an integer in [0, {n - 1}], got {neighbours!r}")
        self.k = int(neighbours) if self.images is not None else 0
        self.method, self.title = method, title
        self.coords = self._project_all(method, seed)
        self.spread = {e: embedding_spread(v) for e, v in self.raw.items()}
        self.separation = {e: class_separation(v, self.labels_by_epoch[e])
                           if len(np.unique(self.labels_by_epoch[e])) > 1 else 0.0
                           for e, v in self.raw.items()}
        self.epoch, self.selected = self.epochs[-1], 0
        self._build()
        self.set_epoch(self.epoch)
        self._freeze_layout()

    @classmethod
    def from_history(cls, history: History, images: np.ndarray | None = None, key: str = "embeddings",
                     labels_key: str = "labels", **kwargs) -> EmbeddingExplorer:
        """An explorer over ``history.snapshots`` (each holding ``key`` and ``labels_key`` arrays)."""
        if not isinstance(history, History):
            raise TypeError(f"from_history expects a History, got {type(history).__name__}")
        if not history.snapshots:
            raise ValueError(f"history {history.name!r} has no snapshots; "
                             "the trainer must call history.snapshot(epoch, ...)")
        for epoch, snap in history.snapshots.items():
            missing = [k for k in (key, labels_key) if k not in snap]
            if missing:
                raise KeyError(f"snapshots of {history.name!r} lack {missing} at epoch {epoch}; "
                               f"they have {sorted(snap)}")
        kwargs.setdefault("title", history.name)
        # each epoch is coloured with the labels saved with it (the points may differ per epoch)
        return cls({e: s[key] for e, s in history.snapshots.items()},
                   {e: s[labels_key] for e, s in history.snapshots.items()}, images, **kwargs)

    def _project_all(self, method: str, seed: int) -> dict[int, np.ndarray]:
        if method == "pca":
            mean, components = pca_basis(np.concatenate([self.raw[e] for e in self.epochs]))
            padded = {e: np.hstack([v, np.zeros((len(v), 1))]) if v.shape[1] == 1 else v
                      for e, v in self.raw.items()}
            return {e: (v - mean) @ components.T for e, v in padded.items()}
        return {e: project(self.raw[e], method, seed) for e in self.epochs}

    # --- state ---------------------------------------------------------------------------------
    def set_epoch(self, epoch: int) -> EmbeddingExplorer:
        """Show the embeddings saved at ``epoch``."""
        if int(epoch) not in self.raw:
            raise ValueError(f"no snapshot at epoch {epoch}; saved epochs are {self.epochs}")
        self.epoch = int(epoch)
        self.labels = self.labels_by_epoch[self.epoch]
        self._update_artists()
        self._refresh()
        return self

    def nearest(self, index: int) -> np.ndarray:
        """Indices of the ``neighbours`` nearest other points to ``index`` at the current epoch."""
        x = self.raw[self.epoch]
        d = np.sqrt(((x - x[index]) ** 2).sum(axis=1))
        d[index] = np.inf
        return np.argsort(d, kind="stable")[: max(self.k, 1)]

    def select(self, index: int) -> EmbeddingExplorer:
        """Highlight point ``index`` and show its image and nearest neighbours."""
        n = len(self.labels)
        if positive_int("index", index, minimum=0) >= n:
            raise ValueError(f"index must be an integer in [0, {n - 1}], got {index!r}")
        self.selected = int(index)
        self._update_artists()
        self._refresh()
        return self

    def select_near(self, x: float, y: float) -> int:
        """Select the point closest to (x, y) in the current projection (a click); returns its index."""
        xy = self.coords[self.epoch]
        index = int(np.argmin(((xy - [x, y]) ** 2).sum(axis=1)))
        self.select(index)
        return index

    def index_at_pixel(self, px: float, py: float) -> int | None:
        """The point nearest a click at pixel (px, py) of the PNG (origin top left, as browsers
        report it), or None when the click is outside the scatter."""
        height_px = self.figure.get_size_inches()[1] * self.dpi
        scale = self.figure.dpi / self.dpi  # PNG pixels -> matplotlib display units
        display_xy = (px * scale, (height_px - py) * scale)
        if not self._axes.bbox.contains(*display_xy):
            return None
        x, y = self._axes.transData.inverted().transform(display_xy)
        xy = self.coords[self.epoch]
        return int(np.argmin(((xy - [x, y]) ** 2).sum(axis=1)))

    def _on_click(self, event: dict) -> None:
        index = self.index_at_pixel(event["dataX"], event["dataY"])
        if index is not None:
            self.point_box.value = index  # the point box's observer selects it

    def _name(self, label) -> str:
        return str(self.class_names[int(label)]) if self.class_names is not None else str(label)

    @property
    def text(self) -> str:
        return (f"epoch {self.epoch}: spread {self.spread[self.epoch]:.4g}, "
                f"class separation {self.separation[self.epoch]:.3g} "
                f"(point {self.selected}: {self._name(self.labels[self.selected])})")

    # --- drawing -------------------------------------------------------------------------------
    def _build(self) -> None:
        cols = self.k + 1 if self.k else 0
        fig = self.figure = Figure(figsize=(6.5 + 1.3 * min(cols, 4), 5), layout="constrained")
        if cols:
            grid = fig.add_gridspec(2, 1 + cols, width_ratios=[5] + [1] * cols)
            ax = fig.add_subplot(grid[:, 0])
            self._thumbs = [fig.add_subplot(grid[0, 1 + j]) for j in range(cols)]
            info = fig.add_subplot(grid[1, 1:])
            info.axis("off")
            self._info = info.text(0, 1, "", va="top", fontsize="small", family="monospace")
            self._thumb_images = []
            for _, tax in enumerate(self._thumbs):
                self._thumb_images.append(tax.imshow(self.images[0], cmap="gray_r"))
                tax.set_xticks([])
                tax.set_yticks([])
        else:
            ax = fig.add_subplot(1, 1, 1)
            self._thumbs = []
        every = np.concatenate([self.coords[e] for e in self.epochs])
        lo, hi = every.min(axis=0), every.max(axis=0)
        pad = np.where(hi > lo, 0.05 * (hi - lo), 1.0)
        ax.set_xlim(lo[0] - pad[0], hi[0] + pad[0])
        ax.set_ylim(lo[1] - pad[1], hi[1] + pad[1])
        self._scatters = [ax.scatter([], [], s=10, color=class_color(c, i), label=self._name(c))
                          for i, c in enumerate(self.classes)]
        (self._marker,) = ax.plot([], [], "o", ms=12, mfc="none", mec="k", mew=2, label="selected")
        (self._links,) = (ax.plot([], [], "x", ms=8, color="k", label="nearest neighbours")
                          if self.k else (None,))
        name = {"pca": "PCA", "tsne": "t-SNE", "umap": "UMAP"}.get(self.method, self.method)
        ax.set_xlabel(f"{name} 1")
        ax.set_ylabel(f"{name} 2")
        ax.legend(fontsize="small", loc="upper right", markerscale=1.5)
        self._axes = ax

    def _update_artists(self) -> None:
        xy = self.coords[self.epoch]
        for scatter, c in zip(self._scatters, self.classes):
            scatter.set_offsets(xy[self.labels == c])
        self._marker.set_data([xy[self.selected, 0]], [xy[self.selected, 1]])
        label = f"{self.title}: " if self.title else ""
        self._axes.set_title(f"{label}epoch {self.epoch}, spread {self.spread[self.epoch]:.3g}, "
                             f"separation {self.separation[self.epoch]:.3g}")
        if self.k:
            near = self.nearest(self.selected)
            self._links.set_data(xy[near, 0], xy[near, 1])
            x = self.raw[self.epoch]
            for j, (tax, im, idx) in enumerate(zip(self._thumbs, self._thumb_images, [self.selected, *near])):
                im.set_data(self.images[idx])
                im.set_clim(self.images.min(), self.images.max())
                dist = np.sqrt(((x[idx] - x[self.selected]) ** 2).sum())
                tax.set_title(f"{'selected' if j == 0 else f'#{j}'}\n{self._name(self.labels[idx])}"
                              + ("" if j == 0 else f"\nd={dist:.3g}"),
                              fontsize="small")
            same = int((self.labels[near] == self.labels[self.selected]).sum())
            self._info.set_text(f"point {self.selected} ({self._name(self.labels[self.selected])}):\n"
                                f"{same} of {len(near)} nearest neighbours\nshare its class")
        self.figure.suptitle("")

    # --- widgets -------------------------------------------------------------------------------
    def controls(self) -> list:
        """An epoch slider over the saved epochs and a point chooser."""
        import ipywidgets as widgets

        epoch = widgets.SelectionSlider(options=self.epochs, value=self.epoch, description="epoch",
                                        continuous_update=False, layout=widgets.Layout(width="360px"))
        epoch.add_class("siamlab-epoch")
        epoch.observe(self._control(lambda change: self.set_epoch(change["new"])), names="value")
        point = widgets.BoundedIntText(value=self.selected, min=0, max=len(self.labels) - 1,
                                       description="point")
        point.add_class("siamlab-point")
        point.observe(self._control(lambda change: self.select(int(change["new"]))), names="value")
        self.epoch_slider, self.point_box = epoch, point
        event = click_events()  # None without ipyevents or where its front end cannot load
        if self._image is not None and event is not None:  # JupyterLab bonus: click a point to select it
            self._click = event(source=self._image, watched_events=["click"])
            self._click.on_dom_event(self._on_click)
        return [epoch, point]
