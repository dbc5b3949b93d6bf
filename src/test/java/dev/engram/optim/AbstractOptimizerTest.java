package dev.engram.optim;

import dev.engram.backend.Backend;
import dev.engram.nn.Linear;
import dev.engram.nn.ParameterStore;
import dev.engram.testing.Numerics;
import dev.engram.testing.TestBackends;

import java.util.function.Function;

/**
 * The trajectory harness of the optimizer tests: an optimizer and a float64 reference of
 * PyTorch's algorithm each minimise the same random quadratic f(p) = 0.5 sum a_i (p_i - c_i)^2
 * from the same start (the parameters of a Linear(5, 3)), each taking its gradient at its own
 * point, and their parameters must agree after every step.
 */
abstract class AbstractOptimizerTest {
    static final int STEPS = 8;

    final Backend cpu = TestBackends.cpu();

    /** One step of the reference: updates p (and its own state) from gradient g at step t (from 1). */
    @FunctionalInterface
    interface ReferenceStep {
        void step(double[] p, double[] g, int t);
    }

    /** The quadratic's gradient a * (p - c) at p. */
    static double[] gradient(double[] p, double[] a, double[] c) {
        double[] g = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            g[i] = a[i] * (p[i] - c[i]);
        }
        return g;
    }

    void assertFollowsReference(String what, Function<ParameterStore, Optimizer> make, ReferenceStep reference) {
        try (Linear model = new Linear(5, 3).build(cpu, 17)) {
            ParameterStore store = model.parameterStore();
            int n = (int) store.count();
            double[] a = Numerics.uniform(18, n, 0.5, 2);
            double[] c = Numerics.uniform(19, n, -1, 1);
            double[] p = Numerics.toDouble(store.values().toFloatArray());
            try (Optimizer opt = make.apply(store)) {
                for (int t = 1; t <= STEPS; t++) {
                    double[] engineGrad = gradient(Numerics.toDouble(store.values().toFloatArray()), a, c);
                    cpu.copyFromHost(Numerics.toFloat(engineGrad), 0, store.grads());
                    opt.step();
                    reference.step(p, gradient(p, a, c), t);
                    Numerics.assertClose(what + " after step " + t, p, store.values().toFloatArray(), 1e-5, 1e-7);
                }
            }
        }
    }
}
