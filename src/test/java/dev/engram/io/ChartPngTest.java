package dev.engram.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChartPngTest {
    @TempDir
    Path dir;

    @Test
    void axesEndOnNiceTicksAroundTheData() {
        ChartCanvas.Axis a = ChartCanvas.Axis.covering(0.13, 9.3);
        assertEquals(2.0, a.step());
        assertEquals(0.0, a.min());
        assertEquals(10.0, a.max());
        assertArrayEquals(new double[] {0, 2, 4, 6, 8, 10}, a.ticks(), 1e-12);
        assertEquals("4", a.format(4));
        ChartCanvas.Axis small = ChartCanvas.Axis.covering(0.0213, 0.0345);
        assertEquals(0.005, small.step(), 1e-15);
        assertEquals(0.02, small.min(), 1e-15);
        assertEquals(0.035, small.max(), 1e-15);
        assertEquals("0.025", small.format(0.025));
        ChartCanvas.Axis flat = ChartCanvas.Axis.covering(5, 5);
        assertTrue(flat.min() < 5 && flat.max() > 5, "a constant series still gets a range");
        assertEquals(0.5, ChartCanvas.Axis.niceStep(0.23), 1e-15);
        assertEquals(1000.0, ChartCanvas.Axis.niceStep(999), 1e-9);
    }

    @Test
    void lossCurvesDrawEachSeriesInItsColourAndBreakAtNaN() throws IOException {
        double[] steps = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        double[] train = new double[steps.length];
        double[] val = new double[steps.length];
        for (int i = 0; i < steps.length; i++) {
            train[i] = 2.0;
            val[i] = i == 5 ? Double.NaN : 1.0 + 0.05 * i;
        }
        List<LossCurvePng.Series> series = List.of(
                new LossCurvePng.Series("train", steps, train), new LossCurvePng.Series("validation", steps, val));
        ChartCanvas chart = LossCurvePng.plot("loss", "epoch", "MSE", series);
        assertTrue(near(chart.image, chart.toPixelX(2.5), chart.toPixelY(2.0), ChartCanvas.PALETTE.get(0)),
                "the flat train curve passes between its points");
        assertTrue(near(chart.image, chart.toPixelX(2.5), chart.toPixelY(1.125), ChartCanvas.PALETTE.get(1)),
                "the validation curve passes between its points");
        assertFalse(near(chart.image, chart.toPixelX(4.5), chart.toPixelY(1.225), ChartCanvas.PALETTE.get(1)),
                "no line is drawn into the NaN point");

        Path file = dir.resolve("loss.png");
        LossCurvePng.write(file, "loss", "epoch", "MSE", series);
        BufferedImage png = ImageIO.read(file.toFile());
        assertEquals(LossCurvePng.WIDTH, png.getWidth());
        assertEquals(LossCurvePng.HEIGHT, png.getHeight());
        assertEquals(chart.image.getRGB(300, 200), png.getRGB(300, 200), "the file holds the rendered chart");
    }

    @Test
    void scatterPointsTakeTheirLabelsColourWhereTheirCoordinatesMap() throws IOException {
        float[] x = {-3f, 0f, 2.5f, 1f};
        float[] y = {1f, -2f, 4f, Float.NaN};
        int[] labels = {0, 3, 9, 5};
        ChartCanvas chart = ScatterPng.plot("latent", x, y, labels, List.of("zero", "one", "two", "three"));
        for (int i = 0; i < 3; i++) {
            int px = (int) Math.floor(chart.toPixelX(x[i]));
            int py = (int) Math.floor(chart.toPixelY(y[i]));
            assertEquals(ChartCanvas.PALETTE.get(labels[i]).getRGB(), chart.image.getRGB(px, py), "point " + i);
        }
        Path file = dir.resolve("scatter.png");
        ScatterPng.write(file, "latent", x, y, labels, List.of());
        BufferedImage png = ImageIO.read(file.toFile());
        assertEquals(ScatterPng.WIDTH, png.getWidth());
        assertEquals(ScatterPng.HEIGHT, png.getHeight());
        assertTrue(count(png, ChartCanvas.PALETTE.get(3)) > count(chart.image, ChartCanvas.PALETTE.get(4)),
                "label 3 is drawn, label 4 is absent");
    }

    @Test
    void refusesWhatTheChartsCannotShow() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ScatterPng.plot("t", new float[] {0, 1}, new float[] {0, 1}, new int[] {0, 10}, List.of()));
        assertTrue(e.getMessage().contains("label 10 of point 1 is outside 0..9"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ScatterPng.plot("t", new float[2], new float[3], null, List.of()));
        assertTrue(e.getMessage().contains("2 x values, 3 y values"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ScatterPng.plot("t", new float[] {Float.NaN}, new float[] {0}, null, List.of()));
        assertTrue(e.getMessage().contains("no point has finite coordinates"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new LossCurvePng.Series("train", new double[2], new double[1]));
        assertTrue(e.getMessage().contains("series \"train\" has 2 x values but 1 y values"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LossCurvePng.plot("t", "x", "y", List.of()));
        assertTrue(e.getMessage().contains("0 series"), e.getMessage());
    }

    /** Whether the colour appears within 2 pixels of (px, py): lines are antialiased, so look around. */
    private static boolean near(BufferedImage image, double px, double py, Color color) {
        for (int dy = -2; dy <= 2; dy++) {
            for (int dx = -2; dx <= 2; dx++) {
                if (image.getRGB((int) px + dx, (int) py + dy) == color.getRGB()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int count(BufferedImage image, Color color) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                n += image.getRGB(x, y) == color.getRGB() ? 1 : 0;
            }
        }
        return n;
    }
}
