package dev.engram.data;

import dev.engram.io.MalformedDataException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the CIFAR-10 binary format (cifar-10-batches-bin): each record is one label byte (0..9)
 * and 3072 pixel bytes, the 32x32 red plane then green then blue, each row-major, which is already
 * CHW. Files hold any number of records; the distribution's hold 10,000 each.
 */
public final class Cifar10Reader {
    public static final int SIDE = 32;
    private static final int PIXELS = 3 * SIDE * SIDE;
    private static final int RECORD = 1 + PIXELS;
    public static final List<String> CLASS_NAMES = List.of(
            "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");
    private static final List<String> TRAIN_FILES = List.of(
            "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    private static final String TEST_FILE = "test_batch.bin";

    private Cifar10Reader() {
    }

    /** The training split (data_batch_1..5.bin) or the test split (test_batch.bin) of a directory. */
    public static ImageSet readSplit(Path dir, Split split) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String name : split == Split.TRAIN ? TRAIN_FILES : List.of(TEST_FILE)) {
            Path p = dir.resolve(name);
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException(dir + " has no " + name + "; a CIFAR-10 binary directory (cifar-10-batches-bin)"
                        + " holds " + String.join(", ", TRAIN_FILES) + " and " + TEST_FILE);
            }
            files.add(p);
        }
        return read(files);
    }

    /** The records of the given files, in order, as one labelled set. */
    public static ImageSet read(List<Path> files) throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("Cifar10Reader: no files given");
        }
        long records = 0;
        for (Path f : files) {
            long size = Files.size(f);
            if (size == 0 || size % RECORD != 0) {
                throw new MalformedDataException(f + ": " + size + " bytes is not a whole number of " + RECORD
                        + "-byte CIFAR-10 records (1 label + 3072 pixels); " + (size == 0 ? "the file is empty" : "truncated after "
                        + size / RECORD + " records with " + size % RECORD + " bytes left over"));
            }
            records += size / RECORD;
        }
        if (records * PIXELS > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("Cifar10Reader: " + records + " images do not fit in one array");
        }
        float[] pixels = new float[(int) (records * PIXELS)];
        int[] labels = new int[(int) records];
        int index = 0;
        byte[] record = new byte[RECORD];
        for (Path f : files) {
            long count = Files.size(f) / RECORD;
            try (InputStream in = Files.newInputStream(f)) {
                for (long r = 0; r < count; r++, index++) {
                    DataStreams.readFully(in, record, f.toString(), "record " + r);
                    int label = record[0] & 0xff;
                    if (label >= CLASS_NAMES.size()) {
                        throw new MalformedDataException(f + ": record " + r + " has label " + label
                                + "; CIFAR-10 labels are 0..9 (is this a CIFAR-100 file? it has 2 label bytes per record)");
                    }
                    labels[index] = label;
                    int base = index * PIXELS;
                    for (int i = 0; i < PIXELS; i++) {
                        pixels[base + i] = (record[1 + i] & 0xff) / 255f;
                    }
                }
            }
        }
        String name = files.size() == 1 ? files.get(0).toString() : files.get(0).toAbsolutePath().getParent() + " (" + files.size() + " CIFAR-10 files)";
        return new ImageSet(name, 3, SIDE, SIDE, pixels, labels, CLASS_NAMES);
    }
}
