#!/bin/sh
# Removes what scripts/install.sh PREFIX installed, and nothing else (folders stay).
#
#   scripts/uninstall.sh [PREFIX]        (default: $PREFIX, else /usr/local; DESTDIR is honoured)
set -eu

PREFIX=${1:-${PREFIX:-/usr/local}}
case $PREFIX in
    /*) ;;
    *) PREFIX=$(pwd)/$PREFIX ;;
esac
ROOT=${DESTDIR:-}$PREFIX

for tool in bouncekb bounce; do
    for file in \
        "$ROOT/bin/$tool" \
        "$ROOT/share/bash-completion/completions/$tool" \
        "$ROOT/share/zsh/site-functions/_$tool" \
        "$ROOT/share/fish/vendor_completions.d/$tool.fish" \
        "$ROOT/share/man/man1/$tool.1"
    do
        if [ -e "$file" ] || [ -L "$file" ]; then
            rm -f "$file"
            echo "removed $file"
        fi
    done
done
