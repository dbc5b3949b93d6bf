package dev.engram.backend.cuda;

import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.JCudaDriver;

/** One kernel of a loaded module, launched on a stream with a 1-D grid. */
public final class CudaKernel {
    private final String name;
    private final CUfunction function;

    CudaKernel(String name, CUfunction function) {
        this.name = name;
        this.function = function;
    }

    String name() {
        return name;
    }

    CUfunction function() {
        return function;
    }

    /**
     * Launches {@code blocks} x {@code threads} with the kernel's arguments packed as JCuda wants
     * them: {@code Pointer.to(Pointer.to(devicePtr), Pointer.to(new float[] {v}), ...)}.
     */
    public void launch(int blocks, int threads, CudaStream stream, Pointer arguments) {
        CudaStatus.driver("cuLaunchKernel(" + name + ", " + blocks + " x " + threads + ")",
                JCudaDriver.cuLaunchKernel(function, blocks, 1, 1, threads, 1, 1, 0, stream.handle(), arguments, null));
    }
}
