package dev.engram.data;

import dev.engram.io.MalformedDataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsPlainAndGzipFilesByTheirBytesNotTheirNames() throws IOException {
        byte[] pixels = new byte[3 * 4 * 5];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 37);
        }
        byte[] images = images(3, 4, 5, pixels);
        byte[] labels = labels(3, 7, 0, 9);
        // Gzip data under a plain name and plain data under a .gz name: detection must use the bytes.
        Path gzImages = write("images-idx3-ubyte", gzip(images));
        Path plainLabels = write("labels-idx1-ubyte.gz", labels);
        ImageSet set = IdxReader.read(gzImages, plainLabels, 10);
        assertEquals(3, set.size());
        assertEquals(1, set.channels());
        assertEquals(4, set.height());
        assertEquals(5, set.width());
        for (int i = 0; i < pixels.length; i++) {
            assertEquals((pixels[i] & 0xff) / 255f, set.pixels()[i], "pixel " + i);
        }
        assertArrayEquals(new int[] {7, 0, 9}, set.labels());

        ImageSet unlabelled = IdxReader.readImages(write("plain", images));
        assertFalse(unlabelled.hasLabels());
        assertNull(unlabelled.labels());
        assertArrayEquals(set.pixels(), unlabelled.pixels());
    }

    @Test
    void refusesAWrongMagicNumberSayingWhatItFoundAndExpected() throws IOException {
        Path labels = write("labels", labels(2, 1, 2));
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> IdxReader.readImages(labels));
        assertMessage(e, labels + ": wrong magic number 0x00000801", "a labels file", "expected 0x00000803");
        Path images = write("images", images(2, 2, 2, new byte[8]));
        e = assertThrows(MalformedDataException.class, () -> IdxReader.read(images, images, 10));
        assertMessage(e, images + ": wrong magic number 0x00000803", "expected 0x00000801");
        Path png = write("pic.png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 0, 0, 0, 0, 0});
        e = assertThrows(MalformedDataException.class, () -> IdxReader.readImages(png));
        assertMessage(e, "wrong magic number 0x89504E47", "not an IDX file");
        byte[] floats = images(1, 1, 1, new byte[1]);
        floats[2] = 0x0D;
        e = assertThrows(MalformedDataException.class, () -> IdxReader.readImages(write("floats", floats)));
        assertMessage(e, "0x00000D03 (floats, 3 dimensions)");
    }

    @Test
    void refusesTruncatedFilesSayingHowManyBytesWereExpected() throws IOException {
        byte[] whole = images(3, 4, 5, new byte[60]);
        Path cut = write("cut", Arrays.copyOf(whole, whole.length - 1));
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> IdxReader.readImages(cut));
        assertMessage(e, cut + ": truncated: expected 60 bytes of data for dimensions 3 x 4 x 5, found 59");
        Path header = write("header", Arrays.copyOf(whole, 10));
        e = assertThrows(MalformedDataException.class, () -> IdxReader.readImages(header));
        assertMessage(e, "truncated: expected 12 bytes of IDX dimensions, found 6");
        byte[] gz = gzip(whole);
        Path cutGz = write("cut.gz", Arrays.copyOf(gz, gz.length - 12));
        e = assertThrows(MalformedDataException.class, () -> IdxReader.readImages(cutGz));
        assertMessage(e, cutGz + ": damaged or truncated gzip data");
    }

    @Test
    void refusesDimensionsThatDoNotMatchTheData() throws IOException {
        Path zero = write("zero", images(3, 0, 5, new byte[0]));
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> IdxReader.readImages(zero));
        assertMessage(e, "dimension 1 of the IDX images (count, rows, columns) is 0");
        // The header says 3 x 4 x 4 but 3 x 4 x 5 images follow.
        Path narrow = write("narrow", images(3, 4, 4, new byte[60]));
        e = assertThrows(MalformedDataException.class, () -> IdxReader.readImages(narrow));
        assertMessage(e, "12 unexpected bytes after the data for dimensions 3 x 4 x 4");
        byte[] huge = images(1, 1, 1, new byte[1]);
        ByteBuffer.wrap(huge).putInt(4, 0xffffffff);
        e = assertThrows(MalformedDataException.class, () -> IdxReader.readImages(write("huge", huge)));
        assertMessage(e, "dimension 0", "is 4294967295");
    }

    @Test
    void refusesLabelsThatDisagreeWithTheImages() throws IOException {
        Path images = write("images", images(3, 2, 2, new byte[12]));
        Path two = write("two", labels(2, 1, 1));
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> IdxReader.read(images, two, 10));
        assertMessage(e, two + ": holds 2 labels but " + images + " holds 3 images");
        Path big = write("big", labels(3, 1, 10, 2));
        e = assertThrows(MalformedDataException.class, () -> IdxReader.read(images, big, 10));
        assertMessage(e, big + ": label 10 of image 1 is out of range 0..9");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> IdxReader.read(images, big, 0));
        assertMessage(bad, "numClasses 0 must be in 1..256");
    }

    @Test
    void findsASplitByItsDistributionNames() throws IOException {
        write("t10k-images-idx3-ubyte.gz", gzip(images(2, 1, 1, new byte[] {0, (byte) 255})));
        write("t10k-labels-idx1-ubyte", labels(2, 4, 2));
        ImageSet test = IdxReader.readSplit(dir, Split.TEST, 10);
        assertArrayEquals(new float[] {0f, 1f}, test.pixels());
        assertArrayEquals(new int[] {4, 2}, test.labels());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IdxReader.readSplit(dir, Split.TRAIN, 10));
        assertMessage(e, "has neither train-images-idx3-ubyte.gz nor train-images-idx3-ubyte");
    }

    static byte[] images(int n, int rows, int cols, byte[] pixels) {
        return ByteBuffer.allocate(16 + pixels.length).putInt(0x00000803).putInt(n).putInt(rows).putInt(cols).put(pixels).array();
    }

    static byte[] labels(int n, int... values) {
        ByteBuffer b = ByteBuffer.allocate(8 + values.length).putInt(0x00000801).putInt(n);
        for (int v : values) {
            b.put((byte) v);
        }
        return b.array();
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    static void assertMessage(Exception e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' missing from: " + e.getMessage());
        }
    }
}
