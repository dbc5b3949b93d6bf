package dev.engram.model;

import dev.engram.backend.Backend;
import dev.engram.nn.BCELoss;
import dev.engram.nn.BCEWithLogitsLoss;
import dev.engram.nn.Flatten;
import dev.engram.nn.Linear;
import dev.engram.nn.Reshape;
import dev.engram.nn.Sequential;
import dev.engram.nn.Sigmoid;
import dev.engram.optim.Adam;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.Numerics;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reconstruction losses that need a particular decoder end: bce needs probabilities (a
 * Sigmoid last), bce_with_logits scores logits and decodes to their sigmoid.
 */
class AutoencoderLossTest {
    private static final Shape IMAGE = Shape.of(1, 4, 4);
    private final Backend cpu = TestBackends.cpu();

    private static Sequential encoder() {
        return new Sequential(new Flatten(), new Linear(16, 4));
    }

    @Test
    void bceNeedsADecoderEndingInASigmoidAndSaysWhatToUseOtherwise() {
        String m = assertThrows(IllegalArgumentException.class, () -> new Autoencoder(encoder(),
                new Sequential(new Linear(4, 16), new Reshape(1, 4, 4)), new BCELoss())).getMessage();
        assertTrue(m.contains("must end in a Sigmoid") && m.contains("Linear") && m.contains("bce_with_logits"), m);
        assertDoesNotThrow(() -> new Autoencoder(encoder(),
                new Sequential(new Linear(4, 16), new Sigmoid(), new Reshape(1, 4, 4)), new BCELoss()).close());
    }

    @Test
    void bceWithLogitsScoresTheLogitsAndDecodesToTheirSigmoid() {
        double[] x = Numerics.uniform(1, 3 * 16, 0, 1);
        try (Autoencoder ae = new Autoencoder(encoder(), new Sequential(new Linear(4, 16), new Reshape(1, 4, 4)),
                new BCEWithLogitsLoss()).build(cpu, 7);
             Tensor xt = cpu.fromHost(Numerics.toFloat(x), Shape.of(3, 1, 4, 4))) {
            float[] logits = ae.forward(xt).toFloatArray();
            float loss = cpu.readScalar(ae.lossForward(xt, xt, 0).total());
            float[] images = ae.reconstruct(xt).toFloatArray();
            double expected = 0;
            for (int i = 0; i < logits.length; i++) {
                expected += TinyNets.bceWithLogits(logits[i], x[i]) / logits.length;
                assertEquals(TinyNets.sigmoid(logits[i]), images[i], 1e-6, "pixel " + i);
            }
            assertEquals(expected, loss, 1e-5);
        }
    }

    @Test
    void aSpecWithBceWithLogitsRoundTripsAndTrains() {
        ModelSpec spec = ModelSpec.parse("{\"kind\": \"autoencoder\", \"input\": [1, 4, 4], \"loss\": \"bce_with_logits\","
                + " \"encoder\": [{\"type\": \"flatten\"}, {\"type\": \"linear\", \"out\": 8}, {\"type\": \"relu\"}],"
                + " \"decoder\": [{\"type\": \"linear\", \"out\": 16}, {\"type\": \"reshape\", \"shape\": [1, 4, 4]}]}");
        assertEquals(spec.toJson(), ModelSpec.parse(spec.toJson()).toJson());
        float[] batch = Numerics.toFloat(Numerics.uniform(2, 8 * 16, 0, 1));
        try (AutoencoderModel m = spec.build().build(cpu, 3); Adam adam = new Adam(m.parameterStore(), 1e-2f);
             Tensor x = cpu.fromHost(batch, Shape.of(8, 1, 4, 4))) {
            float first = 0;
            float last = 0;
            for (int step = 0; step < 200; step++) {
                adam.zeroGrad();
                last = cpu.readScalar(m.lossForward(x, x, step).total());
                m.lossBackward();
                adam.step();
                first = step == 0 ? last : first;
            }
            assertTrue(last < first - 0.05f, "bce_with_logits loss " + first + " -> " + last);
            float[] images = m.reconstruct(x).toFloatArray();
            for (float v : images) {
                assertTrue(v > 0f && v < 1f, "a reconstruction outside (0, 1): " + v);
            }
        }
    }
}
