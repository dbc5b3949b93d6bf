package dev.engram.peers;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AeTrainerTest {
    private static final int PIXELS = 28 * 28;
    private static final int[][] LAYERS = {{784, 512}, {512, 256}, {256, 32}, {32, 256}, {256, 512}, {512, 784}};
    private static final String[] NAMES = {"encoder.1", "encoder.3", "encoder.5", "decoder.0", "decoder.2", "decoder.4"};

    @Test
    void testErrorIsThePixelMseAndTheMeanPerImagePsnrOfDenseAe() {
        // images of different contrast around the untrained output (about 0.5), so that their errors differ
        // and the mean of the per-image PSNRs differs from the PSNR of the mean MSE
        int count = 5;
        IdxImages images = images(count, new Random(6), true);
        try (NDManager m = NDManager.newBaseManager()) {
            Autoencoder model = (Autoencoder) ReferenceModels.create("dense-ae", m, 3);
            int live = ((BaseNDManager) m).getManagedArrays().size();
            AeTrainer.TestError got = AeTrainer.testError(model, m, images, 2);
            assertEquals(live, ((BaseNDManager) m).getManagedArrays().size(), "arrays left behind");
            float[][] w = new float[LAYERS.length][], b = new float[LAYERS.length][];
            for (int l = 0; l < LAYERS.length; l++) {
                w[l] = model.params().trainable().get(NAMES[l] + ".weight").toFloatArray();
                b[l] = model.params().trainable().get(NAMES[l] + ".bias").toFloatArray();
            }
            double mse = 0, psnr = 0;
            for (int n = 0; n < count; n++) {
                double[] a = new double[PIXELS];
                for (int i = 0; i < PIXELS; i++) {
                    a[i] = images.pixels()[n * PIXELS + i];
                }
                for (int l = 0; l < LAYERS.length; l++) {
                    int in = LAYERS[l][0], out = LAYERS[l][1];
                    double[] y = new double[out];
                    for (int o = 0; o < out; o++) {
                        double s = b[l][o];
                        for (int i = 0; i < in; i++) {
                            s += (double) w[l][o * in + i] * a[i];
                        }
                        // ReLU between layers, none on the latent (layer 2), Sigmoid on the output
                        y[o] = l == LAYERS.length - 1 ? 1 / (1 + Math.exp(-s)) : l == 2 ? s : Math.max(s, 0);
                    }
                    a = y;
                }
                double e = 0;
                for (int i = 0; i < PIXELS; i++) {
                    double d = a[i] - images.pixels()[n * PIXELS + i];
                    e += d * d;
                }
                e /= PIXELS;
                mse += e / count;
                psnr += 10 * Math.log10(1 / e) / count;
            }
            assertTrue(Math.abs(psnr - 10 * Math.log10(1 / mse)) > 0.1, "the data do not tell the two PSNRs apart");
            assertEquals(mse, got.mse(), 1e-5 * mse);
            assertEquals(psnr, got.psnrMean(), 1e-4);
        }
    }

    @Test
    void trainingLowersTheTestErrorAndASeedFixesTheResult() {
        Random r = new Random(8);
        IdxImages train = images(300, r, false), test = images(20, r, false);  // 2 batches an epoch, the last of 44
        double untrained;
        try (NDManager m = NDManager.newBaseManager()) {
            untrained = AeTrainer.testError((Autoencoder) ReferenceModels.create("dense-ae", m, 1), m, test, 256).mse();
        }
        Map<String, Object> a = AeTrainer.run("synthetic", train, test, 2, 1);
        Map<String, Object> again = AeTrainer.run("synthetic", train, test, 2, 1);
        Map<String, Object> other = AeTrainer.run("synthetic", train, test, 2, 2);
        assertEquals(4, a.get("steps"));
        assertEquals(256, a.get("batch"));
        assertEquals("dense-ae", a.get("model"));
        double mse = (Double) a.get("test_mse");
        assertTrue(mse < 0.95 * untrained, "test MSE " + untrained + " -> " + mse);
        // -log is convex: the mean of the per-image PSNRs is at least the PSNR of the mean MSE
        double psnr = (Double) a.get("test_psnr_mean_db");
        assertTrue(psnr >= 10 * Math.log10(1 / mse) - 1e-6 && psnr < 40, "PSNR " + psnr + " for MSE " + mse);
        assertEquals(a.get("test_mse"), again.get("test_mse"));
        assertEquals(a.get("train_loss_last_epoch"), again.get("train_loss_last_epoch"));
        assertNotEquals(a.get("test_mse"), other.get("test_mse"));
    }

    /** Images of smooth random blobs; with {@code graded}, image n has contrast (n + 1) / count around 0.5. */
    private static IdxImages images(int count, Random r, boolean graded) {
        float[] pixels = new float[count * PIXELS];
        for (int n = 0; n < count; n++) {
            double cy = 6 + 16 * r.nextDouble(), cx = 6 + 16 * r.nextDouble(), radius = 3 + 5 * r.nextDouble();
            double contrast = graded ? (n + 1.0) / count : 1;
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    double d2 = (y - cy) * (y - cy) + (x - cx) * (x - cx);
                    double blob = Math.exp(-d2 / (2 * radius * radius));
                    pixels[n * PIXELS + y * 28 + x] = (float) (0.5 + contrast * (blob - 0.5));
                }
            }
        }
        return new IdxImages(count, 28, 28, pixels);
    }
}
