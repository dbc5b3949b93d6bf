package dev.engram.backend.cuda;

import jcuda.Pointer;
import jcuda.driver.JCudaDriver;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * The way host arrays reach device memory without making the host or the compute stream wait
 * for the PCIe copy. A chunk of an upload goes: Java array -> a page-locked host buffer (on the
 * host) -> a device block of its own (cuMemcpyHtoDAsync on a separate copy stream) -> the
 * destination (cuMemcpyDtoDAsync on the compute stream, after an event says the chunk arrived).
 * The slow copy thus overlaps the compute stream's work issued before it, such as the training
 * step still reading the previous batch from the same destination, and the destination is
 * written in compute-stream order all the same; the device-to-device copy runs at memory speed.
 *
 * <p>Two buffers take turns. The host refills a pinned buffer only once the copy that last read it
 * has finished, and the copy stream refills a device block only once the compute stream has
 * copied it out (both events, the second waited for on the device). Large uploads go in chunks, so
 * at most two chunks' worth of pinned and device memory is held, taken during the first uploads
 * and kept (straight from the driver: not counted among the backend's tensors).
 */
final class Uploads implements AutoCloseable {
    /** Floats per chunk (16 MiB): a batch of the reference models fits in one. */
    static final int CHUNK_FLOATS = 1 << 22;

    private final CudaStream compute;
    private final CudaStream copies = new CudaStream();
    private final DriverMemory memory = new DriverMemory();
    private final Buffer[] buffers = {new Buffer(), new Buffer()};
    private int next;

    Uploads(CudaStream compute) {
        this.compute = compute;
    }

    /** Orders the copy of src[offset, offset + count) to dst on the compute stream, without waiting for it. */
    void upload(float[] src, int offset, int count, DeviceAddress dst) {
        for (int done = 0; done < count; done += CHUNK_FLOATS) {
            int n = Math.min(CHUNK_FLOATS, count - done);
            Buffer b = buffers[next];
            next = (next + 1) % buffers.length;
            b.send(src, offset + done, n, dst.withByteOffset((long) done * Float.BYTES));
        }
    }

    @Override
    public void close() {
        for (Buffer b : buffers) {
            b.close();
        }
        copies.close();
    }

    /** A pinned host buffer, its device block, and the events of the last copies into and out of the block. */
    private final class Buffer {
        private final CudaEvent arrived = new CudaEvent();
        private final CudaEvent copiedOut = new CudaEvent();
        private Pointer host;
        private FloatBuffer floats;
        private DeviceAddress device;
        private long capacity;
        private boolean pending;

        void send(float[] src, int offset, int count, DeviceAddress dst) {
            long bytes = (long) count * Float.BYTES;
            awaitIdle();
            if (capacity < bytes) {
                free();
                host = new Pointer();
                CudaStatus.driver("cuMemAllocHost", JCudaDriver.cuMemAllocHost(host, bytes));
                floats = host.getByteBuffer(0, bytes).order(ByteOrder.nativeOrder()).asFloatBuffer();
                device = memory.allocate(bytes);
                if (device == null) {
                    throw new CudaOutOfMemoryException("CUDA out of memory: no " + bytes + " bytes left for an upload's"
                            + " staging block; use a smaller --batch");
                }
                capacity = bytes;
            }
            floats.clear();
            floats.put(src, offset, count);
            if (pending) {
                // The block's last contents must have been copied out before it is overwritten.
                CudaStatus.driver("cuStreamWaitEvent", JCudaDriver.cuStreamWaitEvent(copies.handle(), copiedOut.handle(), 0));
            }
            CudaStatus.driver("cuMemcpyHtoDAsync", JCudaDriver.cuMemcpyHtoDAsync(device, host, bytes, copies.handle()));
            arrived.record(copies);
            CudaStatus.driver("cuStreamWaitEvent", JCudaDriver.cuStreamWaitEvent(compute.handle(), arrived.handle(), 0));
            CudaStatus.driver("cuMemcpyDtoDAsync", JCudaDriver.cuMemcpyDtoDAsync(dst, device, bytes, compute.handle()));
            copiedOut.record(compute);
            pending = true;
        }

        /** Waits until the pinned buffer has been read by its last copy. */
        private void awaitIdle() {
            if (pending) {
                arrived.synchronize();
            }
        }

        private void free() {
            if (host != null) {
                CudaStatus.driver("cuMemFreeHost", JCudaDriver.cuMemFreeHost(host));
                host = null;
                floats = null;
            }
            if (device != null) {
                memory.free(device);
                device = null;
            }
            capacity = 0;
        }

        void close() {
            if (pending) {
                copiedOut.synchronize();
                pending = false;
            }
            free();
            arrived.close();
            copiedOut.close();
        }
    }
}
