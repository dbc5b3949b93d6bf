#!/usr/bin/env bash
# CPU backend benchmarks: SGEMM GFLOP/s (GemmBench), ms per convolution op of conv-ae's layers
# (ConvBench), then `engram bench --device cpu` on the four
# reference models (ms per training step, training and inference images/s, peak heap), which
# writes bench/results/<date>-<cpu>-<cores>core-cpu.json (-2, -3... when the day has one).
# Usage: bench/cpu.sh [steps=20] [more engram bench options, e.g. --models conv-ae --threads 1]
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-20}
shift || true
mvn -q -o package -DskipTests
java --add-modules jdk.incubator.vector -cp target/classes dev.engram.bench.GemmBench 2>&1 \
  | grep -v '^WARNING: Using incubator'
java --add-modules jdk.incubator.vector -cp target/classes dev.engram.bench.ConvBench conv-ae 2>&1 \
  | grep -v '^WARNING: Using incubator'
target/engram bench --device cpu --steps "$steps" "$@" 2>&1 | grep -v '^WARNING: Using incubator'
