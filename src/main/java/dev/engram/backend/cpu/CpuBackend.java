package dev.engram.backend.cpu;

import dev.engram.backend.Activation;
import dev.engram.backend.Backend;
import dev.engram.backend.ConvGeometry;
import dev.engram.backend.LossKind;
import dev.engram.backend.PoolGeometry;
import dev.engram.backend.UpsampleMode;
import dev.engram.tensor.DType;
import dev.engram.tensor.Storage;
import dev.engram.tensor.Tensor;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The pure-Java backend: the reference every other backend is tested against, and a real
 * engine in its own right (blocked SGEMM, convolutions on it, all cores). Ops run synchronously
 * on the calling thread plus the backend's worker threads.
 */
public final class CpuBackend extends Backend {
    private final AtomicLong liveBytes = new AtomicLong();
    private final CpuThreads threads;
    private final CpuElementwise elementwise;
    private final CpuRandom random;
    private final CpuGemm gemm;
    private final CpuConvolution convolution;
    private final CpuPooling pooling;
    private final CpuActivations activations;
    private final CpuNormalization normalization;
    private final CpuLosses losses;
    private final CpuSparsity sparsity;
    private final CpuOptimizers optimizers;

    /** A backend using every available processor. */
    public CpuBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public CpuBackend(int threadCount) {
        threads = new CpuThreads(threadCount);
        PointwiseKernel pointwise = PointwiseKernel.preferred();
        elementwise = new CpuElementwise(threads, pointwise);
        random = new CpuRandom(threads);
        gemm = new CpuGemm(threads);
        convolution = new CpuConvolution(threads, gemm, pointwise);
        pooling = new CpuPooling(threads);
        activations = new CpuActivations(threads, pointwise);
        normalization = new CpuNormalization(threads, pointwise);
        losses = new CpuLosses(threads, elementwise, pointwise);
        sparsity = new CpuSparsity(threads, elementwise);
        optimizers = new CpuOptimizers(threads, elementwise, pointwise);
    }

    @Override
    public String name() {
        return "cpu";
    }

    public int threadCount() {
        return threads.count();
    }

    /** Name of the GEMM micro-kernel in use ("vector ..." or "scalar ..."), for doctor and benchmarks. */
    public String gemmKernel() {
        return gemm.kernel().name();
    }

    /** The array behind a CPU tensor; use with {@link #offset(Tensor)}. */
    static float[] data(Tensor t) {
        return ((CpuStorage) t.storage()).data();
    }

    /** Index of the tensor's first element in {@link #data(Tensor)}. */
    static int offset(Tensor t) {
        return (int) t.offset();
    }

    static int size(Tensor t) {
        return (int) t.numel();
    }

    @Override
    public long liveBytes() {
        return liveBytes.get();
    }

    @Override
    public void synchronize() {
        // Every op has finished when it returns.
    }

    @Override
    protected Storage allocateStorage(DType dtype, long numel) {
        return new CpuStorage(numel, liveBytes);
    }

    @Override
    protected void fillImpl(Tensor t, float value) {
        elementwise.fill(data(t), offset(t), size(t), value);
    }

    @Override
    protected void copyFromHostImpl(float[] src, int srcOffset, Tensor dst) {
        elementwise.copy(src, srcOffset, data(dst), offset(dst), size(dst));
    }

    @Override
    protected void copyToHostImpl(Tensor src, float[] dst, int dstOffset) {
        elementwise.copy(data(src), offset(src), dst, dstOffset, size(src));
    }

    @Override
    protected void copyImpl(Tensor src, Tensor dst) {
        elementwise.copy(data(src), offset(src), data(dst), offset(dst), size(src));
    }

    @Override
    protected void copyRowsImpl(Tensor src, int srcStep, Tensor dst, int dstStep, int rows) {
        int width = src.shape().dim(1);
        float[] s = data(src);
        float[] d = data(dst);
        for (int i = 0; i < rows; i++) {
            System.arraycopy(s, offset(src) + i * srcStep * width, d, offset(dst) + i * dstStep * width, width);
        }
    }

    @Override
    protected void addImpl(Tensor a, Tensor b, Tensor out) {
        elementwise.add(data(a), offset(a), data(b), offset(b), data(out), offset(out), size(a));
    }

