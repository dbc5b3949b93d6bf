package dev.engram.io;

import dev.engram.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PngGridTest {
    @TempDir
    Path dir;

    @Test
    void greyImagesLandInTheirCellsScaledAndClamped() throws IOException {
        // Two 2x3 grey images; values exercise rounding, clamping and NaN.
        float[] images = {
            0f, 0.5f, 1f,
            -0.5f, 1.5f, Float.NaN,
            0.2f, 0.4f, 0.6f,
            0.8f, 1f / 255, 254.5f / 255,
        };
        Path file = dir.resolve("grid.png");
        PngGrid.write(file, images, Shape.of(2, 1, 2, 3), 2, 3);
        BufferedImage png = ImageIO.read(file.toFile());
        int m = PngGrid.MARGIN;
        assertEquals(m + 2 * (3 * 3 + m), png.getWidth());
        assertEquals(m + (2 * 3 + m), png.getHeight());
        Raster r = png.getRaster();
        assertEquals(1, r.getNumBands(), "grey images make a grey PNG");
        int[][] expected = {{0, 128, 255, 0, 255, 0}, {51, 102, 153, 204, 1, 255}};
        for (int i = 0; i < 2; i++) {
            int x0 = m + i * (9 + m);
            for (int y = 0; y < 6; y++) {
                for (int x = 0; x < 9; x++) {
                    assertEquals(expected[i][(y / 3) * 3 + x / 3], r.getSample(x0 + x, m + y, 0), "image " + i + " at " + x + "," + y);
                }
            }
        }
        assertEquals(255, r.getSample(0, 0, 0), "margin is white");
        assertEquals(255, r.getSample(m + 9, m + 2, 0), "gap between cells is white");
        assertEquals(255, r.getSample(png.getWidth() - 1, png.getHeight() - 1, 0));
    }

    @Test
    void rgbImagesFillRowsThenColumns() throws IOException {
        int n = 3;
        int h = 2;
        int w = 2;
        float[] images = new float[n * 3 * h * w];
        for (int i = 0; i < images.length; i++) {
            images[i] = (i % 17) / 16f;
        }
        Path file = dir.resolve("rgb.png");
        PngGrid.write(file, images, Shape.of(n, 3, h, w), 2, 1);
        BufferedImage png = ImageIO.read(file.toFile());
        int m = PngGrid.MARGIN;
        assertEquals(m + 2 * (w + m), png.getWidth());
        assertEquals(m + 2 * (h + m), png.getHeight());
        for (int i = 0; i < n; i++) {
            int x0 = m + (i % 2) * (w + m);
            int y0 = m + (i / 2) * (h + m);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int rgb = png.getRGB(x0 + x, y0 + y);
                    for (int c = 0; c < 3; c++) {
                        int want = Math.round(images[((i * 3 + c) * h + y) * w + x] * 255);
                        assertEquals(want, (rgb >> (16 - 8 * c)) & 0xff, "image " + i + " channel " + c + " at " + x + "," + y);
                    }
                }
            }
        }
        assertEquals(0xffffff, png.getRGB(m + (w + m), m + (h + m)) & 0xffffff, "the empty fourth cell stays white");
    }

    @Test
    void refusesShapesItCannotDraw() {
        assertRefused(() -> PngGrid.render(new float[8], Shape.of(2, 2, 2), 1, 1), "[2, 2, 2]");
        assertRefused(() -> PngGrid.render(new float[16], Shape.of(2, 2, 2, 2), 1, 1), "C = 1 or 3");
        assertRefused(() -> PngGrid.render(new float[7], Shape.of(2, 1, 2, 2), 1, 1), "7 values do not fill shape [2, 1, 2, 2]");
        assertRefused(() -> PngGrid.render(new float[8], Shape.of(2, 1, 2, 2), 0, 1), "columns 0");
        assertRefused(() -> PngGrid.render(new float[8], Shape.of(2, 1, 2, 2), 1, 100_000), "too large");
    }

    private static void assertRefused(Runnable r, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().startsWith("PngGrid: "), e.getMessage());
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
