package dev.engram.backend.cpu;

/**
 * Scratch arrays of one kind, one per parallel chunk, kept across calls and grown on demand, so
 * that a training step reuses them instead of allocating. They hold no tensor, so they are not
 * counted in the backend's live bytes.
 */
final class Workspaces {
    private final float[][] buffers;

    Workspaces(int chunks) {
        buffers = new float[chunks][];
    }

    /** Chunk {@code chunk}'s array, at least {@code size} long; its contents are left from earlier use. */
    float[] get(int chunk, int size) {
        float[] b = buffers[chunk];
        if (b == null || b.length < size) {
            b = new float[size];
            buffers[chunk] = b;
        }
        return b;
    }
}
