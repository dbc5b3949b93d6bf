package dev.engram.backend.cpu;

import dev.engram.backend.Backend;
import dev.engram.backend.ConvGeometry;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.Numerics;
import dev.engram.testing.ReferenceConvolution;
import dev.engram.testing.ReferenceConvolution.Conv;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuConvolutionTest {
    private static final CpuBackend ONE_THREAD = new CpuBackend(1);
    private static final CpuBackend THREE_THREADS = new CpuBackend(3);
    private final Backend cpu = TestBackends.cpu();

    /**
     * Geometries that exercise every path: stride, padding, dilation, per-axis sizes, the 1x1
     * direct path and 1x1 through im2col, a kernel as large as the padded input, a batch smaller
     * than the thread count and one that splits unevenly. Images are lowered in groups; the first
     * geometry's column matrices are so large that its 5 images run as groups of 2, 2 and a lone 1
     * (which skips the copies to and from the grouped layout), see {@link #groupsSplitAsDescribed}.
     * Large ones come before small ones, so reused workspaces hold stale values. The direct ones'
     * batches split between threads in mid-block of six pixels.
     */
    static final List<Conv> GEOMETRIES = List.of(
            new Conv(5, 15, 100, 104, 2, 3, 3, 1, 1, 1, 1, 1, 1), // groups of 2, 2, 1 (15 channels: no pass is direct)
            new Conv(7, 2, 50, 56, 3, 3, 3, 2, 2, 2, 2, 2, 2), // several images per group; stride, padding, dilation 2
            // Direct convolutions (16+ channels on both sides):
            Conv.square(7, 32, 14, 14, 64, 4, 2, 1, 1),   // conv-vae's middle layer; 343 pixels: two filter chunks
            Conv.square(3, 17, 9, 11, 19, 3, 1, 1, 1),     // odd channel counts, lanes and rows left over
            new Conv(2, 16, 7, 6, 33, 3, 2, 2, 1, 1, 0, 1, 2), // per-axis kernel, stride, padding, dilation
            Conv.square(3, 20, 7, 9, 18, 3, 1, 2, 2),      // dilation 2, padding 2
            Conv.square(5, 24, 4, 4, 16, 1, 1, 0, 1),      // 1x1
            new Conv(2, 16, 7, 8, 16, 1, 1, 2, 3, 0, 0, 1, 1), // stride past the kernel: input pixels no tap reaches get 0
            Conv.square(2, 16, 8, 8, 17, 2, 3, 1, 1),      // kernel 2, stride 3: input rows and columns no tap reaches
            // Direct forward and filter gradient by output channel only (16+ output channels, few input ones):
            Conv.square(3, 3, 9, 11, 20, 3, 2, 1, 1),      // 27 terms: the last tile has filler rows; 20 lanes
            Conv.square(2, 1, 8, 8, 16, 4, 2, 1, 1),       // one input channel, as conv-vae's first layer
            Conv.square(3, 2, 7, 9, 3, 3, 1, 2, 2),       // dilation 2, padding 2
            Conv.square(3, 2, 5, 7, 4, 3, 1, 0, 1),       // plain 3x3 on 5x7
            Conv.square(3, 2, 5, 7, 4, 3, 2, 1, 1),       // stride 2, padding 1
            new Conv(3, 2, 6, 5, 3, 3, 2, 2, 1, 0, 2, 1, 2), // per-axis kernel, stride, padding, dilation
            Conv.square(3, 4, 5, 7, 3, 1, 1, 0, 1),       // 1x1, stride 1: no im2col
            Conv.square(2, 4, 5, 7, 3, 1, 2, 0, 1),       // 1x1, stride 2: im2col
            Conv.square(2, 3, 4, 4, 2, 6, 1, 1, 1),       // kernel 6 = padded input 4 + 2
            Conv.square(1, 3, 5, 7, 2, 3, 1, 1, 1),       // batch 1 < 2 threads
            Conv.square(1, 4, 5, 7, 3, 1, 1, 0, 1),       // 1x1, batch 1: the image is its own column matrix
            Conv.square(5, 1, 3, 4, 1, 2, 1, 0, 1));      // batch 5 in chunks of 2 and 3

    @AfterAll
    static void closeBackend() {
        ONE_THREAD.close();
        THREE_THREADS.close();
    }

    static ConvGeometry geometry(Conv c) {
        return new ConvGeometry(c.n(), c.c(), c.h(), c.w(), c.k(), c.r(), c.s(), c.strideH(), c.strideW(),
                c.padH(), c.padW(), c.dilH(), c.dilW());
    }

    @Test
    void groupsSplitAsDescribed() {
        assertEquals(2, CpuConvolution.groupSize(geometry(GEOMETRIES.get(0))));
        assertEquals(7, CpuConvolution.groupSize(geometry(GEOMETRIES.get(1))));
    }

    @Test
    void opsWhoseLanesHaveManyChannelsRunAsDirectConvolutions() {
        assertTrue(DirectConvKernel.vector().isPresent(), "the tests run with jdk.incubator.vector");
        assertEquals(9, directCount(DirectConvolution::suitsForward), "forward passes above that take the direct path");
        assertEquals(7, directCount(DirectConvolution::suitsBackwardData), "backward-data passes on the direct path");
        assertEquals(9, directCount(DirectConvolution::suitsBackwardFilter), "filter gradients on the direct path");
        ConvGeometry thinOutput = geometry(Conv.square(2, 64, 5, 5, 15, 3, 1, 1, 1));
        assertFalse(DirectConvolution.suitsForward(thinOutput));
        assertTrue(DirectConvolution.suitsBackwardData(thinOutput));
        ConvGeometry thin = geometry(Conv.square(2, 15, 5, 5, 15, 3, 1, 1, 1));
        assertFalse(DirectConvolution.suitsForward(thin) || DirectConvolution.suitsBackwardFilter(thin));
    }

    private static long directCount(Predicate<ConvGeometry> suits) {
        return GEOMETRIES.stream().map(CpuConvolutionTest::geometry).filter(suits).count();
    }

    @Test
    void forwardMatchesTheReference() {
        long seed = 1;
        for (Conv c : GEOMETRIES) {
            ConvGeometry g = geometry(c);
            double[] x = Numerics.uniform(seed++, c.inputSize(), -1, 1);
            double[] w = Numerics.uniform(seed++, c.weightSize(), -1, 1);
            try (Tensor xt = cpu.fromHost(Numerics.toFloat(x), g.inputShape());
                 Tensor wt = cpu.fromHost(Numerics.toFloat(w), g.weightShape());
                 Tensor y = cpu.allocate(g.outputShape())) {
                cpu.fill(y, Float.NaN);
                cpu.conv2dForward(g, xt, wt, y);
                Numerics.assertClose("forward " + g, ReferenceConvolution.forward(c, x, w, null), y.toFloatArray(), 1e-5, 1e-6);
            }
        }
    }

    @Test
    void backwardDataAssignsTheReferenceGradient() {
        long seed = 100;
        for (Conv c : GEOMETRIES) {
            ConvGeometry g = geometry(c);
            double[] dy = Numerics.uniform(seed++, c.outputSize(), -1, 1);
            double[] w = Numerics.uniform(seed++, c.weightSize(), -1, 1);
            try (Tensor dyt = cpu.fromHost(Numerics.toFloat(dy), g.outputShape());
                 Tensor wt = cpu.fromHost(Numerics.toFloat(w), g.weightShape());
                 Tensor dx = cpu.allocate(g.inputShape())) {
                cpu.fill(dx, Float.NaN);
                cpu.conv2dBackwardData(g, dyt, wt, dx);
                Numerics.assertClose("backwardData " + g, ReferenceConvolution.backwardData(c, dy, w), dx.toFloatArray(),
                        1e-5, 1e-6);
            }
        }
    }

    @Test
    void backwardFilterAccumulatesTheReferenceGradient() {
        long seed = 200;
        for (Conv c : GEOMETRIES) {
            ConvGeometry g = geometry(c);
            double[] x = Numerics.uniform(seed++, c.inputSize(), -1, 1);
            double[] dy = Numerics.uniform(seed++, c.outputSize(), -1, 1);
            double[] before = Numerics.uniform(seed++, c.weightSize(), -1, 1);
            double[] expected = ReferenceConvolution.backwardFilter(c, x, dy);
            for (int i = 0; i < expected.length; i++) {
                expected[i] += before[i];
            }
            try (Tensor xt = cpu.fromHost(Numerics.toFloat(x), g.inputShape());
                 Tensor dyt = cpu.fromHost(Numerics.toFloat(dy), g.outputShape());
                 Tensor dw = cpu.fromHost(Numerics.toFloat(before), g.weightShape())) {
                cpu.conv2dBackwardFilter(g, xt, dyt, dw);
                Numerics.assertClose("backwardFilter " + g, expected, dw.toFloatArray(), 1e-5, 1e-6);
            }
        }
    }

    @Test
    void givesTheSameBitsOnOneTwoAndThreeThreads() {
        // Every stage splits over disjoint outputs and the filter gradient's groups do not depend
        // on the thread count, so all three passes must agree to the bit.
        long seed = 300;
        for (Conv c : GEOMETRIES) {
            ConvGeometry g = geometry(c);
            float[] x = Numerics.toFloat(Numerics.uniform(seed++, c.inputSize(), -1, 1));
            float[] w = Numerics.toFloat(Numerics.uniform(seed++, c.weightSize(), -1, 1));
            float[] dy = Numerics.toFloat(Numerics.uniform(seed++, c.outputSize(), -1, 1));
            float[][] one = allPasses(ONE_THREAD, g, x, w, dy);
            assertSameBits(one, allPasses(cpu, g, x, w, dy), g + " on 2 threads");
            assertSameBits(one, allPasses(THREE_THREADS, g, x, w, dy), g + " on 3 threads");
        }
    }

    private static void assertSameBits(float[][] expected, float[][] actual, String what) {
        assertArrayEquals(expected[0], actual[0], "forward " + what);
        assertArrayEquals(expected[1], actual[1], "backwardData " + what);
        assertArrayEquals(expected[2], actual[2], "backwardFilter " + what);
    }

    /** {y, dx, dw} of one geometry on {@code b}. */
    private static float[][] allPasses(Backend b, ConvGeometry g, float[] x, float[] w, float[] dy) {
        try (Tensor xt = b.fromHost(x, g.inputShape()); Tensor wt = b.fromHost(w, g.weightShape());
             Tensor dyt = b.fromHost(dy, g.outputShape()); Tensor y = b.allocate(g.outputShape());
             Tensor dx = b.allocate(g.inputShape()); Tensor dw = b.zeros(g.weightShape())) {
            b.conv2dForward(g, xt, wt, y);
            b.conv2dBackwardData(g, dyt, wt, dx);
            b.conv2dBackwardFilter(g, xt, dyt, dw);
            return new float[][] {y.toFloatArray(), dx.toFloatArray(), dw.toFloatArray()};
        }
    }

    @Test
    void backwardFilterOfTheBatchIsTheSumOverImages() {
        // The per-chunk partials must cover every image exactly once, whatever the split.
        Conv c = Conv.square(5, 2, 4, 5, 3, 3, 1, 1, 1);
        ConvGeometry g = geometry(c);
        float[] x = Numerics.toFloat(Numerics.uniform(400, c.inputSize(), -1, 1));
        float[] dy = Numerics.toFloat(Numerics.uniform(401, c.outputSize(), -1, 1));
        int xImage = c.inputSize() / c.n();
        int dyImage = c.outputSize() / c.n();
        try (Tensor xt = cpu.fromHost(x, g.inputShape()); Tensor dyt = cpu.fromHost(dy, g.outputShape());
             Tensor batched = cpu.zeros(g.weightShape()); Tensor oneByOne = cpu.zeros(g.weightShape())) {
            cpu.conv2dBackwardFilter(g, xt, dyt, batched);
            ConvGeometry single = g.withBatch(1);
            for (int i = 0; i < c.n(); i++) {
                try (Tensor xi = cpu.fromHost(Arrays.copyOfRange(x, i * xImage, (i + 1) * xImage), single.inputShape());
                     Tensor dyi = cpu.fromHost(Arrays.copyOfRange(dy, i * dyImage, (i + 1) * dyImage), single.outputShape())) {
                    cpu.conv2dBackwardFilter(single, xi, dyi, oneByOne);
                }
            }
            Numerics.assertClose("batched vs image by image", Numerics.toDouble(oneByOne.toFloatArray()),
                    batched.toFloatArray(), 1e-5, 1e-6);
        }
    }

    @Test
    void refusesMismatchedShapesNamingThem() {
        ConvGeometry g = ConvGeometry.of(Shape.of(2, 3, 5, 5), 4, 3, 1, 0, 1);
        try (Tensor x = cpu.zeros(Shape.of(2, 3, 5, 6)); Tensor w = cpu.zeros(g.weightShape());
             Tensor y = cpu.zeros(g.outputShape())) {
            long before = cpu.liveBytes();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> cpu.conv2dForward(g, x, w, y));
            assertTrue(e.getMessage().contains("[2, 3, 5, 6]"), e.getMessage());
            assertEquals(before, cpu.liveBytes());
        }
    }
}
