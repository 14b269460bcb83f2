#!/usr/bin/env bash
# Makes sure the system libraries the build links against are present: libcmark (found through
# pkg-config). As root with apt-get it installs what is missing; otherwise it prints the command.
set -euo pipefail

if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists libcmark; then
    exit 0
fi

packages="libcmark-dev pkg-config"
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-deps: installing $packages" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null
    if pkg-config --exists libcmark; then
        exit 0
    fi
    echo "ensure-deps: libcmark is still not visible to pkg-config after installing $packages" >&2
    exit 1
fi

echo "ensure-deps: libcmark-dev is missing; install it with:" >&2
echo "    sudo apt-get update && sudo apt-get install -y $packages" >&2
exit 1
