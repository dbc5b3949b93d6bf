package dev.engram.backend.cuda;

import dev.engram.backend.ConvGeometry;
import dev.engram.tensor.Shape;
import jcuda.Pointer;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnBatchNormMode;
import jcuda.jcudnn.cudnnConvolutionBwdDataAlgoPerf;
import jcuda.jcudnn.cudnnConvolutionBwdFilterAlgoPerf;
import jcuda.jcudnn.cudnnConvolutionDescriptor;
import jcuda.jcudnn.cudnnConvolutionFwdAlgoPerf;
import jcuda.jcudnn.cudnnConvolutionMode;
import jcuda.jcudnn.cudnnDataType;
import jcuda.jcudnn.cudnnFilterDescriptor;
import jcuda.jcudnn.cudnnHandle;
import jcuda.jcudnn.cudnnMathType;
import jcuda.jcudnn.cudnnTensorDescriptor;
import jcuda.jcudnn.cudnnTensorFormat;

import java.util.HashMap;
import java.util.Map;

/**
 * Convolutions, bias gradients and batch normalisation of the CUDA backend on cuDNN, on the
 * backend's stream. Descriptors are made once per shape; each convolution direction picks its
 * algorithm once per geometry with cudnnFind*AlgorithmEx (timed on the real buffers) and keeps it.
 * The workspace is one block of the allocator that grows to the largest need seen.
 */
final class CudaDnn implements AutoCloseable {
    /** cuDNN refuses batch-norm epsilons below CUDNN_BN_MIN_EPSILON. */
    static final double MIN_BN_EPSILON = 1e-5;
    /** The most workspace an algorithm search may try, so the search itself cannot run out of memory. */
    private static final long SEARCH_WORKSPACE = 256L << 20;
    private static final int MAX_ALGOS = 16;

    /** The descriptors and chosen algorithms of one geometry (-1: not searched yet). */
    private static final class Plan {
        final cudnnTensorDescriptor x = new cudnnTensorDescriptor();
        final cudnnTensorDescriptor y = new cudnnTensorDescriptor();
        final cudnnFilterDescriptor w = new cudnnFilterDescriptor();
        final cudnnConvolutionDescriptor conv = new cudnnConvolutionDescriptor();
        int forward = -1;
        long forwardBytes;
        int backwardData = -1;
        long backwardDataBytes;
        int backwardFilter = -1;
        long backwardFilterBytes;
    }

    private final cudnnHandle handle = new cudnnHandle();
    private final CachingAllocator<DeviceAddress> allocator;
    private final boolean allowTf32;
    private final Map<ConvGeometry, Plan> plans = new HashMap<>();
    private final Map<Shape, cudnnTensorDescriptor> tensors = new HashMap<>();
    private DeviceAddress workspace;
    private long workspaceBytes;
    private boolean closed;

    private static final Pointer ONE = Pointer.to(new float[] {1f});
    private static final Pointer ZERO = Pointer.to(new float[] {0f});

    CudaDnn(CudaStream stream, CachingAllocator<DeviceAddress> allocator, boolean allowTf32) {
        this.allocator = allocator;
        this.allowTf32 = allowTf32;
        CudaStatus.cudnn("cudnnCreate", JCudnn.cudnnCreate(handle));
        CudaStatus.cudnn("cudnnSetStream", JCudnn.cudnnSetStream(handle, stream.runtimeHandle()));
    }

    void convForward(ConvGeometry g, Pointer x, Pointer w, Pointer y) {
        Plan p = plan(g);
        if (p.forward < 0) {
            cudnnConvolutionFwdAlgoPerf[] perf = new cudnnConvolutionFwdAlgoPerf[MAX_ALGOS];
            for (int i = 0; i < perf.length; i++) {
                perf[i] = new cudnnConvolutionFwdAlgoPerf();
            }
            int[] found = new int[1];
            DeviceAddress ws = searchWorkspace();
            CudaStatus.cudnn("cudnnFindConvolutionForwardAlgorithmEx", JCudnn.cudnnFindConvolutionForwardAlgorithmEx(handle,
                    p.x, x, p.w, w, p.conv, p.y, y, perf.length, found, perf, ws, workspaceBytes));
            int best = best(found[0], i -> perf[i].status, "forward", g);
            p.forward = perf[best].algo;
            p.forwardBytes = perf[best].memory;
        }
        CudaStatus.cudnn("cudnnConvolutionForward", JCudnn.cudnnConvolutionForward(handle, ONE, p.x, x, p.w, w, p.conv,
                p.forward, workspace(p.forwardBytes), p.forwardBytes, ZERO, p.y, y));
    }

