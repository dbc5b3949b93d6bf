#!/usr/bin/env bash
# Compiles kernels/*.cu into the kernel images the CUDA backend loads:
#   src/main/resources/dev/engram/kernels/<family>.ptx
# Usage: native/build-kernels.sh [output-dir]   (default: the resources directory)
# Only nvcc is needed; the output depends only on the sources and the nvcc version.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/src/main/resources/dev/engram/kernels}"
nvcc="${NVCC:-nvcc}"
mkdir -p "$out"

# Flags that decide the bytes of the images (KernelImagesTest runs this script and compares).
# -fmad=false: no FMA contraction, so the arithmetic rounds as the CPU backend's Java does (the
# kernels are memory-bound; the lost FMAs cost nothing measurable).
common_flags=(-std=c++17 -O3 -fmad=false --extended-lambda -I "$root/kernels")

cd "$root/kernels"
for src in *.cu; do
    family="${src%.cu}"
    # compute_75 is the lowest virtual architecture nvcc 13 accepts; the driver JIT-compiles it for
    # the device at hand (PTX ISA 9.0 needs an r580+ driver).
    "$nvcc" "${common_flags[@]}" -ptx -arch=compute_75 -o "$out/$family.ptx" "$src"
done
