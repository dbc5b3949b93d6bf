package dev.engram.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.engram.data.IdxReaderTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ImageSetTest {
    @Test
    void holdsItsArraysWithoutCopying() {
        float[] pixels = new float[2 * 3 * 4 * 5];
        int[] labels = {1, 0};
        ImageSet s = new ImageSet("toy", 3, 4, 5, pixels, labels, List.of("a", "b"));
        assertEquals(2, s.size());
        assertEquals("[2, 3, 4, 5]", s.shape().toString());
        assertSame(pixels, s.pixels());
        assertSame(labels, s.labels());
        assertEquals("toy [2, 3, 4, 5] labelled", s.toString());
        assertEquals(List.of("x", "y", "z"), s.withClassNames(List.of("x", "y", "z")).classNames());
    }

    @Test
    void refusesInconsistentContents() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ImageSet("toy", 1, 2, 2, new float[6], null, List.of()));
        assertMessage(e, "ImageSet toy: 6 values are not a whole number of 1x2x2 images");
        e = assertThrows(IllegalArgumentException.class, () -> new ImageSet("toy", 1, 2, 2, new float[8], new int[3], List.of()));
        assertMessage(e, "3 labels for 2 images");
        e = assertThrows(IllegalArgumentException.class,
                () -> new ImageSet("toy", 1, 1, 1, new float[] {0.5f, 1.5f}, null, List.of()));
        assertMessage(e, "value 1.5 of image 1 is outside [0, 1]");
        e = assertThrows(IllegalArgumentException.class,
                () -> new ImageSet("toy", 1, 1, 1, new float[] {0f, Float.NaN}, null, List.of()));
        assertMessage(e, "value NaN of image 1");
        e = assertThrows(IllegalArgumentException.class,
                () -> new ImageSet("toy", 1, 1, 1, new float[2], new int[] {0, 2}, List.of("a", "b")));
        assertMessage(e, "label 2 of image 1 is outside 0..1");
        e = assertThrows(IllegalArgumentException.class, () -> new ImageSet("toy", 0, 1, 1, new float[0], null, List.of()));
        assertMessage(e, "channels 0");
    }
}
