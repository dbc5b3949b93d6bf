#!/usr/bin/env python3
"""engram against PyTorch from the JSON of one run of each on the same GPU: for every model and
PyTorch mode, the ratio engram/PyTorch of training images/s and of inference images/s (above 1:
engram is faster). A model that failed or is missing on either side is said so, never skipped;
differing batches, parameter counts or devices are flagged.

  python3 bench/compare.py ENGRAM.json PYTORCH.json
"""
import json
import sys


def load(path):
    with open(path) as f:
        doc = json.load(f)
    if doc.get("schema") != 1:
        raise SystemExit(f"compare.py: {path}: schema {doc.get('schema')!r}, expected 1")
    return doc


def ratio(a, b):
    return f"{a / b:.2f}x" if a and b else "-"


def compare(engram, pytorch):
    """The lines of the comparison of two bench documents."""
    lines = [f"engram:  {engram['label'].get('device')} ({engram['label'].get('engram_version')},"
             f" commit {engram['label'].get('commit')}, mode {', '.join(sorted({r['mode'] for r in engram['results']}))})",
             f"pytorch: {pytorch['label'].get('device')} (torch {pytorch['label'].get('torch_version')})"]
    if engram["label"].get("device_name") != pytorch["label"].get("device_name"):
        lines.append(f"WARNING: different devices: {engram['label'].get('device_name')!r} and"
                     f" {pytorch['label'].get('device_name')!r}; the ratios compare machines, not engines")
    lines.append(f"{'model':12s} {'pytorch mode':12s} {'engram train/s':>14s} {'torch train/s':>14s} {'train':>7s}"
                 f" {'infer':>7s}  notes")
    ours = {r["model"]: r for r in engram["results"]}
    theirs = {}
    for r in pytorch["results"]:
        theirs.setdefault(r["model"], []).append(r)
    for model in list(ours) + [m for m in theirs if m not in ours]:
        e = ours.get(model)
        for p in theirs.get(model) or [None]:
            mode = p["mode"] if p else "-"
            if e is None or e["error"] or p is None or p["error"]:
                why = []
                if e is None:
                    why.append("not run by engram")
                elif e["error"]:
                    why.append(f"engram failed: {e['error']}")
                if p is None:
                    why.append("not run by pytorch")
                elif p["error"]:
                    why.append(f"pytorch failed: {p['error']}")
                lines.append(f"{model:12s} {mode:12s} {'-':>14s} {'-':>14s} {'-':>7s} {'-':>7s}  {'; '.join(why)}")
                continue
            notes = []
            if e["batch"] != p["batch"]:
                notes.append(f"batch differs: engram {e['batch']}, pytorch {p['batch']}")
            if e["parameters"] != p["parameters"]:
                notes.append(f"parameters differ: engram {e['parameters']}, pytorch {p['parameters']}")
            lines.append(f"{model:12s} {mode:12s} {e['train_images_per_s']:14.0f} {p['train_images_per_s']:14.0f}"
                         f" {ratio(e['train_images_per_s'], p['train_images_per_s']):>7s}"
                         f" {ratio(e['inference_images_per_s'], p['inference_images_per_s']):>7s}  {'; '.join(notes)}"
                         .rstrip())
    lines.append(f"engram timing: {engram.get('timing')}")
    lines.append(f"pytorch timing: {pytorch.get('timing')}")
    return lines


def main(argv):
    if len(argv) != 3:
        raise SystemExit(__doc__)
    print("\n".join(compare(load(argv[1]), load(argv[2]))))


if __name__ == "__main__":
    main(sys.argv)
