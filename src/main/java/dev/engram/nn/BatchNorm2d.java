package dev.engram.nn;

import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

/**
 * Batch normalisation per channel, as PyTorch's nn.BatchNorm2d (and nn.BatchNorm1d on [N, C]):
 * y = weight (x - mean) / sqrt(var + eps) + bias over x [N, C, H, W] or [N, C]. In training mode
 * mean and var are the batch's (biased variance) and running_mean / running_var move towards them
 * by {@code momentum} (running_var towards the unbiased variance); in evaluation mode the running
 * statistics are used and the layer is a fixed affine map per channel. Parameters weight (1) and
 * bias (0); buffers running_mean (0) and running_var (1).
 */
public final class BatchNorm2d extends Module {
    private final int channels;
    private final float eps;
    private final float momentum;
    private final Parameter weight;
    private final Parameter bias;
    private final Parameter runningMean;
    private final Parameter runningVar;
    private final BufferSlot output = newSlot();
    private final BufferSlot inputGrad = newSlot();
    private final BufferSlot batchMeanSlot = newSlot();
    private final BufferSlot batchInvStdSlot = newSlot();
    /** [2, C]: a row of zeros and a row of ones, the constant arguments of the evaluation-mode backward. */
    private final BufferSlot zerosAndOnes = newSlot();
    private Tensor x;
    private boolean batchStatistics;
    private Tensor batchMean;
    private Tensor batchInvStd;

    public BatchNorm2d(int channels) {
        this(channels, 1e-5f, 0.1f);
    }

    public BatchNorm2d(int channels, float eps, float momentum) {
        if (channels <= 0) {
            throw new IllegalArgumentException("BatchNorm2d: channels is " + channels + "; it must be > 0");
        }
        if (!(eps > 0) || !Float.isFinite(eps)) {
            throw new IllegalArgumentException("BatchNorm2d(" + channels + "): eps is " + eps + "; it must be > 0");
        }
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("BatchNorm2d(" + channels + "): momentum is " + momentum
                    + "; it must be in [0, 1]");
        }
        this.channels = channels;
        this.eps = eps;
        this.momentum = momentum;
        weight = addParameter("weight", Shape.of(channels), Initializer.constant(1f));
        bias = addParameter("bias", Shape.of(channels), Initializer.constant(0f));
        runningMean = addBuffer("running_mean", Shape.of(channels), 0f);
        runningVar = addBuffer("running_var", Shape.of(channels), 1f);
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    public Parameter runningMean() {
        return runningMean;
    }

    public Parameter runningVar() {
        return runningVar;
    }

    @Override
    public Shape outputShape(Shape input) {
        if ((input.rank() != 2 && input.rank() != 4) || input.dim(1) != channels) {
            throw new IllegalArgumentException(this + ": input " + input + " must be [N, " + channels + ", H, W] or [N, "
                    + channels + "]");
        }
        return input;
    }

    @Override
    public Tensor forward(Tensor x) {
        Shape shape = outputShape(x.shape());
        long perChannel = x.numel() / channels;
        if (isTraining() && perChannel < 2) {
            throw new IllegalArgumentException(this + ": input " + shape + " has " + perChannel
                    + " value(s) per channel; training needs more than one for batch statistics"
                    + " (use a larger batch, or train(false) to use the running statistics)");
        }
        Tensor y = output.get(backend(), shape);
        if (isTraining()) {
            batchMean = batchMeanSlot.get(backend(), Shape.of(channels));
            batchInvStd = batchInvStdSlot.get(backend(), Shape.of(channels));
            backend().batchNormForwardTraining(x, weight.value(), bias.value(), eps, momentum,
                    runningMean.value(), runningVar.value(), y, batchMean, batchInvStd);
        } else {
            backend().batchNormForwardInference(x, weight.value(), bias.value(), runningMean.value(),
                    runningVar.value(), eps, y);
        }
        this.x = x;
        batchStatistics = isTraining();
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        Tensor x = requireForward(this.x);
        requireGradShape(dy, x.shape());
        Tensor dx = inputGrad.get(backend(), x.shape());
        if (batchStatistics) {
            backend().batchNormBackward(x, dy, weight.value(), batchMean, batchInvStd, dx, weight.grad(), bias.grad());
        } else {
            affineBackward(x, dy, dx);
        }
        return inputGradientRequired() ? dx : null;
    }

    /**
     * Backward of evaluation mode, where mean and var are constants: dweight += sum dy xhat,
     * dbias += sum dy, dx = dy weight / sqrt(running_var + eps). Composed from existing ops, with
     * dx as scratch for dy xhat before it receives its own value.
     */
    private void affineBackward(Tensor x, Tensor dy, Tensor dx) {
        Tensor constants = zerosAndOnes.get(backend(), Shape.of(2, channels));
        Tensor zeros = constants.slice(0, 1).view(channels);
        Tensor ones = constants.slice(1, 2).view(channels);
        backend().fill(zeros, 0f);
        backend().fill(ones, 1f);
        backend().batchNormForwardInference(x, ones, zeros, runningMean.value(), runningVar.value(), eps, dx);
        backend().mul(dx, dy, dx);
        backend().biasBackward(dx, weight.grad());
        backend().biasBackward(dy, bias.grad());
        if (inputGradientRequired()) {
            backend().batchNormForwardInference(dy, weight.value(), zeros, zeros, runningVar.value(), eps, dx);
        }
    }

    @Override
    public String toString() {
        return "BatchNorm2d(" + channels + ")";
    }
}
