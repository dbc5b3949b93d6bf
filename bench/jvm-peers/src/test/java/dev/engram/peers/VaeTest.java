package dev.engram.peers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The VAE loss of a tiny linear VAE against the same loss written out in doubles. */
class VaeTest {
    private static final int N = 3, PIXELS = 4, LATENT = 2;

    @Test
    void lossTermsMatchAReferenceInDoubles() {
        Random r = new Random(4);
        try (NDManager m = NDManager.newBaseManager()) {
            Params p = new Params(m, 9);
            Vae vae = new Vae("tiny", new Shape(1, 2, 2), LATENT, p,
                    new Stack(p, "encoder").flatten().dense(PIXELS, 2 * LATENT).build(),
                    new Stack(p, "decoder").dense(LATENT, PIXELS).reshape(1, 2, 2).build());
            float[] x = new float[N * PIXELS], eps = new float[N * LATENT];
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextFloat();
            }
            for (int i = 0; i < eps.length; i++) {
                eps[i] = (float) r.nextGaussian();
            }
            PeerModel.Loss loss = vae.loss(m.create(x, new Shape(N, 1, 2, 2)), m.create(eps, new Shape(N, LATENT)), true);
            float[] we = p.trainable().get("encoder.1.weight").toFloatArray();
            float[] be = p.trainable().get("encoder.1.bias").toFloatArray();
            float[] wd = p.trainable().get("decoder.0.weight").toFloatArray();
            float[] bd = p.trainable().get("decoder.0.bias").toFloatArray();
            double rec = 0, kl = 0;
            for (int n = 0; n < N; n++) {
                double[] stats = new double[2 * LATENT], z = new double[LATENT];
                for (int j = 0; j < 2 * LATENT; j++) {
                    stats[j] = be[j];
                    for (int i = 0; i < PIXELS; i++) {
                        stats[j] += (double) we[j * PIXELS + i] * x[n * PIXELS + i];
                    }
                }
                for (int j = 0; j < LATENT; j++) {
                    double mu = stats[j], logvar = stats[LATENT + j];
                    z[j] = mu + Math.exp(logvar / 2) * eps[n * LATENT + j];
                    kl += -0.5 * (1 + logvar - mu * mu - Math.exp(logvar));
                }
                for (int i = 0; i < PIXELS; i++) {
                    double logit = bd[i];
                    for (int j = 0; j < LATENT; j++) {
                        logit += wd[i * LATENT + j] * z[j];
                    }
                    double t = x[n * PIXELS + i];
                    rec -= t * Math.log(sigmoid(logit)) + (1 - t) * Math.log(1 - sigmoid(logit));
                }
            }
            assertEquals(rec / N, loss.reconstruction().getFloat(), 1e-5 * (1 + rec / N));
            assertEquals(kl / N, loss.kl().getFloat(), 1e-5 * (1 + kl / N));
            assertEquals((rec + kl) / N, loss.total().getFloat(), 1e-5 * (1 + (rec + kl) / N));
        }
    }

    @Test
    void bceWithLogitsStaysFiniteAndExactForLargeLogits() {
        float[] logits = {-80, -20, -1.5f, 0, 0.25f, 3, 20, 80};
        float[] targets = {0, 1, 0.3f, 1, 0.5f, 0.9f, 0, 1};
        try (NDManager m = NDManager.newBaseManager()) {
            float[] got = Vae.bceWithLogits(m.create(logits), m.create(targets)).toFloatArray();
            for (int i = 0; i < logits.length; i++) {
                double l = logits[i], t = targets[i];
                double expected = Math.log1p(Math.exp(-Math.abs(l))) + Math.max(l, 0) - l * t;
                // the same function written as softplus(l) - l*t, in doubles where exp(80) is finite
                assertEquals(Math.log1p(Math.exp(l)) - l * t, expected, 1e-9 * (1 + Math.abs(expected)));
                assertEquals(expected, got[i], 1e-5 * (1 + Math.abs(expected)), "logit " + l + " target " + t);
            }
        }
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }
}
