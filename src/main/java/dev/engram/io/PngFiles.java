package dev.engram.io;

import javax.imageio.ImageIO;
import java.awt.image.RenderedImage;
import java.io.IOException;
import java.nio.file.Path;

/** Saves a rendered image as PNG, atomically like every file engram writes. */
final class PngFiles {
    private PngFiles() {
    }

    static void write(Path file, RenderedImage image) throws IOException {
        AtomicFile.write(file, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException(file + ": this Java runtime has no PNG writer (javax.imageio)");
            }
        });
    }
}
