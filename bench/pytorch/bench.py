#!/usr/bin/env python3
"""engram's reference models in PyTorch, timed the way `engram bench` times them.

The four models of shared/DESIGN.md "Reference models" (the layers of engram's presets, PyTorch's
default initialisation, Adam lr 1e-3 with fused=True, float32 weights), the same batches, the same
figures, in four modes:

  eager-fp32   eager, TF32 off for matmul and cuDNN
  eager-tf32   eager, TF32 on for matmul and cuDNN (engram's CUDA default)
  compile      torch.compile(model) (default mode), TF32 on
  bf16-cl      bf16 autocast, channels_last model and input, TF32 on

Timing is on the GPU with CUDA events: ms per step is the median of event pairs around each step
(no loss read, no sync inside the stretch); training and inference images/s are over a stretch of
steps between two events. Peak memory is torch.cuda.max_memory_allocated. The JSON has the schema
of engram's (src/main/java/dev/engram/bench/BenchReport.java); bench/compare.py reads both.

  python3 bench/pytorch/bench.py --check          parameter counts equal engram's (CPU is enough)
  python3 bench/pytorch/bench.py [--models a,b] [--modes m,n] [--steps 20] [--warmup 5] [--batch N] [--out F]
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import sys

import torch
from torch import nn
import torch.nn.functional as F

# engram's parameter counts of its presets (BenchCommandTest asserts the same numbers there).
ENGRAM_PARAMETERS = {"dense-ae": 1083696, "conv-ae": 262963, "conv-vae": 220385, "conv-vae-64": 2958659}
# DESIGN.md's GPU batches (conv-ae: 256 on a GPU).
BATCHES = {"dense-ae": 256, "conv-ae": 256, "conv-vae": 128, "conv-vae-64": 256}
INPUTS = {"dense-ae": (1, 28, 28), "conv-ae": (3, 32, 32), "conv-vae": (1, 28, 28), "conv-vae-64": (3, 64, 64)}
MODES = ["eager-fp32", "eager-tf32", "compile", "bf16-cl"]
SEED = 1


def conv(cin, cout, k, s=1, p=0):
    return nn.Conv2d(cin, cout, k, s, p)


def convt(cin, cout):
    return nn.ConvTranspose2d(cin, cout, 4, 2, 1)


class AE(nn.Module):
    """An autoencoder whose decoder ends in a sigmoid; the loss is MSE (mean over all elements)."""

    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder, self.decoder = encoder, decoder

    def forward(self, x):
        return self.decoder(self.encoder(x))

    def loss(self, x):
        return F.mse_loss(self(x), x)

    def reconstruct(self, x):
        return self(x)


class VAE(nn.Module):
    """Encoder to 2 x latent (mu then logvar), z = mu + exp(logvar / 2) * eps, decoder to logits;
    loss = BCE-with-logits summed over pixels + KL, mean over the batch (beta 1)."""

    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder, self.decoder = encoder, decoder

    def loss(self, x):
        mu, logvar = self.encoder(x).chunk(2, dim=1)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        logits = self.decoder(z)
        n = x.shape[0]
        reconstruction = F.binary_cross_entropy_with_logits(logits.float(), x, reduction="sum") / n
        kl = -0.5 * torch.sum(1 + logvar.float() - mu.float() ** 2 - logvar.float().exp()) / n
        return reconstruction + kl

    def reconstruct(self, x):
        mu, _ = self.encoder(x).chunk(2, dim=1)
        return torch.sigmoid(self.decoder(mu))


def leaky():
    return nn.LeakyReLU(0.2)


def build(name):
    """The preset of the same name in src/main/java/dev/engram/model/Presets.java, layer for layer."""
    if name == "dense-ae":
        return AE(nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(),
                                nn.Linear(256, 32)),
                  nn.Sequential(nn.Linear(32, 256), nn.ReLU(), nn.Linear(256, 512), nn.ReLU(), nn.Linear(512, 784),
                                nn.Sigmoid(), nn.Unflatten(1, (1, 28, 28))))
    if name == "conv-ae":
        return AE(nn.Sequential(conv(3, 32, 3, 2, 1), nn.ReLU(), conv(32, 64, 3, 2, 1), nn.ReLU(),
                                conv(64, 128, 3, 2, 1), nn.ReLU(), conv(128, 16, 1)),
                  nn.Sequential(conv(16, 128, 1), nn.ReLU(), convt(128, 64), nn.ReLU(), convt(64, 32), nn.ReLU(),
                                convt(32, 3), nn.Sigmoid()))
    if name == "conv-vae":
        return VAE(nn.Sequential(conv(1, 32, 4, 2, 1), nn.ReLU(), conv(32, 64, 4, 2, 1), nn.ReLU(), nn.Flatten(),
                                 nn.Linear(3136, 32)),
                   nn.Sequential(nn.Linear(16, 3136), nn.ReLU(), nn.Unflatten(1, (64, 7, 7)), convt(64, 32), nn.ReLU(),
                                 convt(32, 1)))
    if name == "conv-vae-64":
        enc, c = [], 3
        for out in (32, 64, 128, 256):
            enc += [conv(c, out, 4, 2, 1), nn.BatchNorm2d(out), leaky()]
            c = out
        dec = [nn.Linear(128, 4096), nn.Unflatten(1, (256, 4, 4)), leaky()]
        for cin, out in ((256, 128), (128, 64), (64, 32)):
            dec += [convt(cin, out), nn.BatchNorm2d(out), leaky()]
        dec.append(convt(32, 3))
        return VAE(nn.Sequential(*enc, nn.Flatten(), nn.Linear(4096, 256)), nn.Sequential(*dec))
    raise SystemExit(f"bench.py: unknown model {name!r}; the models are {', '.join(BATCHES)}")


def check():
    """Parameter counts equal engram's and every model reconstructs its input's shape (on the CPU)."""
    bad = []
    for name, expected in ENGRAM_PARAMETERS.items():
        model = build(name)
        count = sum(p.numel() for p in model.parameters())
        x = torch.rand(2, *INPUTS[name])
        model.loss(x).backward()
        shape = tuple(model.eval().reconstruct(x).shape)
        ok = count == expected and shape == tuple(x.shape)
        print(f"{name:12s} parameters {count:>9,} (engram {expected:>9,}) output {shape} {'ok' if ok else 'WRONG'}")
        if not ok:
            bad.append(name)
    if bad:
        raise SystemExit(f"bench.py --check: {', '.join(bad)} differ from engram's models")


def set_tf32(on):
    torch.backends.cuda.matmul.allow_tf32 = on
    torch.backends.cudnn.allow_tf32 = on


def timed(fn, steps):
    """Runs fn steps times back to back between two events: (seconds, per-step event milliseconds)."""
    events = [(torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)) for _ in range(steps)]
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for a, b in events:
        a.record()
        fn()
        b.record()
    end.record()
    end.synchronize()
    return start.elapsed_time(end) / 1e3, [a.elapsed_time(b) for a, b in events]


def run(name, mode, batch, steps, warmup):
    torch.manual_seed(SEED)
    set_tf32(mode != "eager-fp32")
    model = build(name).cuda()
    x = torch.rand(batch, *INPUTS[name], device="cuda")
    if mode == "bf16-cl":
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    parameters = sum(p.numel() for p in model.parameters())
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, fused=True)
    loss_fn = torch.compile(model.loss) if mode == "compile" else model.loss
    reconstruct_fn = torch.compile(model.reconstruct) if mode == "compile" else model.reconstruct
    autocast = torch.autocast("cuda", dtype=torch.bfloat16, enabled=mode == "bf16-cl")

    def train_step():
        opt.zero_grad(set_to_none=True)
        with autocast:
            loss = loss_fn(x)
        loss.backward()
        opt.step()

    @torch.no_grad()
    def infer():
        with autocast:
            reconstruct_fn(x)

    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    model.train()
    for _ in range(warmup):
        train_step()
    _, step_ms = timed(train_step, steps)
    seconds, _ = timed(train_step, steps)
    model.eval()
    for _ in range(warmup):
        infer()
    infer_seconds, _ = timed(infer, steps)
    return {"parameters": parameters,
            "step_ms": {"median": round(statistics.median(step_ms), 3), "min": round(min(step_ms), 3),
                        "max": round(max(step_ms), 3)},
            "train_images_per_s": round(batch * steps / seconds, 3),
            "inference_images_per_s": round(batch * steps / infer_seconds, 3),
            "peak_memory_bytes": torch.cuda.max_memory_allocated(),
            "peak_memory": "torch.cuda.max_memory_allocated",
            "backend_bytes": None}


def first_line(path):
    try:
        with open(path) as f:
            return f.readline().strip()
    except OSError:
        return None


def label():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")),
               platform.machine()) if os.path.exists("/proc/cpuinfo") else platform.machine()
    p = torch.cuda.get_device_properties(0)
    return {"date": datetime.date.today().isoformat(), "machine": cpu, "cores": os.cpu_count(),
            "load_average_start": os.getloadavg()[0], "runtime": f"Python {platform.python_version()}",
            "torch_version": torch.__version__, "cuda": torch.version.cuda,
            "device": f"cuda:0 {p.name}, compute capability {p.major}.{p.minor}", "device_name": p.name,
            "driver": first_line("/proc/driver/nvidia/version"),
            "cublas": None, "cudnn": str(torch.backends.cudnn.version())}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="assert parameter counts equal engram's, then exit")
    ap.add_argument("--models", default=",".join(BATCHES))
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--batch", type=int, help="images per step for every model (default: DESIGN.md's)")
    ap.add_argument("--out", default=None, help="JSON file (default: bench/results/DATE-GPU-cuda-pytorch.json)")
    a = ap.parse_args()
    if a.check:
        check()
        return
    if not torch.cuda.is_available():
        raise SystemExit("bench.py: no CUDA device visible to PyTorch")
    models, modes = a.models.split(","), a.modes.split(",")
    for m in models:
        build(m)
    for m in modes:
        if m not in MODES:
            raise SystemExit(f"bench.py: unknown mode {m!r}; the modes are {', '.join(MODES)}")
    doc = {"schema": 1, "engine": "pytorch", "label": label(),
           "timing": "CUDA events: ms/step is the median of per-step event pairs in a stretch without syncs;"
                     " images/s over a stretch between two events", "results": []}
    print(f"{'model':12s} {'mode':10s} {'batch':>6s} {'ms/step':>9s} {'train img/s':>12s} {'infer img/s':>12s}"
          f" {'peak MiB':>9s}", flush=True)
    for name in models:
        for mode in modes:
            batch = a.batch or BATCHES[name]
            row = {"model": name, "mode": mode, "batch": batch, "steps": a.steps, "warmup": a.warmup}
            try:
                row.update(run(name, mode, batch, a.steps, a.warmup), error=None)
                print(f"{name:12s} {mode:10s} {batch:6d} {row['step_ms']['median']:9.3f} {row['train_images_per_s']:12.0f}"
                      f" {row['inference_images_per_s']:12.0f} {row['peak_memory_bytes'] / 2**20:9.1f}", flush=True)
            except Exception as e:  # one failing mode must not lose the others' figures
                row.update({k: None for k in ("parameters", "step_ms", "train_images_per_s", "inference_images_per_s",
                                              "peak_memory_bytes", "peak_memory", "backend_bytes")},
                           error=f"{type(e).__name__}: {e}".splitlines()[0])
                print(f"{name:12s} {mode:10s} {batch:6d} failed: {row['error']}", flush=True)
            doc["results"].append(row)
            torch._dynamo.reset()
            torch.cuda.empty_cache()
    doc["label"]["load_average_end"] = os.getloadavg()[0]
    slug = "".join(c if c.isalnum() else "-" for c in doc["label"]["device_name"].lower()).strip("-")
    out = a.out or os.path.join("bench", "results", f"{doc['label']['date']}-{slug}-cuda-pytorch.json")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        f.write(json.dumps(doc).replace('{"model":', '\n  {"model":') + "\n")
    print(f"timing: {doc['timing']}\nwrote {out}")
    if any(r["error"] for r in doc["results"]):
        sys.exit(1)


if __name__ == "__main__":
    main()
