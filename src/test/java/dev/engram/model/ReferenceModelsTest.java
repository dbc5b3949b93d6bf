package dev.engram.model;

import dev.engram.backend.Backend;
import dev.engram.data.EmbeddedData;
import dev.engram.data.ImageSet;
import dev.engram.optim.Adam;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReferenceModelsTest {
    private final Backend cpu = TestBackends.cpu();

    /** Parameter counts as PyTorch reports them for the same layers (sum of numel over parameters()). */
    @Test
    void haveTheShapesAndParameterCountsOfTheDesign() {
        try (Autoencoder conv = ReferenceModels.convAe().build(cpu, 0);
             Autoencoder dense = ReferenceModels.denseAe().build(cpu, 0)) {
            // 896 + 18496 + 73856 + 2064 + 2176 + 131136 + 32800 + 1539
            assertEquals(262_963, conv.parameterStore().count());
            assertEquals(Shape.of(5, 16, 4, 4), conv.codeShape(ReferenceModels.convAeInput(5)));
            assertEquals(ReferenceModels.convAeInput(5), conv.outputShape(ReferenceModels.convAeInput(5)));
            // 401920 + 131328 + 8224 + 8448 + 131584 + 402192
            assertEquals(1_083_696, dense.parameterStore().count());
            assertEquals(Shape.of(5, 32), dense.codeShape(ReferenceModels.denseAeInput(5)));
            assertEquals("encoder.0.weight", conv.parameters().get(0).name());
        }
    }

    /** A few dozen Adam steps on real Fashion-MNIST images must cut the reconstruction error sharply. */
    @Test
    void denseAutoencoderLearnsToReconstructFashionMnist() {
        ImageSet images = EmbeddedData.fashionMnistSample();
        int batch = 64;
        Shape shape = ReferenceModels.denseAeInput(batch);
        try (Autoencoder ae = ReferenceModels.denseAe().build(cpu, 7); Adam adam = new Adam(ae.parameterStore());
             Tensor x = cpu.allocate(shape)) {
            ae.requireInputGradient(false);
            float first = 0;
            float last = 0;
            for (int step = 0; step < 60; step++) {
                int start = (step * batch) % (images.size() - batch);
                cpu.copyFromHost(images.pixels(), start * 784, x);
                adam.zeroGrad();
                float loss = cpu.readScalar(ae.lossForward(x, x, step).total());
                ae.lossBackward();
                adam.step();
                if (step == 0) {
                    first = loss;
                }
                last = loss;
            }
            assertTrue(last < 0.35f * first, "MSE fell from " + first + " to " + last);
        }
    }
}
