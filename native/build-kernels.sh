#!/usr/bin/env bash
# Compiles kernels/*.cu (one file per family) into the kernel images the CUDA backend loads.
#
#   native/build-kernels.sh [--fatbin] [output-dir]
#
# Writes <family>.ptx (PTX for compute_75, what the repository commits) into output-dir, by
# default src/main/resources/dev/engram/kernels. With --fatbin it also writes <family>.fatbin:
# cubins for sm_80, sm_86, sm_89 and sm_90 plus compute_90 PTX (about 2.6 MB in all, so not
# committed; build them at install time where they are wanted, see native/README.md).
# Only nvcc is needed. The output depends only on the sources, these flags and the nvcc version
# (nvcc 13.0 writes byte-identical files run to run; KernelImagesTest checks the committed PTX).
set -euo pipefail

fatbin=0
if [[ "${1:-}" == "--fatbin" ]]; then
    fatbin=1
    shift
fi
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/src/main/resources/dev/engram/kernels}"
mkdir -p "$out"
out="$(cd "$out" && pwd)" # absolute: the loop below runs in kernels/
nvcc="${NVCC:-nvcc}"

# -fmad=false: no FMA contraction, so the arithmetic rounds as the CPU backend's Java does (the
# kernels are memory-bound, so the lost FMAs should cost little; not yet measured on a GPU).
# --extended-lambda: the elementwise maps take __device__ lambdas.
common_flags=(-std=c++17 -O3 -fmad=false --extended-lambda -I "$root/kernels")
cubins=(-gencode arch=compute_80,code=sm_80 -gencode arch=compute_86,code=sm_86
        -gencode arch=compute_89,code=sm_89 -gencode arch=compute_90,code=sm_90
        -gencode arch=compute_90,code=compute_90)

cd "$root/kernels"
for src in *.cu; do
    family="${src%.cu}"
    # compute_75 is the lowest virtual architecture nvcc 13 accepts; the driver JIT-compiles it for
    # the device at hand (nvcc 13 writes PTX ISA 9.0, which needs an r580+ driver).
    "$nvcc" "${common_flags[@]}" -ptx -arch=compute_75 -o "$out/$family.ptx" "$src"
    if [[ $fatbin == 1 ]]; then
        "$nvcc" "${common_flags[@]}" -fatbin "${cubins[@]}" -o "$out/$family.fatbin" "$src"
    fi
done
