package dev.engram.optim;

import dev.engram.nn.Linear;
import dev.engram.nn.ParameterStore;
import dev.engram.tensor.Tensor;
import dev.engram.testing.Numerics;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SGDTest extends AbstractOptimizerTest {

    /** torch.optim.SGD's update for one parameter tensor, in double. */
    static ReferenceStep torchSgd(double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
        double[][] buf = {null};
        return (p, grad, t) -> {
            double[] g = grad.clone();
            for (int i = 0; i < p.length; i++) {
                g[i] += weightDecay * p[i];
            }
            if (momentum != 0) {
                if (buf[0] == null) {
                    buf[0] = g.clone();
                } else {
                    for (int i = 0; i < p.length; i++) {
                        buf[0][i] = momentum * buf[0][i] + (1 - dampening) * g[i];
                    }
                }
                for (int i = 0; i < p.length; i++) {
                    g[i] = nesterov ? g[i] + momentum * buf[0][i] : buf[0][i];
                }
            }
            for (int i = 0; i < p.length; i++) {
                p[i] -= lr * g[i];
            }
        };
    }

    @Test
    void plainSgdFollowsPyTorch() {
        assertFollowsReference("SGD", s -> new SGD(s, 0.1f), torchSgd(0.1, 0, 0, 0, false));
    }

    @Test
    void momentumFollowsPyTorch() {
        assertFollowsReference("SGD momentum", s -> new SGD(s, 0.05f, 0.9f, 0f, 0f, false),
                torchSgd(0.05, 0.9, 0, 0, false));
    }

    @Test
    void dampeningFollowsPyTorch() {
        assertFollowsReference("SGD dampening", s -> new SGD(s, 0.05f, 0.9f, 0.3f, 0f, false),
                torchSgd(0.05, 0.9, 0.3, 0, false));
    }

    @Test
    void nesterovFollowsPyTorch() {
        assertFollowsReference("SGD nesterov", s -> new SGD(s, 0.05f, 0.8f, 0f, 0f, true),
                torchSgd(0.05, 0.8, 0, 0, true));
    }

    @Test
    void weightDecayFollowsPyTorch() {
        assertFollowsReference("SGD weight decay", s -> new SGD(s, 0.1f, 0f, 0f, 0.2f, false),
                torchSgd(0.1, 0, 0, 0.2, false));
        assertFollowsReference("SGD weight decay and momentum", s -> new SGD(s, 0.05f, 0.7f, 0.1f, 0.2f, false),
                torchSgd(0.05, 0.7, 0.1, 0.2, false));
    }

    @Test
    void theFirstStepStartsTheMomentumBufferAtTheUndampedGradient() {
        try (Linear model = new Linear(3, 2).build(cpu, 1)) {
            ParameterStore store = model.parameterStore();
            double[] p0 = Numerics.toDouble(store.values().toFloatArray());
            double[] g1 = Numerics.uniform(2, p0.length, -1, 1);
            double[] g2 = Numerics.uniform(3, p0.length, -1, 1);
            try (SGD sgd = new SGD(store, 0.5f, 0.9f, 0.5f, 0f, false)) {
                Tensor buf = sgd.state().get("momentum_buffer");
                cpu.copyFromHost(Numerics.toFloat(g1), 0, store.grads());
                sgd.step();
                // buf = g1 (no dampening on the first step); p = p0 - 0.5 g1
                Numerics.assertClose("buffer after step 1", g1, buf.toFloatArray(), 1e-7);
                double[] p1 = p0.clone();
                for (int i = 0; i < p1.length; i++) {
                    p1[i] -= 0.5 * g1[i];
                }
                Numerics.assertClose("param after step 1", p1, store.values().toFloatArray(), 1e-6);
                cpu.copyFromHost(Numerics.toFloat(g2), 0, store.grads());
                sgd.step();
                // buf = 0.9 g1 + (1 - 0.5) g2
                double[] b2 = new double[g1.length];
                for (int i = 0; i < b2.length; i++) {
                    b2[i] = 0.9 * g1[i] + 0.5 * g2[i];
                }
                Numerics.assertClose("buffer after step 2", b2, buf.toFloatArray(), 1e-6);
            }
        }
    }

    @Test
    void plainSgdKeepsNoState() {
        try (Linear model = new Linear(3, 2).build(cpu, 1)) {
            long before = cpu.liveBytes();
            try (SGD sgd = new SGD(model.parameterStore(), 0.1f)) {
                assertTrue(sgd.state().isEmpty());
                assertEquals(before, cpu.liveBytes());
            }
        }
    }

    @Test
    void refusesBadSettingsWithoutAllocating() {
        try (Linear model = new Linear(3, 2).build(cpu, 1)) {
            ParameterStore s = model.parameterStore();
            long before = cpu.liveBytes();
            assertRefused("learning rate is NaN", () -> new SGD(s, Float.NaN, 0.9f, 0f, 0f, false));
            assertRefused("learning rate is -0.1", () -> new SGD(s, -0.1f, 0.9f, 0f, 0f, false));
            assertRefused("momentum is -0.5", () -> new SGD(s, 0.1f, -0.5f, 0f, 0f, false));
            assertRefused("weight decay is -1.0", () -> new SGD(s, 0.1f, 0.9f, 0f, -1f, false));
            assertRefused("dampening is Infinity", () -> new SGD(s, 0.1f, 0.9f, Float.POSITIVE_INFINITY, 0f, false));
            assertRefused("Nesterov momentum needs momentum > 0 and dampening 0, got momentum 0.9 and dampening 0.1",
                    () -> new SGD(s, 0.1f, 0.9f, 0.1f, 0f, true));
            assertRefused("got momentum 0.0", () -> new SGD(s, 0.1f, 0f, 0f, 0f, true));
            assertEquals(before, cpu.liveBytes());
        }
    }

    static void assertRefused(String expected, Runnable make) {
        String m = assertThrows(IllegalArgumentException.class, make::run).getMessage();
        assertTrue(m.contains(expected), "message \"" + m + "\" should contain \"" + expected + "\"");
    }
}
