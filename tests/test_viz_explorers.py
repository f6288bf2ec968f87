"""The viz package: projections, explorers' state and figures, pair grid, live curves, widgets."""
from __future__ import annotations

import base64
import io
import subprocess
import sys

import numpy as np
import pytest
from matplotlib.figure import Figure

from siamlab.history import History
from siamlab.metrics import pair_accuracy, pair_confusion, roc_analysis
from siamlab.viz import (
    DistanceExplorer,
    EmbeddingExplorer,
    LiveCurves,
    available_methods,
    class_separation,
    embedding_spread,
    figure_png,
    pair_grid,
    project,
)


def pairs(n=2000, seed=0):
    rng = np.random.default_rng(seed)
    same = rng.integers(0, 2, n)
    return np.abs(rng.normal(1 - 0.6 * same, 0.3)), same


def snapshots(collapse: bool, n_per=20, classes=4, dim=8, seed=0):
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(classes), n_per)
    centres = rng.normal(size=(classes, dim)) * 3
    out = {}
    for e in range(3):
        scale = 10.0 ** -(e + 2) if collapse else 1.0
        out[e] = (centres[labels] * (e / 2) + rng.normal(size=(len(labels), dim)) * 0.3) * scale + 5.0
    return out, labels


def test_import_pulls_no_framework():
    code = ("import sys, siamlab.viz; bad = [m for m in ('torch', 'tensorflow') if m in sys.modules]; "
            "print(bad); sys.exit(bool(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# --- projection ------------------------------------------------------------------------------------
def test_project_pca_shape_and_scale():
    x = np.random.default_rng(0).normal(size=(100, 5))
    xy = project(x)
    assert xy.shape == (100, 2)
    assert np.var(xy[:, 0]) >= np.var(xy[:, 1])
    assert np.allclose(project(x * 0.001), xy * 0.001)  # PCA keeps scale: collapse stays visible


def test_project_one_dimensional_and_constant():
    assert project(np.arange(6.0)).shape == (6, 2)
    assert np.allclose(project(np.ones((5, 3))), 0)


def test_project_tsne_runs_and_bad_method():
    x = np.random.default_rng(0).normal(size=(40, 4))
    assert project(x, "tsne").shape == (40, 2)
    with pytest.raises(ValueError, match="method must be one of"):
        project(x, "mds")
    with pytest.raises(ValueError, match="tsne_iterations must be an int >= 250, got 10"):
        project(x, "tsne", tsne_iterations=10)
    if "umap" not in available_methods():
        with pytest.raises(ImportError, match="umap-learn"):
            project(x, "umap")


@pytest.mark.parametrize("bad", [np.zeros((1, 3)), np.zeros((2, 2, 2)), np.array([[np.nan, 1.0], [0, 0]])])
def test_project_bad_input(bad):
    with pytest.raises(ValueError, match="embeddings must"):
        project(bad)


def test_spread_and_separation():
    emb, labels = snapshots(collapse=False)
    assert embedding_spread(np.ones((4, 3))) == 0
    assert class_separation(emb[2], labels) > 3 * class_separation(emb[0], labels)
    with pytest.raises(ValueError, match="expected 80, got 3"):
        class_separation(emb[2], labels[:3])
    with pytest.raises(ValueError, match="at least 2 classes"):
        class_separation(emb[2], np.zeros(80))


# --- distance explorer -----------------------------------------------------------------------------
def test_distance_explorer_matches_metrics():
    d, same = pairs()
    ex = DistanceExplorer(d, same)
    roc = roc_analysis(d, same)
    assert ex.threshold == roc.best_threshold
    assert ex.accuracy == pytest.approx(roc.best_accuracy)
    for t in (0.0, 0.3, 0.77, 1.2, 5.0):
        ex.set_threshold(t)
        assert ex.accuracy == pytest.approx(pair_accuracy(d, same, t))
        assert (ex.confusion == pair_confusion(d, same, t)).all()
        assert ex.tpr == pytest.approx(((d < t) & (same == 1)).sum() / same.sum())


def test_distance_explorer_updates_figure_and_text():
    d, same = pairs()
    ex = DistanceExplorer(d, same)
    before_png, before_text = ex.png(), ex.text
    ex.set_threshold(0.2)
    assert ex.text != before_text and "accuracy" in ex.text
    assert ex.png() != before_png
    assert list(ex._line.get_xdata()) == [0.2, 0.2]
    assert isinstance(ex.figure, Figure) and len(ex.figure.axes) == 3
    for ax in ex.figure.axes:
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()


def test_distance_explorer_constant_distances():
    same = np.array([0, 1] * 50)
    ex = DistanceExplorer(np.full(100, 0.5), same)  # seed 2: constant outputs
    assert ex.roc.auc == pytest.approx(0.5)
    assert ex.range[0] < 0.5 < ex.range[1]
    assert ex.accuracy == pytest.approx(0.5)


@pytest.mark.parametrize("d, same, match", [
    (np.zeros(5), np.zeros(4), "equal length"),
    (np.zeros(4), np.array([0, 1, 2, 1]), "only 0"),
    (np.zeros(4), np.zeros(4), "both same"),
])
def test_distance_explorer_bad_input(d, same, match):
    with pytest.raises(ValueError, match=match):
        DistanceExplorer(d, same)


def test_distance_explorer_bad_threshold_and_bins():
    d, same = pairs(100)
    with pytest.raises(ValueError, match="finite"):
        DistanceExplorer(d, same).set_threshold(float("nan"))
    with pytest.raises(ValueError, match="bins must be"):
        DistanceExplorer(d, same, bins=1)


def test_distance_widget_slider_drives_explorer():
    d, same = pairs(500)
    ex = DistanceExplorer(d, same)
    box = ex.widget()
    image_before = ex._image.value
    ex.slider.value = 0.1
    assert ex.threshold == pytest.approx(0.1)
    assert ex.accuracy == pytest.approx(pair_accuracy(d, same, ex.slider.value))
    assert ex._image.value != image_before and f"{ex.accuracy:.4f}" in ex._label.value
    assert box.children[-1] is ex._image


# --- embedding explorer ----------------------------------------------------------------------------
def test_embedding_explorer_epochs_collapse_vs_separation():
    emb, labels = snapshots(collapse=True)
    collapsed = EmbeddingExplorer(emb, labels)
    emb2, _ = snapshots(collapse=False)
    fixed = EmbeddingExplorer(emb2, labels)
    assert collapsed.spread[2] < 0.01 * fixed.spread[2]
    assert fixed.separation[2] > fixed.separation[0]
    offsets_before = fixed._scatters[0].get_offsets().copy()
    fixed.set_epoch(0)
    assert fixed.epoch == 0 and "epoch 0" in fixed.text
    assert not np.allclose(fixed._scatters[0].get_offsets(), offsets_before)
    with pytest.raises(ValueError, match=r"saved epochs are \[0, 1, 2\]"):
        fixed.set_epoch(7)


def test_embedding_explorer_select_and_neighbours():
    emb, labels = snapshots(collapse=False)
    images = np.random.default_rng(0).random((len(labels), 1, 6, 7))
    ex = EmbeddingExplorer(emb, labels, images, neighbours=3, class_names=["a", "b", "c", "d"])
    ex.select(25)
    near = ex.nearest(25)
    assert len(near) == 3 and 25 not in near
    assert (labels[near] == labels[25]).all()  # separated clusters: neighbours share the class
    assert np.array_equal(ex._thumb_images[0].get_array(), images[25, 0])
    assert "point 25: b" in ex.text
    xy = ex.coords[ex.epoch][40]
    assert ex.select_near(*xy) == 40
    with pytest.raises(ValueError, match=r"index must be an integer in \[0, 79\]"):
        ex.select(80)


def test_embedding_explorer_from_history_and_tsne():
    emb, labels = snapshots(collapse=False)
    history = History("fixed")
    for e, v in emb.items():
        history.snapshot(e, embeddings=v, labels=labels)
    ex = EmbeddingExplorer.from_history(history, method="tsne")
    assert ex.title == "fixed" and ex.coords[2].shape == (80, 2)
    with pytest.raises(ValueError, match="no snapshots"):
        EmbeddingExplorer.from_history(History("empty"))
    with pytest.raises(KeyError, match="lack"):
        EmbeddingExplorer.from_history(history, key="z")
    with pytest.raises(TypeError, match="History"):
        EmbeddingExplorer.from_history({"x": 1})


@pytest.mark.parametrize("kwargs, match", [
    ({"embeddings": {}}, "non-empty mapping"),
    ({"labels": np.zeros(3)}, "expected 80, got 3"),
    ({"images": np.zeros((5, 4, 4))}, "expected 80, got 5"),
    ({"images": np.zeros((80, 4))}, r"\(n, h, w\)"),
    ({"class_names": ["a"]}, "class_names must name"),
    ({"neighbours": 80}, "neighbours must be"),
])
def test_embedding_explorer_bad_input(kwargs, match):
    emb, labels = snapshots(collapse=False)
    args = {"embeddings": emb, "labels": labels, "images": np.zeros((80, 4, 4))} | kwargs
    with pytest.raises(ValueError, match=match):
        EmbeddingExplorer(**args)


def test_embedding_explorer_mismatched_epochs():
    emb, labels = snapshots(collapse=False)
    emb[1] = emb[1][:10]
    with pytest.raises(ValueError, match="same shape"):
        EmbeddingExplorer(emb, labels)


def test_embedding_widget_slider_drives_explorer():
    emb, labels = snapshots(collapse=False)
    ex = EmbeddingExplorer(emb, labels)
    ex.widget()
    before = ex._image.value
    ex.epoch_slider.value = 1
    assert ex.epoch == 1 and ex._image.value != before
    ex.point_box.value = 3
    assert ex.selected == 3


# --- pair grid, display, live curves ---------------------------------------------------------------
def test_pair_grid_titles_and_order():
    rng = np.random.default_rng(0)
    left, right = rng.random((10, 5, 5)), rng.random((10, 5, 5))
    same = np.array([1, 0] * 5)
    d = np.linspace(0, 1, 10)
    fig = pair_grid(left, right, same, d, threshold=0.5, n=6, cols=3, order="errors")
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert len(titles) == 6
    wrong = (d < 0.5).astype(int) != same
    assert f"{int(wrong.sum())} of 10 wrong" in fig._suptitle.get_text()
    first = titles[0]
    assert ("same" in first.split("|")[0]) != ("predicted same" in first)  # errors come first


@pytest.mark.parametrize("kwargs, match", [
    ({"same": np.zeros(3)}, "expected 4, got 3"),
    ({"right": np.zeros((4, 6, 6))}, "same size"),
    ({"order": "random"}, "order must be"),
    ({"n": 0}, "n must be an int >= 1, got 0"),
    ({"cols": 0}, "cols must be an int >= 1, got 0"),
])
def test_pair_grid_bad_input(kwargs, match):
    args = {"left": np.zeros((4, 5, 5)), "right": np.zeros((4, 5, 5)), "same": np.zeros(4),
            "distances": np.zeros(4), "threshold": 0.5} | kwargs
    with pytest.raises(ValueError, match=match):
        pair_grid(**args)


# --- issue 11, items 4 and 13 -------------------------------------------------------------------------
def test_pair_grid_without_distances_checks_n_too():
    with pytest.raises(ValueError, match="n must be an int >= 1, got 0"):
        pair_grid(np.zeros((2, 3, 3)), np.zeros((2, 3, 3)), np.zeros(2), n=0)


def test_from_history_colours_each_epoch_with_its_own_labels():
    emb, labels = snapshots(collapse=False)
    shuffled = np.random.default_rng(1).permutation(labels)  # epoch 0 saved other points
    history = History("run")
    for e, v in emb.items():
        history.snapshot(e, embeddings=v, labels=shuffled if e == 0 else labels)
    ex = EmbeddingExplorer.from_history(history)
    for epoch, epoch_labels in ((2, labels), (0, shuffled)):
        ex.set_epoch(epoch)
        for c, scatter in zip(ex.classes, ex._scatters, strict=True):
            assert np.allclose(scatter.get_offsets(), ex.coords[epoch][epoch_labels == c])
    assert ex.separation[2] > 10 * ex.separation[0]  # shuffled labels do not separate


def test_epoch_keys_that_collide_are_an_error():
    emb, labels = snapshots(collapse=False)
    with pytest.raises(TypeError, match="embeddings keys must be int epochs, got '1'"):
        EmbeddingExplorer({0: emb[0], "1": emb[1], 1: emb[2]}, labels)


def test_figure_png_and_bad_input():
    fig = Figure()
    fig.add_subplot().plot([1, 2])
    assert figure_png(fig).startswith(b"\x89PNG")
    with pytest.raises(TypeError, match="expected a matplotlib Figure"):
        figure_png("not a figure")


def test_live_curves_tracks_runs_without_ipython():
    curves = LiveCurves(("loss", "accuracy"), title="demo", min_interval_s=0)
    a = curves.run("seed", baseline=0.25)
    b = curves.run("fixed")
    for e in range(3):
        a.log(e, loss=0.25, accuracy=0.5)
        b.log(e, loss=0.2 / (e + 1), accuracy=0.6 + 0.1 * e)
    fig = curves.finish()
    assert curves.draw_count == 7
    loss_ax = fig.axes[0]
    labels = {line.get_label() for line in loss_ax.get_lines()}
    assert labels >= {"seed", "fixed", "constant predictor 0.2500"}
    assert [line.get_label() for line in loss_ax.get_lines()].count("constant predictor 0.2500") == 1

    assert loss_ax.get_xlabel() == "epoch" and loss_ax.get_ylabel() == "loss"
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy"] and fig._suptitle.get_text() == "demo"
    with pytest.raises(TypeError, match="History"):
        curves.track("not a history")
    with pytest.raises(ValueError, match="at least one metric"):
        LiveCurves(())


def test_live_curves_draw_one_baseline_per_value_and_whole_epochs():
    curves = LiveCurves(("loss",), min_interval_s=0)
    runs = [curves.run(name, baseline=0.6931) for name in ("a", "b")]
    for history in runs:
        for epoch in (1, 2, 3):
            history.log(epoch, loss=0.5)
    loss_ax = curves.finish().axes[0]
    assert [line.get_label() for line in loss_ax.get_lines()].count("constant predictor 0.6931") == 1
    assert all(float(t).is_integer() for t in loss_ax.get_xticks())


def test_live_curves_draw_a_weight_decay_run_without_its_penalty_against_the_baseline():
    curves = LiveCurves(("loss",), min_interval_s=0)
    decayed, plain = curves.run("decayed", baseline=0.25), curves.run("plain", baseline=0.25)
    for epoch in (1, 2):
        decayed.log(epoch, loss=0.9, data_loss=0.2)   # 0.7 of it is the L2 penalty
        plain.log(epoch, loss=0.3, data_loss=0.3)
    lines = {line.get_label(): line.get_ydata() for line in curves.finish().axes[0].get_lines()}
    assert list(lines["decayed (without the L2 term)"]) == [0.2, 0.2]
    assert list(lines["plain"]) == [0.3, 0.3]

def test_show_side_by_side_rejects_non_explorers():
    with pytest.raises(TypeError, match="expects explorers"):
        from siamlab.viz import show_side_by_side
        show_side_by_side("figure")


def test_distance_explorer_keeps_best_threshold_in_view_and_xlabel():
    ex = DistanceExplorer(np.full(10, -0.2), np.array([0, 1] * 5), xlabel="score")
    assert ex.range[0] <= ex.roc.best_threshold <= ex.range[1]
    assert ex.figure.axes[0].get_xlabel() == "score"


def test_show_figure_rejects_non_figures():
    from siamlab.viz import show_figure
    with pytest.raises(TypeError, match="expected a matplotlib Figure"):
        show_figure([1, 2])


def shown(show, *changes):
    """The outputs an IPython shell records for ``show()`` followed by ``changes``."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()
    with capture_output() as captured:
        show()
        for change in changes:
            change()
    return captured.outputs


def png_of(output) -> np.ndarray:
    from matplotlib import image

    return image.imread(io.BytesIO(base64.b64decode(output.data["image/png"])), format="png")


def test_show_emits_one_output_holding_widget_view_picture_and_one_line():
    """One display: the live widget view for JupyterLab, a PNG for GitHub/nbviewer, one line of text."""
    from siamlab.viz._display import WIDGET_VIEW
    from siamlab.viz._explorer import PLAIN_REPR

    d, same = pairs(300)
    ex = DistanceExplorer(d, same)
    (output,) = shown(ex.show)
    assert sorted(output.data) == [WIDGET_VIEW, "image/png", "text/plain"] and not output.update
    assert output.data["text/plain"] == PLAIN_REPR and "\n" not in PLAIN_REPR
    (shown_output,) = ex._outputs
    assert output.data[WIDGET_VIEW] == {"version_major": 2, "version_minor": 0,
                                        "model_id": shown_output.widget.model_id}
    assert base64.b64decode(output.data["image/png"]) == ex.png()
    assert shown_output.widget._view_count == 0  # front ends report their views there
    assert "siamlab-distanceexplorer" in shown_output.widget._dom_classes


def test_code_changes_redraw_the_picture_in_place_control_moves_do_not():
    """Headless (no front end counts a view): set_threshold from code replaces the one output's PNG;
    the widget's own slider only updates the widget."""
    d, same = pairs(300)
    ex = DistanceExplorer(d, same)
    outputs = shown(ex.show, *[lambda t=t: ex.set_threshold(t) for t in (0.2, 0.4, 0.6)],
                    lambda: setattr(ex.slider, "value", 0.3))
    new = [o for o in outputs if not o.update]
    updates = [o for o in outputs if o.update]
    assert len(new) == 1 and len(updates) == 3, [(sorted(o.data), o.update) for o in outputs]
    assert len({o.transient["display_id"] for o in outputs}) == 1
    assert ex._outputs[0].updates == 3 and ex.threshold == 0.3  # the slider moved it, no new output
    assert "threshold 0.3000" in ex._label.value
    assert not np.array_equal(png_of(updates[0]), png_of(updates[-1]))


def test_no_picture_updates_while_a_front_end_shows_the_widget():
    """JupyterLab counts its views in ``_view_count``: then the widget alone shows code changes too."""
    d, same = pairs(300)
    ex = DistanceExplorer(d, same)

    def front_end_renders_it():
        ex._outputs[0].widget._view_count = 1

    before = []
    outputs = shown(ex.show, front_end_renders_it, lambda: before.append(ex._image.value),
                    lambda: ex.set_threshold(0.2))
    assert len(outputs) == 1 and ex._outputs[0].updates == 0
    assert ex._image.value != before[0] and "threshold 0.2000" in ex._label.value


def test_side_by_side_is_one_output_with_one_picture_of_all():
    from siamlab.viz import show_side_by_side
    from siamlab.viz._display import WIDGET_VIEW

    emb, labels = snapshots(collapse=False)
    images = np.random.default_rng(0).random((len(labels), 6, 7))
    left, right = EmbeddingExplorer(emb, labels, images, neighbours=2), EmbeddingExplorer(emb, labels)
    outputs = shown(lambda: show_side_by_side(left, right), lambda: right.set_epoch(0))
    assert [o.update for o in outputs] == [False, True]
    assert sorted(outputs[0].data) == [WIDGET_VIEW, "image/png", "text/plain"]
    assert left._outputs == right._outputs and len(left._outputs) == 1
    assert repr(left._outputs[0].widget) == outputs[0].data["text/plain"]
    widths, heights = zip(*[figure_png_size(e.png()) for e in (left, right)])
    picture = png_of(outputs[1])
    assert sum(widths) + 12 > 1200  # too wide for one row: one above the other
    assert picture.shape[:2] == (sum(heights) + 12, max(widths))
    assert not np.array_equal(picture, png_of(outputs[0]))  # right moved to epoch 0


def figure_png_size(png: bytes) -> tuple[int, int]:
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def test_combine_pngs_in_a_row_when_narrow_else_in_a_column():
    from siamlab.viz._display import combine_pngs

    def picture(width, height, color):
        fig = Figure(figsize=(width / 100, height / 100), dpi=100)
        fig.patch.set_facecolor(color)
        return figure_png(fig, dpi=100)

    a, b = picture(300, 200, "red"), picture(200, 100, "blue")
    row = png_of_bytes(combine_pngs([a, b], gap=10))
    assert row.shape == (200, 510, 4)
    assert np.allclose(row[0, 0, :3], [1, 0, 0]) and np.allclose(row[0, 400, :3], [0, 0, 1])
    assert np.allclose(row[150, 400], 1.0) and np.allclose(row[0, 305], 1.0)  # white padding and gap
    column = png_of_bytes(combine_pngs([a, b], max_width=400, gap=10))
    assert column.shape == (310, 300, 4)
    assert np.allclose(column[250, 100, :3], [0, 0, 1]) and np.allclose(column[250, 250], 1.0)
    with pytest.raises(ValueError, match="at least one picture"):
        combine_pngs([])


def png_of_bytes(png: bytes) -> np.ndarray:
    from matplotlib import image

    return image.imread(io.BytesIO(png), format="png")


def test_show_outside_ipython_displays_nothing(monkeypatch):
    import IPython

    from siamlab.viz import show_side_by_side

    monkeypatch.setattr(IPython, "get_ipython", lambda: None)  # earlier tests started a shell
    d, same = pairs(100)
    ex = DistanceExplorer(d, same)
    ex.show()
    show_side_by_side(ex, ex)
    assert ex._outputs == [] and ex.set_threshold(0.5).threshold == 0.5


def test_notebook05_saved_outputs_show_each_explorer_once():
    """The committed notebook: every widget output carries its picture and the one line; no separate
    static copies, no widget state in the metadata (GitHub refuses a state without "state")."""
    import json

    from conftest import REPO

    from siamlab.viz._display import WIDGET_VIEW
    from siamlab.viz._explorer import PLAIN_REPR

    notebook = json.loads((REPO / "notebooks" / "05_explorers.ipynb").read_text())
    assert "widgets" not in notebook["metadata"]
    outputs = [o for c in notebook["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    views = [o for o in outputs if WIDGET_VIEW in o.get("data", {})]
    assert len(views) == 5  # seed 1 before/after (one row), fixed TF, seed 2 + fixed torch (one row), ...
    for output in views:
        assert sorted(output["data"]) == [WIDGET_VIEW, "image/png", "text/plain"]
        assert "".join(output["data"]["text/plain"]) == PLAIN_REPR
    texts = ["".join(o.get("text", "")) + str(o.get("data", {}).get("text/markdown", "")) for o in outputs]
    assert not [t for t in texts if "Static copy" in t or "oneDNN" in t or "absl" in t]
    assert [o.get("name") for o in outputs if o["output_type"] == "stream"].count("stderr") == 0


def test_live_curves_in_ipython_keep_one_output():
    """Headless or live, a LiveCurves run leaves exactly one figure output, updated in place."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()
    with capture_output() as captured:
        with LiveCurves(("loss",), min_interval_s=0) as curves:
            run = curves.run("seed", baseline=0.25)
            for e in range(4):
                run.log(e, loss=0.25)
    new = [o for o in captured.outputs if not o.update]
    assert len(new) == 1 and "image/png" in new[0].data
    assert len(captured.outputs) == curves.draw_count == 5


def test_click_on_a_point_selects_it_through_the_widget():
    emb, labels = snapshots(collapse=False)
    images = np.random.default_rng(0).random((len(labels), 6, 7))
    ex = EmbeddingExplorer(emb, labels, images, neighbours=3)
    ex.widget()  # builds the image widget, the point box and the click listener
    # Where point 40 lands in the PNG: data -> display units -> PNG pixels (origin top left).
    display_x, display_y = ex._axes.transData.transform(ex.coords[ex.epoch][40])
    scale = ex.dpi / ex.figure.dpi
    height_px = ex.figure.get_size_inches()[1] * ex.dpi
    px, py = display_x * scale, height_px - display_y * scale
    png_height = int.from_bytes(ex.png()[20:24], "big")  # the PNG header's height field
    assert abs(png_height - height_px) <= 1
    assert ex.index_at_pixel(px, py) == 40
    assert ex.index_at_pixel(1, 1) is None  # the corner is outside the scatter
    ex._on_click({"type": "click", "dataX": px, "dataY": py})
    assert ex.selected == 40 and ex.point_box.value == 40 and "point 40" in ex._label.value
