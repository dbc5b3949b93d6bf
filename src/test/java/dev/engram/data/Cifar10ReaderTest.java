package dev.engram.data;

import dev.engram.io.MalformedDataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static dev.engram.data.IdxReaderTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class Cifar10ReaderTest {
    private static final int RECORD = 3073;

    @TempDir
    Path dir;

    /** Pixel byte of record r, channel c, row y, column x: distinct enough to catch any mix-up. */
    private static int pixel(int r, int c, int y, int x) {
        return (r * 31 + c * 101 + y * 7 + x * 3) & 0xff;
    }

    private static byte[] records(int first, int count) {
        byte[] bytes = new byte[count * RECORD];
        for (int k = 0; k < count; k++) {
            int r = first + k;
            bytes[k * RECORD] = (byte) (r % 10);
            // The format: label, then the red plane, the green plane, the blue plane, each 32 rows of 32.
            int at = k * RECORD + 1;
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        bytes[at++] = (byte) pixel(r, c, y, x);
                    }
                }
            }
        }
        return bytes;
    }

    @Test
    void readsRecordsAsLabelledChwImages() throws IOException {
        Path a = Files.write(dir.resolve("a.bin"), records(0, 3));
        Path b = Files.write(dir.resolve("b.bin"), records(3, 2));
        ImageSet set = Cifar10Reader.read(List.of(a, b));
        assertEquals("[5, 3, 32, 32]", set.shape().toString());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, set.labels());
        assertEquals("airplane", set.classNames().get(0));
        assertEquals("truck", set.classNames().get(9));
        float[] p = set.pixels();
        for (int r = 0; r < 5; r++) {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        assertEquals(pixel(r, c, y, x) / 255f, p[((r * 3 + c) * 32 + y) * 32 + x]);
                    }
                }
            }
        }
    }

    @Test
    void readsTheTrainingAndTestSplitsOfADirectory() throws IOException {
        for (int i = 1; i <= 5; i++) {
            Files.write(dir.resolve("data_batch_" + i + ".bin"), records(10 * i, 2));
        }
        Files.write(dir.resolve("test_batch.bin"), records(7, 3));
        ImageSet train = Cifar10Reader.readSplit(dir, Split.TRAIN);
        assertEquals(10, train.size());
        assertArrayEquals(new int[] {0, 1, 0, 1, 0, 1, 0, 1, 0, 1}, train.labels());
        assertEquals(pixel(50, 2, 31, 31) / 255f, train.pixels()[train.pixels().length - 3 * 1024 - 1],
                "last blue pixel of the 9th image (batch 5, record 50)");
        ImageSet test = Cifar10Reader.readSplit(dir, Split.TEST);
        assertArrayEquals(new int[] {7, 8, 9}, test.labels());

        Files.delete(dir.resolve("data_batch_3.bin"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cifar10Reader.readSplit(dir, Split.TRAIN));
        assertMessage(e, dir + " has no data_batch_3.bin", "test_batch.bin");
    }

    @Test
    void refusesTruncatedEmptyAndForeignFiles() throws IOException {
        byte[] two = records(0, 2);
        Path cut = Files.write(dir.resolve("cut.bin"), Arrays.copyOf(two, RECORD + 100));
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> Cifar10Reader.read(List.of(cut)));
        assertMessage(e, cut + ": 3173 bytes is not a whole number of 3073-byte CIFAR-10 records",
                "truncated after 1 records with 100 bytes left over");
        Path empty = Files.write(dir.resolve("empty.bin"), new byte[0]);
        e = assertThrows(MalformedDataException.class, () -> Cifar10Reader.read(List.of(empty)));
        assertMessage(e, "the file is empty");
        two[RECORD] = 10;
        Path badLabel = Files.write(dir.resolve("label.bin"), two);
        e = assertThrows(MalformedDataException.class, () -> Cifar10Reader.read(List.of(badLabel)));
        assertMessage(e, badLabel + ": record 1 has label 10; CIFAR-10 labels are 0..9");
    }
}
