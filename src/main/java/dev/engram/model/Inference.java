package dev.engram.model;

import dev.engram.backend.Backend;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

import java.util.Arrays;
import java.util.function.Function;

/**
 * A trained model applied to arrays held on the host (Java float arrays, NCHW), a batch at a
 * time on the model's backend, in evaluation mode: the entry point for embedding engram to
 * compress, reduce to features, reconstruct or generate.
 */
public final class Inference {
    private Inference() {
    }

    /** The codes of {@code count} images of shape [C, H, W] (a VAE's means). */
    public static HostArray encode(AutoencoderModel model, float[] images, Shape chw, int count, int batch) {
        return inEvalMode(model, () -> map(model.backend(), images, chw, count, batch, model::encode));
    }

    /** Images in data space for {@code count} codes of shape {@code code}. */
    public static HostArray decode(AutoencoderModel model, float[] codes, Shape code, int count, int batch) {
        return inEvalMode(model, () -> map(model.backend(), codes, code, count, batch, model::decode));
    }

    /** decode(encode(x)) of {@code count} images of shape [C, H, W]. */
    public static HostArray reconstruct(AutoencoderModel model, float[] images, Shape chw, int count, int batch) {
        return inEvalMode(model, () -> map(model.backend(), images, chw, count, batch, model::reconstruct));
    }

    private static HostArray inEvalMode(AutoencoderModel model, java.util.function.Supplier<HostArray> work) {
        boolean wasTraining = model.isTraining();
        model.train(false);
        try {
            return work.get();
        } finally {
            model.train(wasTraining);
        }
    }

    /**
     * Runs {@code fn} over {@code count} inputs of shape {@code item} in batches of at most
     * {@code batch} and returns its outputs on the host, one after another. {@code fn} returns a
     * tensor it owns (as model outputs are); it stays valid until the next call.
     */
    public static HostArray map(Backend backend, float[] inputs, Shape item, int count, int batch,
            Function<Tensor, Tensor> fn) {
        if (count <= 0 || batch <= 0) {
            throw new IllegalArgumentException("Inference: count " + count + " and batch " + batch + " must be > 0");
        }
        int perItem = Math.toIntExact(item.numel());
        if ((long) count * perItem > inputs.length) {
            throw new IllegalArgumentException("Inference: " + count + " inputs of shape " + item + " need "
                    + (long) count * perItem + " values, got " + inputs.length);
        }
        float[] out = null;
        Shape outItem = null;
        int[] dims = new int[item.rank() + 1];
        System.arraycopy(item.dims(), 0, dims, 1, item.rank());
        dims[0] = Math.min(batch, count);
        Shape full = Shape.of(dims);
        // One input tensor for every batch; the last, shorter batch uses a prefix of it.
        try (Tensor input = backend.allocate(full)) {
            for (int from = 0; from < count; from += batch) {
                Tensor x = input.prefix(full.withDim0(Math.min(batch, count - from)));
                backend.copyFromHost(inputs, from * perItem, x);
                Tensor y = fn.apply(x);
                if (out == null) {
                    int[] yDims = y.shape().dims();
                    outItem = Shape.of(Arrays.copyOfRange(yDims, 1, yDims.length));
                    out = new float[Math.toIntExact(count * outItem.numel())];
                }
                backend.copyToHost(y, out, Math.toIntExact(from * outItem.numel()));
            }
        }
        return new HostArray(out, outItem, count);
    }
}
