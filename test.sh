#!/usr/bin/env bash
# The README's test command: on a Debian machine that has rustup's toolchains, installs what
# the tests need and runs every test (`cargo xtask test`, xtask/src/testall.rs); .ci/run
# runs it too. The one thing done here rather than in Rust: cargo cannot link anything,
# xtask included, without a C compiler and the C library's development files.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
for pkg in gcc libc6-dev; do
    dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null | grep -q '^ii' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        apt=(env DEBIAN_FRONTEND=noninteractive apt-get)
    elif sudo -n true 2>/dev/null; then
        apt=(sudo -n env DEBIAN_FRONTEND=noninteractive apt-get)
    else
        echo "test.sh: missing Debian packages: ${missing[*]}; install them as root (apt-get install ${missing[*]}) and run this again" >&2
        exit 1
    fi
    "${apt[@]}" update -qq
    "${apt[@]}" install -y -qq "${missing[@]}"
fi
exec cargo xtask test "$@"
