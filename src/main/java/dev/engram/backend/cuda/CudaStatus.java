package dev.engram.backend.cuda;

import jcuda.driver.CUresult;
import jcuda.jcublas.cublasStatus;
import jcuda.jcudnn.cudnnStatus;

/**
 * Turns the status codes of the CUDA driver, cuBLAS and cuDNN into exceptions naming the call and
 * the status. JCuda's own exceptions stay off (its default), so every call site checks here.
 */
final class CudaStatus {
    private CudaStatus() {
    }

    static void driver(String call, int result) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new CudaException(call + " failed: " + CUresult.stringFor(result));
        }
    }

    static void cublas(String call, int status) {
        if (status != cublasStatus.CUBLAS_STATUS_SUCCESS) {
            throw new CudaException(call + " failed: " + cublasStatus.stringFor(status));
        }
    }

    static void cudnn(String call, int status) {
        if (status != cudnnStatus.CUDNN_STATUS_SUCCESS) {
            throw new CudaException(call + " failed: " + cudnnStatus.stringFor(status));
        }
    }
}
