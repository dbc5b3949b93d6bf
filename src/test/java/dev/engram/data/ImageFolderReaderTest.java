package dev.engram.data;

import dev.engram.io.MalformedDataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static dev.engram.data.IdxReaderTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ImageFolderReaderTest {
    @TempDir
    Path dir;

    private static int channel(int x, int y, int c) {
        return (x * 40 + y * 25 + c * 70) & 0xff;
    }

    private static BufferedImage rgb(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, channel(x, y, 0) << 16 | channel(x, y, 1) << 8 | channel(x, y, 2));
            }
        }
        return image;
    }

    private Path save(BufferedImage image, String format, String relative) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        ImageIO.write(image, format, file.toFile());
        return file;
    }

    @Test
    void classFoldersBecomeSortedLabels() throws IOException {
        save(rgb(6, 4), "png", "dog/b.png");
        save(rgb(6, 4), "png", "cat/z.PNG");
        save(rgb(6, 4), "png", "cat/deeper/a.png");
        save(rgb(4, 4), "jpeg", "dog/a.jpg");
        Files.writeString(dir.resolve("dog/notes.txt"), "not an image");
        save(rgb(4, 4), "png", ".cache/skip.png");
        save(rgb(4, 4), "png", "cat/.hidden/skip.png");
        ImageSet set = ImageFolderReader.read(dir, 2, ColorMode.RGB);
        assertEquals(List.of("cat", "dog"), set.classNames());
        assertArrayEquals(new int[] {0, 0, 1, 1}, set.labels());
        assertEquals("[4, 3, 2, 2]", set.shape().toString());
    }

    @Test
    void shrinksTheShorterSideThenCropsTheCentre() throws IOException {
        // 6 wide, 4 high, size 2: scaled to 3x2 (each output pixel averages a 2x2 block), then columns [0, 2) kept.
        save(rgb(6, 4), "png", "only/a.png");
        ImageSet set = ImageFolderReader.read(dir.resolve("only"), 2, ColorMode.RGB);
        assertFalse(set.hasLabels(), "a flat folder is unlabelled");
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 2; y++) {
                for (int x = 0; x < 2; x++) {
                    double mean = 0;
                    for (int dy = 0; dy < 2; dy++) {
                        for (int dx = 0; dx < 2; dx++) {
                            mean += channel(2 * x + dx, 2 * y + dy, c) / 255.0 / 4;
                        }
                    }
                    assertEquals(mean, set.pixels()[(c * 2 + y) * 2 + x], 1e-6, "channel " + c + " at " + x + "," + y);
                }
            }
        }
        // A tall image crops rows instead: 2 wide, 6 high at size 2 keeps source rows [2, 4).
        save(rgb(2, 6), "png", "tall/a.png");
        ImageSet tall = ImageFolderReader.read(dir.resolve("tall"), 2, ColorMode.RGB);
        assertEquals(channel(1, 3, 2) / 255f, tall.pixels()[(2 * 2 + 1) * 2 + 1], 1e-6f);
    }

    @Test
    void greyImagesKeepTheirValuesAndColourBecomesLuma() throws IOException {
        BufferedImage grey8 = new BufferedImage(3, 3, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage grey16 = new BufferedImage(3, 3, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster r8 = grey8.getRaster();
        WritableRaster r16 = grey16.getRaster();
        for (int i = 0; i < 9; i++) {
            r8.setSample(i % 3, i / 3, 0, i * 30);
            r16.setSample(i % 3, i / 3, 0, i * 8000);
        }
        save(grey8, "png", "grey/a.png");
        save(grey16, "png", "grey/b.png");
        save(rgb(3, 3), "png", "grey/c.png");
        ImageSet g = ImageFolderReader.read(dir.resolve("grey"), 3, ColorMode.GREY);
        for (int i = 0; i < 9; i++) {
            assertEquals(i * 30 / 255f, g.pixels()[i], 1e-6f, "8-bit grey pixel " + i + " unchanged");
            assertEquals(i * 8000 / 65535f, g.pixels()[9 + i], 1e-6f, "16-bit grey pixel " + i + " unchanged");
            int x = i % 3;
            int y = i / 3;
            double luma = (0.299 * channel(x, y, 0) + 0.587 * channel(x, y, 1) + 0.114 * channel(x, y, 2)) / 255;
            assertEquals(luma, g.pixels()[18 + i], 1e-6, "luma of colour pixel " + i);
        }
        ImageSet asRgb = ImageFolderReader.read(dir.resolve("grey"), 3, ColorMode.RGB);
        assertEquals(asRgb.pixels()[4], asRgb.pixels()[9 + 4], "grey is copied to all three channels");
        assertEquals(4 * 30 / 255f, asRgb.pixels()[2 * 9 + 4], 1e-6f);
    }

    @Test
    void enlargesSmallImagesBilinearly() throws IOException {
        BufferedImage two = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        two.getRaster().setSample(1, 0, 0, 255);
        two.getRaster().setSample(1, 1, 0, 255);
        save(two, "png", "small/a.png");
        ImageSet set = ImageFolderReader.read(dir.resolve("small"), 4, ColorMode.GREY);
        float[] row = Arrays.copyOf(set.pixels(), 4);
        assertArrayEquals(new float[] {0f, 0.25f, 0.75f, 1f}, row, 1e-6f);
    }

    @Test
    void readsJpegWithinItsLoss() throws IOException {
        BufferedImage flat = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                flat.setRGB(x, y, 0x4080c0);
            }
        }
        save(flat, "jpeg", "jpeg/a.jpeg");
        ImageSet set = ImageFolderReader.read(dir.resolve("jpeg"), 8, ColorMode.RGB);
        assertEquals(0x40 / 255f, set.pixels()[0], 4 / 255f);
        assertEquals(0x80 / 255f, set.pixels()[64], 4 / 255f);
        assertEquals(0xc0 / 255f, set.pixels()[128], 4 / 255f);
    }

    @Test
    void refusesEmptyMixedAndUnreadableFolders() throws IOException {
        Files.createDirectories(dir.resolve("empty"));
        Files.writeString(dir.resolve("empty/readme.txt"), "no images here");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageFolderReader.read(dir.resolve("empty"), 8, ColorMode.RGB));
        assertMessage(e, "empty holds no images (accepted: .png, .jpg, .jpeg");

        save(rgb(4, 4), "png", "mixed/a.png");
        save(rgb(4, 4), "png", "mixed/cls/b.png");
        e = assertThrows(IllegalArgumentException.class, () -> ImageFolderReader.read(dir.resolve("mixed"), 4, ColorMode.RGB));
        assertMessage(e, "mixes image files (a.png, ...) with class folders (cls, ...)");

        save(rgb(4, 4), "png", "classes/one/a.png");
        Files.createDirectories(dir.resolve("classes/two"));
        e = assertThrows(IllegalArgumentException.class, () -> ImageFolderReader.read(dir.resolve("classes"), 4, ColorMode.RGB));
        assertMessage(e, "class folder " + dir.resolve("classes/two") + " holds no images");

        save(rgb(4, 4), "png", "broken/a.png");
        byte[] png = Files.readAllBytes(dir.resolve("broken/a.png"));
        Files.write(dir.resolve("broken/b.png"), Arrays.copyOf(png, png.length / 2));
        Files.write(dir.resolve("broken/c.jpg"), "plain text, not a JPEG".getBytes());
        MalformedDataException m = assertThrows(MalformedDataException.class,
                () -> ImageFolderReader.read(dir.resolve("broken"), 4, ColorMode.RGB));
        assertMessage(m, dir.resolve("broken/b.png") + ": cannot decode the image");
        Files.delete(dir.resolve("broken/b.png"));
        m = assertThrows(MalformedDataException.class, () -> ImageFolderReader.read(dir.resolve("broken"), 4, ColorMode.RGB));
        assertMessage(m, dir.resolve("broken/c.jpg") + ": not a PNG or JPEG image");

        e = assertThrows(IllegalArgumentException.class, () -> ImageFolderReader.read(dir.resolve("nowhere"), 4, ColorMode.RGB));
        assertMessage(e, "nowhere is not a folder");
    }
}
