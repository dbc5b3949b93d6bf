package dev.engram.data;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddedDataTest {
    @Test
    void theSampleIsTwoThousandLabelledFashionMnistImages() {
        ImageSet s = EmbeddedData.fashionMnistSample();
        assertEquals("[2000, 1, 28, 28]", s.shape().toString());
        assertEquals(EmbeddedData.FASHION_MNIST_CLASSES, s.classNames());
        assertEquals("Ankle boot", s.classNames().get(9));
        // The first test labels as the original t10k-labels file lists them.
        assertArrayEquals(new int[] {9, 2, 1, 1, 6, 1, 4, 6, 5, 7}, Arrays.copyOf(s.labels(), 10));
        int[] counts = new int[10];
        for (int label : s.labels()) {
            counts[label]++;
        }
        for (int c = 0; c < 10; c++) {
            assertTrue(counts[c] > 150 && counts[c] < 250, "class " + c + " appears " + counts[c] + " times");
        }
        // The first image is an ankle boot: dark background corners, bright pixels in the middle rows.
        float[] p = s.pixels();
        assertEquals(0f, p[0]);
        assertEquals(0f, p[27]);
        float max = 0;
        for (int i = 14 * 28; i < 15 * 28; i++) {
            max = Math.max(max, p[i]);
        }
        assertTrue(max > 0.5f, "row 14 of the boot has bright pixels, max " + max);
    }

    @Test
    void theEmbeddedFilesStaySmall() throws IOException {
        long total = 0;
        for (String name : new String[] {EmbeddedData.IMAGES, EmbeddedData.LABELS}) {
            try (InputStream in = EmbeddedData.class.getResourceAsStream(name)) {
                total += in.readAllBytes().length;
            }
        }
        assertTrue(total < 1_000_000, total + " bytes");
    }
}
