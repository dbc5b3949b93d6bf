package dev.engram.peers;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** An IDX image file (unsigned bytes, [count, rows, cols]; gzip if it ends in .gz) as floats in [0, 1]. */
record IdxImages(int count, int rows, int cols, float[] pixels) {
    private static final int UBYTE_3D = 0x0803;

    static IdxImages read(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(
                     file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw))) {
            int magic = in.readInt();
            if (magic != UBYTE_3D) {
                throw new IOException(file + ": not an IDX file of unsigned-byte images (magic 0x"
                        + Integer.toHexString(magic) + ", expected 0x" + Integer.toHexString(UBYTE_3D) + ")");
            }
            int count = in.readInt(), rows = in.readInt(), cols = in.readInt();
            if (count < 0 || rows <= 0 || cols <= 0) {
                throw new IOException(file + ": bad IDX dimensions " + count + " x " + rows + " x " + cols);
            }
            byte[] bytes = new byte[Math.multiplyExact(count, Math.multiplyExact(rows, cols))];
            in.readFully(bytes);
            float[] pixels = new float[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                pixels[i] = (bytes[i] & 0xff) / 255f;
            }
            return new IdxImages(count, rows, cols, pixels);
        }
    }

    /** The file of a data set directory: {@code prefix-images-idx3-ubyte}, gzipped or not. */
    static Path find(Path dir, String prefix) throws IOException {
        for (String name : new String[] {prefix + "-images-idx3-ubyte.gz", prefix + "-images-idx3-ubyte",
                prefix + "-images.idx3-ubyte"}) {
            if (Files.isRegularFile(dir.resolve(name))) {
                return dir.resolve(name);
            }
        }
        throw new IOException("no " + prefix + "-images-idx3-ubyte[.gz] in " + dir);
    }
}
