package dev.engram.backend.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * A device pointer that knows its address as a number. JCuda's pointers compare by their base
 * alone (two offsets into one block are "equal"), so a recorded step could not tell whether an
 * argument moved; every device pointer of the backend is one of these, from cuMemAlloc on down.
 */
final class DeviceAddress extends CUdeviceptr {
    /** The null pointer, for a kernel argument that is never read. */
    static final DeviceAddress NULL = new DeviceAddress();

    /** A pointer for cuMemAlloc to set. */
    DeviceAddress() {
    }

    private DeviceAddress(DeviceAddress base, long byteOffset) {
        super(base, byteOffset);
    }

    /** The address, base and offset together. */
    long address() {
        return getNativePointer() + getByteOffset();
    }

    @Override
    public DeviceAddress withByteOffset(long byteOffset) {
        return new DeviceAddress(this, byteOffset);
    }
}
