package dev.engram.cli;

/**
 * Projects vectors onto their first two principal components, to plot codes of more than two
 * dimensions. Subspace iteration on the covariance in double precision; deterministic (fixed
 * start, each component's sign chosen so its largest entry is positive).
 */
final class PrincipalComponents {
    private static final int MAX_ITERATIONS = 2000;
    private static final double TOLERANCE = 1e-12;

    private PrincipalComponents() {
    }

    /** Rows of {@code values} ([n, d], d >= 2) as [n, 2] coordinates: x = first component, y = second. */
    static float[][] project2d(float[] values, int n, int d) {
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                mean[j] += values[i * d + j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        double[][] cov = new double[d][d];
        double[] row = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                row[j] = values[i * d + j] - mean[j];
            }
            for (int a = 0; a < d; a++) {
                for (int b = a; b < d; b++) {
                    cov[a][b] += row[a] * row[b];
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < a; b++) {
                cov[a][b] = cov[b][a];
            }
        }
        double[][] basis = topTwo(cov, d);
        float[][] xy = new float[2][n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 2; c++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += (values[i * d + j] - mean[j]) * basis[c][j];
                }
                xy[c][i] = (float) s;
            }
        }
        return xy;
    }

    /** The two leading eigenvectors of a symmetric positive semi-definite matrix. */
    static double[][] topTwo(double[][] m, int d) {
        double[][] v = new double[2][d];
        for (int j = 0; j < d; j++) {
            v[0][j] = 1;
            v[1][j] = j % 2 == 0 ? 1 : -1 + j / (double) d;
        }
        orthonormalise(v, d);
        for (int it = 0; it < MAX_ITERATIONS; it++) {
            double[][] next = new double[2][d];
            for (int c = 0; c < 2; c++) {
                for (int a = 0; a < d; a++) {
                    double s = 0;
                    for (int b = 0; b < d; b++) {
                        s += m[a][b] * v[c][b];
                    }
                    next[c][a] = s;
                }
            }
            if (!orthonormalise(next, d)) {
                break; // a rank below two: keep the last good basis
            }
            double change = 0;
            for (int c = 0; c < 2; c++) {
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    dot += next[c][j] * v[c][j];
                }
                change = Math.max(change, 1 - Math.abs(dot));
            }
            v = next;
            if (change < TOLERANCE) {
                break;
            }
        }
        for (double[] vec : v) {
            int largest = 0;
            for (int j = 1; j < d; j++) {
                if (Math.abs(vec[j]) > Math.abs(vec[largest])) {
                    largest = j;
                }
            }
            if (vec[largest] < 0) {
                for (int j = 0; j < d; j++) {
                    vec[j] = -vec[j];
                }
            }
        }
        return v;
    }

    /** Gram-Schmidt in place; false when a vector vanishes. */
    private static boolean orthonormalise(double[][] v, int d) {
        for (int c = 0; c < v.length; c++) {
            for (int p = 0; p < c; p++) {
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    dot += v[c][j] * v[p][j];
                }
                for (int j = 0; j < d; j++) {
                    v[c][j] -= dot * v[p][j];
                }
            }
            double norm = 0;
            for (int j = 0; j < d; j++) {
                norm += v[c][j] * v[c][j];
            }
            norm = Math.sqrt(norm);
            if (norm < 1e-300) {
                return false;
            }
            for (int j = 0; j < d; j++) {
                v[c][j] /= norm;
            }
        }
        return true;
    }
}
