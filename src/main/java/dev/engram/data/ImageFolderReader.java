package dev.engram.data;

import dev.engram.io.MalformedDataException;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Reads a folder of PNG and JPEG images into an image set of one size, as torchvision's
 * ImageFolder with Resize(size) and CenterCrop(size): each image is scaled so its shorter side is
 * {@code size} (area averaging when shrinking, bilinear when enlarging), then the centre
 * size x size square is kept.
 *
 * <p>Two layouts: a folder of images (an unlabelled set, files in name order), or a folder of class
 * folders, each holding that class's images, searched recursively (labels 0..k-1 by class folder
 * name in sorted order). Hidden entries (names starting with '.') and files of other types are
 * skipped.
 */
public final class ImageFolderReader {
    public static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg");

    private ImageFolderReader() {
    }

    public static ImageSet read(Path root, int size, ColorMode mode) throws IOException {
        if (size <= 0) {
            throw new IllegalArgumentException("ImageFolderReader: size " + size + " must be > 0");
        }
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException(root + " is not a folder");
        }
        List<Path> classDirs = new ArrayList<>();
        List<Path> looseImages = new ArrayList<>();
        try (Stream<Path> entries = Files.list(root)) {
            for (Path p : entries.sorted().toList()) {
                if (isHidden(p)) {
                    continue;
                }
                if (Files.isDirectory(p)) {
                    classDirs.add(p);
                } else if (isImage(p)) {
                    looseImages.add(p);
                }
            }
        }
        if (!classDirs.isEmpty() && !looseImages.isEmpty()) {
            throw new IllegalArgumentException(root + " mixes image files (" + looseImages.get(0).getFileName()
                    + ", ...) with class folders (" + classDirs.get(0).getFileName() + ", ...); use one layout: "
                    + "only images, or only one folder per class");
        }
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<String> classNames = new ArrayList<>();
        if (classDirs.isEmpty()) {
            files.addAll(looseImages);
        } else {
            for (Path dir : classDirs) {
                List<Path> images = imagesUnder(dir);
                if (images.isEmpty()) {
                    throw new IllegalArgumentException("class folder " + dir + " holds no images (accepted: "
                            + String.join(", ", EXTENSIONS) + ")");
                }
                for (Path image : images) {
                    files.add(image);
                    labels.add(classNames.size());
                }
                classNames.add(dir.getFileName().toString());
            }
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException(root + " holds no images (accepted: " + String.join(", ", EXTENSIONS)
                    + ", case-insensitive; hidden files are skipped)");
        }
        int c = mode.channels();
        long total = (long) files.size() * c * size * size;
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(root + ": " + files.size() + " images of " + c + "x" + size + "x" + size
                    + " do not fit in one array; use a smaller size or fewer images");
        }
        float[] pixels = new float[(int) total];
        for (int i = 0; i < files.size(); i++) {
            decodeInto(files.get(i), size, mode, pixels, i * c * size * size);
        }
        int[] labelArray = classDirs.isEmpty() ? null : labels.stream().mapToInt(Integer::intValue).toArray();
        return new ImageSet(root.toString(), c, size, size, pixels, labelArray, classNames);
    }

    private static List<Path> imagesUnder(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> Files.isRegularFile(p) && isImage(p) && !isHiddenBelow(dir, p)).sorted().toList();
        }
    }

    private static boolean isHiddenBelow(Path dir, Path p) {
        for (Path part : dir.relativize(p)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isHidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }

    private static boolean isImage(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    private static void decodeInto(Path file, int size, ColorMode mode, float[] out, int offset) throws IOException {
        BufferedImage image;
        try (InputStream in = Files.newInputStream(file)) {
            try {
                image = ImageIO.read(in);
            } catch (IOException | RuntimeException e) { // decoders throw both on damaged files
                throw new MalformedDataException(file + ": cannot decode the image (" + e + ")", e);
            }
        }
        if (image == null) {
            throw new MalformedDataException(file + ": not a PNG or JPEG image the Java runtime can decode");
        }
        int w = image.getWidth();
        int h = image.getHeight();
        float[] planes = toPlanes(image, mode);
        int resizedW = w <= h ? size : (int) ((long) size * w / h);
        int resizedH = w <= h ? (int) ((long) size * h / w) : size;
        Resampler.Taps cols = Resampler.taps(w, resizedW, (resizedW - size) / 2, size);
        Resampler.Taps rows = Resampler.taps(h, resizedH, (resizedH - size) / 2, size);
        for (int ch = 0; ch < mode.channels(); ch++) {
            Resampler.apply(planes, ch * w * h, h, w, rows, cols, out, offset + ch * size * size);
        }
    }

    /**
     * The image as channel planes in [0, 1]. Grey images are read from their raster: going through
     * getRGB would pass them through a colour conversion that changes their values.
     */
    static float[] toPlanes(BufferedImage image, ColorMode mode) {
        int w = image.getWidth();
        int h = image.getHeight();
        int plane = w * h;
        float[] out = new float[mode.channels() * plane];
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        if (cm.getNumColorComponents() == 1 && !(cm instanceof IndexColorModel)) {
            float max = (1 << cm.getComponentSize(0)) - 1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = raster.getSample(x, y, 0) / max;
                    for (int ch = 0; ch < mode.channels(); ch++) {
                        out[ch * plane + y * w + x] = v;
                    }
                }
            }
            return out;
        }
        int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < plane; i++) {
            int r = (rgb[i] >>> 16) & 0xff;
            int g = (rgb[i] >>> 8) & 0xff;
            int b = rgb[i] & 0xff;
            if (mode == ColorMode.GREY) {
                out[i] = (float) ((0.299 * r + 0.587 * g + 0.114 * b) / 255);
            } else {
                out[i] = r / 255f;
                out[plane + i] = g / 255f;
                out[2 * plane + i] = b / 255f;
            }
        }
        return out;
    }
}
