#!/usr/bin/env bash
# Training-step throughput of the reference models: engram's CPU backend and DJL + libtorch (CPU),
# both pinned to the same number of threads. engram: TrainStepBench (dense-ae, conv-ae);
# DJL: bench/jvm-peers ThroughputBench (dense-ae, conv-ae, conv-vae, conv-vae-64), written to
# bench/results/<date>-cpu-djl.json. Usage: bench/peers-cpu.sh [threads=2] [steps=20]
set -euo pipefail
threads=${1:-2}
steps=${2:-20}
cd "$(dirname "$0")"
source ./peers-env.sh "$threads"
(cd .. && mvn -q -o package -DskipTests \
  && for m in dense-ae:256 conv-ae:64; do
       java --add-modules jdk.incubator.vector -cp target/classes dev.engram.bench.TrainStepBench \
         "${m%%:*}" "${m##*:}" "$steps" "$threads" 2>&1 | grep -v '^WARNING: Using incubator'
     done)
peers_java dev.engram.peers.ThroughputBench --steps "$steps" --warmup 5 --out "results/$(date +%F)-cpu-djl.json"
