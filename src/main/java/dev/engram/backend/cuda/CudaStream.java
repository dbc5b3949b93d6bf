package dev.engram.backend.cuda;

import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;
import jcuda.runtime.cudaStream_t;

/** A non-blocking stream of the current context: work on it does not wait for the legacy default stream. */
public final class CudaStream implements AutoCloseable {
    private final CUstream stream = new CUstream();
    private boolean closed;

    public CudaStream() {
        CudaStatus.driver("cuStreamCreate", JCudaDriver.cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING));
    }

    public CUstream handle() {
        return stream;
    }

    /** The same stream as cuBLAS and cuDNN take it. */
    public cudaStream_t runtimeHandle() {
        return new cudaStream_t(stream);
    }

    public void synchronize() {
        CudaStatus.driver("cuStreamSynchronize", JCudaDriver.cuStreamSynchronize(stream));
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            CudaStatus.driver("cuStreamDestroy", JCudaDriver.cuStreamDestroy(stream));
        }
    }
}
