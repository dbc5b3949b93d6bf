package dev.engram.backend;

import dev.engram.tensor.DType;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Storage;
import dev.engram.tensor.Tensor;

import static dev.engram.backend.OpChecks.finite;
import static dev.engram.backend.OpChecks.inRange;
import static dev.engram.backend.OpChecks.nonNegative;
import static dev.engram.backend.OpChecks.notAliased;
import static dev.engram.backend.OpChecks.numelAtLeast;
import static dev.engram.backend.OpChecks.on;
import static dev.engram.backend.OpChecks.positive;
import static dev.engram.backend.OpChecks.rankAtLeast;
import static dev.engram.backend.OpChecks.sameShape;
import static dev.engram.backend.OpChecks.scalar;
import static dev.engram.backend.OpChecks.shapeIs;

/**
 * The op set: the one seam between the math of the models and the hardware.
 *
 * <p>Every public op here checks its arguments once, for every backend, and then calls the
 * backend's implementation ({@code ...Impl}). Tensors are dense row-major float32; images are
 * NCHW. Outputs are passed in by the caller, so a step that reuses its buffers allocates nothing.
 *
 * <p>The gradient contract: gradients of parameters accumulate ({@code +=}: dw, dbias, dgamma,
 * dbeta), gradients of activations are assigned ({@code =}: dx), unless an op says otherwise.
 *
 * <p>Random numbers come from Philox4x32-10 ({@link Philox}): element {@code i} of a tensor filled
 * with (seed, offset) takes lane {@code i % 4} of the block at counter {@code offset + i / 4}, so
 * every backend and every thread count gives the same numbers. A call consumes
 * {@link Philox#blocks(long)} counters; advance the offset by that much for the next call.
 */
public abstract class Backend implements AutoCloseable {

    /** A short name such as "cpu" or "cuda:0". */
    public abstract String name();

    // ---------------------------------------------------------------- memory

    /** A new float32 tensor owned by the caller; its contents are undefined until written. */
    public final Tensor allocate(Shape shape) {
        return allocate(DType.FLOAT32, shape);
    }

    public final Tensor allocate(int... dims) {
        return allocate(Shape.of(dims));
    }

    public final Tensor allocate(DType dtype, Shape shape) {
        if (dtype != DType.FLOAT32) {
            throw new UnsupportedOperationException("allocate: dtype " + dtype + " is not implemented yet; use FLOAT32");
        }
        return new Tensor(this, allocateStorage(dtype, shape.numel()), 0, shape, true);
    }

    /** A new tensor holding a copy of {@code data}, whose length must match the shape. */
    public final Tensor fromHost(float[] data, Shape shape) {
        if (data.length != shape.numel()) {
            throw new IllegalArgumentException("fromHost: " + data.length + " values do not fill shape " + shape + " ("
                    + shape.numel() + " elements)");
        }
        Tensor t = allocate(shape);
        copyFromHost(data, 0, t);
        return t;
    }

    /** A new tensor of zeros. */
    public final Tensor zeros(Shape shape) {
        Tensor t = allocate(shape);
        fill(t, 0f);
        return t;
    }

    /** Bytes currently allocated through this backend and not yet freed. */
    public abstract long liveBytes();

    /** Waits until every op issued so far has finished. */
    public abstract void synchronize();

    /**
     * Milliseconds the ops that {@code work} issues take, on this backend's own clock, waiting for
     * them: here the host's, from the end of the work issued before to the end of this work. A
     * GPU backend times on the device (events around the work on its stream), as PyTorch's
     * torch.cuda.Event timing does.
     */
    public double timeMillis(Runnable work) {
        synchronize();
        long start = System.nanoTime();
        work.run();
        synchronize();
        return (System.nanoTime() - start) / 1e6;
    }

    /**
     * Runs {@code step}, ops that the caller repeats with the same shapes: a training step (forward,
     * loss, backward, optimizer) or an inference batch. Here it simply runs; the CUDA backend records
     * such steps and replays them as one CUDA graph (the last kind of step seen: training, then
     * inference, rebuilds it once). The step must not read device memory (read the loss
     * after it): a step that does still runs, op by op.
     */
    public void runStep(Runnable step) {
        step.run();
    }

    public final void fill(Tensor t, float value) {
        on(this, "fill", "t", t);
        fillImpl(t, value);
    }

    /** Copies {@code dst.numel()} values from {@code src[srcOffset...]} into {@code dst}. */
    public final void copyFromHost(float[] src, int srcOffset, Tensor dst) {
        on(this, "copyFromHost", "dst", dst);
        if (srcOffset < 0 || srcOffset + dst.numel() > src.length) {
            throw new IllegalArgumentException("copyFromHost: " + dst.numel() + " values from offset " + srcOffset
                    + " do not fit in a host array of " + src.length);
        }
        copyFromHostImpl(src, srcOffset, dst);
    }

    /** Copies all of {@code src} into {@code dst[dstOffset...]}; synchronises on a device backend. */
    public final void copyToHost(Tensor src, float[] dst, int dstOffset) {
        on(this, "copyToHost", "src", src);
        if (dstOffset < 0 || dstOffset + src.numel() > dst.length) {
            throw new IllegalArgumentException("copyToHost: " + src.numel() + " values do not fit in a host array of "
                    + dst.length + " from offset " + dstOffset);
        }
        copyToHostImpl(src, dst, dstOffset);
    }

