package dev.engram.backend;

import dev.engram.tensor.Shape;

/**
 * The sizes of a 2-D max or average pooling: input [n, c, h, w], window kernelH x kernelW,
 * output [n, c, outH, outW] with floor rounding (PyTorch's ceil_mode=False). Padding is at most
 * half the window, as in PyTorch. Average pooling counts padded cells (count_include_pad=True).
 */
public record PoolGeometry(int n, int c, int h, int w, int kernelH, int kernelW,
                           int strideH, int strideW, int padH, int padW) {

    public PoolGeometry {
        if (n <= 0 || c <= 0 || h <= 0 || w <= 0) {
            throw new IllegalArgumentException("pool2d: input [" + n + ", " + c + ", " + h + ", " + w + "] must have positive sizes");
        }
        if (kernelH <= 0 || kernelW <= 0 || strideH <= 0 || strideW <= 0) {
            throw new IllegalArgumentException("pool2d: kernel " + kernelH + "x" + kernelW + " and stride " + strideH + "x"
                    + strideW + " must be > 0");
        }
        if (padH < 0 || padW < 0 || 2 * padH > kernelH || 2 * padW > kernelW) {
            throw new IllegalArgumentException("pool2d: padding " + padH + "x" + padW + " must be >= 0 and at most half the kernel "
                    + kernelH + "x" + kernelW);
        }
        if (kernelH > h + 2 * padH || kernelW > w + 2 * padW) {
            throw new IllegalArgumentException("pool2d: kernel " + kernelH + "x" + kernelW + " is larger than the padded input "
                    + (h + 2 * padH) + "x" + (w + 2 * padW) + " (input shape [" + n + ", " + c + ", " + h + ", " + w + "])");
        }
    }

    public static PoolGeometry of(Shape input, int kernel, int stride, int padding) {
        ConvGeometry.requireNchw("pool2d", input);
        return new PoolGeometry(input.dim(0), input.dim(1), input.dim(2), input.dim(3), kernel, kernel, stride, stride,
                padding, padding);
    }

    public int outH() {
        return (h + 2 * padH - kernelH) / strideH + 1;
    }

    public int outW() {
        return (w + 2 * padW - kernelW) / strideW + 1;
    }

    public Shape inputShape() {
        return Shape.of(n, c, h, w);
    }

    public Shape outputShape() {
        return Shape.of(n, c, outH(), outW());
    }
}
