package dev.engram.peers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxImagesTest {
    @TempDir
    Path dir;

    @Test
    void readsPlainAndGzippedImagesScaledToUnitRange() throws IOException {
        byte[] pixels = {0, (byte) 255, (byte) 128, 1, 2, 3, 4, 5, 6, 7, 8, (byte) 200};
        for (String name : new String[] {"train-images-idx3-ubyte", "t10k-images-idx3-ubyte.gz"}) {
            write(dir.resolve(name), 0x0803, new int[] {2, 3, 2}, pixels);
        }
        for (String prefix : new String[] {"train", "t10k"}) {
            IdxImages images = IdxImages.read(IdxImages.find(dir, prefix));
            assertEquals(2, images.count());
            assertEquals(3, images.rows());
            assertEquals(2, images.cols());
            float[] expected = new float[pixels.length];
            for (int i = 0; i < pixels.length; i++) {
                expected[i] = (pixels[i] & 0xff) / 255f;
            }
            assertArrayEquals(expected, images.pixels(), prefix);
        }
    }

    @Test
    void refusesLabelFilesAndMissingFilesClearly() throws IOException {
        Path labels = dir.resolve("train-labels-idx1-ubyte");
        write(labels, 0x0801, new int[] {2}, new byte[] {1, 2});
        IOException e = assertThrows(IOException.class, () -> IdxImages.read(labels));
        assertTrue(e.getMessage().contains("magic 0x801"), e.getMessage());
        IOException missing = assertThrows(IOException.class, () -> IdxImages.find(dir, "t10k"));
        assertTrue(missing.getMessage().contains("t10k-images-idx3-ubyte") && missing.getMessage().contains(dir.toString()));
    }

    static void write(Path file, int magic, int[] dims, byte[] data) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
             DataOutputStream out = new DataOutputStream(file.toString().endsWith(".gz") ? new GZIPOutputStream(raw) : raw)) {
            out.writeInt(magic);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(data);
        }
    }
}
