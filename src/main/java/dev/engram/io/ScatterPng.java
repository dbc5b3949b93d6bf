package dev.engram.io;

import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws a 2-D latent map as a scatter plot PNG: point i at (x[i], y[i]) coloured by its label with
 * the fixed 10-colour palette, and a legend of the labels present (by class name when given).
 * Without labels every point takes the first colour and there is no legend. The axes are labelled
 * z[0] and z[1], the two latent coordinates; points with a non-finite coordinate are left out.
 */
public final class ScatterPng {
    static final int WIDTH = 820;
    static final int HEIGHT = 680;
    static final double POINT_RADIUS = 2.5;

    private ScatterPng() {
    }

    /**
     * @param labels one per point in 0..9, or null
     * @param classNames names for labels 0..n-1 shown in the legend, or an empty list for the digits
     */
    public static void write(Path file, String title, float[] x, float[] y, int[] labels, List<String> classNames)
            throws IOException {
        PngFiles.write(file, plot(title, x, y, labels, classNames).image);
    }

    static ChartCanvas plot(String title, float[] x, float[] y, int[] labels, List<String> classNames) {
        int n = x.length;
        if (y.length != n || (labels != null && labels.length != n)) {
            throw new IllegalArgumentException("ScatterPng: " + n + " x values, " + y.length + " y values and "
                    + (labels == null ? "no" : labels.length) + " labels; all must have one entry per point");
        }
        boolean[] present = new boolean[ChartCanvas.PALETTE.size()];
        if (labels != null) {
            for (int i = 0; i < n; i++) {
                if (labels[i] < 0 || labels[i] >= present.length) {
                    throw new IllegalArgumentException("ScatterPng: label " + labels[i] + " of point " + i + " is outside 0.."
                            + (present.length - 1) + ", the labels the " + present.length + "-colour palette can show");
                }
                present[labels[i]] = true;
            }
        }
        double[] range = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (int i = 0; i < n; i++) {
            if (Float.isFinite(x[i]) && Float.isFinite(y[i])) {
                range[0] = Math.min(range[0], x[i]);
                range[1] = Math.max(range[1], x[i]);
                range[2] = Math.min(range[2], y[i]);
                range[3] = Math.max(range[3], y[i]);
            }
        }
        if (range[0] > range[1]) {
            throw new IllegalArgumentException("ScatterPng: no point has finite coordinates (" + n + " points)");
        }
        ChartCanvas canvas = new ChartCanvas(WIDTH, HEIGHT, range[0], range[1], range[2], range[3]);
        canvas.drawFrame(title, "z[0]", "z[1]");
        canvas.clipToPlot();
        for (int i = 0; i < n; i++) {
            if (Float.isFinite(x[i]) && Float.isFinite(y[i])) {
                canvas.g.setColor(ChartCanvas.PALETTE.get(labels == null ? 0 : labels[i]));
                canvas.g.fill(new Ellipse2D.Double(canvas.toPixelX(x[i]) - POINT_RADIUS, canvas.toPixelY(y[i]) - POINT_RADIUS,
                        2 * POINT_RADIUS, 2 * POINT_RADIUS));
            }
        }
        if (labels != null) {
            List<String> names = new ArrayList<>();
            List<Color> colors = new ArrayList<>();
            for (int label = 0; label < present.length; label++) {
                if (present[label]) {
                    names.add(label < classNames.size() ? label + " " + classNames.get(label) : Integer.toString(label));
                    colors.add(ChartCanvas.PALETTE.get(label));
                }
            }
            canvas.drawLegend(names, colors);
        }
        canvas.dispose();
        return canvas;
    }
}