    /** dst = src; both must hold the same number of elements. */
    public final void copy(Tensor src, Tensor dst) {
        on(this, "copy", "src", src);
        on(this, "copy", "dst", dst);
        if (src.numel() != dst.numel()) {
            throw new IllegalArgumentException("copy: src " + src.shape() + " and dst " + dst.shape()
                    + " hold different numbers of elements");
        }
        copyImpl(src, dst);
    }

    /**
     * Every {@code srcStep}-th row of src [rows, width] to every {@code dstStep}-th row of dst
     * [rows', width], from row 0 of each: row i * srcStep to row i * dstStep for each i, as many
     * rows as src has at its step, which must be as many as dst has at its own. One op for a
     * strided copy (a VAE's means out of its stats [N, 2L] viewed as [2N, L]).
     */
    public final void copyRows(Tensor src, int srcStep, Tensor dst, int dstStep) {
        on(this, "copyRows", "src", src);
        on(this, "copyRows", "dst", dst);
        if (src.shape().rank() != 2 || dst.shape().rank() != 2 || src.shape().dim(1) != dst.shape().dim(1)) {
            throw new IllegalArgumentException("copyRows: src " + src.shape() + " and dst " + dst.shape()
                    + " must be matrices of the same width");
        }
        if (srcStep < 1 || dstStep < 1) {
            throw new IllegalArgumentException("copyRows: steps " + srcStep + " and " + dstStep + " must be >= 1");
        }
        int rows = (src.shape().dim(0) + srcStep - 1) / srcStep;
        if (rows != (dst.shape().dim(0) + dstStep - 1) / dstStep) {
            throw new IllegalArgumentException("copyRows: src " + src.shape() + " has " + rows + " rows at step "
                    + srcStep + " but dst " + dst.shape() + " has " + (dst.shape().dim(0) + dstStep - 1) / dstStep
                    + " at step " + dstStep);
        }
        copyRowsImpl(src, srcStep, dst, dstStep, rows);
    }

    /** Reads a one-element tensor: the single host sync of a training step (the loss). */
    public final float readScalar(Tensor t) {
        on(this, "readScalar", "t", t);
        scalar("readScalar", "t", t);
        float[] v = new float[1];
        copyToHostImpl(t, v, 0);
        return v[0];
    }

    // ---------------------------------------------------------------- elementwise and reductions

    /** out = a + b. */
    public final void add(Tensor a, Tensor b, Tensor out) {
        on(this, "add", "a", a);
        on(this, "add", "b", b);
        on(this, "add", "out", out);
        sameShape("add", "a", a, "b", b);
        sameShape("add", "a", a, "out", out);
        addImpl(a, b, out);
    }

    /** out = a * b, elementwise. */
    public final void mul(Tensor a, Tensor b, Tensor out) {
        on(this, "mul", "a", a);
        on(this, "mul", "b", b);
        on(this, "mul", "out", out);
        sameShape("mul", "a", a, "b", b);
        sameShape("mul", "a", a, "out", out);
        mulImpl(a, b, out);
    }

    /** y = alpha * x + beta * y. With beta = 0, y is overwritten (NaN in y does not survive). */
    public final void axpby(float alpha, Tensor x, float beta, Tensor y) {
        on(this, "axpby", "x", x);
        on(this, "axpby", "y", y);
        sameShape("axpby", "x", x, "y", y);
        finite("axpby", "alpha", alpha);
        finite("axpby", "beta", beta);
        axpbyImpl(alpha, x, beta, y);
    }

    /** out = x * scale + shift. */
    public final void affine(Tensor x, float scale, float shift, Tensor out) {
        on(this, "affine", "x", x);
        on(this, "affine", "out", out);
        sameShape("affine", "x", x, "out", out);
        finite("affine", "scale", scale);
        finite("affine", "shift", shift);
        affineImpl(x, scale, shift, out);
    }

