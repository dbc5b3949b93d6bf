package dev.engram.backend.cuda;

import dev.engram.backend.Activation;
import dev.engram.backend.Backend;
import dev.engram.backend.ConvGeometry;
import dev.engram.backend.LossKind;
import dev.engram.backend.PoolGeometry;
import dev.engram.backend.UpsampleMode;
import dev.engram.tensor.DType;
import dev.engram.tensor.Storage;
import dev.engram.tensor.Tensor;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

/**
 * The op set on an NVIDIA GPU: memory on the driver API through a caching allocator, GEMMs on
 * cuBLAS, convolutions, bias gradients and batch norm on cuDNN, all ordered on one stream of the
 * device's primary context. Ops are asynchronous: they return once issued; copies to the host and
 * {@link #synchronize()} wait.
 *
 * <p>Ops that need the engine's own kernels (kernels/) throw UnsupportedOperationException until
 * those are wired in.
 */
public final class CudaBackend extends Backend {
    /**
     * False while some ops still throw "kernels not wired yet": "auto" then keeps to the CPU, so
     * that training on a GPU host does not stop at the first such op.
     */
    public static final boolean RUNS_EVERY_OP = false;

    private final CudaDevice device;
    private final CudaStream stream;
    private final CachingAllocator<CUdeviceptr> allocator;
    private final CudaBlas blas;
    private final CudaDnn dnn;
    private boolean closed;

    private CudaBackend(int ordinal, boolean allowTf32) {
        device = CudaDevice.open(ordinal);
        stream = new CudaStream();
        allocator = new CachingAllocator<>(new DriverMemory(), "cuda:" + ordinal);
        blas = new CudaBlas(stream, allowTf32);
        dnn = new CudaDnn(stream, allocator, allowTf32);
    }

    /**
     * The backend on device {@code ordinal}; {@code allowTf32} lets fp32 GEMMs and convolutions use
     * TF32 tensor cores (PyTorch's default). Refuses, with the reason, where CUDA cannot be used.
     */
    public static CudaBackend open(int ordinal, boolean allowTf32) {
        Availability a = CudaLibraries.all();
        if (!a.available()) {
            throw new IllegalStateException("device cuda:" + ordinal + " is not available: " + a.detail()
                    + "; use --device cpu");
        }
        return new CudaBackend(ordinal, allowTf32);
    }

    @Override
    public String name() {
        return "cuda:" + device.ordinal();
    }

    public CudaDevice device() {
        return device;
    }

    @Override
    public long liveBytes() {
        return allocator.liveBytes();
    }

    /** The most device memory live tensors (and workspaces) held at once. */
    public long peakBytes() {
        return allocator.peakBytes();
    }

    /** How many times device memory was taken from the driver: constant over steady-state training steps. */
    public long driverAllocations() {
        return allocator.driverAllocations();
    }

    @Override
    public void synchronize() {
        stream.synchronize();
    }

    private static CUdeviceptr ptr(Tensor t) {
        return ((CudaStorage) t.storage()).at(t.offset());
    }

    private static long bytes(Tensor t) {
        return t.numel() * Float.BYTES;
    }

    @Override
    protected Storage allocateStorage(DType dtype, long numel) {
        return new CudaStorage(numel, allocator);
    }

    @Override
    protected void fillImpl(Tensor t, float value) {
        // A float's bits as a 32-bit pattern: cuMemsetD32 fills any float value without a kernel.
        CudaStatus.driver("cuMemsetD32Async", JCudaDriver.cuMemsetD32Async(ptr(t), Float.floatToRawIntBits(value),
                t.numel(), stream.handle()));
    }

    @Override
    protected void copyFromHostImpl(float[] src, int srcOffset, Tensor dst) {
        // Ordered on the stream, then waited for: JCuda lets go of the Java array when the call
        // returns, so the copy must be complete by then. (Overlapped uploads need pinned buffers.)
        CudaStatus.driver("cuMemcpyHtoDAsync", JCudaDriver.cuMemcpyHtoDAsync(ptr(dst),
                Pointer.to(src).withByteOffset((long) srcOffset * Float.BYTES), bytes(dst), stream.handle()));
        stream.synchronize();
    }

    @Override
    protected void copyToHostImpl(Tensor src, float[] dst, int dstOffset) {
        CudaStatus.driver("cuMemcpyDtoHAsync", JCudaDriver.cuMemcpyDtoHAsync(
                Pointer.to(dst).withByteOffset((long) dstOffset * Float.BYTES), ptr(src), bytes(src), stream.handle()));
        stream.synchronize();
    }

