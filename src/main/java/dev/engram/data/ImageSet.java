package dev.engram.data;

import dev.engram.tensor.Shape;

import java.util.List;

/**
 * A data set of images held in memory: pixels as floats in [0, 1], NCHW row-major, with optional
 * integer labels and class names. The arrays are held, not copied, and must not be changed after
 * construction; readers build one from a file and hand it over.
 */
public final class ImageSet {
    private final String name;
    private final int count;
    private final int channels;
    private final int height;
    private final int width;
    private final float[] pixels;
    private final int[] labels;
    private final List<String> classNames;

    /**
     * @param name where the images came from, for messages and logs
     * @param pixels count * channels * height * width values in [0, 1]
     * @param labels one per image, or null for an unlabelled set
     * @param classNames names of labels 0..k-1 (labels must then be below k), or empty when unknown
     */
    public ImageSet(String name, int channels, int height, int width, float[] pixels, int[] labels, List<String> classNames) {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("ImageSet " + name + ": channels " + channels + ", height " + height
                    + " and width " + width + " must be > 0");
        }
        long perImage = (long) channels * height * width;
        if (pixels.length % perImage != 0) {
            throw new IllegalArgumentException("ImageSet " + name + ": " + pixels.length + " values are not a whole number of "
                    + channels + "x" + height + "x" + width + " images");
        }
        this.count = (int) (pixels.length / perImage);
        if (labels != null && labels.length != count) {
            throw new IllegalArgumentException("ImageSet " + name + ": " + labels.length + " labels for " + count + " images");
        }
        for (int i = 0; i < pixels.length; i++) {
            if (!(pixels[i] >= 0f && pixels[i] <= 1f)) {
                throw new IllegalArgumentException("ImageSet " + name + ": value " + pixels[i] + " of image " + i / perImage
                        + " is outside [0, 1]");
            }
        }
        if (labels != null) {
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] < 0 || (!classNames.isEmpty() && labels[i] >= classNames.size())) {
                    throw new IllegalArgumentException("ImageSet " + name + ": label " + labels[i] + " of image " + i
                            + " is outside 0.." + (classNames.isEmpty() ? "" : classNames.size() - 1));
                }
            }
        }
        this.name = name;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.pixels = pixels;
        this.labels = labels;
        this.classNames = List.copyOf(classNames);
    }

    /** The same images and labels under other class names (e.g. Fashion-MNIST's for an IDX file). */
    public ImageSet withClassNames(List<String> names) {
        return new ImageSet(name, channels, height, width, pixels, labels, names);
    }

    public String name() {
        return name;
    }

    public int size() {
        return count;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** [N, C, H, W]. */
    public Shape shape() {
        return Shape.of(count, channels, height, width);
    }

    /** The pixel array itself (not a copy), NCHW. */
    public float[] pixels() {
        return pixels;
    }

    public boolean hasLabels() {
        return labels != null;
    }

    /** The label array itself (not a copy); null for an unlabelled set. */
    public int[] labels() {
        return labels;
    }

    public List<String> classNames() {
        return classNames;
    }

    @Override
    public String toString() {
        return name + " " + shape() + (labels == null ? " unlabelled" : " labelled");
    }
}
