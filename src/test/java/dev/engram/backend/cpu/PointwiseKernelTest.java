package dev.engram.backend.cpu;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Random;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Vector API pointwise kernel gives the scalar loops' bits for every element, wherever a range
 * starts and however long it is (vectors, tail, both), on values that include NaN, infinities,
 * both zeros and denormals; the ops through exp come within one float ulp of them and give the
 * same bits wherever an element falls in a range. The ops' meaning (PyTorch's) is checked in
 * ActivationOpsTest, LossOpsTest and OptimizerOpsTest.
 */
class PointwiseKernelTest {
    private static final int[] LENGTHS = {0, 1, 7, 8, 9, 16, 17, 31, 33, 1000};
    private static final float[] SPECIAL = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
            Float.MIN_VALUE, -Float.MIN_VALUE, 1e-30f, -1e-30f, 1f, -1f, 3e38f};
    private static PointwiseKernel vector;
    private static final PointwiseKernel SCALAR = new ScalarPointwiseKernel();

    @BeforeAll
    static void loadVectorKernel() {
        vector = PointwiseKernel.preferred();
        assumeTrue(vector instanceof VectorPointwiseKernel, "needs --add-modules jdk.incubator.vector (surefire adds it)");
    }

    @Test
    void reluBothWays() {
        compare("relu forward", 0, (k, a, n) -> k.reluForward(a[0], 3, a[1], 5, n));
        compare("relu backward", 0, (k, a, n) -> k.reluBackward(a[0], 3, a[1], 5, a[2], 1, n));
    }

    @Test
    void leakyReluBothWays() {
        compare("leaky forward", 0, (k, a, n) -> k.leakyReluForward(0.2f, a[0], 2, a[1], 4, n));
        compare("leaky backward", 0, (k, a, n) -> k.leakyReluBackward(0.01f, a[0], 1, a[1], 0, a[2], 6, n));
    }

    @Test
    void forwardInPlace() {
        compare("relu in place", 0, (k, a, n) -> k.reluForward(a[0], 2, a[0], 2, n));
        compare("leaky in place", 0, (k, a, n) -> k.leakyReluForward(0.2f, a[1], 0, a[1], 0, n));
    }

    @Test
    void sigmoidBackwardExactly() {
        compare("sigmoid backward", 0, (k, a, n) -> k.sigmoidBackward(a[0], 3, a[1], 5, a[2], 1, n));
    }

    @Test
    void opsThroughExpWithinAnUlp() {
        compare("sigmoid forward", 1, (k, a, n) -> k.sigmoidForward(a[0], 3, a[1], 5, n));
        compare("sigmoid in place", 1, (k, a, n) -> k.sigmoidForward(a[0], 2, a[0], 2, n));
        compare("bce with logits gradient", 1,
                (k, a, n) -> k.bceWithLogitsGradient(0.25f, a[0], 1, a[1], 6, a[2], 3, n));
    }

    /** The ops through exp do their tail in a vector too: an element gets the same bits wherever it falls. */
    @Test
    void opsThroughExpIndependentOfPosition() {
        float[] x = values(new Random(7), 1000);
        float[] t = values(new Random(8), 1000);
        float[] whole = new float[1000];
        float[] wholeGrad = new float[1000];
        vector.sigmoidForward(x, 0, whole, 0, 1000);
        vector.bceWithLogitsGradient(0.5f, x, 0, t, 0, wholeGrad, 0, 1000);
        for (int start : new int[] {1, 3, 5, 7}) {
            for (int length : new int[] {1, 2, 3, 6, 13}) {
                float[] part = new float[length];
                float[] partGrad = new float[length];
                vector.sigmoidForward(x, start, part, 0, length);
                vector.bceWithLogitsGradient(0.5f, x, start, t, start, partGrad, 0, length);
                // NaN matches NaN: the vector, masked-tail and interpreted paths may give it another sign.
                for (int i = 0; i < length; i++) {
                    assertEquals(0, ulpsApart(whole[start + i], part[i]),
                            "sigmoid of element " + (start + i) + " from a range starting there, length " + length);
                    assertEquals(0, ulpsApart(wholeGrad[start + i], partGrad[i]),
                            "bce gradient of element " + (start + i) + ", length " + length);
                }
            }
        }
    }

    @Test
    void adamWithEachKindOfWeightDecay() {
        PointwiseKernel.AdamStep[] steps = {
                PointwiseKernel.AdamStep.of(1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false, 1),
                PointwiseKernel.AdamStep.of(3e-4f, 0.8f, 0.99f, 1e-6f, 0.01f, false, 7),
                PointwiseKernel.AdamStep.of(1e-3f, 0.9f, 0.999f, 1e-8f, 0.05f, true, 1000)};
        for (PointwiseKernel.AdamStep s : steps) {
            compare("adam " + s, 0, (k, a, n) -> k.adam(s, a[0], 1, a[1], 2, a[2], 3, a[3], 4, n));
        }
    }

    /**
     * The sums of both kernels agree with a sum in exact arithmetic to double rounding (inputs of
     * mixed signs and sizes, every length and start); a NaN or infinity among the terms gives NaN
     * or infinity in both; and a vector sum's bits depend on its range's values, not on where the
     * range lies.
     */
    @Test
    void sumsInDoubleWhateverTheRange() {
        Random random = new Random(11);
        for (int length : new int[] {0, 1, 7, 15, 16, 17, 31, 32, 33, 100, 1000}) {
            float[] x = new float[length + 5];
            float[] g = new float[length + 5];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(7) - 3));
                g[i] = (float) random.nextGaussian();
            }
            double mean = 0.37;
            for (PointwiseKernel k : new PointwiseKernel[] {SCALAR, vector}) {
                String who = k.name() + ", length " + length;
                BigDecimal sum = BigDecimal.ZERO;
                BigDecimal squares = BigDecimal.ZERO;
                BigDecimal products = BigDecimal.ZERO;
                double magnitude = 0;
                for (int i = 0; i < length; i++) {
                    BigDecimal xi = new BigDecimal(x[3 + i]);
                    BigDecimal d = xi.subtract(new BigDecimal(mean));
                    sum = sum.add(xi);
                    squares = squares.add(d.multiply(d));
                    products = products.add(new BigDecimal(g[1 + i]).multiply(d));
                    magnitude += Math.abs(g[1 + i] * (x[3 + i] - mean)) + (x[3 + i] - mean) * (x[3 + i] - mean);
                }
                double bound = 1e-14 * magnitude + Double.MIN_VALUE;
                assertEquals(sum.doubleValue(), k.sum(x, 3, length), bound, "sum, " + who);
                assertEquals(squares.doubleValue(), k.squaredDeviations(x, 3, length, mean), bound, "squares, " + who);
                assertEquals(products.doubleValue(), k.productWithDeviations(g, 1, x, 3, length, mean), bound,
                        "products, " + who);
                if (length > 0) {
                    float[] bad = x.clone();
                    bad[3 + length / 2] = Float.NaN;
                    assertTrue(Double.isNaN(k.sum(bad, 3, length)), "NaN in a sum, " + who);
                    bad[3 + length / 2] = Float.POSITIVE_INFINITY;
                    assertEquals(Double.POSITIVE_INFINITY, k.squaredDeviations(bad, 3, length, mean), "inf, " + who);
                }
            }
            float[] moved = new float[length + 9];
            System.arraycopy(x, 3, moved, 9, length);
            assertEquals(Double.doubleToRawLongBits(vector.sum(x, 3, length)),
                    Double.doubleToRawLongBits(vector.sum(moved, 9, length)), "vector sum moved, length " + length);
        }
    }

    private interface Call {
        void run(PointwiseKernel kernel, float[][] arrays, int n);
    }

    /**
     * Runs the call for n elements on both kernels over copies of the same five arrays (n + 8 long:
     * calls start up to 7 in), for each length; every element must match to the bit, or to
     * {@code ulps} float ulps (NaN where the scalar loop gives NaN).
     */
    private static void compare(String what, int ulps, Call call) {
        for (int length : LENGTHS) {
            float[][] inputs = new float[5][];
            Random random = new Random(length * 31L + what.hashCode());
            for (int a = 0; a < inputs.length; a++) {
                inputs[a] = values(random, length + 8);
            }
            // Adam's second moment is never negative.
            for (int i = 0; i < inputs[3].length; i++) {
                inputs[3][i] = Math.abs(inputs[3][i]);
            }
            float[][] expected = copies(inputs);
            float[][] actual = copies(inputs);
            call.run(SCALAR, expected, length);
            call.run(vector, actual, length);
            for (int a = 0; a < inputs.length; a++) {
                int array = a;
                forEach(expected[a], i -> assertTrue(ulpsApart(expected[array][i], actual[array][i]) <= ulps,
                        () -> what + ", length " + length + ": array " + array + " element " + i + " is "
                                + actual[array][i] + ", the scalar loop gives " + expected[array][i]));
            }
        }
    }

    /** 0 for the same bits or two NaNs; otherwise how many floats lie between them (large across signs). */
    private static long ulpsApart(float expected, float actual) {
        if (Float.isNaN(expected) && Float.isNaN(actual)) {
            return 0;
        }
        return Math.abs((long) Float.floatToRawIntBits(expected) - Float.floatToRawIntBits(actual));
    }

    private static float[] values(Random random, int length) {
        float[] v = new float[length];
        for (int i = 0; i < length; i++) {
            v[i] = random.nextInt(5) == 0 ? SPECIAL[random.nextInt(SPECIAL.length)] : (float) random.nextGaussian();
        }
        return v;
    }

    private static float[][] copies(float[][] arrays) {
        float[][] c = new float[arrays.length][];
        for (int a = 0; a < arrays.length; a++) {
            c[a] = arrays[a].clone();
        }
        return c;
    }

    private static void forEach(float[] array, Consumer<Integer> check) {
        for (int i = 0; i < array.length; i++) {
            check.accept(i);
        }
    }
}
