#!/bin/sh
# Compiles the probe kernel to PTX for compute_75 (the oldest target nvcc 13 accepts) into the
# resources of the jar. Usage: native/probe/build.sh [output.ptx]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../../src/main/resources/dev/engram/backend/cuda/probe_fill.ptx}
nvcc -ptx -arch=compute_75 -o "$out" "$here/probe_fill.cu"
