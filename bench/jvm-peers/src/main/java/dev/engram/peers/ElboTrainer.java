package dev.engram.peers;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Trains conv-vae on an IDX data set (MNIST or Fashion-MNIST) and reports the test negative ELBO,
 * for the comparison of issue 3. Protocol (bench/jvm-peers/README.md): pixels / 255, batch 128
 * (the last, smaller batch of an epoch kept), Adam lr 1e-3, the training set shuffled each epoch by
 * a java.util.Random seeded with the seed, weights initialised from the seed; loss = BCE-with-logits
 * summed over pixels + KL summed over latent dims, mean over the batch. Afterwards the negative ELBO
 * of the 10k test images (one z sample per image, mean per image) and its two terms. Usage:
 * {@code ElboTrainer --data DIR --dataset NAME --epochs E --seed S [--out results.jsonl]}.
 */
public final class ElboTrainer {
    private static final int BATCH = 128;

    private ElboTrainer() {
    }

    public static void main(String[] args) throws IOException {
        IdxProtocol.main(args, "ElboTrainer", ElboTrainer::run);
    }

    static Map<String, Object> run(String dataset, IdxImages train, IdxImages test, int epochs, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        try (NDManager manager = NDManager.newBaseManager()) {
            AdamTrainer trainer = new AdamTrainer(ReferenceModels.create("conv-vae", manager, seed));
            IdxProtocol.Training training = IdxProtocol.train(manager, trainer, train, BATCH, epochs, new Random(seed),
                    dataset + " seed " + seed);
            double[] sums = new double[2];
            IdxProtocol.forEachBatch(manager, test, BATCH, x -> {
                float[] terms = trainer.evaluate(x);
                sums[0] += terms[1] * (double) x.getShape().get(0);
                sums[1] += terms[2] * (double) x.getShape().get(0);
            });
            double rec = sums[0] / test.count(), kl = sums[1] / test.count();
            Map<String, Object> results = new LinkedHashMap<>();
            results.put("test_neg_elbo", rec + kl);
            results.put("test_reconstruction", rec);
            results.put("test_kl", kl);
            return IdxProtocol.line("conv-vae", dataset, seed, epochs, BATCH, training, results);
        }
    }
}
