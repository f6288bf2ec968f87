#!/usr/bin/env bash
# The course in two commands (both set up .venv on first run and skip that afterwards):
#   ./course.sh lab    open the notebooks in JupyterLab   (extra args go to jupyter lab)
#   ./course.sh test   unit tests + nbval on every notebook (extra args go to pytest)
# SIAMLAB_EXTRAS=gpu ./course.sh ...  installs the CUDA builds instead (Linux + NVIDIA GPU).
set -euo pipefail
cd "$(dirname "$0")"

VENV=.venv
PYTHON=${PYTHON:-python3}
EXTRAS=${SIAMLAB_EXTRAS:-cpu}

setup() {
    if [ ! -x "$VENV/bin/python" ]; then
        "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
            || { echo "siamlab needs Python >= 3.10; $PYTHON is $("$PYTHON" --version 2>&1)" >&2; exit 1; }
        echo "setup: creating $VENV with $("$PYTHON" --version 2>&1)"
        "$PYTHON" -m venv "$VENV"
    fi
    # Reinstall only when what we install changed: pyproject.toml or the chosen extras.
    local want stamp="$VENV/.siamlab-installed"
    want="$( (cat pyproject.toml; echo "$EXTRAS") | sha256sum | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        echo "setup: $VENV is up to date (extras: $EXTRAS)"
        return
    fi
    echo "setup: installing siamlab[$EXTRAS,lab,test] into $VENV (first run: several minutes)"
    "$VENV/bin/python" -m pip install --quiet -e ".[$EXTRAS,lab,test]"
    echo "$want" > "$stamp"
}

command=${1:-}
shift || true
case "$command" in
    lab)
        setup
        as_root=()
        [ "$(id -u)" = 0 ] && as_root=(--allow-root)  # containers often run as root
        exec "$VENV/bin/jupyter" lab "${as_root[@]}" notebooks/00_start_here.ipynb "$@"
        ;;
    test)
        setup
        exec "$VENV/bin/python" -m pytest "$@"
        ;;
    *)
        echo "usage: ./course.sh lab|test [args]" >&2
        exit 2
        ;;
esac
