package dev.engram.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Data shipped inside the engram jar, so the first command in the README runs with nothing to
 * download: the first 2,000 images of the Fashion-MNIST test split with their labels (see
 * README.md next to the files for their origin, licence and how they were cut).
 */
public final class EmbeddedData {
    /** Fashion-MNIST's labels 0..9 in order. */
    public static final List<String> FASHION_MNIST_CLASSES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    static final String IMAGES = "fashion-mnist-test-2000-images-idx3-ubyte.gz";
    static final String LABELS = "fashion-mnist-test-2000-labels-idx1-ubyte.gz";

    private EmbeddedData() {
    }

    /** 2,000 labelled 1x28x28 Fashion-MNIST test images, read afresh from the class path on each call. */
    public static ImageSet fashionMnistSample() {
        try (InputStream images = open(IMAGES); InputStream labels = open(LABELS)) {
            return IdxReader.read(images, IMAGES, labels, LABELS, FASHION_MNIST_CLASSES.size(),
                    "fashion-mnist-sample (first 2000 test images, embedded)").withClassNames(FASHION_MNIST_CLASSES);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the embedded Fashion-MNIST sample from the class path", e);
        }
    }

    private static InputStream open(String name) {
        InputStream in = EmbeddedData.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("the class path lacks dev/engram/data/" + name
                    + "; the engram jar was built without its resources");
        }
        return in;
    }
}
