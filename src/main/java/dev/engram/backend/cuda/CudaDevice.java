package dev.engram.backend.cuda;

import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.JCudaDriver;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One CUDA device and its primary context (the context the runtime API, cuBLAS and cuDNN also
 * use, so there is one per device in the process). Device ordinals are those the driver shows,
 * which already honour CUDA_VISIBLE_DEVICES. Call only after {@link CudaLibraries#driver()} said
 * the driver is available.
 */
public final class CudaDevice implements AutoCloseable {
    /** What a device is, read without creating a context. */
    public record Properties(int ordinal, String name, int ccMajor, int ccMinor, long totalBytes, int multiprocessors) {
        public String computeCapability() {
            return ccMajor + "." + ccMinor;
        }
    }

    private final int ordinal;
    private final CUdevice device;
    private final CUcontext context;
    private boolean closed;

    private CudaDevice(int ordinal, CUdevice device, CUcontext context) {
        this.ordinal = ordinal;
        this.device = device;
        this.context = context;
    }

    /** Retains the primary context of device {@code ordinal} and makes it current on this thread. */
    public static CudaDevice open(int ordinal) {
        int count = count();
        if (ordinal < 0 || ordinal >= count) {
            throw new IllegalArgumentException("device cuda:" + ordinal + " does not exist: " + count
                    + " CUDA device" + (count == 1 ? " is" : "s are") + " visible (cuda:0"
                    + (count > 1 ? " .. cuda:" + (count - 1) : "") + ")");
        }
        CUdevice dev = new CUdevice();
        CudaStatus.driver("cuDeviceGet", JCudaDriver.cuDeviceGet(dev, ordinal));
        CUcontext ctx = new CUcontext();
        CudaStatus.driver("cuDevicePrimaryCtxRetain", JCudaDriver.cuDevicePrimaryCtxRetain(ctx, dev));
        CudaDevice d = new CudaDevice(ordinal, dev, ctx);
        d.makeCurrent();
        return d;
    }

    /** Number of visible devices. */
    public static int count() {
        CudaStatus.driver("cuInit", JCudaDriver.cuInit(0));
        int[] count = new int[1];
        CudaStatus.driver("cuDeviceGetCount", JCudaDriver.cuDeviceGetCount(count));
        return count[0];
    }

    /** The properties of every visible device. */
    public static List<Properties> list() {
        List<Properties> out = new ArrayList<>();
        int n = count();
        for (int i = 0; i < n; i++) {
            CUdevice dev = new CUdevice();
            CudaStatus.driver("cuDeviceGet", JCudaDriver.cuDeviceGet(dev, i));
            out.add(properties(i, dev));
        }
        return out;
    }

    private static Properties properties(int ordinal, CUdevice dev) {
        byte[] name = new byte[256];
        CudaStatus.driver("cuDeviceGetName", JCudaDriver.cuDeviceGetName(name, name.length, dev));
        int len = 0;
        while (len < name.length && name[len] != 0) {
            len++;
        }
        long[] total = new long[1];
        CudaStatus.driver("cuDeviceTotalMem", JCudaDriver.cuDeviceTotalMem(total, dev));
        return new Properties(ordinal, new String(name, 0, len, StandardCharsets.UTF_8),
                attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
                attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR),
                total[0], attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT));
    }

    private static int attribute(CUdevice dev, int attribute) {
        int[] v = new int[1];
        CudaStatus.driver("cuDeviceGetAttribute(" + CUdevice_attribute.stringFor(attribute) + ")",
                JCudaDriver.cuDeviceGetAttribute(v, attribute, dev));
        return v[0];
    }

    public int ordinal() {
        return ordinal;
    }

    public Properties properties() {
        return properties(ordinal, device);
    }

    /** Makes this device's context current on the calling thread (each thread that issues work must). */
    public void makeCurrent() {
        CudaStatus.driver("cuCtxSetCurrent", JCudaDriver.cuCtxSetCurrent(context));
    }

    /** {free, total} bytes of device memory, as the driver sees them now. */
    public long[] memoryInfo() {
        long[] free = new long[1];
        long[] total = new long[1];
        CudaStatus.driver("cuMemGetInfo", JCudaDriver.cuMemGetInfo(free, total));
        return new long[] {free[0], total[0]};
    }

    /** Waits for all work on this device's context. */
    public void synchronize() {
        CudaStatus.driver("cuCtxSynchronize", JCudaDriver.cuCtxSynchronize());
    }

    /** Releases this handle's reference to the primary context (which the driver destroys at the last release). */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            CudaStatus.driver("cuDevicePrimaryCtxRelease", JCudaDriver.cuDevicePrimaryCtxRelease(device));
        }
    }
}
