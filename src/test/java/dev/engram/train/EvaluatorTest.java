package dev.engram.train;

import dev.engram.backend.Backend;
import dev.engram.data.ImageSet;
import dev.engram.model.Autoencoder;
import dev.engram.model.LossTerms;
import dev.engram.nn.BufferSlot;
import dev.engram.nn.Flatten;
import dev.engram.nn.Linear;
import dev.engram.nn.Reshape;
import dev.engram.nn.Sequential;
import dev.engram.nn.Sigmoid;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.Numerics;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvaluatorTest {
    private static final Backend CPU = TestBackends.cpu();

    @Test
    void reportsPerImageMeansOfReconstructionMetricsAndLosses() {
        ImageSet set = TrainerTest.fashion(23); // batches of 5: the last one is partial
        try (Autoencoder m = TinyModels.convAe(4).build(CPU, 2)) {
            m.train(true);
            EvalReport r = Evaluator.evaluate(m, set, 5, 0);
            assertTrue(m.isTraining(), "the model's mode is restored");

            m.train(false);
            double mse = 0, psnr = 0, ssim = 0;
            for (int i = 0; i < set.size(); i++) {
                float[] x = Arrays.copyOfRange(set.pixels(), i * 784, (i + 1) * 784);
                float[] y;
                try (Tensor t = CPU.fromHost(x, Shape.of(1, 1, 28, 28))) {
                    y = m.reconstruct(t).toFloatArray();
                }
                double e = 0;
                for (int k = 0; k < 784; k++) {
                    e += (x[k] - (double) y[k]) * (x[k] - (double) y[k]);
                }
                e /= 784;
                mse += e;
                psnr += 10 * Math.log10(1 / e);
                ssim += ImageMetricsTest.reference(y, x, 0, 1, 28, 28);
            }
            assertEquals(23, r.images());
            assertEquals(mse / 23, r.mse(), 1e-6 * r.mse());
            assertEquals(psnr / 23, r.psnr(), 1e-4);
            assertEquals(ssim / 23, r.ssim(), 1e-5);
            assertEquals(List.of("loss", "reconstruction"), List.copyOf(r.losses().keySet()));
            assertEquals(r.mse(), r.losses().get("loss"), 1e-6 * r.mse(), "the MSE objective is the pixel MSE");
            assertTrue(r.toJson().startsWith("{\"images\":23,\"mse\":"), r.toJson());
        }
    }

    /** A stand-in VAE objective: kl = 0.5 r + 0.1 and total = r + 2 kl (beta 2). */
    private static final class TwoTermModel extends Autoencoder {
        private final BufferSlot kl = newSlot();
        private final BufferSlot total = newSlot();

        TwoTermModel() {
            super(new Sequential(new Flatten(), new Linear(64, 3)), new Sequential(new Linear(3, 64), new Sigmoid(),
                    new Reshape(1, 8, 8)));
        }

        @Override
        public LossTerms lossForward(Tensor input, Tensor target, long step) {
            Tensor r = super.lossForward(input, target, step).total();
            Tensor k = kl.get(backend(), Shape.of());
            Tensor t = total.get(backend(), Shape.of());
            backend().affine(r, 0.5f, 0.1f, k);
            backend().affine(r, 2f, 0.2f, t);
            return new LossTerms(t, Map.of("reconstruction", r, "kl", k));
        }
    }

    @Test
    void aModelWithReconstructionAndKlTermsGetsItsNegativeElbo() {
        ImageSet small = new ImageSet("8x8", 1, 8, 8, Numerics.toFloat(Numerics.uniform(5, 7 * 64, 0, 1)), null, List.of());
        try (TwoTermModel m = new TwoTermModel().build(CPU, 1)) {
            EvalReport r = Evaluator.evaluate(m, small, 3, 0);
            double rec = r.losses().get("reconstruction");
            assertEquals(0.5 * rec + 0.1, r.losses().get("kl"), 1e-6);
            assertEquals(2 * rec + 0.2, r.losses().get("loss"), 1e-6);
            assertEquals(rec + r.losses().get("kl"), r.losses().get("neg_elbo"), 1e-12);
            assertTrue(Double.isNaN(r.ssim()), "no SSIM for images under 11x11");
            assertFalse(r.toJson().contains("NaN"), r.toJson());
        }
    }
}
