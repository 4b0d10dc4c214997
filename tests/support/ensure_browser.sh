#!/usr/bin/env bash
# Installs Debian's Chromium and ChromeDriver for the browser tests when missing.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  exit 0
fi
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }
export DEBIAN_FRONTEND=noninteractive
echo "[browser] installing chromium and chromium-driver" >&2
as_root apt-get update -qq >&2 || true
as_root apt-get install -y -qq chromium chromium-driver >&2
