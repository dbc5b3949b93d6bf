#!/usr/bin/env bash
# engram against PyTorch on the same GPU in one go, for the H100 reference host (no JDK, no
# network): `engram bench --device cuda` from the bundle of native/bundle.sh in .gpu (carry it to
# the host), the same with CUDA graphs off (-engram-eager.json: what replaying steps gains), and
# `engram bench --device cuda --ops` (each op alone next to its floor: copy's
# bandwidth, a GEMM's rate), then bench/pytorch/bench.py (after its --check), then
# bench/compare.py: the ratio engram/PyTorch of training and inference images/s per model and
# PyTorch mode.
# Writes <date>-<gpu>-cuda-{engram,engram-eager,pytorch,ops}.json and -compare.txt to $OUT when set (a device
# run), else to bench/results/.
# PYTORCH=0 runs engram's part only (a device call may run 10 minutes at most, and torch.compile
# of four models takes several): then run the PyTorch part in a call of its own.
# Usage: [PYTORCH=0] bench/gpu.sh [steps=50] [warmup=10]
set -uo pipefail
cd "$(dirname "$0")/.."
steps=${1:-50}
warmup=${2:-10}
dir=${OUT:-bench/results}
mkdir -p "$dir"
if [ ! -x .gpu/bin/engram ]; then
  echo "gpu.sh: no .gpu/bin/engram; build it here with native/bundle.sh and carry .gpu to the GPU host" >&2
  exit 1
fi
gpu=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -n 1 | tr 'A-Z' 'a-z' \
  | tr -cs 'a-z0-9' '-' | sed 's/^-*//; s/-*$//')
stem=$dir/$(date +%F)-${gpu:-gpu}-cuda
rm -f "$stem-engram.json" "$stem-engram-eager.json" "$stem-pytorch.json" "$stem-ops.json"
# engram first, so that a PyTorch problem on the host costs none of engram's figures.
.gpu/bin/engram bench --device cuda --steps "$steps" --warmup "$warmup" --out "$stem-engram.json"
engram_rc=$?
# The same steps op by op, for what replaying them as CUDA graphs gains (same run, same GPU).
ENGRAM_JAVA_OPTS="${ENGRAM_JAVA_OPTS:-} -Dengram.cuda.graphs=false" \
  .gpu/bin/engram bench --device cuda --steps "$steps" --warmup "$warmup" --out "$stem-engram-eager.json"
eager_rc=$?
.gpu/bin/engram bench --device cuda --ops --out "$stem-ops.json"
ops_rc=$?
if [ "${PYTORCH:-1}" = 0 ]; then
  echo "gpu.sh: PYTORCH=0, engram only (engram bench $engram_rc, op by op $eager_rc, --ops $ops_rc)"
  [ "$engram_rc" -eq 0 ] && [ "$eager_rc" -eq 0 ] && [ "$ops_rc" -eq 0 ]
  exit
fi
pytorch_rc=1
if python3 bench/pytorch/bench.py --check; then
  python3 bench/pytorch/bench.py --steps "$steps" --warmup "$warmup" --out "$stem-pytorch.json"
  pytorch_rc=$?
fi
echo "engram bench exited $engram_rc, op by op $eager_rc, engram bench --ops $ops_rc, bench.py $pytorch_rc (non-zero: something failed)"
for f in "$stem-engram.json" "$stem-pytorch.json"; do
  [ -f "$f" ] || { echo "gpu.sh: $f was not written, so there is nothing to compare; see the output above" >&2; exit 1; }
done
python3 bench/compare.py "$stem-engram.json" "$stem-pytorch.json" | tee "$stem-compare.txt"
[ "$engram_rc" -eq 0 ] && [ "$eager_rc" -eq 0 ] && [ "$ops_rc" -eq 0 ] && [ "$pytorch_rc" -eq 0 ]
