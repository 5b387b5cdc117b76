#!/usr/bin/env bash
# Installs Debian's `chromium` for the real-browser tests of the HTML report
# (tests/html_report.rs). Idempotent: does nothing when /usr/bin/chromium is already there.
# It installs only Debian's package (no browser download of its own) and never touches the
# project's files.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
if [ ! -x /usr/bin/chromium ]; then
    echo "install-browser.sh: chromium was installed but /usr/bin/chromium is missing" >&2
    exit 1
fi
/usr/bin/chromium --version || true
