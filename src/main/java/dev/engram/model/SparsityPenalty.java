package dev.engram.model;

import dev.engram.backend.Backend;
import dev.engram.backend.LossKind;
import dev.engram.nn.BufferSlot;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

/**
 * The activity penalty of a sparse autoencoder on its code, already weighted:
 * <ul>
 *   <li>L1(weight): weight * mean |code|;</li>
 *   <li>KL(rho, weight): weight * sum_j KL(rho || rho_hat_j), rho_hat_j the batch mean of code unit j;
 *       the code must lie in (0, 1), so the encoder must end in a Sigmoid.</li>
 * </ul>
 * {@link #forward} returns a one-element tensor owned by this object; {@link #backward} ADDS the
 * penalty's gradient to the code gradient the decoder produced.
 */
public final class SparsityPenalty implements AutoCloseable {
    public enum Kind { L1, KL }

    private final Kind kind;
    private final float weight;
    private final float rho;
    private final BufferSlot value = new BufferSlot();
    private final BufferSlot zeros = new BufferSlot();
    private final BufferSlot gradient = new BufferSlot();
    private Tensor code;

    private SparsityPenalty(Kind kind, float weight, float rho) {
        if (!(weight >= 0) || !Float.isFinite(weight)) {
            throw new IllegalArgumentException(kind + " sparsity: weight is " + weight + "; it must be a finite number >= 0");
        }
        this.kind = kind;
        this.weight = weight;
        this.rho = rho;
    }

    public static SparsityPenalty l1(float weight) {
        return new SparsityPenalty(Kind.L1, weight, 0f);
    }

    /** rho in (0, 1): the target mean activation of every code unit. */
    public static SparsityPenalty kl(float rho, float weight) {
        if (!(rho > 0 && rho < 1)) {
            throw new IllegalArgumentException("KL sparsity: target activation rho is " + rho + "; it must be in (0, 1)");
        }
        return new SparsityPenalty(Kind.KL, weight, rho);
    }

    public Kind kind() {
        return kind;
    }

    public float weight() {
        return weight;
    }

    /** The target activation of the KL penalty (0 for L1). */
    public float rho() {
        return rho;
    }

    /** The weighted penalty of {@code code} [N, ...], valid until the next forward. */
    public Tensor forward(Tensor code) {
        if (code == null || code.shape().rank() < 2 || code.numel() == 0) {
            throw new IllegalArgumentException(this + ": code must be a non-empty [N, ...] tensor, got "
                    + (code == null ? "null" : code.shape()));
        }
        Backend b = code.backend();
        Tensor out = value.get(b, Shape.of());
        if (kind == Kind.KL) {
            b.klSparsityForward(code, rho, weight, out);
        } else {
            b.lossForward(LossKind.L1, code, zerosLike(code), l1Scale(code), out);
        }
        this.code = code;
        return out;
    }

    /** dcode += d penalty / d code for the last forward. */
    public void backward(Tensor dcode) {
        if (code == null) {
            throw new IllegalStateException(this + ": backward was called before forward");
        }
        Backend b = code.backend();
        if (kind == Kind.KL) {
            b.klSparsityBackward(code, rho, weight, dcode);
        } else {
            Tensor g = gradient.get(b, code.shape());
            b.lossBackward(LossKind.L1, code, zerosLike(code), l1Scale(code), g);
            b.axpby(1f, g, 1f, dcode);
        }
    }

    private float l1Scale(Tensor code) {
        return (float) (weight / (double) code.numel());
    }

    private Tensor zerosLike(Tensor code) {
        Tensor z = zeros.get(code.backend(), code.shape());
        code.backend().fill(z, 0f);
        return z;
    }

    @Override
    public void close() {
        value.close();
        zeros.close();
        gradient.close();
        code = null;
    }

    @Override
    public String toString() {
        return kind == Kind.KL ? "KL sparsity(rho=" + rho + ", weight=" + weight + ")" : "L1 sparsity(weight=" + weight + ")";
    }
}
