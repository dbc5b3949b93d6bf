package dev.engram.data;

import dev.engram.io.MalformedDataException;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipException;

/**
 * Reads the IDX format of MNIST and Fashion-MNIST, plain or gzip-compressed (detected from the
 * bytes). An images file is the big-endian magic 0x00000803 (unsigned bytes, 3 dimensions), the
 * image count, rows and columns, then the pixels row-major; a labels file is 0x00000801, the count,
 * then one byte per label. Images become one grey channel scaled to [0, 1].
 */
public final class IdxReader {
    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;
    private static final int UNSIGNED_BYTE = 0x08;

    private IdxReader() {
    }

    /** Images with their labels, which must be in 0..numClasses-1 and as many as the images. */
    public static ImageSet read(Path images, Path labels, int numClasses) throws IOException {
        try (InputStream imageStream = Files.newInputStream(images); InputStream labelStream = Files.newInputStream(labels)) {
            return read(imageStream, images.toString(), labelStream, labels.toString(), numClasses, images.toString());
        }
    }

    /** Images only: an unlabelled set. */
    public static ImageSet readImages(Path images) throws IOException {
        try (InputStream in = Files.newInputStream(images)) {
            return read(in, images.toString(), null, null, 0, images.toString());
        }
    }

    /**
     * One split from a directory laid out as the data sets are distributed:
     * train-images-idx3-ubyte / train-labels-idx1-ubyte for training, t10k-... for test, each
     * optionally ending in .gz (e.g. /usr/share/datasets/fashion-mnist from dataset-fashion-mnist).
     */
    public static ImageSet readSplit(Path dir, Split split, int numClasses) throws IOException {
        String prefix = split == Split.TRAIN ? "train" : "t10k";
        Path images = find(dir, prefix + "-images-idx3-ubyte");
        Path labels = find(dir, prefix + "-labels-idx1-ubyte");
        return read(images, labels, numClasses);
    }

    private static Path find(Path dir, String base) {
        for (String name : List.of(base + ".gz", base)) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IllegalArgumentException(dir + " has neither " + base + ".gz nor " + base
                + " (an IDX data set directory as MNIST and Fashion-MNIST are distributed)");
    }

    /**
     * The stream-level reader behind the others, also used for data sets on the class path.
     *
     * @param labels null for an unlabelled set
     */
    static ImageSet read(InputStream images, String imagesSource, InputStream labels, String labelsSource, int numClasses,
            String name) throws IOException {
        if (labels != null) {
            checkNumClasses(numClasses);
        }
        Array pixels = readArray(images, imagesSource, IMAGES_MAGIC, "images (count, rows, columns)");
        int n = pixels.dims[0];
        int rows = pixels.dims[1];
        int cols = pixels.dims[2];
        int[] labelValues = null;
        if (labels != null) {
            Array l = readArray(labels, labelsSource, LABELS_MAGIC, "labels (count)");
            if (l.dims[0] != n) {
                throw new MalformedDataException(labelsSource + ": holds " + l.dims[0] + " labels but " + imagesSource
                        + " holds " + n + " images; the counts must agree");
            }
            labelValues = new int[n];
            for (int i = 0; i < n; i++) {
                labelValues[i] = l.bytes[i] & 0xff;
                if (labelValues[i] >= numClasses) {
                    throw new MalformedDataException(labelsSource + ": label " + labelValues[i] + " of image " + i
                            + " is out of range 0.." + (numClasses - 1));
                }
            }
        }
        float[] values = new float[pixels.bytes.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = (pixels.bytes[i] & 0xff) / 255f;
        }
        return new ImageSet(name, 1, rows, cols, values, labelValues, List.of());
    }

    private static void checkNumClasses(int numClasses) {
        if (numClasses <= 0 || numClasses > 256) {
            throw new IllegalArgumentException("IdxReader: numClasses " + numClasses + " must be in 1..256 (labels are bytes)");
        }
    }

    private record Array(int[] dims, byte[] bytes) {
    }

    private static Array readArray(InputStream raw, String source, int expectedMagic, String layout) throws IOException {
        try {
            InputStream in = DataStreams.decompressing(raw);
            // The magic first, on its own: a short file of another kind is "wrong magic", not "truncated".
            byte[] magicBytes = new byte[4];
            DataStreams.readFully(in, magicBytes, source, "IDX magic number");
            int magic = bigEndianInt(magicBytes, 0);
            if (magic != expectedMagic) {
                throw new MalformedDataException(source + ": wrong magic number " + hex(magic) + " (" + describe(magic)
                        + "); expected " + hex(expectedMagic) + " for IDX " + layout);
            }
            int rank = expectedMagic & 0xff;
            byte[] header = new byte[4 * rank];
            DataStreams.readFully(in, header, source, "IDX dimensions");
            int[] dims = new int[rank];
            long total = 1;
            for (int i = 0; i < rank; i++) {
                dims[i] = bigEndianInt(header, 4 * i);
                if (dims[i] <= 0) {
                    throw new MalformedDataException(source + ": dimension " + i + " of the IDX " + layout + " is "
                            + Integer.toUnsignedString(dims[i]) + "; each dimension must be in 1..2147483647");
                }
                total *= dims[i];
                if (total > Integer.MAX_VALUE - 8) {
                    throw new MalformedDataException(source + ": header dimensions " + dimsText(dims, i + 1)
                            + " describe more bytes than fit in memory at once");
                }
            }
            byte[] bytes = new byte[(int) total];
            DataStreams.readFully(in, bytes, source, "data for dimensions " + dimsText(dims, rank));
            DataStreams.expectEnd(in, source, "data for dimensions " + dimsText(dims, rank));
            return new Array(dims, bytes);
        } catch (EOFException | ZipException e) {
            throw DataStreams.damagedGzip(source, e);
        }
    }

    private static String describe(int magic) {
        if ((magic >>> 16) != 0) {
            return "not an IDX file: IDX starts with two zero bytes";
        }
        int type = (magic >>> 8) & 0xff;
        String typeName = switch (type) {
            case UNSIGNED_BYTE -> "unsigned bytes";
            case 0x09 -> "signed bytes";
            case 0x0B -> "shorts";
            case 0x0C -> "ints";
            case 0x0D -> "floats";
            case 0x0E -> "doubles";
            default -> "unknown type " + String.format("0x%02X", type);
        };
        String what = typeName + ", " + (magic & 0xff) + " dimensions";
        if (magic == LABELS_MAGIC) {
            return what + ": a labels file";
        }
        if (magic == IMAGES_MAGIC) {
            return what + ": an images file";
        }
        return what;
    }

    private static String dimsText(int[] dims, int count) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) {
            sb.append(i == 0 ? "" : " x ").append(Integer.toUnsignedString(dims[i]));
        }
        return sb.toString();
    }

    private static String hex(int v) {
        return String.format("0x%08X", v);
    }

    private static int bigEndianInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }
}
