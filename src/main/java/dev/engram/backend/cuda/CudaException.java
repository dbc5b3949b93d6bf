package dev.engram.backend.cuda;

/** A CUDA driver, cuBLAS or cuDNN call returned an error status; the message names the call and the status. */
public class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CudaException(String message) {
        super(message);
    }
}
