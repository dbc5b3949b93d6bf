package dev.engram.cli;

import dev.engram.io.PngGrid;
import dev.engram.tensor.Shape;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A PNG grid of image groups shown row against row: the first {@code columns} images of every
 * group, one row per group, then the next {@code columns}, and so on (originals above their
 * reconstructions, noisy input above output above clean target).
 */
final class ImageRows {
    private ImageRows() {
    }

    static void write(Path file, Shape chw, int count, int columns, int scale, float[]... groups) throws IOException {
        int perImage = (int) chw.numel();
        int cols = Math.min(columns, count);
        int blocks = (count + cols - 1) / cols;
        int rows = blocks * groups.length;
        float[] grid = new float[rows * cols * perImage];
        for (int b = 0; b < blocks; b++) {
            for (int g = 0; g < groups.length; g++) {
                int row = b * groups.length + g;
                int n = Math.min(cols, count - b * cols);
                System.arraycopy(groups[g], b * cols * perImage, grid, row * cols * perImage, n * perImage);
            }
        }
        PngGrid.write(file, grid, Shape.of(rows * cols, chw.dim(0), chw.dim(1), chw.dim(2)), cols, scale);
    }
}
