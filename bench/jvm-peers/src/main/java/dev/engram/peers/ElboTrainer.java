package dev.engram.peers;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Locale;
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
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value pairs, got '" + args[i] + "'");
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        Path dir = Path.of(require(opts, "data"));
        String dataset = require(opts, "dataset");
        int epochs = Integer.parseInt(require(opts, "epochs"));
        int seed = Integer.parseInt(require(opts, "seed"));
        IdxImages train = IdxImages.read(IdxImages.find(dir, "train"));
        IdxImages test = IdxImages.read(IdxImages.find(dir, "t10k"));
        Map<String, Object> line = run(dataset, train, test, epochs, seed);
        String json = Json.write(line);
        System.out.println(json);
        if (opts.containsKey("out")) {
            Path out = Path.of(opts.get("out"));
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, json + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    static Map<String, Object> run(String dataset, IdxImages train, IdxImages test, int epochs, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        try (NDManager manager = NDManager.newBaseManager()) {
            PeerModel model = ReferenceModels.create("conv-vae", manager, seed);
            AdamTrainer trainer = new AdamTrainer(model);
            Random shuffle = new Random(seed);
            int[] order = new int[train.count()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            long t0 = System.nanoTime();
            double lastEpochLoss = Double.NaN;
            int steps = 0;
            for (int epoch = 0; epoch < epochs; epoch++) {
                shuffle(order, shuffle);
                double sum = 0;
                for (int start = 0; start < order.length; start += BATCH) {
                    int n = Math.min(BATCH, order.length - start);
                    try (NDArray x = batch(manager, train, order, start, n)) {
                        sum += trainer.step(x)[0] * (double) n;
                    }
                    steps++;
                }
                lastEpochLoss = sum / order.length;
                System.err.printf(Locale.ROOT, "%s seed %d epoch %d: train loss %.3f (%.0f s)%n", dataset, seed, epoch + 1,
                        lastEpochLoss, (System.nanoTime() - t0) / 1e9);
            }
            double trainSeconds = (System.nanoTime() - t0) / 1e9;
            int[] all = new int[test.count()];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            double rec = 0, kl = 0;
            for (int start = 0; start < all.length; start += BATCH) {
                int n = Math.min(BATCH, all.length - start);
                try (NDArray x = batch(manager, test, all, start, n)) {
                    float[] terms = trainer.evaluate(x);
                    rec += terms[1] * (double) n;
                    kl += terms[2] * (double) n;
                }
            }
            rec /= all.length;
            kl /= all.length;
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("date", LocalDate.now().toString());
            line.put("peer", "DJL + libtorch (CPU)");
            line.put("model", "conv-vae");
            line.put("dataset", dataset);
            line.put("seed", seed);
            line.put("epochs", epochs);
            line.put("batch", BATCH);
            line.put("steps", steps);
            line.put("train_loss_last_epoch", lastEpochLoss);
            line.put("test_neg_elbo", rec + kl);
            line.put("test_reconstruction", rec);
            line.put("test_kl", kl);
            line.put("train_seconds", trainSeconds);
            line.put("run", RunInfo.djl());
            return line;
        }
    }

    /** Fisher-Yates with the given stream, so a seed fixes every epoch's order. */
    static void shuffle(int[] order, Random random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    private static NDArray batch(NDManager manager, IdxImages images, int[] order, int start, int n) {
        int size = images.rows() * images.cols();
        float[] data = new float[n * size];
        for (int i = 0; i < n; i++) {
            System.arraycopy(images.pixels(), order[start + i] * size, data, i * size, size);
        }
        return manager.create(data, new Shape(n, 1, images.rows(), images.cols()));
    }

    private static String require(Map<String, String> opts, String name) {
        String v = opts.get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing --" + name
                    + "; usage: ElboTrainer --data DIR --dataset NAME --epochs E --seed S [--out results.jsonl]");
        }
        return v;
    }
}
