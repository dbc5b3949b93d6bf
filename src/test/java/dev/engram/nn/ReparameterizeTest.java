package dev.engram.nn;

import dev.engram.backend.Backend;
import dev.engram.backend.Philox;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.GradCheck;
import dev.engram.testing.Numerics;
import dev.engram.testing.ReferenceLosses;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReparameterizeTest {
    private final Backend cpu = TestBackends.cpu();

    @Test
    void drawsEpsFromTheStreamAndShiftsAndScalesIt() {
        // One row, L = 3: mu (1, -2, 0.5), logvar (0, 2 ln 3, -2 ln 2), so the standard deviations are 1, 3, 0.5.
        float[] stats = {1, -2, 0.5f, 0, (float) (2 * Math.log(3)), (float) (-2 * Math.log(2))};
        RandomStream random = new RandomStream(5, 7);
        // The numbers the stream must give: Philox block (seed 5, counter 7), lanes 0..2 as normals.
        int[] bits = new int[4];
        float[] eps = new float[4];
        Philox.block(5, 7, bits);
        Philox.normals(bits, eps);
        try (Reparameterize rep = new Reparameterize(); Tensor s = cpu.fromHost(stats, Shape.of(1, 6))) {
            Tensor z = rep.forward(s, random);
            assertEquals(Shape.of(1, 3), z.shape());
            assertEquals(8, random.counter(), "three normals take one Philox block");
            assertArrayEquals(new float[] {eps[0], eps[1], eps[2]}, rep.noise().toFloatArray());
            double[] expected = {1 + eps[0], -2 + 3.0 * eps[1], 0.5 + 0.5 * eps[2]};
            Numerics.assertClose("z", expected, z.toFloatArray(), 1e-6);
        }
    }

    @Test
    void gradientOfAFunctionOfZMatchesCentralDifferencesWithEpsHeldFixed() {
        int rows = 3;
        int latent = 5;
        double[] stats = Numerics.uniform(31, rows * 2 * latent, -1.5, 1.5);
        double[] g = Numerics.uniform(32, rows * latent, -1, 1);
        try (Reparameterize rep = new Reparameterize();
             Tensor s = cpu.fromHost(Numerics.toFloat(stats), Shape.of(rows, 2 * latent));
             Tensor dz = cpu.fromHost(Numerics.toFloat(g), Shape.of(rows, latent))) {
            Tensor z = rep.forward(s, new RandomStream(33));
            double[] eps = Numerics.toDouble(rep.noise().toFloatArray());
            Numerics.assertClose("z", ReferenceLosses.reparameterize(stats, eps, rows), z.toFloatArray(), 1e-6);
            // L = sum(g * z(stats)) with the drawn eps fixed; dL/dstats by central differences.
            double[] numeric = GradCheck.numericGradient(
                    v -> Numerics.dot(g, ReferenceLosses.reparameterize(v, eps, rows)), stats.clone());
            Tensor dstats = rep.backward(dz);
            assertEquals(s.shape(), dstats.shape());
            Numerics.assertClose("dstats", numeric, dstats.toFloatArray(), 1e-5, 1e-7);
            // Assigned, not accumulated: a second backward gives the same values.
            assertArrayEquals(dstats.toFloatArray(), rep.backward(dz).toFloatArray());
        }
    }

    @Test
    void eachForwardDrawsFreshNoiseReproducibleFromTheStream() {
        try (Reparameterize rep = new Reparameterize(); Tensor s = cpu.zeros(Shape.of(4, 6))) {
            RandomStream random = new RandomStream(40);
            float[] first = rep.forward(s, random).toFloatArray();
            float[] second = rep.forward(s, random).toFloatArray();
            assertFalse(java.util.Arrays.equals(first, second), "a second draw differs");
            assertArrayEquals(first, rep.forward(s, new RandomStream(40)).toFloatArray(), "same seed and counter, same z");
        }
    }

    @Test
    void reusesItsBuffersAcrossSteps() {
        try (Reparameterize rep = new Reparameterize(); Tensor s = cpu.zeros(Shape.of(4, 6));
             Tensor dz = cpu.zeros(Shape.of(4, 3))) {
            RandomStream random = new RandomStream(41);
            Tensor z1 = rep.forward(s, random);
            Tensor d1 = rep.backward(dz);
            long live = cpu.liveBytes();
            assertSame(z1.storage(), rep.forward(s, random).storage());
            assertSame(d1.storage(), rep.backward(dz).storage());
            assertEquals(live, cpu.liveBytes());
        }
    }

    @Test
    void refusesBadShapesWithoutAllocating() {
        try (Reparameterize rep = new Reparameterize(); Tensor odd = cpu.allocate(2, 5); Tensor s = cpu.zeros(Shape.of(2, 6));
             Tensor dz = cpu.zeros(Shape.of(3, 2))) {
            long before = cpu.liveBytes();
            String m = assertThrows(IllegalArgumentException.class, () -> rep.forward(odd, new RandomStream(1))).getMessage();
            assertTrue(m.contains("Reparameterize") && m.contains("[2, 5]"), m);
            assertEquals(before, cpu.liveBytes());
            assertThrows(IllegalStateException.class, () -> rep.backward(dz));
            rep.forward(s, new RandomStream(1));
            m = assertThrows(IllegalArgumentException.class, () -> rep.backward(dz)).getMessage();
            assertTrue(m.contains("[3, 2]") && m.contains("[2, 3]"), m);
        }
    }
}
