package dev.engram.peers;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.List;

/** The reference models of engram's DESIGN.md, layer for layer. */
final class ReferenceModels {
    static final List<String> NAMES = List.of("dense-ae", "conv-ae", "conv-vae", "conv-vae-64");
    private static final float SLOPE = 0.2f;

    private ReferenceModels() {
    }

    static PeerModel create(String name, NDManager manager, long seed) {
        Params p = new Params(manager, seed);
        return switch (name) {
            case "dense-ae" -> new Autoencoder(name, new Shape(1, 28, 28), p,
                    new Stack(p, "encoder").flatten().dense(784, 512).relu().dense(512, 256).relu().dense(256, 32).build(),
                    new Stack(p, "decoder").dense(32, 256).relu().dense(256, 512).relu().dense(512, 784).sigmoid()
                            .reshape(1, 28, 28).build());
            case "conv-ae" -> new Autoencoder(name, new Shape(3, 32, 32), p,
                    new Stack(p, "encoder").conv(3, 32, 3, 2, 1).relu().conv(32, 64, 3, 2, 1).relu()
                            .conv(64, 128, 3, 2, 1).relu().conv(128, 16, 1, 1, 0).build(),
                    new Stack(p, "decoder").conv(16, 128, 1, 1, 0).relu().convTranspose(128, 64, 4, 2, 1).relu()
                            .convTranspose(64, 32, 4, 2, 1).relu().convTranspose(32, 3, 4, 2, 1).sigmoid().build());
            case "conv-vae" -> new Vae(name, new Shape(1, 28, 28), 16, p,
                    new Stack(p, "encoder").conv(1, 32, 4, 2, 1).relu().conv(32, 64, 4, 2, 1).relu().flatten()
                            .dense(3136, 2 * 16).build(),
                    new Stack(p, "decoder").dense(16, 3136).relu().reshape(64, 7, 7).convTranspose(64, 32, 4, 2, 1)
                            .relu().convTranspose(32, 1, 4, 2, 1).build());
            // 64 -> 32 -> 16 -> 8 -> 4; the decoder mirrors the encoder and ends in logits (Bernoulli).
            case "conv-vae-64" -> new Vae(name, new Shape(3, 64, 64), 128, p,
                    new Stack(p, "encoder").conv(3, 32, 4, 2, 1).batchNorm(32).leakyRelu(SLOPE)
                            .conv(32, 64, 4, 2, 1).batchNorm(64).leakyRelu(SLOPE)
                            .conv(64, 128, 4, 2, 1).batchNorm(128).leakyRelu(SLOPE)
                            .conv(128, 256, 4, 2, 1).batchNorm(256).leakyRelu(SLOPE)
                            .flatten().dense(256 * 4 * 4, 2 * 128).build(),
                    new Stack(p, "decoder").dense(128, 256 * 4 * 4).leakyRelu(SLOPE).reshape(256, 4, 4)
                            .convTranspose(256, 128, 4, 2, 1).batchNorm(128).leakyRelu(SLOPE)
                            .convTranspose(128, 64, 4, 2, 1).batchNorm(64).leakyRelu(SLOPE)
                            .convTranspose(64, 32, 4, 2, 1).batchNorm(32).leakyRelu(SLOPE)
                            .convTranspose(32, 3, 4, 2, 1).build());
            default -> throw new IllegalArgumentException("unknown model '" + name + "'; use one of " + NAMES);
        };
    }

    /** The batch of `engram bench` (ModelBench) for each model. */
    static int cpuBenchBatch(String name) {
        return switch (name) {
            case "dense-ae" -> 256;
            case "conv-ae" -> 64;
            case "conv-vae" -> 128;
            case "conv-vae-64" -> 256;
            default -> throw new IllegalArgumentException("unknown model '" + name + "'; use one of " + NAMES);
        };
    }
}
