package dev.engram.optim;

import dev.engram.nn.Linear;
import dev.engram.nn.ParameterStore;
import dev.engram.tensor.Tensor;
import dev.engram.testing.Numerics;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.engram.optim.SGDTest.assertRefused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class AdamTest extends AbstractOptimizerTest {

    /** torch.optim.Adam / AdamW (single-tensor, non-amsgrad) for one parameter tensor, in double. */
    static ReferenceStep torchAdam(double lr, double beta1, double beta2, double eps, double weightDecay,
                                   boolean decoupled) {
        double[][] state = {null, null};
        return (p, grad, t) -> {
            if (state[0] == null) {
                state[0] = new double[p.length];
                state[1] = new double[p.length];
            }
            double[] m = state[0];
            double[] v = state[1];
            double stepSize = lr / (1 - Math.pow(beta1, t));
            double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
            for (int i = 0; i < p.length; i++) {
                double g = grad[i];
                if (decoupled) {
                    p[i] *= 1 - lr * weightDecay;
                } else {
                    g += weightDecay * p[i];
                }
                m[i] = beta1 * m[i] + (1 - beta1) * g;
                v[i] = beta2 * v[i] + (1 - beta2) * g * g;
                p[i] -= stepSize * m[i] / (Math.sqrt(v[i]) / biasCorrection2Sqrt + eps);
            }
        };
    }

    @Test
    void defaultsFollowPyTorch() {
        assertFollowsReference("Adam()", Adam::new, torchAdam(1e-3, 0.9, 0.999, 1e-8, 0, false));
    }

    @Test
    void customSettingsFollowPyTorch() {
        // eps 1e-3 is large next to sqrt(v), so where eps enters the denominator shows.
        assertFollowsReference("Adam custom", s -> new Adam(s, 0.02f, 0.8f, 0.99f, 1e-3f, 0f),
                torchAdam(0.02, 0.8, 0.99, 1e-3, 0, false));
    }

    @Test
    void weightDecayIsAnL2TermOnTheGradient() {
        assertFollowsReference("Adam weight decay", s -> new Adam(s, 0.02f, 0.9f, 0.999f, 1e-3f, 0.3f),
                torchAdam(0.02, 0.9, 0.999, 1e-3, 0.3, false));
    }

    @Test
    void resumesExactlyFromItsSavedStateAndStepCount() {
        try (Linear a = new Linear(4, 3).build(cpu, 5); Linear b = new Linear(4, 3).build(cpu, 5)) {
            ParameterStore sa = a.parameterStore();
            ParameterStore sb = b.parameterStore();
            float[] grad = Numerics.toFloat(Numerics.uniform(6, (int) sa.count(), -1, 1));
            cpu.copyFromHost(grad, 0, sa.grads());
            cpu.copyFromHost(grad, 0, sb.grads());
            try (Adam first = new Adam(sa, 0.01f)) {
                first.step();
                first.step();
                // A checkpoint of b: the parameters, the state by name and the step count.
                try (Adam resumed = new Adam(sb, 0.01f)) {
                    cpu.copy(sa.values(), sb.values());
                    for (Map.Entry<String, Tensor> e : first.state().entrySet()) {
                        cpu.copy(e.getValue(), resumed.state().get(e.getKey()));
                    }
                    resumed.setStepCount(first.stepCount());
                    first.step();
                    resumed.step();
                    assertEquals(3, resumed.stepCount());
                    assertArrayEquals(sa.values().toFloatArray(), sb.values().toFloatArray());
                    assertEquals(java.util.List.of("exp_avg", "exp_avg_sq"), java.util.List.copyOf(resumed.state().keySet()));
                }
            }
        }
    }

    @Test
    void refusesBadSettingsWithoutAllocating() {
        try (Linear model = new Linear(3, 2).build(cpu, 1)) {
            ParameterStore s = model.parameterStore();
            long before = cpu.liveBytes();
            assertRefused("Adam: learning rate is NaN", () -> new Adam(s, Float.NaN));
            assertRefused("Adam: learning rate is -0.001", () -> new Adam(s, -1e-3f));
            assertRefused("Adam: beta1 is 1.0; it must be in [0, 1)", () -> new Adam(s, 1e-3f, 1f, 0.999f, 1e-8f, 0f));
            assertRefused("Adam: beta1 is -0.1", () -> new Adam(s, 1e-3f, -0.1f, 0.999f, 1e-8f, 0f));
            assertRefused("Adam: beta2 is NaN", () -> new Adam(s, 1e-3f, 0.9f, Float.NaN, 1e-8f, 0f));
            assertRefused("Adam: eps is 0.0; it must be a finite number > 0", () -> new Adam(s, 1e-3f, 0.9f, 0.999f, 0f, 0f));
            assertRefused("Adam: eps is -1.0E-8", () -> new Adam(s, 1e-3f, 0.9f, 0.999f, -1e-8f, 0f));
            assertRefused("Adam: weight decay is -0.1", () -> new Adam(s, 1e-3f, 0.9f, 0.999f, 1e-8f, -0.1f));
            assertEquals(before, cpu.liveBytes());
        }
    }
}
