package dev.engram.backend.cuda;

import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/** Device memory straight from cuMemAlloc / cuMemFree in the current context. */
final class DriverMemory implements DeviceMemory<DeviceAddress> {
    @Override
    public DeviceAddress allocate(long bytes) {
        DeviceAddress p = new DeviceAddress();
        int r = JCudaDriver.cuMemAlloc(p, bytes);
        if (r == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
            return null;
        }
        CudaStatus.driver("cuMemAlloc(" + bytes + " bytes)", r);
        return p;
    }

    @Override
    public void free(DeviceAddress pointer) {
        CudaStatus.driver("cuMemFree", JCudaDriver.cuMemFree(pointer));
    }

    @Override
    public long[] info() {
        long[] free = new long[1];
        long[] total = new long[1];
        CudaStatus.driver("cuMemGetInfo", JCudaDriver.cuMemGetInfo(free, total));
        return new long[] {free[0], total[0]};
    }
}
