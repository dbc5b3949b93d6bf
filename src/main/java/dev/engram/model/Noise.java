package dev.engram.model;

import dev.engram.backend.Backend;
import dev.engram.nn.RandomStream;
import dev.engram.tensor.Tensor;

/**
 * How a denoising autoencoder corrupts its input, for images with pixels in [0, 1]:
 * <ul>
 *   <li>GAUSSIAN(std): x + N(0, std^2), clamped to [0, 1];</li>
 *   <li>SALT_AND_PEPPER(fraction): each pixel is set to 0 or 1 (equally likely) with probability fraction;</li>
 *   <li>MASKING(fraction): each pixel is set to 0 with probability fraction.</li>
 * </ul>
 * Every draw comes from the given random stream through the backend's Philox ops, so a seed gives
 * the same corruption on every backend and thread count.
 */
public final class Noise {
    public enum Kind { GAUSSIAN, SALT_AND_PEPPER, MASKING }

    private final Kind kind;
    private final float amount;

    private Noise(Kind kind, float amount) {
        this.kind = kind;
        this.amount = amount;
    }

    /** Additive Gaussian noise of standard deviation std >= 0, then clamped to [0, 1]. */
    public static Noise gaussian(float std) {
        if (!(std >= 0) || !Float.isFinite(std)) {
            throw new IllegalArgumentException("Gaussian noise: std is " + std + "; it must be a finite number >= 0");
        }
        return new Noise(Kind.GAUSSIAN, std);
    }

    /** Salt-and-pepper noise corrupting a share fraction in [0, 1] of the pixels. */
    public static Noise saltAndPepper(float fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("salt-and-pepper noise: fraction is " + fraction + "; it must be in [0, 1]");
        }
        return new Noise(Kind.SALT_AND_PEPPER, fraction);
    }

    /** Masking noise zeroing a share fraction in [0, 1) of the pixels. */
    public static Noise masking(float fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("masking noise: fraction is " + fraction + "; it must be in [0, 1)");
        }
        return new Noise(Kind.MASKING, fraction);
    }

    public Kind kind() {
        return kind;
    }

    /** The standard deviation (GAUSSIAN) or the fraction of corrupted pixels (the others). */
    public float amount() {
        return amount;
    }

    /** out = x corrupted, drawing from {@code random}; out may not overlap x. */
    public void apply(Tensor x, Tensor out, RandomStream random) {
        Backend b = x.backend();
        long offset = random.take(x.numel());
        switch (kind) {
            case GAUSSIAN -> {
                b.randomNormal(out, random.seed(), offset, 0f, amount);
                b.add(x, out, out);
                b.clamp(out, 0f, 1f, out);
            }
            case SALT_AND_PEPPER -> b.saltAndPepper(x, out, amount, random.seed(), offset);
            // Inverted dropout keeps x / (1 - p); scaling back by (1 - p) leaves x, within a rounding.
            case MASKING -> {
                b.dropoutForward(x, out, amount, random.seed(), offset);
                b.affine(out, 1f - amount, 0f, out);
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Noise n && n.kind == kind && Float.compare(n.amount, amount) == 0;
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Float.hashCode(amount);
    }

    @Override
    public String toString() {
        return kind + "(" + (kind == Kind.GAUSSIAN ? "std=" : "fraction=") + amount + ")";
    }
}
