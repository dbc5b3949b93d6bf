package dev.engram.peers;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Trains dense-ae on an IDX data set (MNIST or Fashion-MNIST) and reports its test reconstruction
 * error, for the comparison of issue 3. Protocol (bench/jvm-peers/README.md): that of ElboTrainer
 * (IdxProtocol) with batch 256 and loss = MSE averaged over all elements; afterwards, over the 10k
 * test images in batches of 256, the test MSE (mean over all pixels) and the mean over images of
 * the per-image PSNR, 10 log10(1 / mse_i) for pixels in [0, 1]. Usage:
 * {@code AeTrainer --data DIR --dataset NAME --epochs E --seed S [--out results.jsonl]}.
 */
public final class AeTrainer {
    static final int BATCH = 256;

    private AeTrainer() {
    }

    /** Mean squared error over all test pixels and the mean of the per-image PSNRs (dB). */
    record TestError(double mse, double psnrMean) {
    }

    public static void main(String[] args) throws IOException {
        IdxProtocol.main(args, "AeTrainer", AeTrainer::run);
    }

    static Map<String, Object> run(String dataset, IdxImages train, IdxImages test, int epochs, int seed) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Autoencoder model = (Autoencoder) ReferenceModels.create("dense-ae", manager, seed);
            IdxProtocol.Training training = IdxProtocol.train(manager, new AdamTrainer(model), train, BATCH, epochs,
                    new Random(seed), dataset + " seed " + seed);
            TestError error = testError(model, manager, test, BATCH);
            Map<String, Object> results = new LinkedHashMap<>();
            results.put("test_mse", error.mse());
            results.put("test_psnr_mean_db", error.psnrMean());
            return IdxProtocol.line("dense-ae", dataset, seed, epochs, BATCH, training, results);
        }
    }

    /** The reconstruction error of {@code images} in eval mode, in batches of {@code batch}. */
    static TestError testError(Autoencoder model, NDManager manager, IdxImages images, int batch) {
        double[] sums = new double[2];
        IdxProtocol.forEachBatch(manager, images, batch, x -> {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                // all images have the same size, so the mean over all pixels is the mean of the per-image means
                // (libtorch's mean in DJL takes one axis: flatten each image first)
                float[] perImage = model.reconstruct(x, false).sub(x).square().reshape(x.getShape().get(0), -1)
                        .mean(new int[] {1}).toFloatArray();
                for (float mse : perImage) {
                    sums[0] += mse;
                    sums[1] += 10 * Math.log10(1 / (double) mse);
                }
            }
        });
        return new TestError(sums[0] / images.count(), sums[1] / images.count());
    }
}
