package dev.engram.data;

import dev.engram.io.AtomicFile;
import dev.engram.io.LittleEndian;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Writes .npy version 1.0 files NumPy loads directly: float32 (&lt;f4) for images and latent codes,
 * int32 (&lt;i4) for labels, C order. As NumPy does, the header is padded with spaces and ends in a
 * newline so that the data starts at a multiple of 64 bytes. Writes are atomic.
 */
public final class NpyWriter {
    private static final int ALIGN = 64;

    private NpyWriter() {
    }

    public static void writeFloat32(Path file, int[] shape, float[] data) throws IOException {
        byte[] header = header("<f4", shape, data.length);
        AtomicFile.write(file, out -> {
            out.write(header);
            LittleEndian.writeFloats(out, data);
        });
    }

    public static void writeInt32(Path file, int[] shape, int[] data) throws IOException {
        byte[] header = header("<i4", shape, data.length);
        AtomicFile.write(file, out -> {
            out.write(header);
            LittleEndian.writeInts(out, data);
        });
    }

    /** Magic, version 1.0, header length, and the padded dict: everything before the data. */
    static byte[] header(String dtype, int[] shape, int length) {
        long numel = 1;
        StringBuilder tuple = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException("NpyWriter: shape " + Arrays.toString(shape) + " has a negative size");
            }
            numel = Math.min(numel * shape[i], Integer.MAX_VALUE + 1L); // saturate: only equality with an int matters
            tuple.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        tuple.append(shape.length == 1 ? ",)" : ")");
        if (numel != length) {
            throw new IllegalArgumentException("NpyWriter: " + length + " values do not fill shape " + Arrays.toString(shape));
        }
        String dict = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': " + tuple + ", }";
        int prefix = NpyReader.MAGIC.length + 2 + 2;
        int padding = ALIGN - (prefix + dict.length() + 1) % ALIGN;
        byte[] text = (dict + " ".repeat(padding) + "\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer out = ByteBuffer.allocate(prefix + text.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(NpyReader.MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length).put(text);
        return out.array();
    }
}
