package dev.engram.backend.cpu;

/**
 * The element loops of the CPU backend that run hot in training steps and that C2 of JDK 17 does
 * not vectorise by itself (it does so only for arrays indexed by the loop variable alone, and ours
 * start at tensor offsets): ReLU, LeakyReLU and sigmoid both ways, the gradient of BCE with logits,
 * Adam's update, and sums in double. Each method covers {@code n} consecutive elements from the
 * given offsets.
 *
 * <p>Every implementation computes each element with the same operations in the same order (no
 * fused multiply-add), so all give the same bits, except that the ones through exp (sigmoid
 * forward, the BCE gradient) may use another exp than Math.exp, good to an ulp of the double:
 * the float results can then differ from the scalar loops' by an ulp (none did in 31 million
 * tries; the Vector API's exp before the JIT compiles it may differ from its compiled one alike).
 * Within one implementation an element's result does not depend on where a range starts or how
 * it is split into vectors, tails or threads (a NaN result is NaN; its sign and payload are left
 * open, as IEEE 754 leaves them).
 *
 * <p>The sums (batch and layer norm statistics, bias gradients, the sum ops) add in double over
 * several partial sums, in an order of each implementation's own: fixed for a range's length, so
 * a sum does not depend on where its range lies or on threads, but the scalar and vector sums of
 * one range may differ in the last bits of the double.
 */
interface PointwiseKernel {
    /** y = max(x, 0) with Math.max's rules: NaN stays NaN, -0 becomes +0. x and y may coincide. */
    void reluForward(float[] x, int xOff, float[] y, int yOff, int n);

    /** dx = dy where x &gt; 0, +0 elsewhere (NaN included). */
    void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

    /** y = max(x, 0) + slope * min(x, 0). x and y may coincide. */
    void leakyReluForward(float slope, float[] x, int xOff, float[] y, int yOff, int n);

    /** dx = dy * (x &gt; 0 ? 1 : slope). */
    void leakyReluBackward(float slope, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

    /** y = 1 / (1 + exp(-x)), evaluated in double and rounded once. x and y may coincide. */
    void sigmoidForward(float[] x, int xOff, float[] y, int yOff, int n);

    /** dx = dy * y * (1 - y), from the forward's output y, in float. */
    void sigmoidBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

    /**
     * d = scale * (sigmoid(x) - t), in double and rounded once; the sigmoid through exp(-|x|) so
     * that neither side overflows (the gradient of BCE with logits).
     */
    void bceWithLogitsGradient(float scale, float[] x, int xOff, float[] t, int tOff, float[] d, int dOff, int n);

    /** One Adam (or AdamW) update of p, m and v from g; g is read only. */
    void adam(AdamStep step, float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff, int n);

    /** Sum of x[off, off + n), in double. */
    double sum(float[] x, int off, int n);

    /** Sum of (x[i] - mean)^2 over x[off, off + n), in double: with mean 0, the sum of squares. */
    double squaredDeviations(float[] x, int off, int n, double mean);

    /** Sum of g[gOff + i] * (x[xOff + i] - mean) for i &lt; n, in double. */
    double productWithDeviations(float[] g, int gOff, float[] x, int xOff, int n, double mean);

    /** Short name for logs and benchmarks. */
    String name();

    /**
     * The scalars of one Adam step, computed once per step (in double, as PyTorch does in Python):
     * m = beta1 m + (1 - beta1) g; v = beta2 v + (1 - beta2) g g;
     * p = p - stepSize m / (sqrt(v) / biasCorrection2Sqrt + eps), where g has l2 p added first
     * (Adam's weight decay, when l2 is not 0) or p is first multiplied by decay (AdamW's, when decoupled).
     */
    record AdamStep(float stepSize, float biasCorrection2Sqrt, float beta1, float oneMinusBeta1, float beta2,
                    float oneMinusBeta2, float eps, float l2, float decay, boolean decoupled) {
        /** The scalars of step {@code step} (1 for the first) of Adam, or AdamW when decoupled. */
        static AdamStep of(float lr, float beta1, float beta2, float eps, float weightDecay, boolean decoupled,
                           int step) {
            return new AdamStep((float) (lr / (1 - Math.pow(beta1, step))), (float) Math.sqrt(1 - Math.pow(beta2, step)),
                    beta1, (float) (1.0 - beta1), beta2, (float) (1.0 - beta2), eps, decoupled ? 0f : weightDecay,
                    (float) (1.0 - (double) lr * weightDecay), decoupled && weightDecay != 0f);
        }
    }

    /** The Vector API kernel where {@link VectorApi} loads it, otherwise the scalar loops. */
    static PointwiseKernel preferred() {
        return VectorApi.load("dev.engram.backend.cpu.VectorPointwiseKernel", PointwiseKernel.class)
                .orElseGet(ScalarPointwiseKernel::new);
    }
}
