package dev.engram.model;

import dev.engram.backend.Backend;
import dev.engram.data.EmbeddedData;
import dev.engram.data.ImageSet;
import dev.engram.nn.Flatten;
import dev.engram.nn.Linear;
import dev.engram.nn.ReLU;
import dev.engram.nn.Reshape;
import dev.engram.nn.Sequential;
import dev.engram.optim.Adam;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VariationalAutoencoderTest {
    private static final int ROWS = 3;
    private static final int PIXELS = 6;
    private static final int LATENT = 2;
    private static final Shape INPUT = Shape.of(ROWS, 1, 2, 3);

    private final Backend cpu = TestBackends.cpu();

    /** Flatten + Linear(6, 2 * 2) -> z [N, 2] -> Linear(2, 6) + Reshape(1, 2, 3). */
    private static VariationalAutoencoder tiny(Likelihood likelihood, float beta, long warmup) {
        return new VariationalAutoencoder(new Sequential(new Flatten(), new Linear(PIXELS, 2 * LATENT)),
                new Sequential(new Linear(LATENT, PIXELS), new Reshape(1, 2, 3)), LATENT, likelihood, beta, warmup);
    }

    /** {reconstruction, kl} of the tiny VAE in double for the noise eps [N, L]. */
    private static double[] reference(Map<String, double[]> p, double[] x, double[] eps, Likelihood likelihood) {
        double[] stats = TinyNets.linear(x, p.get("encoder.1.weight"), p.get("encoder.1.bias"), PIXELS, 2 * LATENT);
        double[] z = new double[ROWS * LATENT];
        double kl = 0;
        for (int n = 0; n < ROWS; n++) {
            for (int j = 0; j < LATENT; j++) {
                double mu = stats[n * 2 * LATENT + j];
                double logvar = stats[n * 2 * LATENT + LATENT + j];
                z[n * LATENT + j] = mu + Math.exp(logvar / 2) * eps[n * LATENT + j];
                kl += -0.5 * (1 + logvar - mu * mu - Math.exp(logvar));
            }
        }
        double[] y = TinyNets.linear(z, p.get("decoder.0.weight"), p.get("decoder.0.bias"), LATENT, PIXELS);
        double rec = 0;
        for (int i = 0; i < y.length; i++) {
            rec += likelihood == Likelihood.BERNOULLI ? TinyNets.bceWithLogits(y[i], x[i]) : (y[i] - x[i]) * (y[i] - x[i]);
        }
        return new double[] {rec / ROWS, kl / ROWS};
    }

    @ParameterizedTest
    @EnumSource(Likelihood.class)
    void lossTermsAndGradientsMatchTheFloat64Reference(Likelihood likelihood) {
        long step = 4;
        double klWeight = 0.5 * 4 / 10;
        double[] x = Numerics.uniform(31, ROWS * PIXELS, 0, 1);
        try (VariationalAutoencoder vae = tiny(likelihood, 0.5f, 10).build(cpu, 5);
             Tensor xt = cpu.fromHost(Numerics.toFloat(x), INPUT)) {
            Map<String, double[]> params = TinyNets.parameters(vae);
            double[] eps = TinyNets.philoxNormals(vae.random().seed(), vae.random().counter(), ROWS * LATENT);
            vae.parameterStore().zeroGrad();
            Map<String, Float> read = vae.lossForward(xt, xt, step).read();
            vae.lossBackward();

            double[] terms = reference(params, x, eps, likelihood);
            assertEquals(java.util.List.of("loss", "reconstruction", "kl"), java.util.List.copyOf(read.keySet()));
            Numerics.assertClose("reconstruction", new double[] {terms[0]}, new float[] {read.get("reconstruction")}, 1e-5);
            Numerics.assertClose("kl (unweighted)", new double[] {terms[1]}, new float[] {read.get("kl")}, 1e-5);
            Numerics.assertClose("total", new double[] {terms[0] + klWeight * terms[1]}, new float[] {read.get("loss")}, 1e-5);
            TinyNets.assertParameterGradients(vae, params, ps -> {
                double[] t = reference(ps, x, eps, likelihood);
                return t[0] + klWeight * t[1];
            }, 1e-4);
        }
    }

    @Test
    void klWarmUpIsLinearUpToBeta() {
        try (VariationalAutoencoder warm = tiny(Likelihood.BERNOULLI, 2f, 4);
             VariationalAutoencoder none = tiny(Likelihood.BERNOULLI, 2f, 0)) {
            assertEquals(0f, warm.klWeight(0));
            assertEquals(0.5f, warm.klWeight(1));
            assertEquals(1.5f, warm.klWeight(3));
            assertEquals(2f, warm.klWeight(4));
            assertEquals(2f, warm.klWeight(1_000_000));
            assertEquals(2f, none.klWeight(0));
            assertThrows(IllegalArgumentException.class, () -> warm.klWeight(-1));
        }
    }

    @Test
    void totalUsesTheWarmUpWeightOfTheStep() {
        try (VariationalAutoencoder vae = tiny(Likelihood.GAUSSIAN, 1f, 8).build(cpu, 2);
             Tensor x = cpu.fromHost(Numerics.toFloat(Numerics.uniform(3, ROWS * PIXELS, 0, 1)), INPUT)) {
            for (long step : new long[] {0, 2, 8, 20}) {
                Map<String, Float> r = vae.lossForward(x, x, step).read();
                double expected = r.get("reconstruction") + Math.min(1.0, step / 8.0) * r.get("kl");
                assertEquals(expected, r.get("loss"), 1e-5 * Math.abs(expected), "step " + step);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Likelihood.class)
    void encodeGivesTheMeansAndDecodeOfThemIsTheDeterministicForwardInDataSpace(Likelihood likelihood) {
        double[] x = Numerics.uniform(7, ROWS * PIXELS, 0, 1);
        try (VariationalAutoencoder vae = tiny(likelihood, 1f, 0).build(cpu, 3);
             Tensor xt = cpu.fromHost(Numerics.toFloat(x), INPUT)) {
            Map<String, double[]> p = TinyNets.parameters(vae);
            double[] stats = TinyNets.linear(x, p.get("encoder.1.weight"), p.get("encoder.1.bias"), PIXELS, 2 * LATENT);
            double[] mu = new double[ROWS * LATENT];
            for (int n = 0; n < ROWS; n++) {
                System.arraycopy(stats, n * 2 * LATENT, mu, n * LATENT, LATENT);
            }
            Tensor code = vae.encode(xt);
            assertEquals(Shape.of(ROWS, LATENT), code.shape());
            assertEquals(code.shape(), vae.codeShape(INPUT));
            Numerics.assertClose("encode = mu", mu, code.toFloatArray(), 1e-6);

            double[] raw = TinyNets.linear(mu, p.get("decoder.0.weight"), p.get("decoder.0.bias"), LATENT, PIXELS);
            double[] dataSpace = likelihood == Likelihood.BERNOULLI ? TinyNets.sigmoid(raw) : raw;
            float[] forward = vae.forward(xt).toFloatArray();
            Numerics.assertClose("forward = decoder(mu), raw", raw, forward, 1e-6);
            Numerics.assertClose("reconstruct = decode(encode(x))", dataSpace, vae.reconstruct(xt).toFloatArray(), 1e-6);
        }
    }

    @Test
    void deterministicBackwardReachesTheEncoderThroughTheMeansOnly() {
        double[] x = Numerics.uniform(9, ROWS * PIXELS, 0, 1);
        double[] g = Numerics.uniform(10, ROWS * PIXELS, -1, 1);
        try (VariationalAutoencoder vae = tiny(Likelihood.GAUSSIAN, 1f, 0).build(cpu, 4);
             Tensor xt = cpu.fromHost(Numerics.toFloat(x), INPUT); Tensor gt = cpu.fromHost(Numerics.toFloat(g), INPUT)) {
            Map<String, double[]> params = TinyNets.parameters(vae);
            vae.parameterStore().zeroGrad();
            vae.forward(xt);
            vae.backward(gt);
            TinyNets.assertParameterGradients(vae, params, p -> {
                double[] stats = TinyNets.linear(x, p.get("encoder.1.weight"), p.get("encoder.1.bias"), PIXELS, 2 * LATENT);
                double[] mu = new double[ROWS * LATENT];
                for (int n = 0; n < ROWS; n++) {
                    System.arraycopy(stats, n * 2 * LATENT, mu, n * LATENT, LATENT);
                }
                return Numerics.dot(g, TinyNets.linear(mu, p.get("decoder.0.weight"), p.get("decoder.0.bias"), LATENT, PIXELS));
            }, 1e-4);
        }
    }

    @Test
    void samplesComeFromTheSeedAndLieInDataSpace() {
        try (VariationalAutoencoder a = tiny(Likelihood.BERNOULLI, 1f, 0).build(cpu, 8);
             VariationalAutoencoder b = tiny(Likelihood.BERNOULLI, 1f, 0).build(cpu, 8)) {
            long before = a.random().counter();
            float[] first = a.sample(5).toFloatArray();
            assertEquals(Shape.of(5, 1, 2, 3), a.sample(5).shape());
            assertTrue(a.random().counter() > before, "sampling advances the random stream");
            assertArrayEquals(first, b.sample(5).toFloatArray());
            for (float v : first) {
                assertTrue(v > 0 && v < 1, "a Bernoulli VAE samples probabilities, got " + v);
            }
            assertThrows(IllegalArgumentException.class, () -> a.sample(0));
        }
    }

    @Test
    void refusesAnEncoderThatDoesNotOutputTwiceTheLatentAndABadTargetWithoutAllocating() {
        VariationalAutoencoder wrong = new VariationalAutoencoder(new Sequential(new Flatten(), new Linear(PIXELS, 3)),
                new Sequential(new Linear(LATENT, PIXELS), new Reshape(1, 2, 3)), LATENT, Likelihood.GAUSSIAN);
        try (VariationalAutoencoder w = wrong.build(cpu, 0); VariationalAutoencoder vae = tiny(Likelihood.GAUSSIAN, 1f, 0).build(cpu, 0);
             Tensor x = cpu.zeros(INPUT); Tensor badTarget = cpu.zeros(Shape.of(ROWS, 6))) {
            long before = cpu.liveBytes();
            String m = assertThrows(IllegalArgumentException.class, () -> w.lossForward(x, x, 0)).getMessage();
            assertTrue(m.contains("[N, 4]") && m.contains("[3, 3]"), m);
            m = assertThrows(IllegalArgumentException.class, () -> vae.lossForward(x, badTarget, 0)).getMessage();
            assertTrue(m.contains("target [3, 6]") && m.contains("[3, 1, 2, 3]"), m);
            assertEquals(before, cpu.liveBytes());
        }
        assertThrows(IllegalArgumentException.class, () -> tiny(Likelihood.GAUSSIAN, -1f, 0));
        assertThrows(IllegalArgumentException.class, () -> tiny(Likelihood.GAUSSIAN, 1f, -5));
    }

    /** A small dense VAE on real Fashion-MNIST images lowers its negative ELBO within 100 Adam steps. */
    @Test
    void lowersTheNegativeElboOnFashionMnist() {
        ImageSet images = EmbeddedData.fashionMnistSample();
        int batch = 64;
        int latent = 8;
        VariationalAutoencoder model = new VariationalAutoencoder(
                new Sequential(new Flatten(), new Linear(784, 128), new ReLU(), new Linear(128, 2 * latent)),
                new Sequential(new Linear(latent, 128), new ReLU(), new Linear(128, 784), new Reshape(1, 28, 28)),
                latent, Likelihood.BERNOULLI);
        try (VariationalAutoencoder vae = model.build(cpu, 11); Adam adam = new Adam(vae.parameterStore());
             Tensor x = cpu.allocate(Shape.of(batch, 1, 28, 28))) {
            vae.requireInputGradient(false);
            double first = 0;
            double last = 0;
            for (int step = 0; step < 100; step++) {
                int start = (step * batch) % (images.size() - batch);
                cpu.copyFromHost(images.pixels(), start * 784, x);
                adam.zeroGrad();
                Map<String, Float> r = vae.lossForward(x, x, step).read();
                vae.lossBackward();
                adam.step();
                double elbo = r.get("reconstruction") + r.get("kl");
                if (step < 10) {
                    first += elbo / 10;
                } else if (step >= 90) {
                    last += elbo / 10;
                }
            }
            assertTrue(last < 0.7 * first, "negative ELBO fell from " + first + " to " + last);
        }
    }
}