    @Override
    protected void mulImpl(Tensor a, Tensor b, Tensor out) {
        elementwise.mul(data(a), offset(a), data(b), offset(b), data(out), offset(out), size(a));
    }

    @Override
    protected void axpbyImpl(float alpha, Tensor x, float beta, Tensor y) {
        elementwise.axpby(alpha, data(x), offset(x), beta, data(y), offset(y), size(x));
    }

    @Override
    protected void affineImpl(Tensor x, float scale, float shift, Tensor out) {
        elementwise.affine(data(x), offset(x), scale, shift, data(out), offset(out), size(x));
    }

    @Override
    protected void clampImpl(Tensor x, float lo, float hi, Tensor out) {
        elementwise.clamp(data(x), offset(x), lo, hi, data(out), offset(out), size(x));
    }

    @Override
    protected void sumImpl(Tensor x, Tensor out) {
        data(out)[offset(out)] = (float) elementwise.sum(data(x), offset(x), size(x));
    }

    @Override
    protected void sumOfSquaresImpl(Tensor x, Tensor out) {
        data(out)[offset(out)] = (float) elementwise.sumOfSquares(data(x), offset(x), size(x));
    }

    @Override
    protected void activationForwardImpl(Activation act, Tensor x, Tensor y) {
        activations.forward(act, x, y);
    }

    @Override
    protected void activationBackwardImpl(Activation act, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        activations.backward(act, x, y, dy, dx);
    }

    @Override
    protected void biasAddImpl(Tensor y, Tensor bias) {
        convolution.biasAdd(y, bias);
    }

    @Override
    protected void biasBackwardImpl(Tensor dy, Tensor dbias) {
        convolution.biasBackward(dy, dbias);
    }

    @Override
    protected void gemmImpl(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            Tensor a, long strideA, Tensor b, long strideB, float beta, Tensor c, long strideC,
                            int batch) {
        gemm.gemmStridedBatched(transA, transB, m, n, k, alpha, data(a), offset(a), strideA, data(b), offset(b), strideB,
                beta, data(c), offset(c), strideC, batch);
    }

    @Override
    protected void conv2dForwardImpl(ConvGeometry g, Tensor x, Tensor w, Tensor y) {
        convolution.forward(g, x, w, y);
    }

    @Override
    protected void conv2dBackwardDataImpl(ConvGeometry g, Tensor dy, Tensor w, Tensor dx) {
        convolution.backwardData(g, dy, w, dx);
    }

    @Override
    protected void conv2dBackwardFilterImpl(ConvGeometry g, Tensor x, Tensor dy, Tensor dw) {
        convolution.backwardFilter(g, x, dy, dw);
    }

    @Override
    protected void batchNormForwardTrainingImpl(Tensor x, Tensor gamma, Tensor beta, float eps, float momentum,
                                                Tensor runningMean, Tensor runningVar, Tensor y, Tensor saveMean,
                                                Tensor saveInvStd) {
        normalization.batchNormTraining(x, gamma, beta, eps, momentum, runningMean, runningVar, y, saveMean, saveInvStd);
    }

    @Override
    protected void batchNormForwardInferenceImpl(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean,
                                                 Tensor runningVar, float eps, Tensor y) {
        normalization.batchNormInference(x, gamma, beta, runningMean, runningVar, eps, y);
    }

    @Override
    protected void batchNormBackwardImpl(Tensor x, Tensor dy, Tensor gamma, Tensor saveMean, Tensor saveInvStd,
                                         Tensor dx, Tensor dgamma, Tensor dbeta) {
        normalization.batchNormBackward(x, dy, gamma, saveMean, saveInvStd, dx, dgamma, dbeta);
    }

    @Override
    protected void layerNormForwardImpl(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y, Tensor saveMean,
                                        Tensor saveInvStd) {
        normalization.layerNormForward(x, gamma, beta, eps, y, saveMean, saveInvStd);
    }

    @Override
    protected void layerNormBackwardImpl(Tensor x, Tensor dy, Tensor gamma, Tensor saveMean, Tensor saveInvStd,
                                         Tensor dx, Tensor dgamma, Tensor dbeta) {
        normalization.layerNormBackward(x, dy, gamma, saveMean, saveInvStd, dx, dgamma, dbeta);
    }

