package dev.engram.peers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** A reference model with its parameters and its training loss. */
interface PeerModel {
    String name();

    /** The shape of one input batch, [batch, C, H, W]. */
    Shape inputShape(int batch);

    Params params();

    /** The loss of a batch (targets are the inputs); {@code training} selects BatchNorm's statistics. */
    Loss loss(NDArray x, boolean training);

    /** Scalar loss terms: the total that is minimised and, for a VAE, its two parts (else null). */
    record Loss(NDArray total, NDArray reconstruction, NDArray kl) {
    }
}
