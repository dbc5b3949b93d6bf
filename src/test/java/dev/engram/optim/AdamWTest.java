package dev.engram.optim;

import dev.engram.nn.Linear;
import dev.engram.nn.ParameterStore;
import org.junit.jupiter.api.Test;

import static dev.engram.optim.AdamTest.torchAdam;
import static dev.engram.optim.SGDTest.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;

class AdamWTest extends AbstractOptimizerTest {

    @Test
    void defaultsFollowPyTorchWithDecoupledWeightDecayOfOneHundredth() {
        // A learning rate of 0.5 makes the default decay (p *= 1 - 0.5 * 0.01 per step) large enough to see.
        assertFollowsReference("AdamW default decay", s -> new AdamW(s, 0.5f),
                torchAdam(0.5, 0.9, 0.999, 1e-8, 1e-2, true));
        assertFollowsReference("AdamW()", AdamW::new, torchAdam(1e-3, 0.9, 0.999, 1e-8, 1e-2, true));
    }

    @Test
    void customSettingsFollowPyTorch() {
        assertFollowsReference("AdamW custom", s -> new AdamW(s, 0.05f, 0.8f, 0.99f, 1e-3f, 0.5f),
                torchAdam(0.05, 0.8, 0.99, 1e-3, 0.5, true));
    }

    @Test
    void refusesBadSettingsWithoutAllocatingAndNamesItself() {
        try (Linear model = new Linear(3, 2).build(cpu, 1)) {
            ParameterStore s = model.parameterStore();
            long before = cpu.liveBytes();
            assertRefused("AdamW: learning rate is -1.0", () -> new AdamW(s, -1f));
            assertRefused("AdamW: beta2 is 1.5", () -> new AdamW(s, 1e-3f, 0.9f, 1.5f, 1e-8f, 0.01f));
            assertRefused("AdamW: weight decay is NaN", () -> new AdamW(s, 1e-3f, 0.9f, 0.999f, 1e-8f, Float.NaN));
            assertEquals(before, cpu.liveBytes());
        }
    }
}