    @Override
    protected void maxPool2dForwardImpl(PoolGeometry g, Tensor x, Tensor y) {
        pooling.maxForward(g, x, y);
    }

    @Override
    protected void maxPool2dBackwardImpl(PoolGeometry g, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        pooling.maxBackward(g, x, y, dy, dx);
    }

    @Override
    protected void avgPool2dForwardImpl(PoolGeometry g, Tensor x, Tensor y) {
        pooling.avgForward(g, x, y);
    }

    @Override
    protected void avgPool2dBackwardImpl(PoolGeometry g, Tensor dy, Tensor dx) {
        pooling.avgBackward(g, dy, dx);
    }

    @Override
    protected void upsample2dForwardImpl(UpsampleMode mode, Tensor x, Tensor y) {
        pooling.upsampleForward(mode, x, y);
    }

    @Override
    protected void upsample2dBackwardImpl(UpsampleMode mode, Tensor dy, Tensor dx) {
        pooling.upsampleBackward(mode, dy, dx);
    }

    @Override
    protected void randomUniformImpl(Tensor t, long seed, long offset, float lo, float hi) {
        random.uniform(data(t), offset(t), size(t), seed, offset, lo, hi);
    }

    @Override
    protected void randomNormalImpl(Tensor t, long seed, long offset, float mean, float std) {
        random.normal(data(t), offset(t), size(t), seed, offset, mean, std);
    }

    @Override
    protected void dropoutForwardImpl(Tensor x, Tensor y, float p, long seed, long offset) {
        random.dropout(data(x), offset(x), data(y), offset(y), size(x), p, seed, offset);
    }

    @Override
    protected void dropoutBackwardImpl(Tensor dy, Tensor dx, float p, long seed, long offset) {
        random.dropout(data(dy), offset(dy), data(dx), offset(dx), size(dy), p, seed, offset);
    }

    @Override
    protected void saltAndPepperImpl(Tensor x, Tensor y, float fraction, long seed, long offset) {
        random.saltAndPepper(data(x), offset(x), data(y), offset(y), size(x), fraction, seed, offset);
    }

    @Override
    protected void lossForwardImpl(LossKind kind, Tensor pred, Tensor target, float scale, Tensor out) {
        losses.lossForward(kind, pred, target, scale, out);
    }

    @Override
    protected void lossBackwardImpl(LossKind kind, Tensor pred, Tensor target, float scale, Tensor dpred) {
        losses.lossBackward(kind, pred, target, scale, dpred);
    }

    @Override
    protected void gaussianKlForwardImpl(Tensor stats, float scale, Tensor out) {
        losses.klForward(stats, scale, out);
    }

    @Override
    protected void gaussianKlBackwardImpl(Tensor stats, float scale, Tensor dstats) {
        losses.klBackward(stats, scale, dstats);
    }

    @Override
    protected void reparameterizeForwardImpl(Tensor stats, Tensor eps, Tensor z) {
        losses.reparameterizeForward(stats, eps, z);
    }

    @Override
    protected void reparameterizeBackwardImpl(Tensor stats, Tensor eps, Tensor dz, Tensor dstats) {
        losses.reparameterizeBackward(stats, eps, dz, dstats);
    }

    @Override
    protected void klSparsityForwardImpl(Tensor code, float rho, float scale, Tensor out) {
        sparsity.forward(code, rho, scale, out);
    }

    @Override
    protected void klSparsityBackwardImpl(Tensor code, float rho, float scale, Tensor dcode) {
        sparsity.backward(code, rho, scale, dcode);
    }

    @Override
    protected void sgdStepImpl(Tensor param, Tensor grad, Tensor momentumBuf, float lr, float momentum,
                               float dampening, float weightDecay, boolean nesterov, boolean firstStep) {
        optimizers.sgd(param, grad, momentumBuf, lr, momentum, dampening, weightDecay, nesterov, firstStep);
    }

    @Override
    protected void adamStepImpl(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2,
                                float eps, float weightDecay, boolean decoupledWeightDecay, int step) {
        optimizers.adam(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, decoupledWeightDecay, step);
    }

    @Override
    protected void clipGradNormImpl(Tensor grad, float maxNorm, Tensor normOut) {
        optimizers.clipGradNorm(grad, maxNorm, normOut);
    }

    @Override
    public void close() {
        threads.close();
    }
}
