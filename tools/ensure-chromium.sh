#!/usr/bin/env bash
# Make sure Debian's headless-capable Chromium is installed at /usr/bin/chromium (plus a font),
# for the browser tests and the PDF handout. Uses apt-get (Debian/Ubuntu package registry only).
# Runs apt-get directly as root, through sudo otherwise; fails with a clear message if neither.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-chromium: /usr/bin/chromium is missing and apt-get is not available." >&2
    echo "ensure-chromium: install Chromium so that /usr/bin/chromium exists, then retry." >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
elif command -v sudo >/dev/null 2>&1 && [ -t 0 ]; then
    SUDO=(sudo)   # interactive: sudo may ask for a password
else
    echo "ensure-chromium: /usr/bin/chromium is missing; installing it needs root." >&2
    echo "ensure-chromium: run as root, or install sudo, or run:" >&2
    echo "    apt-get update && apt-get install -y --no-install-recommends chromium fonts-dejavu-core" >&2
    exit 1
fi

echo "ensure-chromium: installing chromium and fonts-dejavu-core with apt-get"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core

if [ ! -x /usr/bin/chromium ]; then
    echo "ensure-chromium: apt-get finished but /usr/bin/chromium is still missing." >&2
    exit 1
fi
/usr/bin/chromium --version 2>/dev/null || true
