package dev.engram.model;

import dev.engram.backend.Backend;
import dev.engram.data.EmbeddedData;
import dev.engram.data.ImageSet;
import dev.engram.optim.Adam;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PresetsTest {
    private final Backend cpu = TestBackends.cpu();

    /** Parameters of PyTorch's layers: weight and bias. */
    private static long conv(long in, long out, long k) {
        return in * out * k * k + out;
    }

    private static long linear(long in, long out) {
        return in * out + out;
    }

    private static long batchNorm(long channels) {
        return 2 * channels;
    }

    /** name -> {input [C, H, W], code per sample, parameter count, model class}. */
    private static final Map<String, Object[]> EXPECTED = Map.of(
            "dense-ae", new Object[] {Shape.of(1, 28, 28), Shape.of(32), 1_083_696L, Autoencoder.class},
            "conv-ae", new Object[] {Shape.of(3, 32, 32), Shape.of(16, 4, 4), 262_963L, Autoencoder.class},
            "conv-vae", new Object[] {Shape.of(1, 28, 28), Shape.of(16),
                conv(1, 32, 4) + conv(32, 64, 4) + linear(3136, 32) + linear(16, 3136) + conv(64, 32, 4) + conv(32, 1, 4),
                VariationalAutoencoder.class},
            "conv-vae-64", new Object[] {Shape.of(3, 64, 64), Shape.of(128),
                conv(3, 32, 4) + batchNorm(32) + conv(32, 64, 4) + batchNorm(64) + conv(64, 128, 4) + batchNorm(128)
                        + conv(128, 256, 4) + batchNorm(256) + linear(4096, 256)
                        + linear(128, 4096) + conv(256, 128, 4) + batchNorm(128) + conv(128, 64, 4) + batchNorm(64)
                        + conv(64, 32, 4) + batchNorm(32) + conv(32, 3, 4),
                VariationalAutoencoder.class},
            "mnist-dense", new Object[] {Shape.of(1, 28, 28), Shape.of(64),
                linear(784, 256) + linear(256, 64) + linear(64, 256) + linear(256, 784), Autoencoder.class},
            "mnist-conv", new Object[] {Shape.of(1, 28, 28), Shape.of(32),
                conv(1, 32, 3) + conv(32, 64, 3) + linear(3136, 32) + linear(32, 3136) + conv(64, 32, 4) + conv(32, 1, 4),
                Autoencoder.class},
            "cifar-conv", new Object[] {Shape.of(3, 32, 32), Shape.of(32, 4, 4),
                conv(3, 64, 3) + conv(64, 128, 3) + conv(128, 256, 3) + conv(256, 32, 1) + conv(32, 256, 1)
                        + conv(256, 128, 4) + conv(128, 64, 4) + conv(64, 3, 4),
                Autoencoder.class});

    @Test
    void listsEveryPresetReferenceModelsFirst() {
        assertEquals(List.of("dense-ae", "conv-ae", "conv-vae", "conv-vae-64", "mnist-dense", "mnist-conv", "cifar-conv"),
                Presets.names());
        assertEquals(EXPECTED.keySet(), java.util.Set.copyOf(Presets.names()));
    }

    @Test
    void everyPresetBuildsWithItsDocumentedShapesAndParameterCountAndTrainsOneStep() {
        for (String name : Presets.names()) {
            Object[] e = EXPECTED.get(name);
            ModelSpec spec = Presets.spec(name);
            assertEquals(e[0], spec.inputShape(), name + " input");
            assertEquals(e[1], spec.codeShape(), name + " code");
            Shape batch = spec.inputShape(2);
            try (AutoencoderModel m = spec.build().build(cpu, 1); Tensor x = cpu.allocate(batch)) {
                assertInstanceOf((Class<?>) e[3], m, name);
                assertEquals(e[2], m.parameterStore().count(), name + " parameters");
                int[] code = ((Shape) e[1]).dims();
                int[] withBatch = new int[code.length + 1];
                withBatch[0] = 2;
                System.arraycopy(code, 0, withBatch, 1, code.length);
                assertEquals(Shape.of(withBatch), m.codeShape(batch), name + " code shape");
                assertEquals(batch, m.outputShape(batch), name + " output shape");
                cpu.randomUniform(x, 3, 0, 0f, 1f);
                float loss = cpu.readScalar(m.lossForward(x, x, 0).total());
                m.lossBackward();
                assertTrue(Float.isFinite(loss) && loss > 0, name + " loss " + loss);
            }
        }
    }

    @Test
    void theFirstParameterIsNamedLikePyTorchs() {
        try (AutoencoderModel conv = Presets.spec("conv-ae").build().build(cpu, 0)) {
            assertEquals("encoder.0.weight", conv.parameters().get(0).name());
        }
    }

    @Test
    void anAutoencodersEncodeThenDecodeIsItsForward() {
        try (AutoencoderModel m = Presets.spec("mnist-conv").build().build(cpu, 4); Tensor x = cpu.allocate(3, 1, 28, 28)) {
            cpu.randomUniform(x, 5, 0, 0f, 1f);
            float[] forward = m.forward(x).toFloatArray();
            assertArrayEquals(forward, m.decode(m.encode(x)).toFloatArray());
            assertArrayEquals(forward, m.reconstruct(x).toFloatArray());
        }
    }

    @Test
    void refusesAnUnknownNameListingTheKnownOnes() {
        String m = assertThrows(IllegalArgumentException.class, () -> Presets.spec("conv-vea")).getMessage();
        assertTrue(m.contains("'conv-vea'") && m.contains("conv-vae-64") && m.contains("cifar-conv"), m);
    }

    /** A few dozen Adam steps on real Fashion-MNIST images must cut the reconstruction error sharply. */
    @Test
    void denseAutoencoderLearnsToReconstructFashionMnist() {
        ImageSet images = EmbeddedData.fashionMnistSample();
        int batch = 64;
        ModelSpec spec = Presets.spec("dense-ae");
        try (AutoencoderModel ae = spec.build().build(cpu, 7); Adam adam = new Adam(ae.parameterStore());
             Tensor x = cpu.allocate(spec.inputShape(batch))) {
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
