package dev.engram.io;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * The frame shared by engram's charts: a white picture with a plot area, axes with "nice" tick
 * values (1, 2 or 5 times a power of ten), grid lines, a title, axis labels and a legend to the
 * right of the plot. Maps data coordinates to pixels; the charts draw their marks in between.
 */
final class ChartCanvas {
    /** Matplotlib's "tab10" colours: distinct, and familiar to anyone who has plotted a latent space. */
    static final List<Color> PALETTE = List.of(
            new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
            new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf));

    private static final int LEFT = 80;
    private static final int TOP = 40;
    private static final int BOTTOM = 60;
    private static final int LEGEND_WIDTH = 170;
    private static final int TARGET_TICKS = 6;

    final BufferedImage image;
    final Graphics2D g;
    private final int plotLeft;
    private final int plotTop;
    private final int plotRight;
    private final int plotBottom;
    private final Axis xAxis;
    private final Axis yAxis;

    ChartCanvas(int width, int height, double xMin, double xMax, double yMin, double yMax) {
        Headless.ensure();
        image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        plotLeft = LEFT;
        plotTop = TOP;
        plotRight = width - LEGEND_WIDTH;
        plotBottom = height - BOTTOM;
        xAxis = Axis.covering(xMin, xMax);
        yAxis = Axis.covering(yMin, yMax);
    }

    double toPixelX(double x) {
        return plotLeft + (x - xAxis.min) / (xAxis.max - xAxis.min) * (plotRight - plotLeft);
    }

    double toPixelY(double y) {
        return plotBottom - (y - yAxis.min) / (yAxis.max - yAxis.min) * (plotBottom - plotTop);
    }

    /** Grid, axes, ticks and labels; drawn before the marks so the marks lie on top of the grid. */
    void drawFrame(String title, String xLabel, String yLabel) {
        FontMetrics fm = g.getFontMetrics();
        g.setStroke(new BasicStroke(1f));
        for (double v : xAxis.ticks()) {
            int px = (int) Math.round(toPixelX(v));
            g.setColor(new Color(225, 225, 225));
            g.drawLine(px, plotTop, px, plotBottom);
            g.setColor(Color.BLACK);
            g.drawLine(px, plotBottom, px, plotBottom + 5);
            String s = xAxis.format(v);
            g.drawString(s, px - fm.stringWidth(s) / 2, plotBottom + 8 + fm.getAscent());
        }
        for (double v : yAxis.ticks()) {
            int py = (int) Math.round(toPixelY(v));
            g.setColor(new Color(225, 225, 225));
            g.drawLine(plotLeft, py, plotRight, py);
            g.setColor(Color.BLACK);
            g.drawLine(plotLeft - 5, py, plotLeft, py);
            String s = yAxis.format(v);
            g.drawString(s, plotLeft - 8 - fm.stringWidth(s), py + fm.getAscent() / 2 - 1);
        }
        g.setColor(Color.BLACK);
        g.drawRect(plotLeft, plotTop, plotRight - plotLeft, plotBottom - plotTop);
        Font plain = g.getFont();
        g.setFont(plain.deriveFont(Font.BOLD, 14f));
        g.drawString(title, (plotLeft + plotRight - g.getFontMetrics().stringWidth(title)) / 2, TOP - 14);
        g.setFont(plain);
        g.drawString(xLabel, (plotLeft + plotRight - fm.stringWidth(xLabel)) / 2, plotBottom + 30 + fm.getAscent());
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString(yLabel, -(plotTop + plotBottom + fm.stringWidth(yLabel)) / 2, 20);
        g.setTransform(saved);
    }

    /** Restricts drawing to the plot area so marks never spill onto the axes or the legend. */
    void clipToPlot() {
        g.setClip(plotLeft, plotTop, plotRight - plotLeft + 1, plotBottom - plotTop + 1);
    }

    void drawLegend(List<String> names, List<Color> colors) {
        g.setClip(null);
        FontMetrics fm = g.getFontMetrics();
        int x = plotRight + 15;
        int y = plotTop + 5;
        int lineHeight = Math.max(16, fm.getHeight() + 4);
        for (int i = 0; i < names.size(); i++) {
            g.setColor(colors.get(i));
            g.fillRect(x, y + i * lineHeight + (lineHeight - 10) / 2, 12, 10);
            g.setColor(Color.BLACK);
            g.drawString(names.get(i), x + 18, y + i * lineHeight + (lineHeight + fm.getAscent()) / 2 - 2);
        }
    }

    void dispose() {
        g.dispose();
    }

    /** One axis: its range widened to whole ticks, and the tick step. */
    record Axis(double min, double max, double step) {
        static Axis covering(double lo, double hi) {
            if (!(lo <= hi) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
                throw new IllegalArgumentException("chart axis range [" + lo + ", " + hi + "] must be finite with min <= max");
            }
            if (lo == hi) {
                double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
                lo -= pad;
                hi += pad;
            }
            double step = niceStep((hi - lo) / (TARGET_TICKS - 1));
            return new Axis(Math.floor(lo / step) * step, Math.ceil(hi / step) * step, step);
        }

        static double niceStep(double rough) {
            double power = Math.pow(10, Math.floor(Math.log10(rough)));
            double fraction = rough / power;
            double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
            return nice * power;
        }

        double[] ticks() {
            int count = (int) Math.round((max - min) / step) + 1;
            double[] t = new double[count];
            for (int i = 0; i < count; i++) {
                t[i] = min + i * step;
            }
            return t;
        }

        String format(double v) {
            double magnitude = Math.max(Math.abs(min), Math.abs(max));
            if (magnitude >= 1e6 || step < 1e-4) {
                return String.format(Locale.ROOT, "%.2e", v);
            }
            int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
            return String.format(Locale.ROOT, "%." + decimals + "f", Math.abs(v) < step * 1e-9 ? 0.0 : v);
        }
    }
}
