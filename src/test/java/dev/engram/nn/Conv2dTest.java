package dev.engram.nn;

import dev.engram.backend.Backend;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.ModuleCheck;
import dev.engram.testing.Numerics;
import dev.engram.testing.ReferenceConvolution;
import dev.engram.testing.ReferenceConvolution.Conv;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Conv2dTest {
    private final Backend cpu = TestBackends.cpu();

    /** The module's forward in double: {@code c} gives the sizes, p holds weight and maybe bias. */
    private static ModuleCheck.Reference reference(Conv c) {
        return (x, p) -> ReferenceConvolution.forward(c, x, p.get("weight"), p.get("bias"));
    }

    @Test
    void matchesHandComputedValues() {
        try (Conv2d conv = new Conv2d(1, 1, 2).build(cpu, 0);
             Conv2d padded = new Conv2d(1, 1, 2, 2, 1).build(cpu, 0);
             Tensor x = cpu.fromHost(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, Shape.of(1, 1, 3, 3))) {
            for (Conv2d m : List.of(conv, padded)) {
                cpu.copyFromHost(new float[] {1, 2, 3, 4}, 0, m.weight().value());
                cpu.copyFromHost(new float[] {0.5f}, 0, m.bias().value());
            }
            // x = [1 2 3 / 4 5 6 / 7 8 9], w = [1 2 / 3 4], bias 0.5. Windows at stride 1:
            // 1+4+12+20 = 37, 2+6+15+24 = 47, 4+10+21+32 = 67, 5+12+24+36 = 77.
            Numerics.assertClose("conv k2", new double[] {37.5, 47.5, 67.5, 77.5}, conv.forward(x).toFloatArray(), 0);
            // Stride 2, padding 1: windows start at (-1, -1), (-1, 1), (1, -1), (1, 1):
            // 4*1 = 4; 3*2 + 4*3 = 18; 2*4 + 4*7 = 36; 5+12+24+36 = 77.
            Numerics.assertClose("conv k2 s2 p1", new double[] {4.5, 18.5, 36.5, 77.5},
                    padded.forward(x).toFloatArray(), 0);
        }
    }

    @Test
    void matchesTheReferenceOnRandomInputs() {
        // {batch, in, h, w, out, kernel, stride, padding, dilation}
        int[][] cases = {
                {3, 2, 5, 7, 4, 3, 2, 0, 1},   // stride 2
                {3, 2, 5, 7, 4, 3, 1, 1, 1},   // padding 1
                {2, 3, 7, 9, 2, 3, 1, 0, 2},   // dilation 2
                {3, 5, 5, 7, 3, 1, 1, 0, 1},   // kernel 1x1
                {2, 2, 4, 3, 3, 5, 1, 1, 1},   // kernel 5 = padded input 3 + 2 (and 4 + 2 > 5)
                {3, 3, 8, 8, 4, 4, 2, 1, 1}};  // the conv-vae layer shape: k4 s2 p1
        long seed = 5;
        for (int[] t : cases) {
            Conv c = Conv.square(t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8]);
            try (Conv2d conv = new Conv2d(t[1], t[4], t[5], t[6], t[7], t[8], true).build(cpu, seed++)) {
                double[] x = Numerics.uniform(seed++, c.inputSize(), -1, 1);
                double[] w = Numerics.toDouble(conv.weight().value().toFloatArray());
                double[] b = Numerics.toDouble(conv.bias().value().toFloatArray());
                try (Tensor xt = cpu.fromHost(Numerics.toFloat(x), Shape.of(t[0], t[1], t[2], t[3]))) {
                    Tensor y = conv.forward(xt);
                    assertEquals(Shape.of(t[0], t[4], c.outH(), c.outW()), y.shape(), conv.toString());
                    Numerics.assertClose(conv.toString(), ReferenceConvolution.forward(c, x, w, b), y.toFloatArray(), 1e-5, 1e-6);
                }
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        try (Conv2d conv = new Conv2d(2, 3, 3).build(cpu, 1)) {
            ModuleCheck.of(conv, reference(Conv.square(3, 2, 5, 7, 3, 3, 1, 0, 1))).check(Shape.of(3, 2, 5, 7), 31);
        }
        try (Conv2d conv = new Conv2d(2, 3, 3, 2, 1, 1, false).build(cpu, 2)) {
            ModuleCheck.of(conv, reference(Conv.square(3, 2, 5, 7, 3, 3, 2, 1, 1))).check(Shape.of(3, 2, 5, 7), 32);
        }
        try (Conv2d conv = new Conv2d(2, 2, 3, 1, 2, 2, true).build(cpu, 3)) {
            ModuleCheck.of(conv, reference(Conv.square(2, 2, 5, 7, 2, 3, 1, 2, 2))).check(Shape.of(2, 2, 5, 7), 33);
        }
        try (Conv2d conv = new Conv2d(3, 2, 1).build(cpu, 4)) {
            ModuleCheck.of(conv, reference(Conv.square(3, 3, 3, 5, 2, 1, 1, 0, 1))).check(Shape.of(3, 3, 3, 5), 34);
        }
    }

    @Test
    void declaresPyTorchParametersAndInitialisation() {
        try (Conv2d conv = new Conv2d(16, 8, 3).build(cpu, 9)) {
            List<String> params = conv.parameters().stream().map(Parameter::toString).collect(Collectors.toList());
            assertEquals(List.of("weight [8, 16, 3, 3]", "bias [8]"), params);
            double bound = 1 / Math.sqrt(16 * 3 * 3);
            double max = Numerics.maxAbs(Numerics.toDouble(conv.weight().value().toFloatArray()));
            assertTrue(max <= bound && max > 0.95 * bound, "weights span +-1/sqrt(in * k * k): max " + max);
            double maxBias = Numerics.maxAbs(Numerics.toDouble(conv.bias().value().toFloatArray()));
            assertTrue(maxBias <= bound && maxBias > 0, "bias within the same bound: max " + maxBias);
        }
        try (Conv2d conv = new Conv2d(16, 8, 3, 1, 1, 1, false).build(cpu, 9)) {
            assertEquals(1, conv.parameters().size());
            assertNull(conv.bias());
        }
    }

    @Test
    void refusesBadInputNamingTheShapesWithoutAllocating() {
        try (Conv2d conv = new Conv2d(3, 4, 5).build(cpu, 0);
             Tensor small = cpu.allocate(2, 3, 4, 6); Tensor channels = cpu.allocate(2, 4, 8, 8);
             Tensor rank3 = cpu.allocate(3, 8, 8)) {
            long before = cpu.liveBytes();
            String tooSmall = assertThrows(IllegalArgumentException.class, () -> conv.forward(small)).getMessage();
            assertTrue(tooSmall.contains("Conv2d") && tooSmall.contains("[2, 3, 4, 6]") && tooSmall.contains("5x5"), tooSmall);
            String wrongChannels = assertThrows(IllegalArgumentException.class, () -> conv.forward(channels)).getMessage();
            assertTrue(wrongChannels.contains("Conv2d") && wrongChannels.contains("[2, 4, 8, 8]")
                    && wrongChannels.contains("3 are expected"), wrongChannels);
            String notImages = assertThrows(IllegalArgumentException.class, () -> conv.forward(rank3)).getMessage();
            assertTrue(notImages.contains("Conv2d") && notImages.contains("[3, 8, 8]") && notImages.contains("4-D"), notImages);
            assertEquals(before, cpu.liveBytes());
        }
        assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 4, 3, 1, -1));
        assertThrows(IllegalArgumentException.class, () -> new Conv2d(-3, 4, 3));
        assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 4, 0));
        assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 4, 3, 0, 1));
        String dilation = assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 4, 3, 1, 0, -2, true))
                .getMessage();
        assertTrue(dilation.contains("Conv2d") && dilation.contains("dilation -2"), dilation);
    }

    @Test
    void refusesAGradientOfTheWrongShape() {
        try (Conv2d conv = new Conv2d(2, 3, 3).build(cpu, 0); Tensor x = cpu.zeros(Shape.of(2, 2, 5, 5));
             Tensor dy = cpu.zeros(Shape.of(2, 3, 4, 4))) {
            assertThrows(IllegalStateException.class, () -> conv.backward(dy));
            conv.forward(x);
            String m = assertThrows(IllegalArgumentException.class, () -> conv.backward(dy)).getMessage();
            assertTrue(m.contains("[2, 3, 4, 4]") && m.contains("[2, 3, 3, 3]"), m);
        }
    }

    @Test
    void skipsTheInputGradientButStillAccumulatesParameterGradients() {
        try (Conv2d conv = new Conv2d(2, 3, 3, 1, 1).build(cpu, 0);
             Tensor x = cpu.fromHost(Numerics.toFloat(Numerics.uniform(1, 2 * 2 * 4 * 4, -1, 1)), Shape.of(2, 2, 4, 4));
             Tensor dy = cpu.fromHost(Numerics.toFloat(Numerics.uniform(2, 2 * 3 * 4 * 4, -1, 1)), Shape.of(2, 3, 4, 4))) {
            conv.requireInputGradient(false);
            conv.parameterStore().zeroGrad();
            conv.forward(x);
            assertNull(conv.backward(dy));
            float[] once = conv.weight().grad().toFloatArray();
            assertTrue(Numerics.maxAbs(Numerics.toDouble(once)) > 0);
            conv.backward(dy);
            double[] twice = Numerics.toDouble(conv.weight().grad().toFloatArray());
            for (int i = 0; i < twice.length; i++) {
                twice[i] /= 2;
            }
            Numerics.assertClose("gradients accumulate", twice, once, 1e-6);
        }
    }

    @Test
    void reusesItsBuffersAcrossSteps() {
        try (Conv2d conv = new Conv2d(2, 3, 3, 2, 1).build(cpu, 0); Tensor x = cpu.zeros(Shape.of(4, 2, 7, 7));
             Tensor dy = cpu.zeros(Shape.of(4, 3, 4, 4))) {
            conv.forward(x);
            conv.backward(dy);
            long afterFirstStep = cpu.liveBytes();
            conv.forward(x.slice(0, 3));
            conv.backward(dy.slice(0, 3));
            conv.forward(x);
            conv.backward(dy);
            assertEquals(afterFirstStep, cpu.liveBytes(), "a smaller batch and later steps reuse the buffers");
        }
    }
}
