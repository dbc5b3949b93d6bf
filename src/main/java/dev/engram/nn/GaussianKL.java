package dev.engram.nn;

import dev.engram.backend.Backend;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

/**
 * The VAE's KL term: KL(N(mu, exp(logvar)) || N(0, I)) = -0.5 * sum(1 + logvar - mu^2 - exp(logvar))
 * for encoder statistics stats [N, 2L] = [mu | logvar] (one Linear producing both).
 *
 * <p>Reductions count the N * L latent terms: SUM adds them all, MEAN divides by N * L, and
 * BATCH_MEAN (the default, what a VAE's ELBO uses) divides by N. {@link #forward} returns a
 * one-element tensor owned by this object, with no host sync. {@link #backward} ACCUMULATES into
 * the caller's dstats, because in a VAE the reparameterisation path has already written its part
 * of the gradient there.
 */
public final class GaussianKL implements AutoCloseable {
    private final Reduction reduction;
    private final BufferSlot value = new BufferSlot();
    private Tensor stats;
    private float scale;

    public GaussianKL() {
        this(Reduction.BATCH_MEAN);
    }

    public GaussianKL(Reduction reduction) {
        if (reduction == null) {
            throw new IllegalArgumentException("GaussianKL: reduction is null");
        }
        this.reduction = reduction;
    }

    public Reduction reduction() {
        return reduction;
    }

    /** The KL term of {@code stats} [N, 2L], valid until the next forward. */
    public Tensor forward(Tensor stats) {
        float s = validate(stats);
        Backend backend = stats.backend();
        Tensor out = value.get(backend, Shape.of());
        backend.gaussianKlForward(stats, s, out);
        this.stats = stats;
        this.scale = s;
        return out;
    }

    /** dstats += d KL / d stats for the last forward. */
    public void backward(Tensor dstats) {
        backward(dstats, 1f);
    }

    /** dstats += upstreamScale * d KL / d stats: beta * KL for a beta-VAE. */
    public void backward(Tensor dstats, float upstreamScale) {
        if (stats == null) {
            throw new IllegalStateException(this + ": backward was called before forward");
        }
        if (dstats == null || !dstats.shape().equals(stats.shape())) {
            throw new IllegalArgumentException(this + ": dstats " + (dstats == null ? "null" : dstats.shape())
                    + " must have the shape " + stats.shape() + " of the last forward's stats");
        }
        if (!Float.isFinite(upstreamScale)) {
            throw new IllegalArgumentException(this + ": upstream scale is " + upstreamScale + "; it must be finite");
        }
        stats.backend().gaussianKlBackward(stats, scale * upstreamScale, dstats);
    }

    private float validate(Tensor stats) {
        if (stats == null) {
            throw new IllegalArgumentException(this + ": stats is null");
        }
        Shape s = stats.shape();
        if (s.rank() != 2 || s.dim(1) % 2 != 0) {
            throw new IllegalArgumentException(this + ": stats must be [N, 2L] (mu then logvar), got " + s);
        }
        return reduction.scale(toString(), s, stats.numel() / 2);
    }

    @Override
    public void close() {
        value.close();
        stats = null;
    }

    @Override
    public String toString() {
        return "GaussianKL(reduction=" + reduction + ")";
    }
}