    /** dx = conv backward data (assigned). */
    void convBackwardData(ConvGeometry g, Pointer dy, Pointer w, Pointer dx) {
        Plan p = plan(g);
        if (p.backwardData < 0) {
            cudnnConvolutionBwdDataAlgoPerf[] perf = new cudnnConvolutionBwdDataAlgoPerf[MAX_ALGOS];
            for (int i = 0; i < perf.length; i++) {
                perf[i] = new cudnnConvolutionBwdDataAlgoPerf();
            }
            int[] found = new int[1];
            DeviceAddress ws = searchWorkspace();
            CudaStatus.cudnn("cudnnFindConvolutionBackwardDataAlgorithmEx",
                    JCudnn.cudnnFindConvolutionBackwardDataAlgorithmEx(handle, p.w, w, p.y, dy, p.conv, p.x, dx,
                            perf.length, found, perf, ws, workspaceBytes));
            int best = best(found[0], i -> perf[i].status, "backward-data", g);
            p.backwardData = perf[best].algo;
            p.backwardDataBytes = perf[best].memory;
        }
        CudaStatus.cudnn("cudnnConvolutionBackwardData", JCudnn.cudnnConvolutionBackwardData(handle, ONE, p.w, w, p.y, dy,
                p.conv, p.backwardData, workspace(p.backwardDataBytes), p.backwardDataBytes, ZERO, p.x, dx));
    }

    /** dw += conv backward filter. The search writes its trials to a scratch block, not to dw. */
    void convBackwardFilter(ConvGeometry g, Pointer x, Pointer dy, Pointer dw) {
        Plan p = plan(g);
        if (p.backwardFilter < 0) {
            cudnnConvolutionBwdFilterAlgoPerf[] perf = new cudnnConvolutionBwdFilterAlgoPerf[MAX_ALGOS];
            for (int i = 0; i < perf.length; i++) {
                perf[i] = new cudnnConvolutionBwdFilterAlgoPerf();
            }
            int[] found = new int[1];
            DeviceAddress ws = searchWorkspace();
            DeviceAddress scratch = allocator.allocate(g.weightShape().numel() * Float.BYTES);
            try {
                CudaStatus.cudnn("cudnnFindConvolutionBackwardFilterAlgorithmEx",
                        JCudnn.cudnnFindConvolutionBackwardFilterAlgorithmEx(handle, p.x, x, p.y, dy, p.conv, p.w, scratch,
                                perf.length, found, perf, ws, workspaceBytes));
            } finally {
                allocator.free(scratch);
            }
            int best = best(found[0], i -> perf[i].status, "backward-filter", g);
            p.backwardFilter = perf[best].algo;
            p.backwardFilterBytes = perf[best].memory;
        }
        CudaStatus.cudnn("cudnnConvolutionBackwardFilter", JCudnn.cudnnConvolutionBackwardFilter(handle, ONE, p.x, x, p.y,
                dy, p.conv, p.backwardFilter, workspace(p.backwardFilterBytes), p.backwardFilterBytes, ONE, p.w, dw));
    }

    /** y[n, c, ...] += bias[c]. */
    void biasAdd(Shape y, Pointer yp, Pointer bias) {
        CudaStatus.cudnn("cudnnAddTensor", JCudnn.cudnnAddTensor(handle, ONE, tensor(channels(y)), bias, ONE,
                tensor(as4d(y)), yp));
    }

