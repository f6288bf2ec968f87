#!/usr/bin/env bash
# The course in two commands (both set up .venv on first run and skip that afterwards):
#   ./course.sh lab    open the notebooks in JupyterLab   (extra args go to jupyter lab)
#   ./course.sh test   unit tests + nbval on every notebook (extra args go to pytest)
#   ./course.sh kernel register .venv as the user Jupyter kernel "Python (siamlab)" (lab does it too)
# SIAMLAB_TORCH_INDEX=cpu ./course.sh ...    Linux laptops: torch from the PyTorch CPU wheel index
#                                            (about 0.2 GB instead of PyPI's CUDA build with ~3 GB
#                                            of nvidia-* wheels); needs download.pytorch.org.
# SIAMLAB_EXTRAS=gpu-torch ./course.sh ...   Linux + NVIDIA: PyTorch on the GPU (CUDA 13), TF on CPU.
# SIAMLAB_EXTRAS=gpu-tf ./course.sh ...      Linux + NVIDIA: TensorFlow on the GPU (CUDA 12) only;
#                                            add SIAMLAB_TORCH_INDEX=cpu for the PyTorch notebooks.
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
        exec "$VENV/bin/python" -m pytest "$@"
        ;;
    kernel)
        [ -x "$VENV/bin/python" ] || setup
        register_kernel
        ;;
    *)
        echo "usage: ./course.sh lab|test|kernel [args]" >&2
        exit 2
        ;;
esac
