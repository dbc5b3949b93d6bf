package dev.engram.backend;

/**
 * Philox4x32-10, the counter-based generator of Salmon et al. (SC'11, "Parallel random numbers:
 * as easy as 1, 2, 3"), as in Random123 and cuRAND. A block is a pure function of a 128-bit
 * counter and a 64-bit key, so any element of any stream can be computed on its own, on any
 * backend and thread, and give the same bits.
 *
 * <p>engram's mapping, used by every backend: key = (low, high) 32-bit words of the seed;
 * counter = (low, high) words of {@code offset + i / 4}, then 0, 0; element i takes lane i % 4.
 * Uniforms are (bits >>> 8) * 2^-24 in [0, 1). Normals use Box-Muller on the lane pairs (0, 1)
 * and (2, 3): u1 = ((b0 >>> 8) + 1) * 2^-24 in (0, 1], u2 = (b1 >>> 8) * 2^-24,
 * n0 = sqrt(-2 ln u1) cos(2 pi u2), n1 = sqrt(-2 ln u1) sin(2 pi u2).
 */
public final class Philox {
    private static final int M0 = 0xD2511F53;
    private static final int M1 = 0xCD9E8D57;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;
    private static final float TWO_POW_MINUS_24 = 0x1p-24f;

    private Philox() {
    }

    /** The raw generator: 10 rounds over counter c0..c3 with key k0, k1, written to {@code out[0..3]}. */
    public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
        for (int round = 0; round < 10; round++) {
            if (round > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n1 = (int) p1;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            int n3 = (int) p0;
            c0 = n0;
            c1 = n1;
            c2 = n2;
            c3 = n3;
        }
        out[0] = c0;
        out[1] = c1;
        out[2] = c2;
        out[3] = c3;
    }

    /** The block at 64-bit counter {@code counter} for {@code seed}, in engram's mapping. */
    public static void block(long seed, long counter, int[] out) {
        block((int) counter, (int) (counter >>> 32), 0, 0, (int) seed, (int) (seed >>> 32), out);
    }

    /** Number of counters a call over {@code numel} elements consumes. */
    public static long blocks(long numel) {
        return (numel + 3) / 4;
    }

    /** A uniform in [0, 1) from 32 random bits. */
    public static float uniform(int bits) {
        return (bits >>> 8) * TWO_POW_MINUS_24;
    }

    /** A uniform in (0, 1] from 32 random bits, safe under log. */
    static float uniformOpenZero(int bits) {
        return ((bits >>> 8) + 1) * TWO_POW_MINUS_24;
    }

    /** Writes the 4 standard normals of one block into out[0..3]. */
    public static void normals(int[] bits, float[] out) {
        boxMuller(bits[0], bits[1], out, 0);
        boxMuller(bits[2], bits[3], out, 2);
    }

    private static void boxMuller(int a, int b, float[] out, int at) {
        double r = Math.sqrt(-2.0 * Math.log(uniformOpenZero(a)));
        double theta = 2.0 * Math.PI * uniform(b);
        out[at] = (float) (r * Math.cos(theta));
        out[at + 1] = (float) (r * Math.sin(theta));
    }
}