    /** dbias[c] += sum of dy[n, c, ...]. */
    void biasBackward(Shape dy, Pointer dyp, Pointer dbias) {
        CudaStatus.cudnn("cudnnConvolutionBackwardBias", JCudnn.cudnnConvolutionBackwardBias(handle, ONE,
                tensor(as4d(dy)), dyp, ONE, tensor(channels(dy)), dbias));
    }

    void batchNormTraining(Shape x, Pointer xp, Pointer gamma, Pointer beta, double eps, double momentum,
                           Pointer runningMean, Pointer runningVar, Pointer y, Pointer saveMean, Pointer saveInvStd) {
        checkEpsilon(eps);
        cudnnTensorDescriptor d = tensor(as4d(x));
        CudaStatus.cudnn("cudnnBatchNormalizationForwardTraining", JCudnn.cudnnBatchNormalizationForwardTraining(handle,
                cudnnBatchNormMode.CUDNN_BATCHNORM_SPATIAL, ONE, ZERO, d, xp, d, y, tensor(channels(x)), gamma, beta,
                momentum, runningMean, runningVar, eps, saveMean, saveInvStd));
    }

    void batchNormInference(Shape x, Pointer xp, Pointer gamma, Pointer beta, Pointer runningMean, Pointer runningVar,
                            double eps, Pointer y) {
        checkEpsilon(eps);
        cudnnTensorDescriptor d = tensor(as4d(x));
        CudaStatus.cudnn("cudnnBatchNormalizationForwardInference", JCudnn.cudnnBatchNormalizationForwardInference(handle,
                cudnnBatchNormMode.CUDNN_BATCHNORM_SPATIAL, ONE, ZERO, d, xp, d, y, tensor(channels(x)), gamma, beta,
                runningMean, runningVar, eps));
    }

    /**
     * dx assigned, dgamma and dbeta accumulated (beta of the parameter gradients is 1). cuDNN reads
     * epsilon only when no saved statistics are given; they always are here.
     */
    void batchNormBackward(Shape x, Pointer xp, Pointer dy, Pointer gamma, Pointer saveMean, Pointer saveInvStd,
                           Pointer dx, Pointer dgamma, Pointer dbeta) {
        cudnnTensorDescriptor d = tensor(as4d(x));
        CudaStatus.cudnn("cudnnBatchNormalizationBackward", JCudnn.cudnnBatchNormalizationBackward(handle,
                cudnnBatchNormMode.CUDNN_BATCHNORM_SPATIAL, ONE, ZERO, ONE, ONE, d, xp, d, dy, d, dx,
                tensor(channels(x)), gamma, dgamma, dbeta, MIN_BN_EPSILON, saveMean, saveInvStd));
    }

    private static void checkEpsilon(double eps) {
        if (eps < MIN_BN_EPSILON) {
            throw new UnsupportedOperationException("CUDA batch norm: eps " + eps + " is below cuDNN's minimum "
                    + MIN_BN_EPSILON + " and no kernel of our own is wired yet; use eps >= 1e-5");
        }
    }

    private interface Status {
        int of(int index);
    }

    private static int best(int found, Status status, String direction, ConvGeometry g) {
        for (int i = 0; i < found; i++) {
            if (status.of(i) == 0) {
                return i; // results come sorted by time
            }
        }
        throw new CudaException("cuDNN found no " + direction + " convolution algorithm for " + g);
    }

