package dev.engram.model;

import dev.engram.backend.Backend;
import dev.engram.nn.BufferSlot;
import dev.engram.nn.RandomStream;
import dev.engram.tensor.Tensor;

/** A model's corruption of its inputs for a denoising objective: the noise, and the buffer the corrupted copy lives in. */
final class Corruption implements AutoCloseable {
    private final String owner;
    private final Noise noise;
    private final BufferSlot corrupted = new BufferSlot();

    Corruption(String owner, Noise noise) {
        if (noise == null) {
            throw new IllegalArgumentException(owner + ": noise is null");
        }
        this.owner = owner;
        this.noise = noise;
    }

    Noise noise() {
        return noise;
    }

    /** x corrupted by the noise, drawn from {@code random}; owned by this corruption. */
    Tensor apply(Tensor x, Backend backend, RandomStream random) {
        if (x == null) {
            throw new IllegalArgumentException(owner + ": input is null");
        }
        Tensor out = corrupted.get(backend, x.shape());
        noise.apply(x, out, random);
        return out;
    }

    @Override
    public void close() {
        corrupted.close();
    }
}
