package dev.engram.backend.cpu;

import java.util.Arrays;

/**
 * The portable kernel: plain loops that C2's superword pass turns into SIMD code. The tile is
 * accumulated in the scratch rows, one rank-1 update per step of k, each row update a loop along
 * a row with no dependence between iterations. C2 of JDK 17 vectorises such a loop only when
 * every array in it is indexed by the loop variable alone, hence the copy of each B row into the
 * scratch and one array per tile row. Wide tiles (128 columns) amortise the per-row loop set-up;
 * only the rows x cols inside C are computed.
 */
final class ScalarGemmKernel implements GemmKernel {
    static final int MR = 4;
    static final int NR = 128;

    @Override
    public int mr() {
        return MR;
    }

    @Override
    public int nr() {
        return NR;
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void multiply(int kc, float[] a, int aOff, float[] b, int bOff, float alpha, float beta,
                         float[] c, int cOff, int ldc, int rows, int cols, float[][] scratch) {
        float[] bRow = scratch[MR];
        for (int i = 0; i < rows; i++) {
            Arrays.fill(scratch[i], 0, cols, 0f);
        }
        for (int p = 0; p < kc; p++) {
            System.arraycopy(b, bOff + p * NR, bRow, 0, cols);
            int ap = aOff + p * MR;
            for (int i = 0; i < rows; i++) {
                float av = a[ap + i];
                float[] acc = scratch[i];
                for (int j = 0; j < cols; j++) {
                    acc[j] += av * bRow[j];
                }
            }
        }
        update(scratch, alpha, beta, c, cOff, ldc, rows, cols);
    }

    /**
     * C[i, j] = alpha * tile[i][j] + beta * C[i, j] over rows x cols (no read of C when beta == 0).
     * The vector kernel uses it for its partial tiles, so the arithmetic must match its full-tile
     * update exactly: a product, a product, one rounded add (no fused multiply-add).
     */
    static void update(float[][] tile, float alpha, float beta, float[] c, int cOff, int ldc, int rows, int cols) {
        for (int i = 0; i < rows; i++) {
            float[] t = tile[i];
            int ci = cOff + i * ldc;
            if (beta == 0f) {
                for (int j = 0; j < cols; j++) {
                    c[ci + j] = alpha * t[j];
                }
            } else {
                for (int j = 0; j < cols; j++) {
                    c[ci + j] = alpha * t[j] + beta * c[ci + j];
                }
            }
        }
    }
}
