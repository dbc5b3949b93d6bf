package dev.engram.io;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws training curves as a line chart PNG: one or more named series of (step or epoch, value)
 * points, each in its own palette colour, with ticked axes and a legend. Non-finite values (a
 * diverged run) break the line instead of breaking the chart.
 */
public final class LossCurvePng {
    static final int WIDTH = 900;
    static final int HEIGHT = 520;
    /** Series this short get a dot on each point, so a few epoch-level values stay visible. */
    private static final int MARKER_LIMIT = 50;

    /** One curve: its legend name and its points, x ascending as training goes. */
    public record Series(String name, double[] x, double[] y) {
        public Series {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("LossCurvePng: a series needs a name");
            }
            if (x.length != y.length) {
                throw new IllegalArgumentException("LossCurvePng: series \"" + name + "\" has " + x.length + " x values but "
                        + y.length + " y values");
            }
        }
    }

    private LossCurvePng() {
    }

    public static void write(Path file, String title, String xLabel, String yLabel, List<Series> series) throws IOException {
        ChartCanvas canvas = plot(title, xLabel, yLabel, series);
        PngFiles.write(file, canvas.image);
    }

    static ChartCanvas plot(String title, String xLabel, String yLabel, List<Series> series) {
        if (series.isEmpty() || series.size() > ChartCanvas.PALETTE.size()) {
            throw new IllegalArgumentException("LossCurvePng: " + series.size() + " series; between 1 and "
                    + ChartCanvas.PALETTE.size() + " fit the palette");
        }
        double[] range = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (Series s : series) {
            for (int i = 0; i < s.x.length; i++) {
                if (Double.isFinite(s.x[i]) && Double.isFinite(s.y[i])) {
                    range[0] = Math.min(range[0], s.x[i]);
                    range[1] = Math.max(range[1], s.x[i]);
                    range[2] = Math.min(range[2], s.y[i]);
                    range[3] = Math.max(range[3], s.y[i]);
                }
            }
        }
        if (range[0] > range[1]) { // no finite point at all: still draw the (empty) chart
            range = new double[] {0, 1, 0, 1};
        }
        ChartCanvas canvas = new ChartCanvas(WIDTH, HEIGHT, range[0], range[1], range[2], range[3]);
        canvas.drawFrame(title, xLabel, yLabel);
        canvas.clipToPlot();
        canvas.g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        List<String> names = new ArrayList<>();
        List<Color> colors = new ArrayList<>();
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            Color color = ChartCanvas.PALETTE.get(k);
            canvas.g.setColor(color);
            drawSeries(canvas, s);
            names.add(s.name);
            colors.add(color);
        }
        canvas.drawLegend(names, colors);
        canvas.dispose();
        return canvas;
    }

    private static void drawSeries(ChartCanvas canvas, Series s) {
        Path2D.Double line = new Path2D.Double();
        boolean penDown = false;
        for (int i = 0; i < s.x.length; i++) {
            if (!Double.isFinite(s.x[i]) || !Double.isFinite(s.y[i])) {
                penDown = false;
                continue;
            }
            double px = canvas.toPixelX(s.x[i]);
            double py = canvas.toPixelY(s.y[i]);
            if (penDown) {
                line.lineTo(px, py);
            } else {
                line.moveTo(px, py);
                penDown = true;
            }
            if (s.x.length <= MARKER_LIMIT) {
                canvas.g.fill(new Ellipse2D.Double(px - 3, py - 3, 6, 6));
            }
        }
        canvas.g.draw(line);
    }
}
