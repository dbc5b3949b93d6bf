#!/bin/sh
# Builds the forwarding libcublas.so.12 (see forward.c) with gcc into the jar's resources.
#   native/cublas12-forward/build.sh [output.so]
# symbols.txt is the list of cuBLAS symbols JCublas2 imports; regenerate it for a new JCuda with
#   nm -D --undefined-only libJCublas2-<version>-linux-x86_64.so | awk '/@libcublas.so.12/ {sub(/@.*/, "", $2); print $2}' | sort -u
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../../src/main/resources/dev/engram/backend/cuda/linux-x86_64/libcublas.so.12}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
awk '{ printf "FWD(%d, %s)\n", NR - 1, $1 }' "$here/symbols.txt" > "$work/symbols.inc"
printf 'libcublas.so.12 {\n  global:\n    cublas*;\n  local:\n    *;\n};\n' > "$work/version.map"
mkdir -p "$(dirname "$out")"
gcc -shared -fPIC -O2 -s -I"$work" -o "$out" "$here/forward.c" "$here/stubs.S" \
    -Wl,-soname,libcublas.so.12 -Wl,--version-script,"$work/version.map" -Wl,-z,noexecstack -Wl,--no-as-needed -l:libdl.so.2
