#!/usr/bin/env bash
# Makes sure a font with Chinese glyphs is installed, so the PNG maps of joint
# inspections (matplotlib) and the pages in Chromium show Chinese, not pinyin or boxes.
# Installs Debian's fonts-wqy-zenhei (about 10 MB; fonts-noto-cjk is larger) when no
# CJK font is found. Never fails the set-up: without apt-get or root rights it says so,
# and the maps fall back to pinyin (docs/boundaries.md).
set -uo pipefail
log() { echo "[cjk-font] $*" >&2; }
has_cjk_font() {
  if command -v fc-list >/dev/null 2>&1; then
    [ -n "$(fc-list :lang=zh family 2>/dev/null | head -n 1)" ]
  else
    ls /usr/share/fonts/truetype/wqy/*.tt? /usr/share/fonts/opentype/noto/*CJK* >/dev/null 2>&1
  fi
}
if has_cjk_font; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  log "no CJK font and no apt-get: install a Chinese font (e.g. Noto Sans CJK) by hand; maps use pinyin meanwhile"
  exit 0
fi
if [ "$(id -u)" = 0 ]; then
  as_root() { "$@"; }
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root() { sudo -n "$@"; }
else
  log "no CJK font and no root rights: run 'sudo apt-get install fonts-wqy-zenhei'; maps use pinyin meanwhile"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
log "installing fonts-wqy-zenhei"
as_root apt-get update -qq >&2 || true
if ! as_root apt-get install -y -qq fonts-wqy-zenhei >&2; then
  log "could not install fonts-wqy-zenhei; maps use pinyin"
fi
exit 0
