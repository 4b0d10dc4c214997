#!/usr/bin/env bash
# Prints the path of a working Python >= 3.12 (pygeoapi 0.24 needs it), or fails.
# pyenv shims may exist for versions that are not selected, so each candidate is run.
set -u
for candidate in "${PYTHON:-}" python3.12 python3.13 python3 /root/.pyenv/versions/3.12*/bin/python3.12 /usr/local/bin/python3.12 /usr/bin/python3.12; do
  [ -n "$candidate" ] || continue
  path=$(command -v "$candidate" 2>/dev/null) || continue
  if "$path" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
    "$path" -c 'import sys; print(sys.executable)'
    exit 0
  fi
done
echo "diming needs Python >= 3.12 (pygeoapi 0.24); none found. Set PYTHON=/path/to/python3.12." >&2
exit 1
