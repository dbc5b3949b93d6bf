package dev.engram.backend;

import dev.engram.backend.cpu.CpuBackend;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PhiloxTest {

    /** Random123's published known-answer vectors for Philox4x32-10 (tests/kat_vectors). */
    @Test
    void reproducesRandom123KnownAnswers() {
        assertBlock(new int[] {0, 0, 0, 0}, new int[] {0, 0},
                new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8});
        assertBlock(new int[] {-1, -1, -1, -1}, new int[] {-1, -1},
                new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd});
        assertBlock(new int[] {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, new int[] {0xa4093822, 0x299f31d0},
                new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1});
    }

    private static void assertBlock(int[] ctr, int[] key, int[] expected) {
        int[] out = new int[4];
        Philox.block(ctr[0], ctr[1], ctr[2], ctr[3], key[0], key[1], out);
        assertArrayEquals(expected, out);
    }

    @Test
    void seedAndCounterMapOntoKeyAndCounterWords() {
        int[] a = new int[4];
        int[] b = new int[4];
        Philox.block(0x299f31d0a4093822L, 0x85a308d3243f6a88L, a);
        Philox.block(0x243f6a88, 0x85a308d3, 0, 0, 0xa4093822, 0x299f31d0, b);
        assertArrayEquals(b, a);
    }

    @Test
    void uniformFillIsTheSameForAnyThreadCountAndSplit() {
        Shape s = Shape.of(10_001);
        try (CpuBackend one = new CpuBackend(1); Tensor t1 = one.allocate(s); Tensor t2 = TestBackends.cpu().allocate(s)) {
            one.randomUniform(t1, 42, 7, 0f, 1f);
            TestBackends.cpu().randomUniform(t2, 42, 7, 0f, 1f);
            float[] a = t1.toFloatArray();
            assertArrayEquals(a, t2.toFloatArray());
            // Element i is lane i % 4 of counter offset + i / 4: computable alone.
            int[] bits = new int[4];
            Philox.block(42, 7 + 2500, bits);
            assertEquals(Philox.uniform(bits[0]), a[10_000]);
            Philox.block(42, 7 + 1234, bits);
            assertEquals(Philox.uniform(bits[3]), a[4 * 1234 + 3]);
        }
    }

    @Test
    void uniformAndNormalHaveTheRightMoments() {
        Backend cpu = TestBackends.cpu();
        int n = 200_000;
        try (Tensor u = cpu.allocate(n); Tensor z = cpu.allocate(n)) {
            cpu.randomUniform(u, 1, 0, -2f, 4f);
            cpu.randomNormal(z, 1, 0, 3f, 0.5f);
            double[] mu = moments(u.toFloatArray());
            double[] mz = moments(z.toFloatArray());
            assertEquals(1.0, mu[0], 0.02);
            assertEquals(Math.sqrt(3.0), Math.sqrt(mu[1]), 0.01); // uniform(-2, 4): sd 6 / sqrt(12)
            assertEquals(3.0, mz[0], 0.005);
            assertEquals(0.5, Math.sqrt(mz[1]), 0.005);
            for (float v : u.toFloatArray()) {
                assertTrue(v >= -2f && v <= 4f);
            }
        }
    }

    private static double[] moments(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        double mean = s / v.length;
        double ss = 0;
        for (float x : v) {
            ss += (x - mean) * (x - mean);
        }
        return new double[] {mean, ss / v.length};
    }
}
