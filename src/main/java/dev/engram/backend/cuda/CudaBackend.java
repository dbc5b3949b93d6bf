package dev.engram.backend.cuda;

import dev.engram.backend.Activation;
import dev.engram.backend.Backend;
import dev.engram.backend.ConvGeometry;
import dev.engram.backend.LossKind;
import dev.engram.backend.Philox;
import dev.engram.backend.PoolGeometry;
import dev.engram.backend.UpsampleMode;
import dev.engram.backend.cuda.StreamOp.LibraryCall;
import dev.engram.tensor.DType;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Storage;
import dev.engram.tensor.Tensor;
import jcuda.Pointer;
import jcuda.driver.CUDA_MEMCPY2D;
import jcuda.driver.CUmemorytype;
import jcuda.driver.JCudaDriver;

import java.util.Optional;

/**
 * The op set on an NVIDIA GPU: memory on the driver API through a caching allocator, GEMMs on
 * cuBLAS, convolutions, bias gradients and batch norm on cuDNN, all ordered on one stream of the
 * device's primary context. Ops are asynchronous: they return once issued; copies to the host and
 * {@link #synchronize()} wait.
 *
 * <p>Every other op launches the engine's own kernels (kernels/, listed in {@link KernelCatalog}).
 * Reductions write their per-block partials into one workspace the backend keeps, so a
 * steady-state training step takes no memory from the driver and copies nothing to the host
 * except what the caller reads ({@link #readScalar}).
 *
 * <p>Steps given to {@link #runStep} (training steps, inference batches) are replayed as CUDA
 * graphs after two warm-up steps ({@link StepGraphs}); every op goes to the stream through them.
 * {@code -Dengram.cuda.graphs=false} runs every step op by op.
 */
public final class CudaBackend extends Backend {
    /**
     * Whether "auto" may choose this backend. Every op is wired, but none has yet passed the
     * parity tests on a GPU (issue 4); until they have, only an explicit --device cuda uses it.
     */
    public static final boolean VERIFIED_ON_GPU = false;
    /** The system property that, set to false, runs training steps op by op instead of as CUDA graphs. */
    public static final String GRAPHS_PROPERTY = "engram.cuda.graphs";

    private final CudaDevice device;
    private final CudaStream stream;
    private final CachingAllocator<DeviceAddress> allocator;
    private final StepGraphs<CudaGraphs.Built> graphs;
    private final CudaBlas blas;
    private final CudaDnn dnn;
    private final CudaKernels kernels;
    /** Scratch of the reductions: REDUCTION_BLOCKS partial doubles, then the clip factor (one float). */
    private final DeviceAddress scratch;
    private final DeviceAddress partials;
    private final DeviceAddress clipFactor;
    private final Uploads uploads;
    /** Events around {@link #timeMillis}'s work. */
    private final CudaEvent timerStart;
    private final CudaEvent timerEnd;
    private long hostTransfers;
    private long hostWaits;
    private boolean closed;