    private Plan plan(ConvGeometry g) {
        Plan p = plans.get(g);
        if (p != null) {
            return p;
        }
        p = new Plan();
        int f = cudnnTensorFormat.CUDNN_TENSOR_NCHW;
        int t = cudnnDataType.CUDNN_DATA_FLOAT;
        CudaStatus.cudnn("cudnnCreateTensorDescriptor", JCudnn.cudnnCreateTensorDescriptor(p.x));
        CudaStatus.cudnn("cudnnCreateTensorDescriptor", JCudnn.cudnnCreateTensorDescriptor(p.y));
        CudaStatus.cudnn("cudnnCreateFilterDescriptor", JCudnn.cudnnCreateFilterDescriptor(p.w));
        CudaStatus.cudnn("cudnnCreateConvolutionDescriptor", JCudnn.cudnnCreateConvolutionDescriptor(p.conv));
        CudaStatus.cudnn("cudnnSetTensor4dDescriptor", JCudnn.cudnnSetTensor4dDescriptor(p.x, f, t, g.n(), g.c(), g.h(), g.w()));
        CudaStatus.cudnn("cudnnSetTensor4dDescriptor", JCudnn.cudnnSetTensor4dDescriptor(p.y, f, t, g.n(), g.k(), g.p(), g.q()));
        CudaStatus.cudnn("cudnnSetFilter4dDescriptor", JCudnn.cudnnSetFilter4dDescriptor(p.w, t, f, g.k(), g.c(), g.r(), g.s()));
        CudaStatus.cudnn("cudnnSetConvolution2dDescriptor", JCudnn.cudnnSetConvolution2dDescriptor(p.conv, g.padH(), g.padW(),
                g.strideH(), g.strideW(), g.dilationH(), g.dilationW(), cudnnConvolutionMode.CUDNN_CROSS_CORRELATION, t));
        // Default math lets cuDNN use TF32 tensor cores for fp32 on Ampere and newer; FMA math forbids it.
        int math = allowTf32 ? cudnnMathType.CUDNN_DEFAULT_MATH : cudnnMathType.CUDNN_FMA_MATH;
        CudaStatus.cudnn("cudnnSetConvolutionMathType", JCudnn.cudnnSetConvolutionMathType(p.conv, math));
        plans.put(g, p);
        return p;
    }

    /** [N, C, rest...] as the 4-D [N, C, product of rest, 1] cuDNN's spatial modes take. */
    private static Shape as4d(Shape s) {
        long rest = s.numel() / ((long) s.dim(0) * s.dim(1));
        return Shape.of(s.dim(0), s.dim(1), (int) rest, 1);
    }

    private static Shape channels(Shape s) {
        return Shape.of(1, s.dim(1), 1, 1);
    }

    private cudnnTensorDescriptor tensor(Shape s4) {
        cudnnTensorDescriptor d = tensors.get(s4);
        if (d == null) {
            d = new cudnnTensorDescriptor();
            CudaStatus.cudnn("cudnnCreateTensorDescriptor", JCudnn.cudnnCreateTensorDescriptor(d));
            CudaStatus.cudnn("cudnnSetTensor4dDescriptor", JCudnn.cudnnSetTensor4dDescriptor(d,
                    cudnnTensorFormat.CUDNN_TENSOR_NCHW, cudnnDataType.CUDNN_DATA_FLOAT, s4.dim(0), s4.dim(1), s4.dim(2),
                    s4.dim(3)));
            tensors.put(s4, d);
        }
        return d;
    }

    /** Where the workspace is now (0 before the first convolution): a graph that captured another must not replay. */
    long workspaceAddress() {
        return workspace == null ? 0 : workspace.address();
    }

    /** The workspace grown to {@code bytes}; work is ordered on one stream, so the old block may go at once. */
    private DeviceAddress workspace(long bytes) {
        if (bytes > workspaceBytes || workspace == null) {
            if (workspace != null) {
                allocator.free(workspace);
                workspace = null; // not left pointing at a freed block if the next allocation fails
            }
            workspace = allocator.allocate(Math.max(bytes, 1));
            workspaceBytes = CachingAllocator.sizeClass(Math.max(bytes, 1));
        }
        return workspace;
    }

    /** A workspace for algorithm searches; algorithms needing more than SEARCH_WORKSPACE are not tried. */
    private DeviceAddress searchWorkspace() {
        return workspace(SEARCH_WORKSPACE);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Plan p : plans.values()) {
            JCudnn.cudnnDestroyConvolutionDescriptor(p.conv);
            JCudnn.cudnnDestroyFilterDescriptor(p.w);
            JCudnn.cudnnDestroyTensorDescriptor(p.y);
            JCudnn.cudnnDestroyTensorDescriptor(p.x);
        }
        tensors.values().forEach(JCudnn::cudnnDestroyTensorDescriptor);
        if (workspace != null) {
            allocator.free(workspace);
        }
        CudaStatus.cudnn("cudnnDestroy", JCudnn.cudnnDestroy(handle));
    }
}
