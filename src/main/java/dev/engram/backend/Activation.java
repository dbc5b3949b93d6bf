package dev.engram.backend;

/**
 * A pointwise activation and its parameter, with PyTorch's definitions:
 * ReLU; LeakyReLU(negative_slope = alpha); Sigmoid; Tanh; ELU(alpha); GELU (exact, with erf);
 * Softplus(beta = alpha, threshold 20: linear where beta * x > 20).
 */
public record Activation(Kind kind, float alpha) {

    public enum Kind { RELU, LEAKY_RELU, SIGMOID, TANH, ELU, GELU, SOFTPLUS }

    /** Above this value of beta * x, Softplus returns x (PyTorch's default threshold). */
    public static final float SOFTPLUS_THRESHOLD = 20f;

    public Activation {
        if (kind == null) {
            throw new IllegalArgumentException("activation kind is null");
        }
        if (!Float.isFinite(alpha)) {
            throw new IllegalArgumentException(kind + ": parameter is " + alpha + "; it must be finite");
        }
        if (kind == Kind.SOFTPLUS && alpha <= 0) {
            throw new IllegalArgumentException("SOFTPLUS: beta is " + alpha + "; it must be > 0");
        }
    }

    public static Activation relu() {
        return new Activation(Kind.RELU, 0f);
    }

    public static Activation leakyRelu(float negativeSlope) {
        return new Activation(Kind.LEAKY_RELU, negativeSlope);
    }

    public static Activation sigmoid() {
        return new Activation(Kind.SIGMOID, 0f);
    }

    public static Activation tanh() {
        return new Activation(Kind.TANH, 0f);
    }

    public static Activation elu(float alpha) {
        return new Activation(Kind.ELU, alpha);
    }

    public static Activation gelu() {
        return new Activation(Kind.GELU, 0f);
    }

    public static Activation softplus(float beta) {
        return new Activation(Kind.SOFTPLUS, beta);
    }
}
