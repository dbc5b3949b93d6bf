package dev.engram.peers;

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
import java.util.function.Consumer;

/**
 * The part of issue 3's training protocol (bench/jvm-peers/README.md) that ElboTrainer and
 * AeTrainer share: the command line, pixels / 255 from IDX files, each epoch a fresh Fisher-Yates
 * order of the training set from one java.util.Random(seed) (the last, smaller batch kept), the
 * training loop with its wall time, the test set in order, and one JSON results line.
 */
final class IdxProtocol {
    private IdxProtocol() {
    }

    /** Trains and evaluates one (dataset, seed) and returns its results line. */
    @FunctionalInterface
    interface Run {
        Map<String, Object> run(String dataset, IdxImages train, IdxImages test, int epochs, int seed);
    }

    /** What the training loop measured. */
    record Training(int steps, double lastEpochLoss, double seconds) {
    }

    /**
     * {@code --data DIR --dataset NAME --epochs E --seed S [--out results.jsonl]}: reads the data
     * set, runs it, prints the results line and appends it to the --out file.
     */
    static void main(String[] args, String program, Run run) throws IOException {
        String usage = "usage: " + program + " --data DIR --dataset NAME --epochs E --seed S [--out results.jsonl]";
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 == args.length) {
                throw new IllegalArgumentException("expected --option value pairs, got '" + args[i] + "'; " + usage);
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        Path dir = Path.of(require(opts, "data", usage));
        String dataset = require(opts, "dataset", usage);
        int epochs = Integer.parseInt(require(opts, "epochs", usage));
        int seed = Integer.parseInt(require(opts, "seed", usage));
        IdxImages train = IdxImages.read(IdxImages.find(dir, "train"));
        IdxImages test = IdxImages.read(IdxImages.find(dir, "t10k"));
        String json = Json.write(run.run(dataset, train, test, epochs, seed));
        System.out.println(json);
        if (opts.containsKey("out")) {
            Path out = Path.of(opts.get("out"));
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, json + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    /**
     * {@code epochs} passes over {@code images} in batches of {@code batch}, each pass in a fresh
     * order drawn from {@code order}; the time covers batching and training, nothing else.
     */
    static Training train(NDManager manager, AdamTrainer trainer, IdxImages images, int batch, int epochs, Random order,
                          String label) {
        int[] indices = identity(images.count());
        long t0 = System.nanoTime();
        double lastEpochLoss = Double.NaN;
        int steps = 0;
        for (int epoch = 0; epoch < epochs; epoch++) {
            shuffle(indices, order);
            double sum = 0;
            for (int start = 0; start < indices.length; start += batch) {
                int n = Math.min(batch, indices.length - start);
                try (NDArray x = batch(manager, images, indices, start, n)) {
                    sum += trainer.step(x)[0] * (double) n;
                }
                steps++;
            }
            lastEpochLoss = sum / indices.length;
            System.err.printf(Locale.ROOT, "%s epoch %d: train loss %.5g (%.0f s)%n", label, epoch + 1, lastEpochLoss,
                    (System.nanoTime() - t0) / 1e9);
        }
        return new Training(steps, lastEpochLoss, (System.nanoTime() - t0) / 1e9);
    }

    /** Hands each batch of {@code images}, in file order, to {@code each}, and frees it afterwards. */
    static void forEachBatch(NDManager manager, IdxImages images, int batch, Consumer<NDArray> each) {
        int[] indices = identity(images.count());
        for (int start = 0; start < indices.length; start += batch) {
            try (NDArray x = batch(manager, images, indices, start, Math.min(batch, indices.length - start))) {
                each.accept(x);
            }
        }
    }

    /** A results line: what ran, the training figures, then {@code results}, the time and the machine. */
    static Map<String, Object> line(String model, String dataset, int seed, int epochs, int batch, Training training,
                                    Map<String, Object> results) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("date", LocalDate.now().toString());
        line.put("peer", "DJL + libtorch (CPU)");
        line.put("model", model);
        line.put("dataset", dataset);
        line.put("seed", seed);
        line.put("epochs", epochs);
        line.put("batch", batch);
        line.put("steps", training.steps());
        line.put("train_loss_last_epoch", training.lastEpochLoss());
        line.putAll(results);
        line.put("train_seconds", training.seconds());
        line.put("run", RunInfo.djl());
        return line;
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

    private static int[] identity(int n) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        return v;
    }

    private static String require(Map<String, String> opts, String name, String usage) {
        String v = opts.get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing --" + name + "; " + usage);
        }
        return v;
    }
}
