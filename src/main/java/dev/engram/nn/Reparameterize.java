package dev.engram.nn;

import dev.engram.backend.Backend;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

/**
 * The VAE's sampling step, differentiable in the encoder statistics: z = mu + exp(logvar / 2) * eps
 * with eps ~ N(0, I) drawn from a {@link RandomStream}, for stats [N, 2L] = [mu | logvar] and
 * z [N, L]. The noise is kept for backward, which assigns dstats = (dz, dz * eps * exp(logvar / 2) / 2).
 * z, the noise and dstats are owned by this object and reused by the next call.
 */
public final class Reparameterize implements AutoCloseable {
    private final BufferSlot noise = new BufferSlot();
    private final BufferSlot sample = new BufferSlot();
    private final BufferSlot statsGrad = new BufferSlot();
    private Tensor stats;
    private Tensor eps;

    /** Draws eps from {@code random} (advancing it) and returns z [N, L], valid until the next forward. */
    public Tensor forward(Tensor stats, RandomStream random) {
        Shape zShape = latentShape(stats);
        if (random == null) {
            throw new IllegalArgumentException(this + ": random stream is null");
        }
        Backend backend = stats.backend();
        Tensor e = noise.get(backend, zShape);
        Tensor z = sample.get(backend, zShape);
        backend.randomNormal(e, random.seed(), random.take(e.numel()), 0f, 1f);
        backend.reparameterizeForward(stats, e, z);
        this.stats = stats;
        this.eps = e;
        return z;
    }

    /** d loss / d stats (assigned) for the last forward, given d loss / d z. */
    public Tensor backward(Tensor dz) {
        if (stats == null) {
            throw new IllegalStateException(this + ": backward was called before forward");
        }
        if (dz == null || !dz.shape().equals(eps.shape())) {
            throw new IllegalArgumentException(this + ": dz " + (dz == null ? "null" : dz.shape())
                    + " does not match the shape " + eps.shape() + " of the last z");
        }
        Backend backend = stats.backend();
        Tensor dstats = statsGrad.get(backend, stats.shape());
        backend.reparameterizeBackward(stats, eps, dz, dstats);
        return dstats;
    }

    /** The eps [N, L] of the last forward. */
    public Tensor noise() {
        if (eps == null) {
            throw new IllegalStateException(this + ": no noise drawn yet; call forward first");
        }
        return eps;
    }

    private Shape latentShape(Tensor stats) {
        if (stats == null) {
            throw new IllegalArgumentException(this + ": stats is null");
        }
        Shape s = stats.shape();
        if (s.rank() != 2 || s.dim(1) % 2 != 0) {
            throw new IllegalArgumentException(this + ": stats must be [N, 2L] (mu then logvar), got " + s);
        }
        return Shape.of(s.dim(0), s.dim(1) / 2);
    }

    @Override
    public void close() {
        noise.close();
        sample.close();
        statsGrad.close();
        stats = null;
        eps = null;
    }

    @Override
    public String toString() {
        return "Reparameterize";
    }
}
