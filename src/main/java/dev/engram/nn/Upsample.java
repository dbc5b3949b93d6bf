package dev.engram.nn;

import dev.engram.backend.UpsampleMode;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

/**
 * 2-D resizing as PyTorch's nn.Upsample, NEAREST or BILINEAR (align_corners=False), either by an
 * integer scale factor (H' = H * factor) or to a fixed size ({@link #toSize}). Only integer
 * factors are offered: the op samples at in/out, which is PyTorch's 1/scale_factor exactly only
 * when the factor is an integer.
 */
public final class Upsample extends Module {
    private final int scaleFactor;
    private final int height;
    private final int width;
    private final UpsampleMode mode;
    private final BufferSlot output = newSlot();
    private final BufferSlot inputGrad = newSlot();
    private Shape inputShape;

    /** Resizes [N, C, H, W] to [N, C, H * scaleFactor, W * scaleFactor]. */
    public Upsample(int scaleFactor, UpsampleMode mode) {
        this(positiveFactor(scaleFactor), 0, 0, mode);
    }

    /** scaleFactor 0 means a fixed output size of height x width. */
    private Upsample(int scaleFactor, int height, int width, UpsampleMode mode) {
        if (mode == null) {
            throw new IllegalArgumentException("Upsample: mode is null; use NEAREST or BILINEAR");
        }
        this.scaleFactor = scaleFactor;
        this.height = height;
        this.width = width;
        this.mode = mode;
    }

    /** Resizes [N, C, H, W] to [N, C, height, width], whatever H and W are. */
    public static Upsample toSize(int height, int width, UpsampleMode mode) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("Upsample: size " + height + "x" + width + " must be positive");
        }
        return new Upsample(0, height, width, mode);
    }

    private static int positiveFactor(int scaleFactor) {
        if (scaleFactor <= 0) {
            throw new IllegalArgumentException("Upsample: scale factor " + scaleFactor + " must be > 0");
        }
        return scaleFactor;
    }

    @Override
    public Shape outputShape(Shape input) {
        requireRank(input, 4, "[N, C, H, W]");
        if (input.numel() == 0) {
            throw new IllegalArgumentException(this + ": input " + input + " is empty; every size must be > 0");
        }
        if (scaleFactor == 0) {
            return Shape.of(input.dim(0), input.dim(1), height, width);
        }
        return Shape.of(input.dim(0), input.dim(1), Math.multiplyExact(input.dim(2), scaleFactor),
                Math.multiplyExact(input.dim(3), scaleFactor));
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor y = output.get(backend(), outputShape(x.shape()));
        backend().upsample2dForward(mode, x, y);
        inputShape = x.shape();
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (inputShape == null) {
            throw new IllegalStateException(this + ": backward was called before forward");
        }
        requireGradShape(dy, outputShape(inputShape));
        if (!inputGradientRequired()) {
            return null;
        }
        Tensor dx = inputGrad.get(backend(), inputShape);
        backend().upsample2dBackward(mode, dy, dx);
        return dx;
    }

    @Override
    public String toString() {
        String target = scaleFactor == 0 ? "size " + height + "x" + width : "scale " + scaleFactor;
        return "Upsample(" + target + ", " + mode + ")";
    }
}
