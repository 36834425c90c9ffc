#!/bin/sh
# The README's install command for the Python module, in a fresh virtual environment over
# Debian's python3 and numpy; then a bf16 GELU graded from outside the source tree.
# Usage: python_install_venv.sh BUILD_DIR VENV_DIR
set -eu
build=$1 venv=$2
rm -rf "$venv"
/usr/bin/python3 -m venv --system-site-packages "$venv"
. "$venv/bin/activate"
cmake --install "$build" --component python \
  --prefix "$(python3 -c 'import sysconfig; print(sysconfig.get_path("platlib"))')"
cd "$venv"
python3 -c '
import gelucheck, numpy as np
assert gelucheck.__file__.startswith("'"$venv"'"), gelucheck.__file__
x = gelucheck.inputs("bf16")
row = gelucheck.grade("gelu_erf", "bf16", gelucheck.reference("gelu_erf", "bf16", x.values))
assert row["correctly_rounded"] == row["points"] == 65280, row
print("installed in", gelucheck.__file__)
'
