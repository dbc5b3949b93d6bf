package dev.engram.optim;

import dev.engram.backend.Backend;
import dev.engram.nn.Linear;
import dev.engram.nn.ParameterStore;
import dev.engram.testing.Numerics;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;

import static dev.engram.optim.SGDTest.assertRefused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract every optimizer shares: schedules, zeroGrad, step count, state and its freeing. */
class OptimizerTest {
    private final Backend cpu = TestBackends.cpu();

    @Test
    void aChangedLearningRateAppliesFromTheNextStep() {
        try (Linear model = new Linear(3, 2).build(cpu, 1)) {
            ParameterStore store = model.parameterStore();
            double[] g = Numerics.uniform(2, (int) store.count(), -1, 1);
            cpu.copyFromHost(Numerics.toFloat(g), 0, store.grads());
            try (SGD sgd = new SGD(store, 0.1f)) {
                sgd.setLearningRate(0.25f);
                assertEquals(0.25f, sgd.learningRate());
                double[] expected = Numerics.toDouble(store.values().toFloatArray());
                for (int i = 0; i < expected.length; i++) {
                    expected[i] -= 0.25 * g[i];
                }
                sgd.step();
                Numerics.assertClose("p - 0.25 g", expected, store.values().toFloatArray(), 1e-6);
                float[] before = store.values().toFloatArray();
                sgd.setLearningRate(0f);
                sgd.step();
                assertArrayEquals(before, store.values().toFloatArray(), "a zero learning rate leaves p alone");
                assertRefused("SGD: learning rate is NaN", () -> sgd.setLearningRate(Float.NaN));
                assertRefused("SGD: learning rate is -0.5", () -> sgd.setLearningRate(-0.5f));
                assertEquals(0f, sgd.learningRate(), "a refused rate changes nothing");
            }
        }
    }

    @Test
    void zeroGradClearsEveryGradientAndStepsAreCounted() {
        try (Linear model = new Linear(3, 2).build(cpu, 1); Adam adam = new Adam(model.parameterStore())) {
            ParameterStore store = model.parameterStore();
            cpu.fill(store.grads(), 3f);
            adam.step();
            adam.step();
            assertEquals(2, adam.stepCount());
            adam.zeroGrad();
            assertArrayEquals(new float[(int) store.count()], store.grads().toFloatArray());
            assertRefused("Adam: step count is -1", () -> adam.setStepCount(-1));
        }
    }

    @Test
    void stateIsNamedAsPyTorchAndLaidOutAsTheParameters() {
        try (Linear model = new Linear(3, 2).build(cpu, 1);
             SGD sgd = new SGD(model.parameterStore(), 0.1f, 0.9f, 0f, 0f, false);
             AdamW adamW = new AdamW(model.parameterStore())) {
            assertEquals(java.util.List.of("momentum_buffer"), java.util.List.copyOf(sgd.state().keySet()));
            assertEquals(java.util.List.of("exp_avg", "exp_avg_sq"), java.util.List.copyOf(adamW.state().keySet()));
            assertEquals(model.parameterStore().values().shape(), adamW.state().get("exp_avg").shape());
            assertArrayEquals(new float[8], adamW.state().get("exp_avg_sq").toFloatArray(), "moments start at zero");
            assertThrows(UnsupportedOperationException.class, () -> adamW.state().clear());
        }
    }

    @Test
    void closeFreesTheStateAndRefusesFurtherSteps() {
        try (Linear model = new Linear(30, 20).build(cpu, 1)) {
            long before = cpu.liveBytes();
            Adam adam = new Adam(model.parameterStore());
            assertEquals(before + 2 * 4 * model.parameterStore().count(), cpu.liveBytes());
            adam.close();
            assertEquals(before, cpu.liveBytes());
            adam.close();
            String m = assertThrows(IllegalStateException.class, adam::step).getMessage();
            assertTrue(m.contains("Adam") && m.contains("closed"), m);
        }
    }

    @Test
    void refusesAMissingParameterStore() {
        assertRefused("SGD: parameter store is null", () -> new SGD(null, 0.1f));
        assertRefused("Adam: parameter store is null", () -> new Adam(null));
    }
}
