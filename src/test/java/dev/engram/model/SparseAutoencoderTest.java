package dev.engram.model;

import dev.engram.backend.Backend;
import dev.engram.nn.Flatten;
import dev.engram.nn.Linear;
import dev.engram.nn.MSELoss;
import dev.engram.nn.RandomStream;
import dev.engram.nn.ReLU;
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

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SparseAutoencoderTest {
    private static final int ROWS = 3;
    private static final Shape INPUT = Shape.of(ROWS, 1, 2, 3);
    private static final int PIXELS = 6;
    private static final int CODE = 4;
    private static final float RHO = 0.2f;
    private static final float WEIGHT = 0.7f;

    private final Backend cpu = TestBackends.cpu();

    private static SparsityPenalty penalty(SparsityPenalty.Kind kind) {
        return kind == SparsityPenalty.Kind.KL ? SparsityPenalty.kl(RHO, WEIGHT) : SparsityPenalty.l1(WEIGHT);
    }

    private static SparseAutoencoder tiny(SparsityPenalty penalty) {
        return tiny(penalty, null);
    }

    private static SparseAutoencoder tiny(SparsityPenalty penalty, Noise noise) {
        return new SparseAutoencoder(new Sequential(new Flatten(), new Linear(PIXELS, CODE), new Sigmoid()),
                new Sequential(new Linear(CODE, PIXELS), new Reshape(1, 2, 3)), new MSELoss(), penalty, noise);
    }

    /** {reconstruction, weighted penalty} in double. */
    private static double[] reference(Map<String, double[]> p, double[] x, SparsityPenalty.Kind kind) {
        return reference(p, x, x, kind);
    }

    /** {reconstruction of target from input, weighted penalty on input's code} in double. */
    private static double[] reference(Map<String, double[]> p, double[] input, double[] x, SparsityPenalty.Kind kind) {
        double[] code = TinyNets.sigmoid(TinyNets.linear(input, p.get("encoder.1.weight"), p.get("encoder.1.bias"), PIXELS,
                CODE));
        double[] y = TinyNets.linear(code, p.get("decoder.0.weight"), p.get("decoder.0.bias"), CODE, PIXELS);
        double rec = 0;
        for (int i = 0; i < y.length; i++) {
            rec += (y[i] - x[i]) * (y[i] - x[i]);
        }
        double penalty = 0;
        if (kind == SparsityPenalty.Kind.L1) {
            for (double c : code) {
                penalty += Math.abs(c);
            }
            penalty /= code.length;
        } else {
            for (int j = 0; j < CODE; j++) {
                double mean = 0;
                for (int n = 0; n < ROWS; n++) {
                    mean += code[n * CODE + j] / ROWS;
                }
                penalty += RHO * Math.log(RHO / mean) + (1 - RHO) * Math.log((1 - RHO) / (1 - mean));
            }
        }
        return new double[] {rec / y.length, WEIGHT * penalty};
    }

    @Test
    void withNoiseItScoresTheCorruptedInputsCodeAndReconstructionAgainstTheCleanOne() {
        double[] x = Numerics.uniform(5, (int) INPUT.numel(), 0, 1);
        Noise noise = Noise.masking(0.5f);
        try (SparseAutoencoder sae = tiny(penalty(SparsityPenalty.Kind.L1), noise).build(cpu, 21);
             Tensor xt = cpu.fromHost(Numerics.toFloat(x), INPUT); Tensor corrupted = cpu.allocate(INPUT)) {
            assertEquals(java.util.Optional.of(noise), sae.trainingNoise());
            // The draw the loss will make: the model's stream from where it stands now.
            noise.apply(xt, corrupted, new RandomStream(sae.random().seed(), sae.random().counter()));
            double[] input = Numerics.toDouble(corrupted.toFloatArray());
            assertTrue(java.util.Arrays.stream(input).filter(v -> v == 0).count() > 0, "masking zeroed no pixel");
            Map<String, double[]> params = TinyNets.parameters(sae);
            Map<String, Float> r = sae.lossForward(xt, xt, 0).read();
            double[] t = reference(params, input, x, SparsityPenalty.Kind.L1);
            Numerics.assertClose("reconstruction", new double[] {t[0]}, new float[] {r.get("reconstruction")}, 1e-5);
            Numerics.assertClose("sparsity", new double[] {t[1]}, new float[] {r.get("sparsity")}, 1e-5);
        }
        try (SparseAutoencoder plain = tiny(penalty(SparsityPenalty.Kind.L1))) {
            assertEquals(java.util.Optional.empty(), plain.trainingNoise());
        }
    }

    @ParameterizedTest
    @EnumSource(SparsityPenalty.Kind.class)
    void lossTermsAndGradientsMatchTheFloat64Reference(SparsityPenalty.Kind kind) {
        double[] x = Numerics.uniform(4, (int) INPUT.numel(), 0, 1);
        try (SparseAutoencoder sae = tiny(penalty(kind)).build(cpu, 21); Tensor xt = cpu.fromHost(Numerics.toFloat(x), INPUT)) {
            Map<String, double[]> params = TinyNets.parameters(sae);
            sae.parameterStore().zeroGrad();
            Map<String, Float> r = sae.lossForward(xt, xt, 0).read();
            sae.lossBackward();
            double[] t = reference(params, x, kind);
            assertEquals(java.util.List.of("loss", "reconstruction", "sparsity"), java.util.List.copyOf(r.keySet()));
            Numerics.assertClose("reconstruction", new double[] {t[0]}, new float[] {r.get("reconstruction")}, 1e-5);
            Numerics.assertClose("sparsity", new double[] {t[1]}, new float[] {r.get("sparsity")}, 1e-5);
            Numerics.assertClose("total", new double[] {t[0] + t[1]}, new float[] {r.get("loss")}, 1e-5);
            TinyNets.assertParameterGradients(sae, params, p -> {
                double[] terms = reference(p, x, kind);
                return terms[0] + terms[1];
            }, 1e-4);
        }
    }

    @Test
    void klSparsityNeedsAnEncoderEndingInASigmoid() {
        String m = assertThrows(IllegalArgumentException.class, () -> new SparseAutoencoder(
                new Sequential(new Flatten(), new Linear(PIXELS, CODE), new ReLU()), new Linear(CODE, PIXELS), new MSELoss(),
                SparsityPenalty.kl(0.05f, 1f))).getMessage();
        assertTrue(m.contains("Sigmoid") && m.contains("ReLU"), m);
        assertDoesNotThrow(() -> new SparseAutoencoder(
                new Sequential(new Linear(PIXELS, CODE), new Sequential(new Sigmoid(), new Flatten())),
                new Linear(CODE, PIXELS), new MSELoss(), SparsityPenalty.kl(0.05f, 1f)).close());
        assertDoesNotThrow(() -> new SparseAutoencoder(new Sequential(new Flatten(), new Linear(PIXELS, CODE)),
                new Linear(CODE, PIXELS), new MSELoss(), SparsityPenalty.l1(1f)).close());
    }

    @Test
    void refusesBadPenaltySettings() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SparsityPenalty.kl(0f, 1f)).getMessage().contains("(0, 1)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SparsityPenalty.l1(-2f)).getMessage().contains("-2"));
        assertThrows(IllegalArgumentException.class, () -> tiny(null));
    }
}
