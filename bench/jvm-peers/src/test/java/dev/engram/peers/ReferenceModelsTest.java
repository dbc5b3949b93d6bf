package dev.engram.peers;

import ai.djl.engine.Engine;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReferenceModelsTest {
    @Test
    void parameterCountsMatchThoseComputedByHand() {
        // dense-ae and conv-ae as engram's ReferenceModels; conv-vae and conv-vae-64 summed layer by layer
        Map<String, Long> expected = Map.of("dense-ae", 1_083_696L, "conv-ae", 262_963L, "conv-vae", 220_385L,
                "conv-vae-64", 2_958_659L);
        try (NDManager m = NDManager.newBaseManager()) {
            for (String name : ReferenceModels.NAMES) {
                assertEquals(expected.get(name), ReferenceModels.create(name, m, 1).params().trainableCount(), name);
            }
        }
    }

    @Test
    void parametersAreNamedAndInitialisedAsPyTorchDoes() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> p = ReferenceModels.create("conv-ae", m, 3).params().trainable();
            // Conv2d(3, 32, k3): fan_in 3*3*3; ConvTranspose2d(128, 64, k4): fan_in from weight.size(1) = 64*4*4
            assertBound(p.get("encoder.0.weight"), new Shape(32, 3, 3, 3), 1 / Math.sqrt(27));
            assertBound(p.get("encoder.0.bias"), new Shape(32), 1 / Math.sqrt(27));
            assertBound(p.get("decoder.2.weight"), new Shape(128, 64, 4, 4), 1 / Math.sqrt(64 * 16));
            assertBound(p.get("decoder.2.bias"), new Shape(64), 1 / Math.sqrt(64 * 16));
            Map<String, NDArray> d = ReferenceModels.create("dense-ae", m, 3).params().trainable();
            assertBound(d.get("encoder.1.weight"), new Shape(512, 784), 1 / Math.sqrt(784));
            Map<String, NDArray> v = ReferenceModels.create("conv-vae-64", m, 3).params().trainable();
            assertArrayEquals(new float[32], v.get("encoder.1.bias").toFloatArray());
            assertEquals(32f, v.get("encoder.1.weight").sum().getFloat());
        }
    }

    @Test
    void aSeedFixesTheWeights() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = ReferenceModels.create("conv-vae", m, 5).params().trainable().get("decoder.0.weight");
            NDArray b = ReferenceModels.create("conv-vae", m, 5).params().trainable().get("decoder.0.weight");
            NDArray c = ReferenceModels.create("conv-vae", m, 6).params().trainable().get("decoder.0.weight");
            assertArrayEquals(a.toFloatArray(), b.toFloatArray());
            assertTrue(a.sub(c).abs().max().getFloat() > 0);
        }
    }

    @Test
    void everyModelTakesItsInputShapeAndTrains() {
        Engine.getInstance().setRandomSeed(1);
        try (NDManager m = NDManager.newBaseManager()) {
            for (String name : ReferenceModels.NAMES) {
                PeerModel model = ReferenceModels.create(name, m, 1);
                AdamTrainer trainer = new AdamTrainer(model);
                NDArray x = m.randomUniform(0, 1, model.inputShape(2));
                float first = trainer.step(x)[0];
                float last = first;
                for (int i = 0; i < 7; i++) {
                    last = trainer.step(x)[0];
                }
                assertTrue(Float.isFinite(first) && last < first, name + ": loss " + first + " -> " + last);
            }
        }
    }

    @Test
    void trainingStepsLeaveNoArraysBehind() {
        try (NDManager m = NDManager.newBaseManager()) {
            PeerModel model = ReferenceModels.create("conv-vae", m, 1);
            AdamTrainer trainer = new AdamTrainer(model);
            NDArray x = m.randomUniform(0, 1, model.inputShape(2));
            trainer.step(x);  // creates Adam's two state tensors per parameter
            int live = ((BaseNDManager) m).getManagedArrays().size();
            for (int i = 0; i < 3; i++) {
                trainer.step(x);
                trainer.evaluate(x);
            }
            assertEquals(live, ((BaseNDManager) m).getManagedArrays().size());
        }
    }

    @Test
    void refusesUnknownModels() {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ReferenceModels.create("vq-vae", m, 1));
            assertTrue(e.getMessage().contains("'vq-vae'") && e.getMessage().contains("conv-vae-64"), e.getMessage());
        }
    }

    private static void assertBound(NDArray w, Shape shape, double bound) {
        assertEquals(shape, w.getShape());
        float max = w.abs().max().getFloat();
        // U(-b, b): the largest |w| of many draws lies just under b
        assertTrue(max <= bound && max > 0.9 * bound, "max |w| " + max + " for bound " + bound);
    }
}
