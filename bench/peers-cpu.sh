#!/usr/bin/env bash
# Training-step throughput of the reference models on the CPU, all pinned to the same number of
# threads: engram's CPU backend (`engram bench --device cpu`: all four -> bench/results/<date>-<cpu>-
# <cores>core-cpu.json), DJL + libtorch
# (ThroughputBench: dense-ae, conv-ae, conv-vae, conv-vae-64 -> bench/results/<date>-cpu-djl.json)
# and DL4J 1.0.0-M2.1 (Dl4jThroughputBench: all four, the VAEs in SameDiff -> bench/results/<date>-cpu-dl4j.json).
# One run of each: on a shared host prefer bench/peers-rounds.sh (interleaved rounds).
# Usage: bench/peers-cpu.sh [threads=2] [steps=20]
set -euo pipefail
threads=${1:-2}
steps=${2:-20}
cd "$(dirname "$0")"
source ./peers-env.sh "$threads"
(cd .. && mvn -q -o package -DskipTests \
  && target/engram bench --device cpu --threads "$threads" --steps "$steps" --warmup 5 2>&1 \
     | grep -v '^WARNING: Using incubator')
peers_java dev.engram.peers.ThroughputBench --steps "$steps" --warmup 5 --out "results/$(date +%F)-cpu-djl.json"
peers_java dev.engram.peers.Dl4jThroughputBench --steps "$steps" --warmup 5 --out "results/$(date +%F)-cpu-dl4j.json" \
  | grep -v '^Added differentiated op'