    /** out = min(max(x, lo), hi). */
    public final void clamp(Tensor x, float lo, float hi, Tensor out) {
        on(this, "clamp", "x", x);
        on(this, "clamp", "out", out);
        sameShape("clamp", "x", x, "out", out);
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("clamp: lower bound " + lo + " is above upper bound " + hi);
        }
        clampImpl(x, lo, hi, out);
    }

    /** out[0] = sum of x (accumulated in double on the CPU, in a fixed order everywhere). */
    public final void sum(Tensor x, Tensor out) {
        on(this, "sum", "x", x);
        on(this, "sum", "out", out);
        scalar("sum", "out", out);
        sumImpl(x, out);
    }

    /** out[0] = sum of x^2. */
    public final void sumOfSquares(Tensor x, Tensor out) {
        on(this, "sumOfSquares", "x", x);
        on(this, "sumOfSquares", "out", out);
        scalar("sumOfSquares", "out", out);
        sumOfSquaresImpl(x, out);
    }

    // ---------------------------------------------------------------- activations

    /** y = f(x). x and y may be the same tensor. */
    public final void activationForward(Activation act, Tensor x, Tensor y) {
        on(this, "activationForward", "x", x);
        on(this, "activationForward", "y", y);
        sameShape("activationForward " + act.kind(), "x", x, "y", y);
        activationForwardImpl(act, x, y);
    }

    /** dx = dy * f'(x); y = f(x) is passed too because some derivatives are cheaper from it. */
    public final void activationBackward(Activation act, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        String op = "activationBackward " + act.kind();
        on(this, op, "x", x);
        on(this, op, "y", y);
        on(this, op, "dy", dy);
        on(this, op, "dx", dx);
        sameShape(op, "x", x, "y", y);
        sameShape(op, "x", x, "dy", dy);
        sameShape(op, "x", x, "dx", dx);
        activationBackwardImpl(act, x, y, dy, dx);
    }

    // ---------------------------------------------------------------- bias

    /** y[n, c, ...] += bias[c] for y of shape [N, C, ...] (C features of a Linear, or channels). */
    public final void biasAdd(Tensor y, Tensor bias) {
        on(this, "biasAdd", "y", y);
        on(this, "biasAdd", "bias", bias);
        rankAtLeast("biasAdd", "y", y, 2, "[N, C, ...]");
        shapeIs("biasAdd", "bias", bias, Shape.of(y.shape().dim(1)));
        biasAddImpl(y, bias);
    }

    /** dbias[c] += sum over n and the spatial positions of dy[n, c, ...]. */
    public final void biasBackward(Tensor dy, Tensor dbias) {
        on(this, "biasBackward", "dy", dy);
        on(this, "biasBackward", "dbias", dbias);
        rankAtLeast("biasBackward", "dy", dy, 2, "[N, C, ...]");
        shapeIs("biasBackward", "dbias", dbias, Shape.of(dy.shape().dim(1)));
        biasBackwardImpl(dy, dbias);
    }

    // ---------------------------------------------------------------- GEMM

    /**
     * C = alpha * op(A) op(B) + beta * C, row-major: op(A) is m x k (A is stored k x m when
     * transA), op(B) is k x n (B is stored n x k when transB), C is m x n. With beta = 0, C is
     * overwritten.
     */
    public final void gemm(boolean transA, boolean transB, int m, int n, int k,
                           float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        gemmStridedBatched(transA, transB, m, n, k, alpha, a, 0, b, 0, beta, c, 0, 1);
    }

    /** {@link #gemm} over {@code batch} matrices, the i-th starting at i * stride in each tensor. */
    public final void gemmStridedBatched(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                         Tensor a, long strideA, Tensor b, long strideB,
                                         float beta, Tensor c, long strideC, int batch) {
        String op = "gemm";
        on(this, op, "A", a);
        on(this, op, "B", b);
        on(this, op, "C", c);
        if (m < 0 || n < 0 || k < 0 || batch < 0) {
            throw new IllegalArgumentException("gemm: sizes m=" + m + ", n=" + n + ", k=" + k + ", batch=" + batch
                    + " must be >= 0");
        }
        if (strideA < 0 || strideB < 0 || strideC < 0) {
            throw new IllegalArgumentException("gemm: strides must be >= 0");
        }
        finite(op, "alpha", alpha);
        finite(op, "beta", beta);
        if (batch == 0 || m == 0 || n == 0) {
            return;
        }
        long lastA = strideA * (batch - 1);
        long lastB = strideB * (batch - 1);
        long lastC = strideC * (batch - 1);
        String dims = "m=" + m + ", n=" + n + ", k=" + k + (batch > 1 ? ", batch=" + batch : "");
        numelAtLeast(op, "A", a, lastA + (long) m * k, dims);
        numelAtLeast(op, "B", b, lastB + (long) k * n, dims);
        numelAtLeast(op, "C", c, lastC + (long) m * n, dims);
        notAliased(op, "A", a, "C", c);
        notAliased(op, "B", b, "C", c);
        gemmImpl(transA, transB, m, n, k, alpha, a, strideA, b, strideB, beta, c, strideC, batch);
    }

    // ---------------------------------------------------------------- convolution

    /** y = conv2d(x, w): x [n, c, h, w], w [k, c, r, s], y [n, k, p, q] (cross-correlation, as PyTorch). */
    public final void conv2dForward(ConvGeometry g, Tensor x, Tensor w, Tensor y) {
        on(this, "conv2dForward", "x", x);
        on(this, "conv2dForward", "w", w);
        on(this, "conv2dForward", "y", y);
        shapeIs("conv2dForward", "x", x, g.inputShape());
        shapeIs("conv2dForward", "w", w, g.weightShape());
        shapeIs("conv2dForward", "y", y, g.outputShape());
        notAliased("conv2dForward", "x", x, "y", y);
        conv2dForwardImpl(g, x, w, y);
    }

    /** dx = gradient of conv2d with respect to x (assigned). Also the forward of a transposed convolution. */
    public final void conv2dBackwardData(ConvGeometry g, Tensor dy, Tensor w, Tensor dx) {
        on(this, "conv2dBackwardData", "dy", dy);
        on(this, "conv2dBackwardData", "w", w);
        on(this, "conv2dBackwardData", "dx", dx);
        shapeIs("conv2dBackwardData", "dy", dy, g.outputShape());
        shapeIs("conv2dBackwardData", "w", w, g.weightShape());
        shapeIs("conv2dBackwardData", "dx", dx, g.inputShape());
        notAliased("conv2dBackwardData", "dy", dy, "dx", dx);
        conv2dBackwardDataImpl(g, dy, w, dx);
    }

    /** dw += gradient of conv2d with respect to w. */
    public final void conv2dBackwardFilter(ConvGeometry g, Tensor x, Tensor dy, Tensor dw) {
        on(this, "conv2dBackwardFilter", "x", x);
        on(this, "conv2dBackwardFilter", "dy", dy);
        on(this, "conv2dBackwardFilter", "dw", dw);
        shapeIs("conv2dBackwardFilter", "x", x, g.inputShape());
        shapeIs("conv2dBackwardFilter", "dy", dy, g.outputShape());
        shapeIs("conv2dBackwardFilter", "dw", dw, g.weightShape());
        conv2dBackwardFilterImpl(g, x, dy, dw);
    }

    // ---------------------------------------------------------------- normalisation

    /**
     * Batch normalisation with batch statistics, per channel c of x [N, C, ...]:
     * y = gamma * (x - mean) / sqrt(var + eps) + beta with the biased variance; the running
     * statistics become (1 - momentum) * running + momentum * batch (running variance from the
     * unbiased estimate, as PyTorch). saveMean and saveInvStd [C] keep what backward needs.
     */
    public final void batchNormForwardTraining(Tensor x, Tensor gamma, Tensor beta, float eps, float momentum,
                                               Tensor runningMean, Tensor runningVar,
                                               Tensor y, Tensor saveMean, Tensor saveInvStd) {
        String op = "batchNormForwardTraining";
        Shape ch = batchNormChannels(op, x, gamma, beta, y);
        on(this, op, "runningMean", runningMean);
        on(this, op, "runningVar", runningVar);
        on(this, op, "saveMean", saveMean);
        on(this, op, "saveInvStd", saveInvStd);
        shapeIs(op, "runningMean", runningMean, ch);
        shapeIs(op, "runningVar", runningVar, ch);
        shapeIs(op, "saveMean", saveMean, ch);
        shapeIs(op, "saveInvStd", saveInvStd, ch);
        positive(op, "eps", eps);
        inRange(op, "momentum", momentum, 0f, 1.0000001f);
        if (x.numel() / x.shape().dim(1) < 2) {
            throw new IllegalArgumentException(op + ": x " + x.shape()
                    + " has one value per channel; batch statistics need more than one (use a larger batch)");
        }
        batchNormForwardTrainingImpl(x, gamma, beta, eps, momentum, runningMean, runningVar, y, saveMean, saveInvStd);
    }

    /** Batch normalisation with the running statistics (evaluation mode). */
    public final void batchNormForwardInference(Tensor x, Tensor gamma, Tensor beta,
                                                Tensor runningMean, Tensor runningVar, float eps, Tensor y) {
        String op = "batchNormForwardInference";
        Shape ch = batchNormChannels(op, x, gamma, beta, y);
        on(this, op, "runningMean", runningMean);
        on(this, op, "runningVar", runningVar);
        shapeIs(op, "runningMean", runningMean, ch);
        shapeIs(op, "runningVar", runningVar, ch);
        positive(op, "eps", eps);
        batchNormForwardInferenceImpl(x, gamma, beta, runningMean, runningVar, eps, y);
    }

    /** dx (assigned), dgamma and dbeta (accumulated) of training-mode batch normalisation. */
    public final void batchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor saveMean, Tensor saveInvStd,
                                        Tensor dx, Tensor dgamma, Tensor dbeta) {
        String op = "batchNormBackward";
        Shape ch = batchNormChannels(op, x, gamma, dgamma, dy);
        on(this, op, "dbeta", dbeta);
        on(this, op, "dx", dx);
        on(this, op, "saveMean", saveMean);
        on(this, op, "saveInvStd", saveInvStd);
        shapeIs(op, "dbeta", dbeta, ch);
        shapeIs(op, "saveMean", saveMean, ch);
        shapeIs(op, "saveInvStd", saveInvStd, ch);
        sameShape(op, "x", x, "dx", dx);
        batchNormBackwardImpl(x, dy, gamma, saveMean, saveInvStd, dx, dgamma, dbeta);
    }

    private Shape batchNormChannels(String op, Tensor x, Tensor gamma, Tensor beta, Tensor y) {
        on(this, op, "x", x);
        on(this, op, "gamma", gamma);
        on(this, op, "beta", beta);
        on(this, op, "y", y);
        rankAtLeast(op, "x", x, 2, "[N, C, ...]");
        Shape ch = Shape.of(x.shape().dim(1));
        shapeIs(op, "gamma", gamma, ch);
        shapeIs(op, "beta", beta, ch);
        sameShape(op, "x", x, "y", y);
        return ch;
    }

    /**
     * Layer normalisation over the last {@code gamma.numel()} elements of each row of x:
     * y = gamma * (x - mean) / sqrt(var + eps) + beta. saveMean and saveInvStd hold one value per row.
     */
    public final void layerNormForward(Tensor x, Tensor gamma, Tensor beta, float eps,
                                       Tensor y, Tensor saveMean, Tensor saveInvStd) {
        String op = "layerNormForward";
        long rows = layerNormRows(op, x, gamma, beta, y);
        on(this, op, "saveMean", saveMean);
        on(this, op, "saveInvStd", saveInvStd);
        numelAtLeast(op, "saveMean", saveMean, rows, "one value per row");
        numelAtLeast(op, "saveInvStd", saveInvStd, rows, "one value per row");
        positive(op, "eps", eps);
        layerNormForwardImpl(x, gamma, beta, eps, y, saveMean, saveInvStd);
    }

    /** dx (assigned), dgamma and dbeta (accumulated) of layer normalisation. */
    public final void layerNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor saveMean, Tensor saveInvStd,
                                        Tensor dx, Tensor dgamma, Tensor dbeta) {
        String op = "layerNormBackward";
        long rows = layerNormRows(op, x, gamma, dgamma, dy);
        on(this, op, "dbeta", dbeta);
        on(this, op, "dx", dx);
        on(this, op, "saveMean", saveMean);
        on(this, op, "saveInvStd", saveInvStd);
        sameShape(op, "gamma", gamma, "dbeta", dbeta);
        sameShape(op, "x", x, "dx", dx);
        numelAtLeast(op, "saveMean", saveMean, rows, "one value per row");
        numelAtLeast(op, "saveInvStd", saveInvStd, rows, "one value per row");
        layerNormBackwardImpl(x, dy, gamma, saveMean, saveInvStd, dx, dgamma, dbeta);
    }

    private long layerNormRows(String op, Tensor x, Tensor gamma, Tensor beta, Tensor y) {
        on(this, op, "x", x);
        on(this, op, "gamma", gamma);
        on(this, op, "beta", beta);
        on(this, op, "y", y);
        sameShape(op, "gamma", gamma, "beta", beta);
        sameShape(op, "x", x, "y", y);
        long d = gamma.numel();
        if (d == 0 || x.numel() % d != 0) {
            throw new IllegalArgumentException(op + ": x " + x.shape() + " cannot be split into rows of gamma's "
                    + gamma.shape() + " elements");
        }
        return x.numel() / d;
    }

    // ---------------------------------------------------------------- pooling and upsampling

    public final void maxPool2dForward(PoolGeometry g, Tensor x, Tensor y) {
        poolShapes("maxPool2dForward", g, x, y);
        maxPool2dForwardImpl(g, x, y);
    }

    /** dx = gradient of max pooling, routed to the first maximum of each window (assigned). */
    public final void maxPool2dBackward(PoolGeometry g, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        poolShapes("maxPool2dBackward", g, x, y);
        poolShapes("maxPool2dBackward", g, dx, dy);
        maxPool2dBackwardImpl(g, x, y, dy, dx);
    }

    public final void avgPool2dForward(PoolGeometry g, Tensor x, Tensor y) {
        poolShapes("avgPool2dForward", g, x, y);
        avgPool2dForwardImpl(g, x, y);
    }

    public final void avgPool2dBackward(PoolGeometry g, Tensor dy, Tensor dx) {
        poolShapes("avgPool2dBackward", g, dx, dy);
        avgPool2dBackwardImpl(g, dy, dx);
    }

    private void poolShapes(String op, PoolGeometry g, Tensor in, Tensor out) {
        on(this, op, "input", in);
        on(this, op, "output", out);
        shapeIs(op, "input", in, g.inputShape());
        shapeIs(op, "output", out, g.outputShape());
    }

    /** y = x resized to y's height and width; x [N, C, H, W], y [N, C, H', W']. */
    public final void upsample2dForward(UpsampleMode mode, Tensor x, Tensor y) {
        upsampleShapes("upsample2dForward", x, y);
        upsample2dForwardImpl(mode, x, y);
    }

    /** dx = gradient of {@link #upsample2dForward} (assigned). */
    public final void upsample2dBackward(UpsampleMode mode, Tensor dy, Tensor dx) {
        upsampleShapes("upsample2dBackward", dx, dy);
        upsample2dBackwardImpl(mode, dy, dx);
    }

    private void upsampleShapes(String op, Tensor small, Tensor large) {
        on(this, op, "input", small);
        on(this, op, "output", large);
        if (small.shape().rank() != 4 || large.shape().rank() != 4
                || small.shape().dim(0) != large.shape().dim(0) || small.shape().dim(1) != large.shape().dim(1)) {
            throw new IllegalArgumentException(op + ": input " + small.shape() + " and output " + large.shape()
                    + " must both be [N, C, H, W] with the same N and C");
        }
    }

    // ---------------------------------------------------------------- random numbers and dropout

    /** t = uniform numbers in [lo, hi) from Philox (seed, offset). */
    public final void randomUniform(Tensor t, long seed, long offset, float lo, float hi) {
        on(this, "randomUniform", "t", t);
        finite("randomUniform", "lo", lo);
        finite("randomUniform", "hi", hi);
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("randomUniform: lo " + lo + " is above hi " + hi);
        }
        randomUniformImpl(t, seed, offset, lo, hi);
    }

    /** t = normal numbers with the given mean and standard deviation, Box-Muller over Philox lane pairs. */
    public final void randomNormal(Tensor t, long seed, long offset, float mean, float std) {
        on(this, "randomNormal", "t", t);
        finite("randomNormal", "mean", mean);
        nonNegative("randomNormal", "std", std);
        randomNormalImpl(t, seed, offset, mean, std);
    }

    /**
     * Salt-and-pepper noise: element i of y is 0 where its Philox uniform u (seed, offset), the
     * one {@link #randomUniform} would draw for it, is below fraction / 2, 1 where u >= 1 - fraction / 2,
     * and x elsewhere. fraction is the expected share of corrupted elements, in [0, 1].
     */
    public final void saltAndPepper(Tensor x, Tensor y, float fraction, long seed, long offset) {
        on(this, "saltAndPepper", "x", x);
        on(this, "saltAndPepper", "y", y);
        sameShape("saltAndPepper", "x", x, "y", y);
        finite("saltAndPepper", "fraction", fraction);
        if (fraction < 0 || fraction > 1) {
            throw new IllegalArgumentException("saltAndPepper: fraction is " + fraction + "; it must be in [0, 1]");
        }
        saltAndPepperImpl(x, y, fraction, seed, offset);
    }

    /**
     * Inverted dropout: element i is kept where its Philox uniform (seed, offset) is >= p and then
     * scaled by 1 / (1 - p), else zeroed. Backward regenerates the same mask, so none is stored.
     */
    public final void dropoutForward(Tensor x, Tensor y, float p, long seed, long offset) {
        on(this, "dropoutForward", "x", x);
        on(this, "dropoutForward", "y", y);
        sameShape("dropoutForward", "x", x, "y", y);
        inRange("dropoutForward", "p", p, 0f, 1f);
        dropoutForwardImpl(x, y, p, seed, offset);
    }

    /** dx = dy masked and scaled exactly as the forward with the same (p, seed, offset). */
    public final void dropoutBackward(Tensor dy, Tensor dx, float p, long seed, long offset) {
        on(this, "dropoutBackward", "dy", dy);
        on(this, "dropoutBackward", "dx", dx);
        sameShape("dropoutBackward", "dy", dy, "dx", dx);
        inRange("dropoutBackward", "p", p, 0f, 1f);
        dropoutBackwardImpl(dy, dx, p, seed, offset);
    }

    // ---------------------------------------------------------------- losses

    /** out[0] = scale * sum over elements of loss(pred, target). */
    public final void lossForward(LossKind kind, Tensor pred, Tensor target, float scale, Tensor out) {
        String op = "lossForward " + kind;
        on(this, op, "pred", pred);
        on(this, op, "target", target);
        on(this, op, "out", out);
        sameShape(op, "pred", pred, "target", target);
        scalar(op, "out", out);
        finite(op, "scale", scale);
        lossForwardImpl(kind, pred, target, scale, out);
    }

    /** dpred = scale * d loss / d pred (assigned). */
    public final void lossBackward(LossKind kind, Tensor pred, Tensor target, float scale, Tensor dpred) {
        String op = "lossBackward " + kind;
        on(this, op, "pred", pred);
        on(this, op, "target", target);
        on(this, op, "dpred", dpred);
        sameShape(op, "pred", pred, "target", target);
        sameShape(op, "pred", pred, "dpred", dpred);
        finite(op, "scale", scale);
        lossBackwardImpl(kind, pred, target, scale, dpred);
    }

    /**
     * KL divergence of diagonal Gaussians to N(0, I). stats is [N, 2L]: mu in the first L
     * columns, log-variance in the last L (the layout of a Linear producing both).
     * out[0] = scale * sum of -0.5 * (1 + logvar - mu^2 - exp(logvar)).
     */
    public final void gaussianKlForward(Tensor stats, float scale, Tensor out) {
        String op = "gaussianKlForward";
        on(this, op, "stats", stats);
        on(this, op, "out", out);
        latentSize(op, stats);
        scalar(op, "out", out);
        finite(op, "scale", scale);
        gaussianKlForwardImpl(stats, scale, out);
    }

    /**
     * dstats += scale * d KL / d stats. Accumulates, unlike other activation gradients, because
     * the KL term always adds to the gradient the reparameterisation path already wrote.
     */
    public final void gaussianKlBackward(Tensor stats, float scale, Tensor dstats) {
        String op = "gaussianKlBackward";
        on(this, op, "stats", stats);
        on(this, op, "dstats", dstats);
        latentSize(op, stats);
        sameShape(op, "stats", stats, "dstats", dstats);
        finite(op, "scale", scale);
        gaussianKlBackwardImpl(stats, scale, dstats);
    }

    /** z = mu + exp(logvar / 2) * eps, with stats [N, 2L] as above and eps, z [N, L]. */
    public final void reparameterizeForward(Tensor stats, Tensor eps, Tensor z) {
        String op = "reparameterizeForward";
        reparameterizeShapes(op, stats, eps, z);
        reparameterizeForwardImpl(stats, eps, z);
    }

    /** dstats = (dz, dz * eps * exp(logvar / 2) / 2) in the [mu | logvar] layout (assigned). */
    public final void reparameterizeBackward(Tensor stats, Tensor eps, Tensor dz, Tensor dstats) {
        String op = "reparameterizeBackward";
        reparameterizeShapes(op, stats, eps, dz);
        on(this, op, "dstats", dstats);
        sameShape(op, "stats", stats, "dstats", dstats);
        reparameterizeBackwardImpl(stats, eps, dz, dstats);
    }

    private void reparameterizeShapes(String op, Tensor stats, Tensor eps, Tensor z) {
        on(this, op, "stats", stats);
        on(this, op, "eps", eps);
        on(this, op, "z", z);
        int latent = latentSize(op, stats);
        Shape zShape = Shape.of(stats.shape().dim(0), latent);
        shapeIs(op, "eps", eps, zShape);
        shapeIs(op, "z", z, zShape);
    }

    private static int latentSize(String op, Tensor stats) {
        if (stats.shape().rank() != 2 || stats.shape().dim(1) % 2 != 0) {
            throw new IllegalArgumentException(op + ": stats must be [N, 2L] (mu then logvar), got " + stats.shape());
        }
        return stats.shape().dim(1) / 2;
    }

    /**
     * The KL sparsity penalty of a sparse autoencoder, for a code [N, units...] whose values lie in
     * (0, 1) (a sigmoid layer's output): with rho_hat_j the mean over the batch of unit j,
     * out[0] = scale * sum_j (rho log(rho / rho_hat_j) + (1 - rho) log((1 - rho) / (1 - rho_hat_j))).
     * rho_hat_j is clamped to [1e-6, 1 - 1e-6], so a saturated unit costs a large finite amount.
     */
    public final void klSparsityForward(Tensor code, float rho, float scale, Tensor out) {
        String op = "klSparsityForward";
        klSparsityArguments(op, code, rho, scale);
        on(this, op, "out", out);
        scalar(op, "out", out);
        klSparsityForwardImpl(code, rho, scale, out);
    }

    /**
     * dcode += scale * d penalty / d code = scale * ((1 - rho) / (1 - rho_hat_j) - rho / rho_hat_j) / N
     * for every sample of unit j (rho_hat_j clamped as in the forward). Accumulates, like
     * {@link #gaussianKlBackward}, because the penalty adds to the gradient the decoder already
     * wrote into dcode.
     */
    public final void klSparsityBackward(Tensor code, float rho, float scale, Tensor dcode) {
        String op = "klSparsityBackward";
        klSparsityArguments(op, code, rho, scale);
        on(this, op, "dcode", dcode);
        sameShape(op, "code", code, "dcode", dcode);
        notAliased(op, "code", code, "dcode", dcode);
        klSparsityBackwardImpl(code, rho, scale, dcode);
    }

    private void klSparsityArguments(String op, Tensor code, float rho, float scale) {
        on(this, op, "code", code);
        rankAtLeast(op, "code", code, 2, "[N, units...]");
        if (code.numel() == 0) {
            throw new IllegalArgumentException(op + ": code " + code.shape() + " is empty; the batch mean is undefined");
        }
        finite(op, "rho", rho);
        if (!(rho > 0 && rho < 1)) {
            throw new IllegalArgumentException(op + ": target activation rho is " + rho + "; it must be in (0, 1)");
        }
        finite(op, "scale", scale);
    }

    // ---------------------------------------------------------------- optimizers

    /**
     * One SGD step over a flat parameter buffer, as PyTorch's SGD: g = grad + weightDecay * p;
     * with momentum, buf = g on the first step, else momentum * buf + (1 - dampening) * g, and
     * g = nesterov ? g + momentum * buf : buf; then p -= lr * g. momentumBuf may be null when
     * momentum is 0.
     */
    public final void sgdStep(Tensor param, Tensor grad, Tensor momentumBuf, float lr, float momentum,
                              float dampening, float weightDecay, boolean nesterov, boolean firstStep) {
        String op = "sgdStep";
        on(this, op, "param", param);
        on(this, op, "grad", grad);
        sameShape(op, "param", param, "grad", grad);
        nonNegative(op, "learning rate", lr);
        nonNegative(op, "momentum", momentum);
        finite(op, "dampening", dampening);
        nonNegative(op, "weight decay", weightDecay);
        if (momentum != 0f) {
            on(this, op, "momentumBuf", momentumBuf);
            sameShape(op, "param", param, "momentumBuf", momentumBuf);
        }
        if (nesterov && (momentum == 0f || dampening != 0f)) {
            throw new IllegalArgumentException(op + ": Nesterov momentum needs momentum > 0 and dampening 0");
        }
        sgdStepImpl(param, grad, momentumBuf, lr, momentum, dampening, weightDecay, nesterov, firstStep);
    }

    /**
     * One Adam step (step counts from 1) over a flat parameter buffer, as PyTorch's Adam / AdamW:
     * with decoupled weight decay (AdamW) p *= 1 - lr * weightDecay, else g = grad + weightDecay * p;
     * m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
     * p -= lr / (1 - b1^step) * m / (sqrt(v) / sqrt(1 - b2^step) + eps).
     */
    public final void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2,
                               float eps, float weightDecay, boolean decoupledWeightDecay, int step) {
        String op = decoupledWeightDecay ? "AdamW step" : "Adam step";
        on(this, op, "param", param);
        on(this, op, "grad", grad);
        on(this, op, "m", m);
        on(this, op, "v", v);
        sameShape(op, "param", param, "grad", grad);
        sameShape(op, "param", param, "m", m);
        sameShape(op, "param", param, "v", v);
        nonNegative(op, "learning rate", lr);
        inRange(op, "beta1", beta1, 0f, 1f);
        inRange(op, "beta2", beta2, 0f, 1f);
        positive(op, "eps", eps);
        nonNegative(op, "weight decay", weightDecay);
        if (step < 1) {
            throw new IllegalArgumentException(op + ": step is " + step + "; steps count from 1");
        }
        adamStepImpl(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, decoupledWeightDecay, step);
    }

    /**
     * Gradient clipping by global norm, as torch.nn.utils.clip_grad_norm_: norm = ||grad||_2,
     * stored in normOut[0]; if norm > maxNorm the gradient is scaled by maxNorm / (norm + 1e-6).
     */
    public final void clipGradNorm(Tensor grad, float maxNorm, Tensor normOut) {
        on(this, "clipGradNorm", "grad", grad);
        on(this, "clipGradNorm", "normOut", normOut);
        scalar("clipGradNorm", "normOut", normOut);
        positive("clipGradNorm", "max norm", maxNorm);
        clipGradNormImpl(grad, maxNorm, normOut);
    }

    // ---------------------------------------------------------------- implementations

    protected abstract Storage allocateStorage(DType dtype, long numel);

    protected abstract void fillImpl(Tensor t, float value);

    protected abstract void copyFromHostImpl(float[] src, int srcOffset, Tensor dst);

    protected abstract void copyToHostImpl(Tensor src, float[] dst, int dstOffset);

    protected abstract void copyImpl(Tensor src, Tensor dst);

    protected abstract void copyRowsImpl(Tensor src, int srcStep, Tensor dst, int dstStep, int rows);

    protected abstract void addImpl(Tensor a, Tensor b, Tensor out);

    protected abstract void mulImpl(Tensor a, Tensor b, Tensor out);

    protected abstract void axpbyImpl(float alpha, Tensor x, float beta, Tensor y);

    protected abstract void affineImpl(Tensor x, float scale, float shift, Tensor out);

    protected abstract void clampImpl(Tensor x, float lo, float hi, Tensor out);

    protected abstract void sumImpl(Tensor x, Tensor out);

    protected abstract void sumOfSquaresImpl(Tensor x, Tensor out);

    protected abstract void activationForwardImpl(Activation act, Tensor x, Tensor y);

    protected abstract void activationBackwardImpl(Activation act, Tensor x, Tensor y, Tensor dy, Tensor dx);

    protected abstract void biasAddImpl(Tensor y, Tensor bias);

    protected abstract void biasBackwardImpl(Tensor dy, Tensor dbias);

    protected abstract void gemmImpl(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                     Tensor a, long strideA, Tensor b, long strideB,
                                     float beta, Tensor c, long strideC, int batch);

    protected abstract void conv2dForwardImpl(ConvGeometry g, Tensor x, Tensor w, Tensor y);

    protected abstract void conv2dBackwardDataImpl(ConvGeometry g, Tensor dy, Tensor w, Tensor dx);

    protected abstract void conv2dBackwardFilterImpl(ConvGeometry g, Tensor x, Tensor dy, Tensor dw);

    protected abstract void batchNormForwardTrainingImpl(Tensor x, Tensor gamma, Tensor beta, float eps, float momentum,
                                                         Tensor runningMean, Tensor runningVar,
                                                         Tensor y, Tensor saveMean, Tensor saveInvStd);

    protected abstract void batchNormForwardInferenceImpl(Tensor x, Tensor gamma, Tensor beta,
                                                          Tensor runningMean, Tensor runningVar, float eps, Tensor y);

    protected abstract void batchNormBackwardImpl(Tensor x, Tensor dy, Tensor gamma, Tensor saveMean,
                                                  Tensor saveInvStd, Tensor dx, Tensor dgamma, Tensor dbeta);

    protected abstract void layerNormForwardImpl(Tensor x, Tensor gamma, Tensor beta, float eps,
                                                 Tensor y, Tensor saveMean, Tensor saveInvStd);

    protected abstract void layerNormBackwardImpl(Tensor x, Tensor dy, Tensor gamma, Tensor saveMean,
                                                  Tensor saveInvStd, Tensor dx, Tensor dgamma, Tensor dbeta);

    protected abstract void maxPool2dForwardImpl(PoolGeometry g, Tensor x, Tensor y);

    protected abstract void maxPool2dBackwardImpl(PoolGeometry g, Tensor x, Tensor y, Tensor dy, Tensor dx);

    protected abstract void avgPool2dForwardImpl(PoolGeometry g, Tensor x, Tensor y);

    protected abstract void avgPool2dBackwardImpl(PoolGeometry g, Tensor dy, Tensor dx);

    protected abstract void upsample2dForwardImpl(UpsampleMode mode, Tensor x, Tensor y);

    protected abstract void upsample2dBackwardImpl(UpsampleMode mode, Tensor dy, Tensor dx);

    protected abstract void randomUniformImpl(Tensor t, long seed, long offset, float lo, float hi);

    protected abstract void randomNormalImpl(Tensor t, long seed, long offset, float mean, float std);

    protected abstract void dropoutForwardImpl(Tensor x, Tensor y, float p, long seed, long offset);

    protected abstract void dropoutBackwardImpl(Tensor dy, Tensor dx, float p, long seed, long offset);

    protected abstract void saltAndPepperImpl(Tensor x, Tensor y, float fraction, long seed, long offset);

    protected abstract void lossForwardImpl(LossKind kind, Tensor pred, Tensor target, float scale, Tensor out);

    protected abstract void lossBackwardImpl(LossKind kind, Tensor pred, Tensor target, float scale, Tensor dpred);

    protected abstract void gaussianKlForwardImpl(Tensor stats, float scale, Tensor out);

    protected abstract void gaussianKlBackwardImpl(Tensor stats, float scale, Tensor dstats);

    protected abstract void reparameterizeForwardImpl(Tensor stats, Tensor eps, Tensor z);

    protected abstract void reparameterizeBackwardImpl(Tensor stats, Tensor eps, Tensor dz, Tensor dstats);

    protected abstract void klSparsityForwardImpl(Tensor code, float rho, float scale, Tensor out);

    protected abstract void klSparsityBackwardImpl(Tensor code, float rho, float scale, Tensor dcode);

    protected abstract void sgdStepImpl(Tensor param, Tensor grad, Tensor momentumBuf, float lr, float momentum,
                                        float dampening, float weightDecay, boolean nesterov, boolean firstStep);

    protected abstract void adamStepImpl(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1,
                                         float beta2, float eps, float weightDecay, boolean decoupledWeightDecay,
                                         int step);

    protected abstract void clipGradNormImpl(Tensor grad, float maxNorm, Tensor normOut);

    /** Frees what the backend itself holds (pools, workspaces, threads); tensors are freed by their owners. */
    @Override
    public abstract void close();
}
