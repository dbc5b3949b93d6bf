package dev.engram.nn;

import dev.engram.backend.Backend;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.ModuleCheck;
import dev.engram.testing.Numerics;
import dev.engram.testing.ReferenceConvolution;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConvTranspose2dTest {
    private final Backend cpu = TestBackends.cpu();

    /** The module's forward in double for input [n, in, h, w]. */
    private static ModuleCheck.Reference reference(int n, int in, int h, int w, int out, int kernel, int stride, int pad,
                                                   int outPad, int dil) {
        return (x, p) -> ReferenceConvolution.transposed(x, n, in, h, w, p.get("weight"), p.get("bias"), out, kernel,
                stride, pad, outPad, dil);
    }

    @Test
    void matchesHandComputedValues() {
        try (ConvTranspose2d stamp = new ConvTranspose2d(1, 1, 2, 2, 0).build(cpu, 0);
             ConvTranspose2d overlap = new ConvTranspose2d(1, 1, 2).build(cpu, 0);
             Tensor x = cpu.fromHost(new float[] {1, 2, 3, 4}, Shape.of(1, 1, 2, 2))) {
            cpu.copyFromHost(new float[] {1, 0, 0, 1}, 0, stamp.weight().value());
            cpu.fill(stamp.bias().value(), 0f);
            // Stride 2 = kernel: each input pixel stamps its own 2x2 block, x * [1 0 / 0 1].
            Numerics.assertClose("k2 s2", new double[] {1, 0, 2, 0, 0, 1, 0, 2, 3, 0, 4, 0, 0, 3, 0, 4},
                    stamp.forward(x).toFloatArray(), 0);
            cpu.copyFromHost(new float[] {1, 2, 3, 4}, 0, overlap.weight().value());
            cpu.fill(overlap.bias().value(), 0.5f);
            // Stride 1: y[a, b] = sum x[i, j] w[a - i, b - j] with x = [1 2 / 3 4], w = [1 2 / 3 4]:
            // row 0: 1, 2 + 2, 4; row 1: 3 + 3, 4 + 6 + 6 + 4, 8 + 8; row 2: 9, 12 + 12, 16; plus 0.5.
            Numerics.assertClose("k2 s1", new double[] {1.5, 4.5, 4.5, 6.5, 20.5, 16.5, 9.5, 24.5, 16.5},
                    overlap.forward(x).toFloatArray(), 0);
        }
    }

    @Test
    void outputSizeFollowsPyTorchsFormula() {
        // {h, w, kernel, stride, padding, output padding, dilation, expected h', expected w'}
        int[][] cases = {
                {4, 4, 4, 2, 1, 0, 1, 8, 8},
                {4, 4, 3, 2, 1, 1, 1, 8, 8},
                {7, 7, 4, 2, 1, 0, 1, 14, 14},
                {5, 7, 3, 2, 1, 1, 1, 10, 14},
                {3, 3, 3, 1, 0, 0, 2, 7, 7},
                {1, 1, 4, 1, 0, 0, 1, 4, 4}};
        for (int[] t : cases) {
            try (ConvTranspose2d m = new ConvTranspose2d(2, 3, t[2], t[3], t[4], t[5], t[6], true)) {
                Shape out = m.outputShape(Shape.of(5, 2, t[0], t[1]));
                assertEquals(Shape.of(5, 3, t[7], t[8]), out, m.toString());
                assertEquals(ReferenceConvolution.transposedSize(t[0], t[2], t[3], t[4], t[5], t[6]), out.dim(2));
            }
        }
    }

    @Test
    void matchesTheReferenceOnRandomInputs() {
        // {batch, in, h, w, out, kernel, stride, padding, output padding, dilation}
        int[][] cases = {
                {3, 2, 4, 4, 3, 4, 2, 1, 0, 1},  // 4x4 -> 8x8
                {3, 2, 5, 7, 2, 3, 2, 1, 1, 1},  // output padding, non-square
                {2, 3, 3, 4, 2, 3, 1, 1, 0, 2},  // dilation 2
                {3, 4, 3, 5, 3, 1, 1, 0, 0, 1},  // 1x1
                {1, 2, 2, 3, 2, 5, 3, 0, 2, 1}}; // batch 1, stride 3, output padding 2
        long seed = 40;
        for (int[] t : cases) {
            try (ConvTranspose2d m = new ConvTranspose2d(t[1], t[4], t[5], t[6], t[7], t[8], t[9], true).build(cpu, seed++)) {
                double[] x = Numerics.uniform(seed++, t[0] * t[1] * t[2] * t[3], -1, 1);
                double[] expected = reference(t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9]).forward(x,
                        Map.of("weight", Numerics.toDouble(m.weight().value().toFloatArray()),
                                "bias", Numerics.toDouble(m.bias().value().toFloatArray())));
                try (Tensor xt = cpu.fromHost(Numerics.toFloat(x), Shape.of(t[0], t[1], t[2], t[3]))) {
                    Numerics.assertClose(m.toString(), expected, m.forward(xt).toFloatArray(), 1e-5, 1e-6);
                }
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        try (ConvTranspose2d m = new ConvTranspose2d(3, 2, 4, 2, 1).build(cpu, 1)) {
            ModuleCheck.of(m, reference(3, 3, 3, 4, 2, 4, 2, 1, 0, 1)).check(Shape.of(3, 3, 3, 4), 51);
        }
        try (ConvTranspose2d m = new ConvTranspose2d(2, 3, 3, 2, 1, 1, 1, true).build(cpu, 2)) {
            ModuleCheck.of(m, reference(3, 2, 3, 5, 3, 3, 2, 1, 1, 1)).check(Shape.of(3, 2, 3, 5), 52);
        }
        try (ConvTranspose2d m = new ConvTranspose2d(2, 2, 3, 1, 1, 0, 2, false).build(cpu, 3)) {
            ModuleCheck.of(m, reference(2, 2, 3, 4, 2, 3, 1, 1, 0, 2)).check(Shape.of(2, 2, 3, 4), 53);
        }
    }

    @Test
    void declaresPyTorchParametersAndInitialisation() {
        try (ConvTranspose2d m = new ConvTranspose2d(64, 4, 3).build(cpu, 9)) {
            List<String> params = m.parameters().stream().map(Parameter::toString).collect(Collectors.toList());
            assertEquals(List.of("weight [64, 4, 3, 3]", "bias [4]"), params);
            // PyTorch's fan-in here is weight.size(1) * k * k = out * k * k, not in * k * k.
            double bound = 1 / Math.sqrt(4 * 3 * 3);
            double max = Numerics.maxAbs(Numerics.toDouble(m.weight().value().toFloatArray()));
            assertTrue(max <= bound && max > 0.95 * bound, "weights span +-1/sqrt(out * k * k): max " + max);
            double maxBias = Numerics.maxAbs(Numerics.toDouble(m.bias().value().toFloatArray()));
            assertTrue(maxBias <= bound && maxBias > 0, "bias within the same bound: max " + maxBias);
        }
    }

    @Test
    void refusesBadInputNamingTheShapesWithoutAllocating() {
        try (ConvTranspose2d m = new ConvTranspose2d(3, 2, 1, 1, 1).build(cpu, 0);
             Tensor empty = cpu.allocate(2, 3, 1, 1); Tensor channels = cpu.allocate(2, 4, 5, 5);
             Tensor rank3 = cpu.allocate(3, 5, 5)) {
            long before = cpu.liveBytes();
            String emptyOut = assertThrows(IllegalArgumentException.class, () -> m.forward(empty)).getMessage();
            assertTrue(emptyOut.contains("ConvTranspose2d") && emptyOut.contains("[2, 3, 1, 1]")
                    && emptyOut.contains("empty output"), emptyOut);
            String wrongChannels = assertThrows(IllegalArgumentException.class, () -> m.forward(channels)).getMessage();
            assertTrue(wrongChannels.contains("ConvTranspose2d") && wrongChannels.contains("[2, 4, 5, 5]"), wrongChannels);
            String notImages = assertThrows(IllegalArgumentException.class, () -> m.forward(rank3)).getMessage();
            assertTrue(notImages.contains("ConvTranspose2d") && notImages.contains("[3, 5, 5]"), notImages);
            assertEquals(before, cpu.liveBytes());
        }
        String outPad = assertThrows(IllegalArgumentException.class, () -> new ConvTranspose2d(3, 2, 3, 2, 1, 2, 1, true))
                .getMessage();
        assertTrue(outPad.contains("ConvTranspose2d") && outPad.contains("output padding 2"), outPad);
        assertThrows(IllegalArgumentException.class, () -> new ConvTranspose2d(3, 2, 3, 2, -1));
        assertThrows(IllegalArgumentException.class, () -> new ConvTranspose2d(3, -2, 3));
        assertThrows(IllegalArgumentException.class, () -> new ConvTranspose2d(3, 2, 3, 2, 1, -1, 1, true));
    }

    @Test
    void skipsTheInputGradientWhenNotRequired() {
        try (ConvTranspose2d m = new ConvTranspose2d(2, 3, 4, 2, 1).build(cpu, 0); Tensor x = cpu.zeros(Shape.of(2, 2, 3, 3));
             Tensor dy = cpu.fromHost(Numerics.toFloat(Numerics.uniform(3, 2 * 3 * 6 * 6, -1, 1)), Shape.of(2, 3, 6, 6))) {
            m.requireInputGradient(false);
            m.parameterStore().zeroGrad();
            m.forward(x);
            assertNull(m.backward(dy));
            assertTrue(Numerics.maxAbs(Numerics.toDouble(m.bias().grad().toFloatArray())) > 0, "the bias still learns");
        }
    }
}
