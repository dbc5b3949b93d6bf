package dev.engram.model;

import dev.engram.backend.Philox;
import dev.engram.nn.Module;
import dev.engram.nn.Parameter;
import dev.engram.testing.GradCheck;
import dev.engram.testing.Numerics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** Float64 building blocks for the model tests' independent references, and the gradient comparison. */
final class TinyNets {
    private TinyNets() {
    }

    /** y[n, o] = sum_i x[n, i] w[o, i] + b[o]. */
    static double[] linear(double[] x, double[] w, double[] b, int in, int out) {
        int rows = x.length / in;
        double[] y = new double[rows * out];
        for (int n = 0; n < rows; n++) {
            for (int o = 0; o < out; o++) {
                double s = b[o];
                for (int i = 0; i < in; i++) {
                    s += x[n * in + i] * w[o * in + i];
                }
                y[n * out + o] = s;
            }
        }
        return y;
    }

    static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    static double[] sigmoid(double[] v) {
        double[] s = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            s[i] = sigmoid(v[i]);
        }
        return s;
    }

    static double bceWithLogits(double x, double t) {
        return Math.log(1 + Math.exp(x)) - x * t;
    }

    /** Standard normals as the backend draws them for element i at (seed, offset): lane i % 4 of block offset + i / 4. */
    static double[] philoxNormals(long seed, long offset, int n) {
        double[] v = new double[n];
        int[] bits = new int[4];
        float[] normals = new float[4];
        for (int i = 0; i < n; i++) {
            Philox.block(seed, offset + i / 4, bits);
            Philox.normals(bits, normals);
            v[i] = normals[i % 4];
        }
        return v;
    }

    /** Uniforms in [0, 1) as the backend draws them for element i at (seed, offset). */
    static double[] philoxUniforms(long seed, long offset, int n) {
        double[] v = new double[n];
        int[] bits = new int[4];
        for (int i = 0; i < n; i++) {
            Philox.block(seed, offset + i / 4, bits);
            v[i] = Philox.uniform(bits[i % 4]);
        }
        return v;
    }

    /** Parameter values of a built model by name, in double. */
    static Map<String, double[]> parameters(Module m) {
        Map<String, double[]> p = new LinkedHashMap<>();
        for (Parameter q : m.parameters()) {
            p.put(q.name(), Numerics.toDouble(q.value().toFloatArray()));
        }
        return p;
    }

    /**
     * Every parameter gradient the model accumulated equals central differences of {@code reference}
     * (the total loss in double as a function of all parameters) at {@code params}.
     */
    static void assertParameterGradients(Module m, Map<String, double[]> params,
                                         ToDoubleFunction<Map<String, double[]>> reference, double rtol) {
        for (Parameter p : m.parameters()) {
            double[] numeric = GradCheck.numericGradient(v -> {
                Map<String, double[]> ps = new LinkedHashMap<>(params);
                ps.put(p.name(), v);
                return reference.applyAsDouble(ps);
            }, params.get(p.name()).clone());
            Numerics.assertClose(m.getClass().getSimpleName() + " d/d" + p.name(), numeric, p.grad().toFloatArray(), rtol, 1e-6);
        }
    }
}
