#!/bin/sh
# Fails (exit 1) when a C, C++ or header file differs from what clang-format (.clang-format,
# Google-based, 100 columns) makes of it; lists the files. Reformat with: scripts/check-format.sh --fix
set -eu
cd "$(dirname "$0")/.."
files=$(git ls-files '*.cpp' '*.hpp' '*.h' '*.c')
if [ "${1:-}" = "--fix" ]; then
  # shellcheck disable=SC2086
  clang-format -i $files
  exit 0
fi
bad=""
for f in $files; do
  clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad="$bad $f"
done
if [ -n "$bad" ]; then
  echo "not clang-format clean (fix with scripts/check-format.sh --fix):$bad" >&2
  exit 1
fi
