#!/usr/bin/env bash
# Everything a lent GPU session runs, in one device call (the bundle of native/bundle.sh carried
# as .gpu): the bring-up probe, the CUDA tests (parity, timing, uploads), then bench/gpu.sh
# (engram against PyTorch on the four models, compare.py, and each op against its floor).
# Each stage runs even if one before it failed; the log says which failed. Writes to $OUT
# (probe.json, junit/, log, the bench JSON), or to gpu-session/ where OUT is unset.
# Usage (device run): native/gpu-session.sh [bench steps=50] [bench warmup=10]
set -uo pipefail
cd "$(dirname "$0")/.."
export OUT=${OUT:-gpu-session}
mkdir -p "$OUT"
log=$OUT/log
status=0
stage() {
  local name=$1
  shift
  echo "=== $name: $*" | tee -a "$log"
  "$@" 2>&1 | tee -a "$log"
  local rc=${PIPESTATUS[0]}
  echo "=== $name exited $rc" | tee -a "$log"
  [ "$rc" -eq 0 ] || status=1
}
nvidia-smi 2>&1 | tee -a "$log"
stage probe .gpu/bin/engram probe-cuda --json "$OUT/probe.json"
stage doctor .gpu/bin/engram doctor
stage cuda-tests .gpu/bin/engram-test --select-package dev.engram.backend.cuda --reports-dir "$OUT/junit"
stage bench bench/gpu.sh "${1:-50}" "${2:-10}"
echo "gpu-session: $([ $status -eq 0 ] && echo 'every stage passed' || echo 'a stage failed: see the === lines')" \
  | tee -a "$log"
exit $status
