package dev.engram.io;

import dev.engram.tensor.Shape;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Lays out a batch of images (NCHW floats in [0, 1], 1 or 3 channels) as one picture: row-major in
 * a grid with the caller's number of columns, separated and surrounded by a white margin, each image
 * optionally enlarged by an integer factor (nearest neighbour, so pixels stay sharp). Values are
 * clamped to [0, 1] and rounded to 8 bits; NaN shows as black. Grey images make a grey PNG.
 * Originals over reconstructions: pass [originals..., reconstructions...] with columns = count.
 */
public final class PngGrid {
    /** Pixels between and around the cells, at output scale. */
    public static final int MARGIN = 2;

    private PngGrid() {
    }

    public static void write(Path file, float[] images, Shape nchw, int columns, int scale) throws IOException {
        PngFiles.write(file, render(images, nchw, columns, scale));
    }

    public static BufferedImage render(float[] images, Shape nchw, int columns, int scale) {
        if (nchw.rank() != 4 || (nchw.dim(1) != 1 && nchw.dim(1) != 3) || nchw.dim(0) == 0 || nchw.numel() == 0) {
            throw new IllegalArgumentException("PngGrid: shape " + nchw + " must be [N, C, H, W] with N > 0, C = 1 or 3, H, W > 0");
        }
        if (images.length != nchw.numel()) {
            throw new IllegalArgumentException("PngGrid: " + images.length + " values do not fill shape " + nchw);
        }
        if (columns <= 0 || scale <= 0) {
            throw new IllegalArgumentException("PngGrid: columns " + columns + " and scale " + scale + " must be > 0");
        }
        int n = nchw.dim(0);
        int c = nchw.dim(1);
        int h = nchw.dim(2);
        int w = nchw.dim(3);
        int cols = Math.min(columns, n);
        int rows = (n + columns - 1) / columns;
        long width = MARGIN + (long) cols * (w * (long) scale + MARGIN);
        long height = MARGIN + (long) rows * (h * (long) scale + MARGIN);
        if (width > 1 << 15 || height > 1 << 15) {
            throw new IllegalArgumentException("PngGrid: a " + width + " x " + height + " picture is too large; use fewer images or a smaller scale");
        }
        Headless.ensure();
        BufferedImage image = new BufferedImage((int) width, (int) height, c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        WritableRaster raster = image.getRaster();
        fillWhite(raster, c);
        int plane = h * w;
        for (int i = 0; i < n; i++) {
            int x0 = MARGIN + (i % columns) * (w * scale + MARGIN);
            int y0 = MARGIN + (i / columns) * (h * scale + MARGIN);
            int base = i * c * plane;
            for (int y = 0; y < h * scale; y++) {
                for (int x = 0; x < w * scale; x++) {
                    int src = (y / scale) * w + x / scale;
                    for (int ch = 0; ch < c; ch++) {
                        raster.setSample(x0 + x, y0 + y, ch, toByte(images[base + ch * plane + src]));
                    }
                }
            }
        }
        return image;
    }

    private static void fillWhite(WritableRaster raster, int bands) {
        int[] row = new int[raster.getWidth() * bands];
        Arrays.fill(row, 255);
        for (int y = 0; y < raster.getHeight(); y++) {
            raster.setPixels(0, y, raster.getWidth(), 1, row);
        }
    }

    private static int toByte(float v) {
        return Math.round(Math.min(1f, Math.max(0f, v)) * 255f);
    }
}
