package dev.engram.model;

import dev.engram.backend.Backend;
import dev.engram.nn.Flatten;
import dev.engram.nn.Linear;
import dev.engram.nn.MSELoss;
import dev.engram.nn.Reshape;
import dev.engram.nn.Sequential;
import dev.engram.nn.Sigmoid;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.Numerics;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DenoisingAutoencoderTest {
    private static final Shape INPUT = Shape.of(3, 1, 2, 3);
    private static final int PIXELS = 6;
    private static final int CODE = 3;

    private final Backend cpu = TestBackends.cpu();

    private static Noise noise(Noise.Kind kind) {
        return switch (kind) {
            case GAUSSIAN -> Noise.gaussian(0.2f);
            case SALT_AND_PEPPER -> Noise.saltAndPepper(0.3f);
            case MASKING -> Noise.masking(0.25f);
        };
    }

    private static DenoisingAutoencoder tiny(Noise noise) {
        return new DenoisingAutoencoder(new Sequential(new Flatten(), new Linear(PIXELS, CODE), new Sigmoid()),
                new Sequential(new Linear(CODE, PIXELS), new Reshape(1, 2, 3)), new MSELoss(), noise);
    }

    /** The corruption in double from the Philox draws at (seed, offset), written from the definitions. */
    static double[] corrupted(Noise.Kind kind, double[] x, long seed, long offset) {
        double[] y = new double[x.length];
        double[] normal = TinyNets.philoxNormals(seed, offset, x.length);
        double[] u = TinyNets.philoxUniforms(seed, offset, x.length);
        for (int i = 0; i < x.length; i++) {
            y[i] = switch (kind) {
                case GAUSSIAN -> Math.min(1, Math.max(0, x[i] + 0.2 * normal[i]));
                case SALT_AND_PEPPER -> u[i] < 0.15 ? 0 : u[i] >= 0.85 ? 1 : x[i];
                case MASKING -> u[i] < 0.25 ? 0 : x[i];
            };
        }
        return y;
    }

    @ParameterizedTest
    @EnumSource(Noise.Kind.class)
    void corruptMatchesTheDefinitionOnThePhiloxDraws(Noise.Kind kind) {
        Shape shape = Shape.of(5, 1, 7, 9);
        double[] x = Numerics.uniform(1, (int) shape.numel(), 0, 1);
        try (DenoisingAutoencoder a = tiny(noise(kind)).build(cpu, 12); DenoisingAutoencoder b = tiny(noise(kind)).build(cpu, 12);
             Tensor xt = cpu.fromHost(Numerics.toFloat(x), shape)) {
            long offset = a.random().counter();
            float[] y = a.corrupt(xt).toFloatArray();
            Numerics.assertClose(kind + " corruption", corrupted(kind, x, a.random().seed(), offset), y, 1e-6, 1e-7);
            assertArrayEquals(y, b.corrupt(xt).toFloatArray(), "the same seed gives the same noise");
            assertNotEquals(java.util.Arrays.toString(y), java.util.Arrays.toString(a.corrupt(xt).toFloatArray()),
                    "the next call draws fresh noise");
        }
    }

    /** reconstruction = mean (decoder(encoder(noisy x)) - x)^2: the target stays clean. */
    private static double reference(Map<String, double[]> p, double[] noisy, double[] clean) {
        double[] code = TinyNets.sigmoid(TinyNets.linear(noisy, p.get("encoder.1.weight"), p.get("encoder.1.bias"), PIXELS, CODE));
        double[] y = TinyNets.linear(code, p.get("decoder.0.weight"), p.get("decoder.0.bias"), CODE, PIXELS);
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            s += (y[i] - clean[i]) * (y[i] - clean[i]);
        }
        return s / y.length;
    }

    @ParameterizedTest
    @EnumSource(Noise.Kind.class)
    void lossScoresTheReconstructionOfTheNoisyInputAgainstTheCleanOneWithExactGradients(Noise.Kind kind) {
        double[] x = Numerics.uniform(2, (int) INPUT.numel(), 0, 1);
        try (DenoisingAutoencoder dae = tiny(noise(kind)).build(cpu, 13); Tensor xt = cpu.fromHost(Numerics.toFloat(x), INPUT)) {
            Map<String, double[]> params = TinyNets.parameters(dae);
            double[] noisy = corrupted(kind, x, dae.random().seed(), dae.random().counter());
            dae.parameterStore().zeroGrad();
            Map<String, Float> r = dae.lossForward(xt, xt, 0).read();
            dae.lossBackward();
            Numerics.assertClose("reconstruction", new double[] {reference(params, noisy, x)},
                    new float[] {r.get("reconstruction")}, 1e-5);
            assertEquals(r.get("loss"), r.get("reconstruction"));
            TinyNets.assertParameterGradients(dae, params, p -> reference(p, noisy, x), 1e-4);
        }
    }

    @Test
    void forwardAndEncodeThenDecodeSeeTheInputAsGiven() {
        double[] x = Numerics.uniform(3, (int) INPUT.numel(), 0, 1);
        try (DenoisingAutoencoder dae = tiny(Noise.masking(0.5f)).build(cpu, 14); Tensor xt = cpu.fromHost(Numerics.toFloat(x), INPUT)) {
            long counter = dae.random().counter();
            float[] forward = dae.forward(xt).toFloatArray();
            assertArrayEquals(forward, dae.decode(dae.encode(xt)).toFloatArray());
            assertEquals(counter, dae.random().counter(), "no noise is drawn outside the loss");
        }
    }

    @Test
    void refusesBadNoiseSettings() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Noise.gaussian(-0.1f)).getMessage().contains("-0.1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Noise.saltAndPepper(1.5f)).getMessage().contains("[0, 1]"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Noise.masking(1f)).getMessage().contains("[0, 1)"));
        assertThrows(IllegalArgumentException.class, () -> tiny(null));
    }
}
