package dev.engram.backend.cpu;

/**
 * A scratch array kept across calls and grown on demand, so that a training step reuses it
 * instead of allocating. It holds no tensor, so it is not counted in the backend's live bytes.
 */
final class Scratch {
    private float[] buffer = new float[0];

    /** The array, at least {@code size} long; its contents are left from earlier use. */
    float[] get(int size) {
        if (buffer.length < size) {
            buffer = new float[size];
        }
        return buffer;
    }
}
