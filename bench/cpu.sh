#!/usr/bin/env bash
# CPU backend benchmarks: SGEMM GFLOP/s, ms per convolution op of conv-ae's layers and ms per
# training step of the reference models.
# Usage: bench/cpu.sh [steps]   (prints a table; copy the figures into bench/results/ with the date)
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-30}
mvn -q package -DskipTests
run() { java --add-modules jdk.incubator.vector -cp target/classes "$@" 2>&1 | grep -v '^WARNING: Using incubator'; }
run dev.engram.bench.GemmBench
run dev.engram.bench.ConvBench conv-ae
run dev.engram.bench.TrainStepBench conv-ae 64 "$steps"
run dev.engram.bench.TrainStepBench dense-ae 256 "$steps"