    @Override
    protected void copyImpl(Tensor src, Tensor dst) {
        CudaStatus.driver("cuMemcpyDtoDAsync", JCudaDriver.cuMemcpyDtoDAsync(ptr(dst), ptr(src), bytes(src),
                stream.handle()));
    }

    @Override
    protected void gemmImpl(boolean transA, boolean transB, int m, int n, int k, float alpha, Tensor a, long strideA,
                            Tensor b, long strideB, float beta, Tensor c, long strideC, int batch) {
        blas.gemm(transA, transB, m, n, k, alpha, ptr(a), strideA, ptr(b), strideB, beta, ptr(c), strideC, batch);
    }

    @Override
    protected void conv2dForwardImpl(ConvGeometry g, Tensor x, Tensor w, Tensor y) {
        dnn.convForward(g, ptr(x), ptr(w), ptr(y));
    }

    @Override
    protected void conv2dBackwardDataImpl(ConvGeometry g, Tensor dy, Tensor w, Tensor dx) {
        dnn.convBackwardData(g, ptr(dy), ptr(w), ptr(dx));
    }

    @Override
    protected void conv2dBackwardFilterImpl(ConvGeometry g, Tensor x, Tensor dy, Tensor dw) {
        dnn.convBackwardFilter(g, ptr(x), ptr(dy), ptr(dw));
    }

    @Override
    protected void biasAddImpl(Tensor y, Tensor bias) {
        dnn.biasAdd(y.shape(), ptr(y), ptr(bias));
    }

    @Override
    protected void biasBackwardImpl(Tensor dy, Tensor dbias) {
        dnn.biasBackward(dy.shape(), ptr(dy), ptr(dbias));
    }

    @Override
    protected void batchNormForwardTrainingImpl(Tensor x, Tensor gamma, Tensor beta, float eps, float momentum,
                                                Tensor runningMean, Tensor runningVar, Tensor y, Tensor saveMean,
                                                Tensor saveInvStd) {
        dnn.batchNormTraining(x.shape(), ptr(x), ptr(gamma), ptr(beta), eps, momentum, ptr(runningMean),
                ptr(runningVar), ptr(y), ptr(saveMean), ptr(saveInvStd));
    }

    @Override
    protected void batchNormForwardInferenceImpl(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean,
                                                 Tensor runningVar, float eps, Tensor y) {
        dnn.batchNormInference(x.shape(), ptr(x), ptr(gamma), ptr(beta), ptr(runningMean), ptr(runningVar), eps, ptr(y));
    }

    @Override
    protected void batchNormBackwardImpl(Tensor x, Tensor dy, Tensor gamma, Tensor saveMean, Tensor saveInvStd,
                                         Tensor dx, Tensor dgamma, Tensor dbeta) {
        dnn.batchNormBackward(x.shape(), ptr(x), ptr(dy), ptr(gamma), ptr(saveMean), ptr(saveInvStd), ptr(dx),
                ptr(dgamma), ptr(dbeta));
    }

    // ------------------------------------------------------------ ops that need the engine's kernels

    private static UnsupportedOperationException notWired(String op) {
        return new UnsupportedOperationException("CUDA op " + op + ": kernels not wired yet");
    }

    @Override
    protected void saltAndPepperImpl(Tensor x, Tensor y, float fraction, long seed, long offset) {
        throw notWired("saltAndPepper");
    }

    @Override
    protected void klSparsityForwardImpl(Tensor code, float rho, float scale, Tensor out) {
        throw notWired("klSparsityForward");
    }

    @Override
    protected void klSparsityBackwardImpl(Tensor code, float rho, float scale, Tensor dcode) {
        throw notWired("klSparsityBackward");
    }

    @Override
    protected void addImpl(Tensor a, Tensor b, Tensor out) {
        throw notWired("add");
    }

    @Override
    protected void mulImpl(Tensor a, Tensor b, Tensor out) {
        throw notWired("mul");
    }

    @Override
    protected void axpbyImpl(float alpha, Tensor x, float beta, Tensor y) {
        throw notWired("axpby");
    }

    @Override
    protected void affineImpl(Tensor x, float scale, float shift, Tensor out) {
        throw notWired("affine");
    }

