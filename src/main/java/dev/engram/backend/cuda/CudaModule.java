package dev.engram.backend.cuda;

import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUjit_option;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import jcuda.driver.JITOptions;

/** A loaded kernel image in the current context; its kernels are the {@code extern "C"} functions named engram_&lt;name&gt;. */
public final class CudaModule implements AutoCloseable {
    private static final int LOG_BYTES = 16 * 1024;

    private final CUmodule module;
    private final String source;
    private boolean closed;

    private CudaModule(CUmodule module, String source) {
        this.module = module;
        this.source = source;
    }

    /** Loads an image; a PTX the driver cannot compile fails with the driver's JIT error log. */
    public static CudaModule load(KernelImage image) {
        JITOptions options = new JITOptions();
        options.putBytes(CUjit_option.CU_JIT_ERROR_LOG_BUFFER, new byte[LOG_BYTES]);
        options.putInt(CUjit_option.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, LOG_BYTES);
        CUmodule m = new CUmodule();
        int r = JCudaDriver.cuModuleLoadDataJIT(m, Pointer.to(image.bytes()), options);
        if (r != CUresult.CUDA_SUCCESS) {
            String log = options.getString(CUjit_option.CU_JIT_ERROR_LOG_BUFFER);
            String isa = image.ptx() ? " (PTX ISA " + image.ptxVersion() + ")" : "";
            throw new CudaException("cuModuleLoadData(" + image.source() + isa + ") failed: " + CUresult.stringFor(r)
                    + (log == null || log.isBlank() ? "" : "; JIT log: " + log.trim()));
        }
        return new CudaModule(m, image.source());
    }

    /** The kernel engram_&lt;name&gt;. */
    public CudaKernel kernel(String name) {
        CUfunction f = new CUfunction();
        String symbol = "engram_" + name;
        int r = JCudaDriver.cuModuleGetFunction(f, module, symbol);
        if (r != CUresult.CUDA_SUCCESS) {
            throw new CudaException("cuModuleGetFunction(" + symbol + " in " + source + ") failed: " + CUresult.stringFor(r));
        }
        return new CudaKernel(symbol, f);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            CudaStatus.driver("cuModuleUnload", JCudaDriver.cuModuleUnload(module));
        }
    }
}
