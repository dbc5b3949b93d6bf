package dev.engram.data;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The real distribution files, where the Debian package provides them. */
class FashionMnistFilesTest {
    static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");

    static void assumeInstalled() {
        assumeTrue(Files.isDirectory(DIR), DIR + " is absent: apt-get install -y dataset-fashion-mnist to run this test");
    }

    @Test
    void theFullTestSplitHoldsTenThousandBalancedImages() throws IOException {
        assumeInstalled();
        ImageSet test = IdxReader.readSplit(DIR, Split.TEST, 10);
        assertBalanced(test, 10_000);
    }

    @Test
    void theFullTrainingSplitHoldsSixtyThousandBalancedImages() throws IOException {
        assumeInstalled();
        assertBalanced(IdxReader.readSplit(DIR, Split.TRAIN, 10), 60_000);
    }

    @Test
    void theEmbeddedSampleIsTheFirstTwoThousandTestImages() throws IOException {
        assumeInstalled();
        ImageSet test = IdxReader.readSplit(DIR, Split.TEST, 10);
        ImageSet sample = EmbeddedData.fashionMnistSample();
        assertArrayEquals(Arrays.copyOf(test.pixels(), 2000 * 784), sample.pixels());
        assertArrayEquals(Arrays.copyOf(test.labels(), 2000), sample.labels());
    }

    private static void assertBalanced(ImageSet set, int n) {
        assertEquals(n, set.size());
        assertEquals(28, set.height());
        assertEquals(28, set.width());
        int[] counts = new int[10];
        for (int label : set.labels()) {
            counts[label]++;
        }
        int[] expected = new int[10];
        Arrays.fill(expected, n / 10);
        assertArrayEquals(expected, counts);
        double mean = 0;
        for (float v : set.pixels()) {
            mean += v;
        }
        mean /= set.pixels().length;
        // Fashion-MNIST's published mean pixel is 0.286 (train) / 0.287 (test).
        assertEquals(0.286, mean, 0.003);
    }
}
