package dev.engram.backend.cuda;

/**
 * Raw device memory as the driver hands it out, behind the caching allocator; {@code P} is the
 * pointer type (DeviceAddress on a GPU, anything in a test).
 */
interface DeviceMemory<P> {
    /** A new block of exactly {@code bytes}, or null when the device is out of memory; other failures throw. */
    P allocate(long bytes);

    void free(P pointer);

    /** {free, total} bytes of the device now. */
    long[] info();
}
