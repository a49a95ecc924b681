#!/usr/bin/env bash
# Installs the system libraries optml links against (OpenBLAS, LAPACKE, zlib) when they are missing.
set -euo pipefail
missing=()
for package in libopenblas-dev liblapacke-dev zlib1g-dev pkg-config; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing ${missing[*]}"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi
