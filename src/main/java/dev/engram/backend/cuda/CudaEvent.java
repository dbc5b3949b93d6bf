package dev.engram.backend.cuda;

import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.JCudaDriver;

/** A timing event: recorded on a stream, waited for, and measured against another. */
public final class CudaEvent implements AutoCloseable {
    private final CUevent event = new CUevent();
    private boolean closed;

    public CudaEvent() {
        CudaStatus.driver("cuEventCreate", JCudaDriver.cuEventCreate(event, CUevent_flags.CU_EVENT_DEFAULT));
    }

    public CUevent handle() {
        return event;
    }

    public void record(CudaStream stream) {
        CudaStatus.driver("cuEventRecord", JCudaDriver.cuEventRecord(event, stream.handle()));
    }

    public void synchronize() {
        CudaStatus.driver("cuEventSynchronize", JCudaDriver.cuEventSynchronize(event));
    }

    /** Milliseconds from {@code start} to this event; both must have completed. */
    public float millisSince(CudaEvent start) {
        float[] ms = new float[1];
        CudaStatus.driver("cuEventElapsedTime", JCudaDriver.cuEventElapsedTime(ms, start.event, event));
        return ms[0];
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            CudaStatus.driver("cuEventDestroy", JCudaDriver.cuEventDestroy(event));
        }
    }
}
