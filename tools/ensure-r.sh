#!/usr/bin/env bash
# Make sure R's metafor (and jsonlite) are installed, for the live comparison of
# jia_teach.pool with metafor (tests/test_pool_metafor.py). Uses apt-get (Debian/Ubuntu
# package registry only): r-cran-metafor brings R itself (R 4.2.2, metafor 3.8-1 on Debian 12;
# about 2 minutes on a clean machine, seconds when the packages are cached).
# Runs apt-get directly as root, through sudo otherwise; fails with a clear message if neither.
set -euo pipefail

have() {
    command -v Rscript >/dev/null 2>&1 &&
        Rscript -e 'suppressPackageStartupMessages({library(metafor); library(jsonlite)})' \
            >/dev/null 2>&1
}

if have; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-r: Rscript with the metafor and jsonlite packages is missing and apt-get is not available." >&2
    echo "ensure-r: install R, then install.packages(c('metafor', 'jsonlite')), and retry." >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
elif command -v sudo >/dev/null 2>&1 && [ -t 0 ]; then
    SUDO=(sudo)   # interactive: sudo may ask for a password
else
    echo "ensure-r: R's metafor is missing; installing it needs root." >&2
    echo "ensure-r: run as root, or install sudo, or run:" >&2
    echo "    apt-get update && apt-get install -y --no-install-recommends r-cran-metafor r-cran-jsonlite" >&2
    exit 1
fi

echo "ensure-r: installing r-cran-metafor and r-cran-jsonlite with apt-get"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends r-cran-metafor r-cran-jsonlite

if ! have; then
    echo "ensure-r: apt-get finished but Rscript cannot load metafor and jsonlite." >&2
    exit 1
fi
Rscript -e 'cat("ensure-r: metafor", as.character(packageVersion("metafor")), "\n")'
