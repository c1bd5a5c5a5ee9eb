#!/usr/bin/env bash
# Install what the end-to-end journeys of tests/e2e need from Debian: the `chromium` browser
# (driven by Playwright; its own browser downloads are not used) and the CJK font
# `fonts-wqy-microhei`, without which Chinese pages render as empty boxes.
#
# Idempotent: packages already installed are left alone, and when both are there nothing runs.
# As root (CI, containers) apt-get runs directly; otherwise through sudo.
set -euo pipefail

packages=(chromium fonts-wqy-microhei)

missing=()
for package in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    if [ "$status" != "install ok installed" ]; then
        missing+=("$package")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

fail() {
    echo "install-e2e-deps: $*" >&2
    exit 1
}

command -v apt-get >/dev/null || fail "apt-get is not available; install ${missing[*]} by hand."
sudo=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || fail "not root and sudo is missing; install ${missing[*]} as root."
    sudo=(sudo)
fi
apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -o Dpkg::Use-Pty=0)

echo "install-e2e-deps: installing ${missing[*]}"
"${apt[@]}" update -qq >/dev/null
"${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
