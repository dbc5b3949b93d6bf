#!/usr/bin/env bash
# engram's CPU backend, DJL + libtorch and DL4J in interleaved rounds on the same threads, so the
# drift of a shared host falls on all three alike; bench/rounds.py then sets them side by side.
# Writes DIR/R-engram.json, R-djl.json, R-dl4j.json per round R and DIR/summary.md; DIR is
# results/DATE-cpu-rounds unless ROUNDS_DIR names another (relative to bench/). PEERS=djl leaves
# out DL4J (5-6x slower than the others, so it takes most of a round's time).
# Usage: bench/peers-rounds.sh [rounds=3] [steps=20] [threads=2] [models=dense-ae,conv-ae,conv-vae,conv-vae-64]
set -euo pipefail
rounds=${1:-3}
steps=${2:-20}
threads=${3:-2}
models=${4:-dense-ae,conv-ae,conv-vae,conv-vae-64}
peers=${PEERS:-djl,dl4j}
cd "$(dirname "$0")"
source ./peers-env.sh "$threads"
dir=${ROUNDS_DIR:-results/$(date +%F)-cpu-rounds}
mkdir -p "$dir"
(cd .. && mvn -q -o package -DskipTests)
for r in $(seq 1 "$rounds"); do
  echo "round $r of $rounds (load $(cut -d' ' -f1-3 /proc/loadavg))"
  ../target/engram bench --device cpu --threads "$threads" --steps "$steps" --warmup 5 --models "$models" \
    --out "$dir/$r-engram.json" 2>&1 | grep -v '^WARNING: Using incubator'
  if [[ ,$peers, == *,djl,* ]]; then
    peers_java dev.engram.peers.ThroughputBench --steps "$steps" --warmup 5 --out "$dir/$r-djl.json" ${models//,/ }
  fi
  if [[ ,$peers, == *,dl4j,* ]]; then
    peers_java dev.engram.peers.Dl4jThroughputBench --steps "$steps" --warmup 5 --out "$dir/$r-dl4j.json" ${models//,/ } \
      | grep -v '^Added differentiated op'
  fi
done
python3 rounds.py "$dir" | tee "$dir/summary.md"
