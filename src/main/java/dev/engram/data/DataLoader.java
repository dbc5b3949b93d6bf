package dev.engram.data;

import dev.engram.backend.Philox;

import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * Batches of an {@link ImageSet} (or of a subset of its images, for a train/validation split) as
 * host arrays, in the shape of PyTorch's DataLoader: optional shuffling, an optional drop of the
 * last partial batch, and a background thread that fills the next batches while a step runs.
 *
 * <p>The order of epoch e is a pure function of (seed, e): a Fisher-Yates shuffle whose draws are
 * Philox blocks with key = seed and counter = (e << 32) + j, two 32-bit lanes per draw (stream
 * e = -1 is kept for {@link #trainValidationSplit}). A run resumed at epoch e therefore sees
 * exactly the batches it would have seen, whatever the timing of the prefetch thread.
 */
public final class DataLoader {
    /** Batches filled ahead of the consumer. */
    static final int PREFETCH_DEPTH = 2;

    private final ImageSet set;
    private final int[] indices;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final long seed;
    /** Runs on the loader thread after each batch is filled; lets tests make the thread fail. */
    private Consumer<Batch> fillHook = b -> { };

    /** Every image of {@code set}, in order or shuffled per epoch. */
    public DataLoader(ImageSet set, int batchSize, boolean shuffle, boolean dropLast, long seed) {
        this(set, batchSize, shuffle, dropLast, seed, null);
    }

    /**
     * The images of {@code set} at {@code indices} (all of them when null), in that order or
     * shuffled per epoch. The index array is copied.
     */
    public DataLoader(ImageSet set, int batchSize, boolean shuffle, boolean dropLast, long seed, int[] indices) {
        if (set == null) {
            throw new IllegalArgumentException("DataLoader: the image set is null");
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("DataLoader: batch size is " + batchSize + "; it must be > 0");
        }
        int[] own = indices == null ? identity(set.size()) : indices.clone();
        for (int i : own) {
            if (i < 0 || i >= set.size()) {
                throw new IllegalArgumentException("DataLoader: index " + i + " is outside 0.." + (set.size() - 1) + " of " + set);
            }
        }
        if (own.length == 0 || (dropLast && own.length < batchSize)) {
            throw new IllegalArgumentException("DataLoader: " + own.length + " images of " + set + " make no batch of "
                    + batchSize + (dropLast ? " with drop-last" : ""));
        }
        this.set = set;
        this.indices = own;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.dropLast = dropLast;
        this.seed = seed;
    }

    private static int[] identity(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }

    public ImageSet imageSet() {
        return set;
    }

    /** Number of images an epoch draws from. */
    public int size() {
        return indices.length;
    }

    public int batchSize() {
        return batchSize;
    }

    /** Batches per epoch: the last partial one counts unless it is dropped. */
    public int batchesPerEpoch() {
        return dropLast ? indices.length / batchSize : (indices.length + batchSize - 1) / batchSize;
    }

    /** Images per epoch (fewer than {@link #size()} when the last partial batch is dropped). */
    public int imagesPerEpoch() {
        return dropLast ? batchesPerEpoch() * batchSize : indices.length;
    }

    /** The image indices epoch {@code epoch} visits, in order: a pure function of (seed, epoch). */
    public int[] order(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("DataLoader: epoch is " + epoch + "; it must be >= 0");
        }
        return shuffle ? shuffled(indices, seed, epoch) : indices.clone();
    }

    /**
     * Splits images 0..count-1 at random into {train, validation} index arrays, each ascending;
     * the validation part holds round(count * fraction) images, at least one when fraction > 0.
     * A pure function of its arguments, drawn from a Philox stream no epoch order uses.
     */
    public static int[][] trainValidationSplit(int count, double fraction, long seed) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("DataLoader: validation fraction is " + fraction + "; it must be in [0, 1)");
        }
        int validation = fraction == 0 ? 0 : (int) Math.max(1, Math.round(count * fraction));
        if (count - validation < 1) {
            throw new IllegalArgumentException("DataLoader: " + count + " images leave none for training after holding out "
                    + validation + " for validation");
        }
        int[] order = shuffled(identity(count), seed, -1);
        int[] val = Arrays.copyOfRange(order, 0, validation);
        int[] train = Arrays.copyOfRange(order, validation, count);
        Arrays.sort(val);
        Arrays.sort(train);
        return new int[][] {train, val};
    }

    /** Fisher-Yates over a copy of {@code values} with Philox key seed, counters (stream << 32) + j. */
    private static int[] shuffled(int[] values, long seed, int stream) {
        int[] out = values.clone();
        int[] bits = new int[4];
        long base = (long) stream << 32;
        for (int i = out.length - 1, draw = 0; i > 0; i--, draw++) {
            if ((draw & 1) == 0) {
                Philox.block(seed, base + draw / 2, bits);
            }
            int lane = (draw & 1) * 2;
            long r = ((long) bits[lane] << 32) | (bits[lane + 1] & 0xFFFFFFFFL);
            // A uniform j in [0, i] as the high word of a 64x64-bit product: bias below 2^-32.
            int j = (int) Math.multiplyHigh(r >>> 1, (long) (i + 1) << 1);
            int t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
        return out;
    }

    void setFillHook(Consumer<Batch> hook) {
        this.fillHook = hook;
    }

    /** Starts epoch {@code epoch}; its prefetch thread runs until the epoch ends or it is closed. */
    public Epoch epoch(int epoch) {
        return new Epoch(order(epoch));
    }

    /** One batch: {@code count} images (NCHW) and labels (when the set has them) at the front of the arrays. */
    public static final class Batch {
        private final float[] pixels;
        private final int[] labels;
        private int count;
        private int index;

        private Batch(float[] pixels, int[] labels) {
            this.pixels = pixels;
            this.labels = labels;
        }

        /** The pixels of {@link #count()} images, at the front of an array sized for a full batch. */
        public float[] pixels() {
            return pixels;
        }

        /** The labels of the images, or null for an unlabelled set. */
        public int[] labels() {
            return labels;
        }

        public int count() {
            return count;
        }

        /** The batch's position in its epoch, from 0. */
        public int index() {
            return index;
        }
    }

    /**
     * The batches of one epoch, filled by a background thread into a bounded queue. A batch stays
     * valid until the next call to {@link #next()}; closing stops the thread. An exception in the
     * thread is thrown by {@link #next()}.
     */
    public final class Epoch implements AutoCloseable {
        private static final Batch END = new Batch(new float[0], null);

        private final int[] order;
        private final BlockingQueue<Batch> free = new ArrayBlockingQueue<>(PREFETCH_DEPTH + 2);
        private final BlockingQueue<Object> ready = new ArrayBlockingQueue<>(PREFETCH_DEPTH);
        private final Thread thread;
        private Batch held;
        private boolean finished;

        private Epoch(int[] order) {
            this.order = order;
            int perImage = set.channels() * set.height() * set.width();
            for (int i = 0; i < PREFETCH_DEPTH + 2; i++) {
                free.add(new Batch(new float[batchSize * perImage], set.hasLabels() ? new int[batchSize] : null));
            }
            thread = new Thread(this::fill, "engram-data-loader");
            thread.setDaemon(true);
            thread.start();
        }

        private void fill() {
            try {
                int perImage = set.channels() * set.height() * set.width();
                int batches = batchesPerEpoch();
                for (int b = 0; b < batches; b++) {
                    Batch batch = free.take();
                    int from = b * batchSize;
                    int n = Math.min(batchSize, order.length - from);
                    for (int k = 0; k < n; k++) {
                        int image = order[from + k];
                        System.arraycopy(set.pixels(), image * perImage, batch.pixels, k * perImage, perImage);
                        if (batch.labels != null) {
                            batch.labels[k] = set.labels()[image];
                        }
                    }
                    batch.count = n;
                    batch.index = b;
                    fillHook.accept(batch);
                    ready.put(batch);
                }
                ready.put(END);
            } catch (InterruptedException e) {
                // Closed by the consumer: stop quietly.
            } catch (RuntimeException | Error e) {
                try {
                    ready.put(e);
                } catch (InterruptedException closed) {
                    // The consumer is gone; nobody is left to tell.
                }
            }
        }

        /** The next batch, or null at the end of the epoch. */
        public Batch next() {
            if (finished) {
                return null;
            }
            if (held != null) {
                free.add(held);
                held = null;
            }
            Object item;
            try {
                item = ready.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("DataLoader: interrupted while waiting for a batch of " + set, e);
            }
            if (item instanceof Throwable t) {
                finished = true;
                throw new IllegalStateException("DataLoader: loading a batch of " + set + " failed: " + t, t);
            }
            if (item == END) {
                finished = true;
                return null;
            }
            held = (Batch) item;
            return held;
        }

        @Override
        public void close() {
            finished = true;
            thread.interrupt();
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
