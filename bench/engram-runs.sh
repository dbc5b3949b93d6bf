#!/usr/bin/env bash
# Test-set quality of a preset trained by engram's CPU backend under the protocols of
# bench/jvm-peers/README.md, for comparison with the DJL peer: Fashion-MNIST and MNIST, seeds 1 2 3,
# E epochs over the 60k training images (no validation hold-out), Adam 1e-3, then the 10k test
# images. Appends one JSON line per (dataset, seed) to bench/results/<date>-<model>-engram.jsonl.
# Usage: bench/engram-runs.sh MODEL BATCH MNIST_DIR [epochs=3]
#   conv-vae: bench/engram-runs.sh conv-vae 128 MNIST_DIR 3   (test negative ELBO)
#   dense-ae: bench/engram-runs.sh dense-ae 256 MNIST_DIR 10  (test MSE and PSNR)
set -euo pipefail
model=${1:?usage: bench/engram-runs.sh MODEL BATCH MNIST_DIR [epochs]}
batch=${2:?usage: bench/engram-runs.sh MODEL BATCH MNIST_DIR [epochs]}
mnist=$(cd "${3:?usage: bench/engram-runs.sh MODEL BATCH MNIST_DIR [epochs]}" && pwd)
epochs=${4:-3}
fashion=${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}
cd "$(dirname "$0")/.."
[ -x target/engram ] || mvn -q package -DskipTests
out=bench/results/$(date +%F)-$model-engram.jsonl
for dataset in fashion-mnist mnist; do
  source=fashion-mnist:$fashion
  [ "$dataset" = mnist ] && source=mnist:$mnist
  for seed in 1 2 3; do
    run=target/runs/$model-$dataset-$seed
    rm -rf "$run" && mkdir -p "$run"
    target/engram train --model "$model" --data "$source" --epochs "$epochs" --batch "$batch" --lr 1e-3 \
        --val-fraction 0 --seed "$seed" --device cpu -o "$run" > "$run/train.log" 2>&1
    python3 - "$run" "$model" "$dataset" "$seed" "$epochs" "$batch" "$(uptime)" >> "$out" <<'PY'
import datetime, json, os, sys
run, model, dataset, seed, epochs, batch, uptime = sys.argv[1:]
ev = json.load(open(run + "/eval.json"))
epochs_log = [json.loads(l) for l in open(run + "/metrics.jsonl") if l.strip()]
print(json.dumps({"date": datetime.date.today().isoformat(), "engine": "engram CPU backend", "model": model,
    "dataset": dataset, "seed": int(seed), "epochs": int(epochs), "batch": int(batch),
    "steps": epochs_log[-1]["step"], "train_loss_last_epoch": epochs_log[-1]["train"]["loss"],
    "test_mse": ev["mse"], "test_psnr": ev["psnr"], "test_ssim": ev["ssim"], "test_losses": ev["losses"],
    "train_seconds": round(sum(e["seconds"] for e in epochs_log), 1),
    "run": {"cores": os.cpu_count(), "load_at_end": uptime.split("load average:")[-1].strip(),
            "note": "build machine shared with other jobs"}}))
PY
    tail -n 1 "$out"
  done
done
echo "appended to $out"
