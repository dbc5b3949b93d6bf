#!/usr/bin/env python3
"""engram's CPU training step against the JVM peers from interleaved rounds (bench/peers-rounds.sh).

On a shared machine the host's speed drifts by tens of percent within minutes, so one run of each
engine compares two different machines. peers-rounds.sh runs engram, DJL and DL4J one after
another, round after round; this prints, per model and engine, the median ms/step of each round,
their median, and the least step of all rounds (the step least disturbed by other tenants), then
engram's throughput relative to each peer (peer ms / engram ms: above 1, engram is faster) by both.

  python3 bench/rounds.py DIR        (DIR holds R-engram.json, R-djl.json, R-dl4j.json per round R)
"""
import json
import pathlib
import statistics
import sys

ENGINES = ("engram", "djl", "dl4j")


def steps(path):
    """{model: (median ms, min ms)} of one bench JSON, engram's schema or the peers'."""
    doc = json.loads(path.read_text())
    out = {}
    for r in doc["results"]:
        if r.get("error"):
            continue
        if "step_ms" in r:
            out[r["model"]] = (r["step_ms"]["median"], r["step_ms"]["min"])
        else:
            out[r["model"]] = (r["ms_per_step_median"], r["ms_per_step_min"])
    return out


def collect(directory):
    """{engine: {model: [(median, min) per round]}} and the round names."""
    rounds = sorted({p.name.split("-", 1)[0] for p in directory.glob("*.json")}, key=lambda s: (len(s), s))
    data = {e: {} for e in ENGINES}
    for r in rounds:
        for e in ENGINES:
            path = directory / f"{r}-{e}.json"
            if path.exists():
                for model, figures in steps(path).items():
                    data[e].setdefault(model, []).append(figures)
    return data, rounds


def ratio(peer, engram):
    return f"{peer / engram:.2f}x" if peer and engram else "-"


def summary(directory):
    data, rounds = collect(directory)
    if not rounds:
        raise SystemExit(f"rounds.py: no round JSON in {directory}")
    lines = [f"{len(rounds)} interleaved rounds; ms per step: median of each round (least step of all rounds)", "",
             "| model | engine | round medians | median | least | engram vs it (median) | engram vs it (least) |",
             "|---|---|---|---|---|---|---|"]
    for model in data["engram"]:
        mine = data["engram"][model]
        my_median = statistics.median(m for m, _ in mine)
        my_least = min(l for _, l in mine)
        for e in ENGINES:
            figures = data[e].get(model)
            if not figures:
                lines.append(f"| {model} | {e} | not run | - | - | - | - |")
                continue
            median = statistics.median(m for m, _ in figures)
            least = min(l for _, l in figures)
            rounds_text = " / ".join(f"{m:.1f}" for m, _ in figures)
            vs = ("-", "-") if e == "engram" else (ratio(median, my_median), ratio(least, my_least))
            lines.append(f"| {model} | {e} | {rounds_text} | {median:.1f} | {least:.1f} | {vs[0]} | {vs[1]} |")
    return lines


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    print("\n".join(summary(pathlib.Path(sys.argv[1]))))
