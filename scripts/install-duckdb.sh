#!/usr/bin/env bash
# Installs the `duckdb` Python package (from PyPI, with pip) into a venv under target/ for the
# DuckDB test of the JSON Lines output (tests/jsonl.rs). Idempotent: does nothing when the venv
# can already import duckdb. It writes only under target/duckdb-venv.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=target/duckdb-venv
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "import duckdb" 2>/dev/null; then
    exit 0
fi
mkdir -p target
python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check duckdb
"$VENV/bin/python" -c "import duckdb; print('duckdb', duckdb.__version__)"
