#!/usr/bin/env bash
# conv-vae test negative ELBO on engram's CPU backend, under the protocol of
# bench/jvm-peers/README.md ("conv-vae ELBO protocol"): Fashion-MNIST and MNIST, seeds 1 2 3,
# E epochs of the 60k training images (no validation hold-out), batch 128, Adam 1e-3, then the
# 10k test images. Appends one JSON line per (dataset, seed) to
# bench/results/<date>-conv-vae-elbo-engram.jsonl.
# Usage: bench/engram-elbo.sh MNIST_DIR [epochs=3]
set -euo pipefail
mnist=${1:?usage: bench/engram-elbo.sh MNIST_DIR [epochs]}
mnist=$(cd "$mnist" && pwd)
epochs=${2:-3}
fashion=${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ -x target/engram ] || mvn -q package -DskipTests
out=bench/results/$(date +%F)-conv-vae-elbo-engram.jsonl
for dataset in fashion-mnist mnist; do
  source=fashion-mnist:$fashion
  [ "$dataset" = mnist ] && source=mnist:$mnist
  for seed in 1 2 3; do
    run=target/elbo/$dataset-$seed
    rm -rf "$run"
    start=$(date +%s.%N)
    target/engram train --model conv-vae --data "$source" --epochs "$epochs" --batch 128 --lr 1e-3 \
        --val-fraction 0 --seed "$seed" --device cpu -o "$run" > "$run.log" 2>&1
    end=$(date +%s.%N)
    python3 - "$run" "$dataset" "$seed" "$epochs" "$start" "$end" >> "$out" <<'PY'
import json, sys, platform, os
run, dataset, seed, epochs, start, end = sys.argv[1:]
ev = json.load(open(run + "/eval.json"))
lines = [json.loads(l) for l in open(run + "/metrics.jsonl") if l.strip()]
last = lines[-1]
print(json.dumps({"date": __import__("datetime").date.today().isoformat(), "engine": "engram CPU backend",
    "model": "conv-vae", "dataset": dataset, "seed": int(seed), "epochs": int(epochs), "batch": 128,
    "steps": last["step"], "train_loss_last_epoch": last["train"]["loss"],
    "test_neg_elbo": ev["losses"]["neg_elbo"], "test_reconstruction": ev["losses"]["reconstruction"],
    "test_kl": ev["losses"]["kl"], "train_seconds": sum(l["seconds"] for l in lines),
    "wall_seconds_with_eval": round(float(end) - float(start), 1),
    "run": {"cpu": platform.processor() or platform.machine(), "cores": os.cpu_count(),
            "note": "build machine shared with other jobs"}}))
PY
    tail -n 1 "$out"
  done
done
echo "appended to $out"