    @Override
    protected void clampImpl(Tensor x, float lo, float hi, Tensor out) {
        throw notWired("clamp");
    }

    @Override
    protected void sumImpl(Tensor x, Tensor out) {
        throw notWired("sum");
    }

    @Override
    protected void sumOfSquaresImpl(Tensor x, Tensor out) {
        throw notWired("sumOfSquares");
    }

    @Override
    protected void activationForwardImpl(Activation act, Tensor x, Tensor y) {
        throw notWired("activationForward");
    }

    @Override
    protected void activationBackwardImpl(Activation act, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        throw notWired("activationBackward");
    }

    @Override
    protected void layerNormForwardImpl(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y, Tensor saveMean,
                                        Tensor saveInvStd) {
        throw notWired("layerNormForward");
    }

    @Override
    protected void layerNormBackwardImpl(Tensor x, Tensor dy, Tensor gamma, Tensor saveMean, Tensor saveInvStd,
                                         Tensor dx, Tensor dgamma, Tensor dbeta) {
        throw notWired("layerNormBackward");
    }

    @Override
    protected void maxPool2dForwardImpl(PoolGeometry g, Tensor x, Tensor y) {
        throw notWired("maxPool2dForward");
    }

    @Override
    protected void maxPool2dBackwardImpl(PoolGeometry g, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        throw notWired("maxPool2dBackward");
    }

    @Override
    protected void avgPool2dForwardImpl(PoolGeometry g, Tensor x, Tensor y) {
        throw notWired("avgPool2dForward");
    }

    @Override
    protected void avgPool2dBackwardImpl(PoolGeometry g, Tensor dy, Tensor dx) {
        throw notWired("avgPool2dBackward");
    }

    @Override
    protected void upsample2dForwardImpl(UpsampleMode mode, Tensor x, Tensor y) {
        throw notWired("upsample2dForward");
    }

    @Override
    protected void upsample2dBackwardImpl(UpsampleMode mode, Tensor dy, Tensor dx) {
        throw notWired("upsample2dBackward");
    }

    @Override
    protected void randomUniformImpl(Tensor t, long seed, long offset, float lo, float hi) {
        throw notWired("randomUniform");
    }

    @Override
    protected void randomNormalImpl(Tensor t, long seed, long offset, float mean, float std) {
        throw notWired("randomNormal");
    }

    @Override
    protected void dropoutForwardImpl(Tensor x, Tensor y, float p, long seed, long offset) {
        throw notWired("dropoutForward");
    }

    @Override
    protected void dropoutBackwardImpl(Tensor dy, Tensor dx, float p, long seed, long offset) {
        throw notWired("dropoutBackward");
    }

    @Override
    protected void lossForwardImpl(LossKind kind, Tensor pred, Tensor target, float scale, Tensor out) {
        throw notWired("lossForward");
    }

    @Override
    protected void lossBackwardImpl(LossKind kind, Tensor pred, Tensor target, float scale, Tensor dpred) {
        throw notWired("lossBackward");
    }

    @Override
    protected void gaussianKlForwardImpl(Tensor stats, float scale, Tensor out) {
        throw notWired("gaussianKlForward");
    }

    @Override
    protected void gaussianKlBackwardImpl(Tensor stats, float scale, Tensor dstats) {
        throw notWired("gaussianKlBackward");
    }

    @Override
    protected void reparameterizeForwardImpl(Tensor stats, Tensor eps, Tensor z) {
        throw notWired("reparameterizeForward");
    }

    @Override
    protected void reparameterizeBackwardImpl(Tensor stats, Tensor eps, Tensor dz, Tensor dstats) {
        throw notWired("reparameterizeBackward");
    }

    @Override
    protected void sgdStepImpl(Tensor param, Tensor grad, Tensor momentumBuf, float lr, float momentum, float dampening,
                               float weightDecay, boolean nesterov, boolean firstStep) {
        throw notWired("sgdStep");
    }

    @Override
    protected void adamStepImpl(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2,
                                float eps, float weightDecay, boolean decoupledWeightDecay, int step) {
        throw notWired("adamStep");
    }

    @Override
    protected void clipGradNormImpl(Tensor grad, float maxNorm, Tensor normOut) {
        throw notWired("clipGradNorm");
    }

    /** Frees the handles, workspaces and cached memory, and releases the device's primary context. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stream.synchronize();
        dnn.close();
        blas.close();
        allocator.close();
        stream.close();
        device.close();
    }
}
