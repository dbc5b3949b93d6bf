package dev.engram.data;

import dev.engram.io.MalformedDataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.engram.data.IdxReaderTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Reads files NumPy wrote (src/test/resources/dev/engram/data/npy/make_fixtures.py) and writes files NumPy reads. */
class NpyTest {
    @TempDir
    Path dir;

    private static Path fixture(String name) {
        try {
            return Path.of(NpyTest.class.getResource("npy/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void readsEverySupportedDtypeNumpyWrites() throws IOException {
        NpyArray f4 = NpyReader.read(fixture("f4_2x3.npy"));
        assertEquals("<f4", f4.dtype());
        assertArrayEquals(new int[] {2, 3}, f4.shape());
        assertArrayEquals(new float[] {0f, 0.125f, 0.25f, 0.375f, 0.5f, 0.625f}, f4.toFloatArray());

        assertArrayEquals(new float[] {0.1f, 0.5f, 1f}, NpyReader.read(fixture("f8_3.npy")).toFloatArray());

        NpyArray u1 = NpyReader.read(fixture("u1_images_2x3x4.npy"));
        assertEquals("|u1", u1.dtype());
        float[] expected = new float[24];
        for (int i = 0; i < 24; i++) {
            expected[i] = i * 10;
        }
        assertArrayEquals(expected, u1.toFloatArray());

        assertArrayEquals(new int[] {0, 9, 3}, NpyReader.read(fixture("i8_labels.npy")).toIntArray());
        assertArrayEquals(new int[] {7, 1}, NpyReader.read(fixture("i4_labels.npy")).toIntArray());
        NpyArray scalar = NpyReader.read(fixture("f4_scalar.npy"));
        assertArrayEquals(new int[0], scalar.shape());
        assertArrayEquals(new float[] {0.25f}, scalar.toFloatArray());
        NpyArray v2 = NpyReader.read(fixture("f4_v2_2x2.npy"));
        assertArrayEquals(new float[] {0.25f, 0.5f, 0.75f, 1f}, v2.toFloatArray(), "version 2.0 header");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, f4::toIntArray);
        assertMessage(e, "dtype <f4 is not an integer type");
    }

    @Test
    void refusesLayoutsAndDtypesItDoesNotRead() throws IOException {
        assertRefused(fixture("f4_fortran_2x3.npy"), "Fortran-order arrays are not supported");
        assertRefused(fixture("f4_bigendian.npy"), "big-endian dtype >f4 is not supported");
        assertRefused(fixture("f2_unknown.npy"), "dtype '<f2' is not supported; supported: <f4, <f8, |u1, <i4, <i8");
        byte[] good = Files.readAllBytes(fixture("f4_2x3.npy"));
        assertRefused(copy("cut.npy", Arrays.copyOf(good, good.length - 1)),
                "truncated: expected 24 bytes of data for shape [2, 3] of <f4, found 23");
        assertRefused(copy("long.npy", Arrays.copyOf(good, good.length + 4)), "4 unexpected bytes after the data");
        byte[] magic = good.clone();
        magic[1] = 'X';
        assertRefused(copy("magic.npy", magic), "not a .npy file");
        byte[] version = good.clone();
        version[6] = 3;
        assertRefused(copy("v3.npy", version), ".npy version 3.0 is not supported");
        String header = new String(good, 10, 118, StandardCharsets.ISO_8859_1);
        byte[] badShape = good.clone();
        byte[] replaced = header.replace("(2, 3)", "(2, x)").getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(replaced, 0, badShape, 10, replaced.length);
        assertRefused(copy("shape.npy", badShape), "invalid .npy header", "expected a non-negative integer in the shape");
    }

    @Test
    void readsImageSetsInEveryAcceptedLayout() throws IOException {
        ImageSet grey = NpyReader.readImages(fixture("u1_images_2x3x4.npy"), fixture("i4_labels.npy"));
        assertEquals("[2, 1, 3, 4]", grey.shape().toString());
        assertEquals(230 / 255f, grey.pixels()[23]);
        assertArrayEquals(new int[] {7, 1}, grey.labels());

        // [N, H, W, C] = [2, 2, 3, 3] holding arange(36) / 35, moved to channels first.
        ImageSet nhwc = NpyReader.readImages(fixture("f4_nhwc_2x2x3x3.npy"), null);
        assertEquals("[2, 3, 2, 3]", nhwc.shape().toString());
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 2; y++) {
                    for (int x = 0; x < 3; x++) {
                        float want = (float) (((n * 2 + y) * 3 + x) * 3 + c) / 35f;
                        assertEquals(want, nhwc.pixels()[((n * 3 + c) * 2 + y) * 3 + x], 1e-7f);
                    }
                }
            }
        }
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> NpyReader.readImages(fixture("u1_images_2x3x4.npy"), fixture("i8_labels.npy")));
        assertMessage(e, "labels shape [3] must be [2]");
        e = assertThrows(MalformedDataException.class, () -> NpyReader.readImages(fixture("f4_2x3.npy"), null));
        assertMessage(e, "image array shape [2, 3] is not [N, H, W]");
        Path loud = dir.resolve("loud.npy");
        NpyWriter.writeFloat32(loud, new int[] {1, 1, 2}, new float[] {0.5f, 255f});
        e = assertThrows(MalformedDataException.class, () -> NpyReader.readImages(loud, null));
        assertMessage(e, "float pixel 1 = 255.0 is outside [0, 1]");
    }

    @Test
    void writesWhatNumpyWrites() throws IOException {
        Path file = dir.resolve("ours.npy");
        NpyWriter.writeFloat32(file, new int[] {2, 3}, new float[] {0f, 0.125f, 0.25f, 0.375f, 0.5f, 0.625f});
        assertArrayEquals(Files.readAllBytes(fixture("f4_2x3.npy")), Files.readAllBytes(file),
                "byte for byte the file np.save wrote for the same array");
    }

    @Test
    void writtenFilesReadBackWithAlignedHeaders() throws IOException {
        int[][] shapes = {{}, {5}, {3, 1, 4, 7}, {0, 2}};
        for (int[] shape : shapes) {
            int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            float[] f = new float[n];
            int[] ints = new int[n];
            for (int i = 0; i < n; i++) {
                f[i] = i * -0.37f;
                ints[i] = i * 1_000_003 - 7;
            }
            Path ff = dir.resolve("f.npy");
            Path fi = dir.resolve("i.npy");
            NpyWriter.writeFloat32(ff, shape, f);
            NpyWriter.writeInt32(fi, shape, ints);
            NpyArray a = NpyReader.read(ff);
            NpyArray b = NpyReader.read(fi);
            assertArrayEquals(shape, a.shape());
            assertArrayEquals(f, a.toFloatArray());
            assertEquals("<i4", b.dtype());
            assertArrayEquals(ints, b.toIntArray());
            for (Path p : new Path[] {ff, fi}) {
                byte[] bytes = Files.readAllBytes(p);
                int headerLength = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
                assertEquals(0, (10 + headerLength) % 64, "data aligned to 64 bytes for shape " + Arrays.toString(shape));
                assertEquals('\n', bytes[10 + headerLength - 1]);
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NpyWriter.writeFloat32(dir.resolve("bad.npy"), new int[] {2, 2}, new float[3]));
        assertMessage(e, "3 values do not fill shape [2, 2]");
    }

    private Path copy(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static void assertRefused(Path file, String... parts) {
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> NpyReader.read(file));
        assertMessage(e, file.toString());
        assertMessage(e, parts);
    }
}