    private CudaBackend(int ordinal, boolean allowTf32) {
        device = CudaDevice.open(ordinal);
        stream = new CudaStream();
        allocator = new CachingAllocator<>(new DriverMemory(), "cuda:" + ordinal);
        boolean useGraphs = !"false".equalsIgnoreCase(System.getProperty(GRAPHS_PROPERTY));
        graphs = new StepGraphs<>(new CudaGraphs(stream), allocator::operations, System.err::println,
                useGraphs ? null : "-D" + GRAPHS_PROPERTY + "=false");
        blas = new CudaBlas(stream, allowTf32, allocator, device.properties().ccMajor());
        dnn = new CudaDnn(stream, allocator, allowTf32);
        kernels = new CudaKernels(graphs::submit, device.properties().multiprocessors());
        long partialBytes = (long) CudaKernels.REDUCTION_BLOCKS * Double.BYTES;
        scratch = allocator.allocate(partialBytes + Float.BYTES);
        partials = scratch;
        clipFactor = scratch.withByteOffset(partialBytes);
        timerStart = new CudaEvent();
        timerEnd = new CudaEvent();
        uploads = new Uploads(stream);
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

    /** How many copies between host and device were issued: a steady-state step adds its input upload and loss read only. */
    public long hostTransfers() {
        return hostTransfers;
    }

    /**
     * How many times the host waited for the stream's work: synchronize, a copy to the host, a
     * timed stretch. A steady-state training step that reads its loss waits once. (Uploads wait,
     * rarely, only for the copy that last used their staging buffer, not for the stream.)
     */
    public long hostWaits() {
        return hostWaits;
    }

    /** Steps that ran as a CUDA graph (built and launched, or replayed). */
    public long graphReplays() {
        return graphs.replays();
    }

    /** Kernel nodes whose arguments changed between replays (Adam's step size, random offsets). */
    public long graphPatches() {
        return graphs.patches();
    }

    /** Why steps run op by op, or empty while they run as CUDA graphs. */
    public Optional<String> graphsOff() {
        return Optional.ofNullable(graphs.offReason());
    }

    @Override
    public void runStep(Runnable step) {
        graphs.runStep(step);
    }

    @Override
    public void synchronize() {
        graphs.hostAccess("waits for the device");
        hostWaits++;
        stream.synchronize();
    }

    /** Device time between events recorded on the stream before and after the work's ops. */
    @Override
    public double timeMillis(Runnable work) {
        graphs.hostAccess("times its work");
        timerStart.record(stream);
        work.run();
        timerEnd.record(stream);
        hostWaits++;
        timerEnd.synchronize();
        return timerEnd.millisSince(timerStart);
    }

    private static DeviceAddress ptr(Tensor t) {
        return ((CudaStorage) t.storage()).at(t.offset());
    }

    private static long bytes(Tensor t) {
        return t.numel() * Float.BYTES;
    }

    @Override
    protected Storage allocateStorage(DType dtype, long numel) {
        return new CudaStorage(numel, allocator);
    }

    /**
     * Issues {@code issue}, or records it into the step being recorded, with the arguments that
     * decide what it does (a convolution's include cuDNN's workspace, which a graph captures too).
     */
    private void library(String name, Runnable issue, Object... arguments) {
        graphs.submit(LibraryCall.of(name, issue, arguments));
    }

    @Override
    protected void fillImpl(Tensor t, float value) {
        // A float's bits as a 32-bit pattern: cuMemsetD32 fills any float value without a kernel.
        DeviceAddress p = ptr(t);
        int bits = Float.floatToRawIntBits(value);
        long n = t.numel();
        library("cuMemsetD32Async", () -> CudaStatus.driver("cuMemsetD32Async",
                JCudaDriver.cuMemsetD32Async(p, bits, n, stream.handle())), p, bits, n);
    }

    @Override
    protected void copyFromHostImpl(float[] src, int srcOffset, Tensor dst) {
        graphs.hostAccess("copies from the host");
        hostTransfers++;
        // Through pinned memory and a copy stream (Uploads): neither the host nor the compute
        // stream waits for the PCIe copy, which overlaps the step still running.
        uploads.upload(src, srcOffset, Math.toIntExact(dst.numel()), ptr(dst));
    }

    @Override
    protected void copyToHostImpl(Tensor src, float[] dst, int dstOffset) {
        graphs.hostAccess("reads device memory");
        hostTransfers++;
        CudaStatus.driver("cuMemcpyDtoHAsync", JCudaDriver.cuMemcpyDtoHAsync(
                Pointer.to(dst).withByteOffset((long) dstOffset * Float.BYTES), ptr(src), bytes(src), stream.handle()));
        hostWaits++;
        stream.synchronize();
    }

    @Override
    protected void copyImpl(Tensor src, Tensor dst) {
        DeviceAddress from = ptr(src);
        DeviceAddress to = ptr(dst);
        long bytes = bytes(src);
        library("cuMemcpyDtoDAsync", () -> CudaStatus.driver("cuMemcpyDtoDAsync",
                JCudaDriver.cuMemcpyDtoDAsync(to, from, bytes, stream.handle())), from, to, bytes);
    }

    /** One cuMemcpy2DAsync: rows of width floats at the two pitches. */
    @Override
    protected void copyRowsImpl(Tensor src, int srcStep, Tensor dst, int dstStep, int rows) {
        long rowBytes = (long) src.shape().dim(1) * Float.BYTES;
        DeviceAddress from = ptr(src);
        DeviceAddress to = ptr(dst);
        CUDA_MEMCPY2D copy = new CUDA_MEMCPY2D();
        copy.srcMemoryType = CUmemorytype.CU_MEMORYTYPE_DEVICE;
        copy.srcDevice = from;
        copy.srcPitch = srcStep * rowBytes;
        copy.dstMemoryType = CUmemorytype.CU_MEMORYTYPE_DEVICE;
        copy.dstDevice = to;
        copy.dstPitch = dstStep * rowBytes;
        copy.WidthInBytes = rowBytes;
        copy.Height = rows;
        library("cuMemcpy2DAsync", () -> CudaStatus.driver("cuMemcpy2DAsync",
                JCudaDriver.cuMemcpy2DAsync(copy, stream.handle())), from, srcStep, to, dstStep, rowBytes, rows);
    }

    @Override
    protected void gemmImpl(boolean transA, boolean transB, int m, int n, int k, float alpha, Tensor a, long strideA,
                            Tensor b, long strideB, float beta, Tensor c, long strideC, int batch) {
        DeviceAddress pa = ptr(a);
        DeviceAddress pb = ptr(b);
        DeviceAddress pc = ptr(c);
        library("cublasSgemm", () -> blas.gemm(transA, transB, m, n, k, alpha, pa, strideA, pb, strideB, beta, pc,
                strideC, batch), transA, transB, m, n, k, alpha, pa, strideA, pb, strideB, beta, pc, strideC, batch);
    }

    @Override
    protected void conv2dForwardImpl(ConvGeometry g, Tensor x, Tensor w, Tensor y) {
        DeviceAddress px = ptr(x);
        DeviceAddress pw = ptr(w);
        DeviceAddress py = ptr(y);
        library("cudnnConvolutionForward", () -> dnn.convForward(g, px, pw, py), g, px, pw, py, dnn.workspaceAddress());
    }

    @Override
    protected void conv2dBackwardDataImpl(ConvGeometry g, Tensor dy, Tensor w, Tensor dx) {
        DeviceAddress pdy = ptr(dy);
        DeviceAddress pw = ptr(w);
        DeviceAddress pdx = ptr(dx);
        library("cudnnConvolutionBackwardData", () -> dnn.convBackwardData(g, pdy, pw, pdx), g, pdy, pw, pdx,
                dnn.workspaceAddress());
    }

    @Override
    protected void conv2dBackwardFilterImpl(ConvGeometry g, Tensor x, Tensor dy, Tensor dw) {
        DeviceAddress px = ptr(x);
        DeviceAddress pdy = ptr(dy);
        DeviceAddress pdw = ptr(dw);
        library("cudnnConvolutionBackwardFilter", () -> dnn.convBackwardFilter(g, px, pdy, pdw), g, px, pdy, pdw,
                dnn.workspaceAddress());
    }

    @Override
    protected void biasAddImpl(Tensor y, Tensor bias) {
        Shape shape = y.shape();
        DeviceAddress py = ptr(y);
        DeviceAddress pb = ptr(bias);
        library("cudnnAddTensor", () -> dnn.biasAdd(shape, py, pb), shape, py, pb);
    }

    @Override
    protected void biasBackwardImpl(Tensor dy, Tensor dbias) {
        Shape shape = dy.shape();
        DeviceAddress pdy = ptr(dy);
        DeviceAddress pdb = ptr(dbias);
        library("cudnnConvolutionBackwardBias", () -> dnn.biasBackward(shape, pdy, pdb), shape, pdy, pdb);
    }

    @Override
    protected void batchNormForwardTrainingImpl(Tensor x, Tensor gamma, Tensor beta, float eps, float momentum,
                                                Tensor runningMean, Tensor runningVar, Tensor y, Tensor saveMean,
                                                Tensor saveInvStd) {
        Shape shape = x.shape();
        DeviceAddress[] p = {ptr(x), ptr(gamma), ptr(beta), ptr(runningMean), ptr(runningVar), ptr(y), ptr(saveMean),
            ptr(saveInvStd)};
        library("cudnnBatchNormalizationForwardTraining", () -> dnn.batchNormTraining(shape, p[0], p[1], p[2], eps,
                momentum, p[3], p[4], p[5], p[6], p[7]), shape, eps, momentum, p[0], p[1], p[2], p[3], p[4], p[5], p[6],
                p[7]);
    }

    @Override
    protected void batchNormForwardInferenceImpl(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean,
                                                 Tensor runningVar, float eps, Tensor y) {
        Shape shape = x.shape();
        DeviceAddress[] p = {ptr(x), ptr(gamma), ptr(beta), ptr(runningMean), ptr(runningVar), ptr(y)};
        library("cudnnBatchNormalizationForwardInference", () -> dnn.batchNormInference(shape, p[0], p[1], p[2], p[3],
                p[4], eps, p[5]), shape, eps, p[0], p[1], p[2], p[3], p[4], p[5]);
    }

    @Override
    protected void batchNormBackwardImpl(Tensor x, Tensor dy, Tensor gamma, Tensor saveMean, Tensor saveInvStd,
                                         Tensor dx, Tensor dgamma, Tensor dbeta) {
        Shape shape = x.shape();
        DeviceAddress[] p = {ptr(x), ptr(dy), ptr(gamma), ptr(saveMean), ptr(saveInvStd), ptr(dx), ptr(dgamma),
            ptr(dbeta)};
        library("cudnnBatchNormalizationBackward", () -> dnn.batchNormBackward(shape, p[0], p[1], p[2], p[3], p[4], p[5],
                p[6], p[7]), shape, p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
    }

    // ------------------------------------------------------------ elementwise and reductions (kernels/)

    @Override
    protected void addImpl(Tensor a, Tensor b, Tensor out) {
        kernels.over(a.numel(), "engram_add_f32", ptr(a), ptr(b), ptr(out), a.numel());
    }

    @Override
    protected void mulImpl(Tensor a, Tensor b, Tensor out) {
        kernels.over(a.numel(), "engram_mul_f32", ptr(a), ptr(b), ptr(out), a.numel());
    }

    @Override
    protected void axpbyImpl(float alpha, Tensor x, float beta, Tensor y) {
        kernels.over(x.numel(), "engram_axpby_f32", alpha, ptr(x), beta, ptr(y), x.numel());
    }

    @Override
    protected void affineImpl(Tensor x, float scale, float shift, Tensor out) {
        kernels.over(x.numel(), "engram_affine_f32", ptr(x), scale, shift, ptr(out), x.numel());
    }

    @Override
    protected void clampImpl(Tensor x, float lo, float hi, Tensor out) {
        kernels.over(x.numel(), "engram_clamp_f32", ptr(x), lo, hi, ptr(out), x.numel());
    }

    @Override
    protected void sumImpl(Tensor x, Tensor out) {
        reduce(x.numel(), 1f, out, "engram_sum_partial_f32", ptr(x), x.numel(), partials);
    }

    @Override
    protected void sumOfSquaresImpl(Tensor x, Tensor out) {
        reduce(x.numel(), 1f, out, "engram_sum_squares_partial_f32", ptr(x), x.numel(), partials);
    }

    /**
     * out[0] = scale * the sum over {@code n} terms: pass 1 ({@code partialKernel}, whose last
     * argument is the partials workspace) writes one double per block, pass 2 sums them in order.
     */
    private void reduce(long n, float scale, Tensor out, String partialKernel, Object... args) {
        int blocks = CudaKernels.reductionBlocks(n);
        kernels.launch(blocks, partialKernel, args);
        kernels.launch(1, "engram_reduce_finish", partials, blocks, scale, ptr(out));
    }

    // ------------------------------------------------------------ activations

    @Override
    protected void activationForwardImpl(Activation act, Tensor x, Tensor y) {
        kernels.over(x.numel(), KernelCatalog.activationForward(act.kind()).name(), ptr(x), ptr(y), x.numel(),
                act.alpha());
    }

    @Override
    protected void activationBackwardImpl(Activation act, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        kernels.over(x.numel(), KernelCatalog.activationBackward(act.kind()).name(), ptr(x), ptr(y), ptr(dy), ptr(dx),
                x.numel(), act.alpha());
    }

    // ------------------------------------------------------------ layer norm

    @Override
    protected void layerNormForwardImpl(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y, Tensor saveMean,
                                        Tensor saveInvStd) {
        long rows = x.numel() / gamma.numel();
        kernels.launch(rowBlocks(rows), "engram_layer_norm_forward_f32", ptr(x), ptr(gamma), ptr(beta), ptr(y),
                ptr(saveMean), ptr(saveInvStd), rows, (int) gamma.numel(), eps);
    }

    @Override
    protected void layerNormBackwardImpl(Tensor x, Tensor dy, Tensor gamma, Tensor saveMean, Tensor saveInvStd,
                                         Tensor dx, Tensor dgamma, Tensor dbeta) {
        long rows = x.numel() / gamma.numel();
        int d = (int) gamma.numel();
        // Parameters first: dx may be dy's or x's memory, which the parameter sums still read.
        kernels.over(d, "engram_layer_norm_backward_params_f32", ptr(x), ptr(dy), ptr(saveMean), ptr(saveInvStd),
                ptr(dgamma), ptr(dbeta), rows, d);
        kernels.launch(rowBlocks(rows), "engram_layer_norm_backward_data_f32", ptr(x), ptr(dy), ptr(gamma),
                ptr(saveMean), ptr(saveInvStd), ptr(dx), rows, d);
    }

    /** A block per row, up to a device's worth; rows grid-stride over the blocks. */
    private int rowBlocks(long rows) {
        return kernels.blocksFor(rows * KernelCatalog.THREADS_PER_BLOCK);
    }

    // ------------------------------------------------------------ pooling and upsampling

    @Override
    protected void maxPool2dForwardImpl(PoolGeometry g, Tensor x, Tensor y) {
        pool("engram_max_pool2d_forward_f32", g, y.numel(), ptr(x), ptr(y));
    }

    @Override
    protected void maxPool2dBackwardImpl(PoolGeometry g, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        pool("engram_max_pool2d_backward_f32", g, dx.numel(), ptr(x), ptr(dy), ptr(dx));
    }

    @Override
    protected void avgPool2dForwardImpl(PoolGeometry g, Tensor x, Tensor y) {
        pool("engram_avg_pool2d_forward_f32", g, y.numel(), ptr(x), ptr(y));
    }

    @Override
    protected void avgPool2dBackwardImpl(PoolGeometry g, Tensor dy, Tensor dx) {
        pool("engram_avg_pool2d_backward_f32", g, dx.numel(), ptr(dy), ptr(dx));
    }

    /** A pooling kernel over {@code work} cells: its tensors, then the geometry in the catalog's order. */
    private void pool(String name, PoolGeometry g, long work, DeviceAddress... tensors) {
        Object[] args = new Object[tensors.length + 11];
        System.arraycopy(tensors, 0, args, 0, tensors.length);
        Object[] geometry = {g.n() * g.c(), g.h(), g.w(), g.outH(), g.outW(), g.kernelH(), g.kernelW(), g.strideH(),
            g.strideW(), g.padH(), g.padW()};
        System.arraycopy(geometry, 0, args, tensors.length, geometry.length);
        kernels.over(work, name, args);
    }

    @Override
    protected void upsample2dForwardImpl(UpsampleMode mode, Tensor x, Tensor y) {
        resize(KernelCatalog.upsampleForward(mode).name(), x.shape(), y.shape(), y.numel(), ptr(x), ptr(y));
    }

    @Override
    protected void upsample2dBackwardImpl(UpsampleMode mode, Tensor dy, Tensor dx) {
        resize(KernelCatalog.upsampleBackward(mode).name(), dx.shape(), dy.shape(), dx.numel(), ptr(dy), ptr(dx));
    }

    private void resize(String name, Shape small, Shape large, long work, DeviceAddress in, DeviceAddress out) {
        kernels.over(work, name, in, out, small.dim(0) * small.dim(1), small.dim(2), small.dim(3), large.dim(2),
                large.dim(3));
    }

    // ------------------------------------------------------------ random numbers, dropout, noise

    @Override
    protected void randomUniformImpl(Tensor t, long seed, long offset, float lo, float hi) {
        kernels.over(Philox.blocks(t.numel()), "engram_random_uniform_f32", ptr(t), t.numel(), seed, offset, lo, hi);
    }

    @Override
    protected void randomNormalImpl(Tensor t, long seed, long offset, float mean, float std) {
        kernels.over(Philox.blocks(t.numel()), "engram_random_normal_f32", ptr(t), t.numel(), seed, offset, mean, std);
    }

    @Override
    protected void dropoutForwardImpl(Tensor x, Tensor y, float p, long seed, long offset) {
        kernels.over(Philox.blocks(x.numel()), "engram_dropout_f32", ptr(x), ptr(y), x.numel(), p, seed, offset);
    }

    @Override
    protected void dropoutBackwardImpl(Tensor dy, Tensor dx, float p, long seed, long offset) {
        kernels.over(Philox.blocks(dy.numel()), "engram_dropout_f32", ptr(dy), ptr(dx), dy.numel(), p, seed, offset);
    }

    @Override
    protected void saltAndPepperImpl(Tensor x, Tensor y, float fraction, long seed, long offset) {
        kernels.over(Philox.blocks(x.numel()), "engram_salt_and_pepper_f32", ptr(x), ptr(y), x.numel(), fraction, seed,
                offset);
    }

    // ------------------------------------------------------------ losses, VAE and sparsity terms

    @Override
    protected void lossForwardImpl(LossKind kind, Tensor pred, Tensor target, float scale, Tensor out) {
        reduce(pred.numel(), scale, out, KernelCatalog.lossPartial(kind).name(), ptr(pred), ptr(target), pred.numel(),
                partials);
    }

    @Override
    protected void lossBackwardImpl(LossKind kind, Tensor pred, Tensor target, float scale, Tensor dpred) {
        kernels.over(pred.numel(), KernelCatalog.lossBackward(kind).name(), ptr(pred), ptr(target), scale, ptr(dpred),
                pred.numel());
    }

    @Override
    protected void gaussianKlForwardImpl(Tensor stats, float scale, Tensor out) {
        long terms = stats.numel() / 2;
        reduce(terms, scale, out, "engram_gaussian_kl_partial_f32", ptr(stats), terms, latent(stats), partials);
    }

    @Override
    protected void gaussianKlBackwardImpl(Tensor stats, float scale, Tensor dstats) {
        long terms = stats.numel() / 2;
        kernels.over(terms, "engram_gaussian_kl_backward_f32", ptr(stats), scale, ptr(dstats), terms, latent(stats));
    }

    @Override
    protected void reparameterizeForwardImpl(Tensor stats, Tensor eps, Tensor z) {
        kernels.over(z.numel(), "engram_reparameterize_forward_f32", ptr(stats), ptr(eps), ptr(z), z.numel(),
                latent(stats));
    }

    @Override
    protected void reparameterizeBackwardImpl(Tensor stats, Tensor eps, Tensor dz, Tensor dstats) {
        kernels.over(dz.numel(), "engram_reparameterize_backward_f32", ptr(stats), ptr(eps), ptr(dz), ptr(dstats),
                dz.numel(), latent(stats));
    }

    /** L of stats [N, 2L]. */
    private static int latent(Tensor stats) {
        return stats.shape().dim(1) / 2;
    }

    @Override
    protected void klSparsityForwardImpl(Tensor code, float rho, float scale, Tensor out) {
        long rows = code.shape().dim(0);
        long units = code.numel() / rows;
        reduce(units, scale, out, "engram_kl_sparsity_partial_f32", ptr(code), rows, units, rho, partials);
    }

    @Override
    protected void klSparsityBackwardImpl(Tensor code, float rho, float scale, Tensor dcode) {
        long rows = code.shape().dim(0);
        long units = code.numel() / rows;
        kernels.over(units, "engram_kl_sparsity_backward_f32", ptr(code), ptr(dcode), rows, units, rho, scale);
    }

    // ------------------------------------------------------------ optimizers

    @Override
    protected void sgdStepImpl(Tensor param, Tensor grad, Tensor momentumBuf, float lr, float momentum, float dampening,
                               float weightDecay, boolean nesterov, boolean firstStep) {
        // Without momentum the kernel never reads the buffer, which may then be absent.
        DeviceAddress buf = momentum != 0f ? ptr(momentumBuf) : DeviceAddress.NULL;
        kernels.over(param.numel(), "engram_sgd_step_f32", ptr(param), ptr(grad), buf, param.numel(), lr, momentum,
                dampening, weightDecay, nesterov ? 1 : 0, firstStep ? 1 : 0);
    }

    @Override
    protected void adamStepImpl(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2,
                                float eps, float weightDecay, boolean decoupledWeightDecay, int step) {
        // The step's scalars in double, exactly as CpuOptimizers computes them.
        float stepSize = (float) (lr / (1 - Math.pow(beta1, step)));
        float biasCorrection2Sqrt = (float) Math.sqrt(1 - Math.pow(beta2, step));
        float decay = (float) (1.0 - (double) lr * weightDecay);
        float l2 = decoupledWeightDecay ? 0f : weightDecay;
        int decoupled = decoupledWeightDecay && weightDecay != 0f ? 1 : 0;
        kernels.over(param.numel(), "engram_adam_step_f32", ptr(param), ptr(grad), ptr(m), ptr(v), param.numel(), beta1,
                beta2, eps, stepSize, biasCorrection2Sqrt, decay, l2, decoupled);
    }

    @Override
    protected void clipGradNormImpl(Tensor grad, float maxNorm, Tensor normOut) {
        // The factor stays on the device: no host sync.
        long n = grad.numel();
        int blocks = CudaKernels.reductionBlocks(n);
        kernels.launch(blocks, "engram_sum_squares_partial_f32", ptr(grad), n, partials);
        kernels.launch(1, "engram_clip_norm_finish", partials, blocks, maxNorm, ptr(normOut), clipFactor);
        kernels.over(n, "engram_scale_by_device_factor_f32", ptr(grad), n, clipFactor);
    }

    /** Frees the handles, workspaces and cached memory, and releases the device's primary context. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stream.synchronize();
        graphs.close();
        timerStart.close();
        timerEnd.close();
        uploads.close();
        kernels.close();
        allocator.free(scratch);
        dnn.close();
        blas.close();
        allocator.close();
        stream.close();
        device.close();
    }
}
