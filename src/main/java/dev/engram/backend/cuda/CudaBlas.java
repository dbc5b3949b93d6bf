package dev.engram.backend.cuda;

import jcuda.Pointer;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasMath;
import jcuda.jcublas.cublasOperation;

/**
 * The GEMMs of the CUDA backend on cuBLAS, on the backend's stream, with a workspace of its own
 * (NVIDIA's recommended size: 32 MiB on Hopper and newer, 4 MiB before). Without one, cuBLAS 12.2+
 * allocates its workspace stream-ordered while a step is captured, and a captured allocation
 * cannot go into the child graph a step's library calls become ({@link CudaGraphs}).
 */
final class CudaBlas implements AutoCloseable {
    private final cublasHandle handle = new cublasHandle();
    private final CachingAllocator<DeviceAddress> allocator;
    private final DeviceAddress workspace;
    private boolean closed;

    /** @param allowTf32 TF32 tensor-core math for fp32 GEMMs (Ampere and newer), as PyTorch allows by default */
    CudaBlas(CudaStream stream, boolean allowTf32, CachingAllocator<DeviceAddress> allocator, int ccMajor) {
        this.allocator = allocator;
        CudaStatus.cublas("cublasCreate", JCublas2.cublasCreate(handle));
        // cublasSetStream resets the workspace, so the workspace is set after it.
        CudaStatus.cublas("cublasSetStream", JCublas2.cublasSetStream(handle, stream.runtimeHandle()));
        long workspaceBytes = (ccMajor >= 9 ? 32L : 4L) << 20;
        workspace = allocator.allocate(workspaceBytes);
        CudaStatus.cublas("cublasSetWorkspace", JCublas2.cublasSetWorkspace(handle, workspace, workspaceBytes));
        int math = allowTf32 ? cublasMath.CUBLAS_TF32_TENSOR_OP_MATH : cublasMath.CUBLAS_DEFAULT_MATH;
        CudaStatus.cublas("cublasSetMathMode(" + cublasMath.stringFor(math) + ")", JCublas2.cublasSetMathMode(handle, math));
    }

    /**
     * Row-major C = alpha op(A) op(B) + beta C over a batch, as Backend.gemm defines it. cuBLAS is
     * column-major, where a row-major matrix reads as its transpose: C^T = op(B)^T op(A)^T, so the
     * operands swap places and m with n.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Pointer a, long strideA,
              Pointer b, long strideB, float beta, Pointer c, long strideC, int batch) {
        int opA = transA ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
        int opB = transB ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
        int lda = Math.max(1, transA ? m : k);
        int ldb = Math.max(1, transB ? k : n);
        Pointer pa = Pointer.to(new float[] {alpha});
        Pointer pb = Pointer.to(new float[] {beta});
        if (batch == 1) {
            CudaStatus.cublas("cublasSgemm", JCublas2.cublasSgemm(handle, opB, opA, n, m, k, pa, b, ldb, a, lda, pb, c, n));
        } else {
            CudaStatus.cublas("cublasSgemmStridedBatched", JCublas2.cublasSgemmStridedBatched(handle, opB, opA, n, m, k,
                    pa, b, ldb, strideB, a, lda, strideA, pb, c, n, strideC, batch));
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            CudaStatus.cublas("cublasDestroy", JCublas2.cublasDestroy(handle));
            allocator.free(workspace);
        }
    }
}
