#!/usr/bin/env bash
# The course in two commands (both set up .venv on first run and skip that afterwards).
# ./course.sh --help lists the commands and every environment variable with its default.
set -euo pipefail
cd "$(dirname "$0")"

VENV=.venv
PYTHON=${PYTHON:-python3}
EXTRAS=${SIAMLAB_EXTRAS:-cpu}
TORCH_INDEX=${SIAMLAB_TORCH_INDEX:-}  # "cpu" or empty (torch from PyPI, or a local wheel where offered)

setup() {
    if [ ! -x "$VENV/bin/python" ]; then
        "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
            || { echo "siamlab needs Python >= 3.10; $PYTHON is $("$PYTHON" --version 2>&1)" >&2; exit 1; }
        echo "setup: creating $VENV with $("$PYTHON" --version 2>&1)"
        "$PYTHON" -m venv "$VENV"
    fi
    # Reinstall only when what we install changed: pyproject.toml or the chosen extras.
    local want stamp="$VENV/.siamlab-installed"
    want="$( (cat pyproject.toml; echo "$EXTRAS $TORCH_INDEX") | cksum | cut -d' ' -f1)"  # cksum: macOS too
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        echo "setup: $VENV is up to date (extras: $EXTRAS)"
        return
    fi
    if [ "$TORCH_INDEX" = cpu ]; then
        # The same torch pin as pyproject, from the CPU-only index; the install below then keeps it.
        local torch
        torch="$(sed -n 's/^ *"\(torch==[^";]*\)".*/\1/p' pyproject.toml | head -n 1)"
        echo "setup: installing $torch from the PyTorch CPU wheel index"
        "$VENV/bin/python" -m pip install --quiet "$torch" --index-url https://download.pytorch.org/whl/cpu
    elif [ -n "$TORCH_INDEX" ]; then
        echo "SIAMLAB_TORCH_INDEX must be 'cpu' or empty, got '$TORCH_INDEX'" >&2
        exit 2
    fi
    echo "setup: installing siamlab[$EXTRAS,lab,test] into $VENV (first run: several minutes)"
    "$VENV/bin/python" -m pip install --quiet -e ".[$EXTRAS,lab,test]"
    echo "$want" > "$stamp"
}

register_kernel() {
    # A named user kernel, so that VS Code, a system JupyterLab or a hub can run the notebooks with
    # this .venv. ipykernel rewrites the same kernel.json each time: running it again changes nothing.
    "$VENV/bin/python" -m ipykernel install --user --name siamlab --display-name "Python (siamlab)" >/dev/null
    echo "setup: Jupyter kernel \"Python (siamlab)\" -> $VENV/bin/python"
}

usage() {
    cat <<'USAGE'
usage: ./course.sh COMMAND [args]

commands (each sets up .venv on its first run: Python >= 3.10, pip, several minutes):
  lab      open the notebooks in JupyterLab, starting at notebooks/00_start_here.ipynb
           (extra args go to jupyter lab, e.g. ./course.sh lab --port 8890)
  test     unit tests + every notebook under nbval (extra args go to pytest); everything takes
           about 28 min on a quiet 2-core CPU (CI's run, setup included)
  test --quick
           the same without the slow and networked tests (pytest -m "not full and not registry"):
           no full-mode notebook 02, no keras.io stall check, none of the tests that need PyPI
  kernel   register .venv as the user Jupyter kernel "Python (siamlab)" (lab does it too)
  students OUT_DIR
           write student copies of the notebooks into OUT_DIR (solutions replaced by stubs,
           exercise outputs cleared; never into notebooks/): docs/teaching.md
  --help   this text

environment variables (default in brackets):
  PYTHON=python3              the Python that creates .venv [python3]
  SIAMLAB_EXTRAS=cpu          the install set: cpu, gpu-torch (PyTorch on an NVIDIA GPU, TF on the CPU)
                              or gpu-tf (TensorFlow on the GPU) [cpu]
  SIAMLAB_TORCH_INDEX=cpu     Linux laptops: torch from the PyTorch CPU wheel index (about 0.7 GB instead
                              of PyPI's CUDA build, 3.2 GB in all); needs download.pytorch.org [empty: PyPI]
  SIAMLAB_FULL=1              full mode: more data and epochs, for GPU kernels [off]
  SIAMLAB_DATA_DIR=X          read MNIST from X/mnist/*.gz first [unset: the subset shipped with siamlab]
  SIAMLAB_CACHE_DIR=X         where full mode's MNIST download goes [the user cache, ~/.cache/siamlab]
  SIAMLAB_OFFLINE=1           never try the network [off]
  SIAMLAB_FALLBACK_DIGITS=1   use the 8x8 scikit-learn fallback digits instead of MNIST, to see what a
                              student gets when the shipped files are gone [off]
  SIAMLAB_CLICK=0|1           explorers: clicking a point off / on [on where ipyevents works]
  SIAMLAB_REQUIRE_REGISTRY=1  tests that need PyPI fail instead of skipping when it is unreachable (CI) [off]
USAGE
}

command=${1:-}
shift || true
case "$command" in
    lab)
        setup
        register_kernel
        as_root=()
        [ "$(id -u)" = 0 ] && as_root=(--allow-root)  # containers often run as root
        exec "$VENV/bin/jupyter" lab "${as_root[@]}" notebooks/00_start_here.ipynb "$@"
        ;;
    test)
        setup
        if [ "${1:-}" = --quick ]; then  # a student's machine: no full-mode runs, no PyPI
            shift
            set -- -m "not full and not registry" "$@"
        fi
        exec "$VENV/bin/python" -m pytest "$@"
        ;;
    students)
        [ -x "$VENV/bin/python" ] || setup
        exec "$VENV/bin/python" -m siamlab students "$@"
        ;;
    kernel)
        [ -x "$VENV/bin/python" ] || setup
        register_kernel
        ;;
    -h|--help|help)
        usage
        ;;
    *)
        usage >&2
        exit 2
        ;;
esac
