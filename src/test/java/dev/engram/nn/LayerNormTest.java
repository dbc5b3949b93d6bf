package dev.engram.nn;

import dev.engram.backend.Backend;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.ModuleCheck;
import dev.engram.testing.Numerics;
import dev.engram.testing.ReferencePointwise;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LayerNormTest {
    private final Backend cpu = TestBackends.cpu();

    @Test
    void normalisesEachRowByItsOwnStatistics() {
        try (LayerNorm ln = new LayerNorm(4).build(cpu, 0);
             Tensor x = cpu.fromHost(new float[] {1, 2, 3, 4, -2, -2, 2, 2}, Shape.of(2, 4))) {
            assertEquals(List.of("weight", "bias"),
                    ln.parameters().stream().map(Parameter::name).collect(Collectors.toList()));
            Numerics.assertClose("weight", new double[] {1, 1, 1, 1}, ln.weight().value().toFloatArray(), 0);
            Numerics.assertClose("bias", new double[] {0, 0, 0, 0}, ln.bias().value().toFloatArray(), 0);
            // Row 0: mean 2.5, variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25. Row 1: mean 0, variance 4.
            double s0 = 1 / Math.sqrt(1.25 + 1e-5);
            double s1 = 1 / Math.sqrt(4 + 1e-5);
            double[] expected = {-1.5 * s0, -0.5 * s0, 0.5 * s0, 1.5 * s0, -2 * s1, -2 * s1, 2 * s1, 2 * s1};
            Numerics.assertClose("y", expected, ln.forward(x).toFloatArray(), 1e-6);
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        check(new LayerNorm(4, 5), 1e-5, Shape.of(3, 4, 5), 4 * 5, 61);
        check(new LayerNorm(Shape.of(7), 1e-3f), 1e-3, Shape.of(2, 3, 7), 7, 62);
        check(new LayerNorm(6), 1e-5, Shape.of(6), 6, 63);
    }

    private void check(LayerNorm module, double eps, Shape input, int d, long seed) {
        try (LayerNorm ln = module.build(cpu, 0)) {
            cpu.copyFromHost(Numerics.toFloat(Numerics.uniform(seed, d, 0.5, 2)), 0, ln.weight().value());
            cpu.copyFromHost(Numerics.toFloat(Numerics.uniform(seed + 1, d, -1, 1)), 0, ln.bias().value());
            ModuleCheck.of(ln, (x, p) -> ReferencePointwise.layerNorm(x, p.get("weight"), p.get("bias"), eps))
                    .check(input, seed + 2);
            ln.train(false);
            ModuleCheck.of(ln, (x, p) -> ReferencePointwise.layerNorm(x, p.get("weight"), p.get("bias"), eps))
                    .check(input, seed + 3);
        }
    }

    @Test
    void skipsTheInputGradientWhenNotRequired() {
        try (LayerNorm ln = new LayerNorm(3).build(cpu, 0); Tensor x = cpu.fromHost(new float[] {1, 2, 4}, Shape.of(1, 3));
             Tensor dy = cpu.fromHost(new float[] {1, 1, 2}, Shape.of(1, 3))) {
            ln.requireInputGradient(false);
            ln.forward(x);
            assertNull(ln.backward(dy));
            Numerics.assertClose("dbias", new double[] {1, 1, 2}, ln.bias().grad().toFloatArray(), 0);
        }
    }

    @Test
    void refusesAMismatchedTrailingShapeWithoutAllocating() {
        try (LayerNorm ln = new LayerNorm(4, 5).build(cpu, 0); Tensor swapped = cpu.allocate(3, 5, 4);
             Tensor shortInput = cpu.allocate(5)) {
            long before = cpu.liveBytes();
            for (Tensor x : List.of(swapped, shortInput)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ln.forward(x));
                assertTrue(e.getMessage().contains("LayerNorm([4, 5])") && e.getMessage().contains(x.shape().toString()),
                        e.getMessage());
            }
            assertEquals(before, cpu.liveBytes());
        }
    }

    @Test
    void refusesBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> new LayerNorm());
        assertThrows(IllegalArgumentException.class, () -> new LayerNorm(4, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LayerNorm(Shape.of(4), -1f));
        assertTrue(e.getMessage().contains("eps"), e.getMessage());
    }
}
