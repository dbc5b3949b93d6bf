package dev.engram.peers;

import ai.djl.ndarray.NDArray;

/** One step of a model's forward pass, built from differentiable NDArray operations. */
@FunctionalInterface
interface Layer {
    NDArray forward(NDArray x, boolean training);
}
