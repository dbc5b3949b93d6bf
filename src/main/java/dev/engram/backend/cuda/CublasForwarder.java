package dev.engram.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * engram's forwarding libcublas.so.12 (built from native/cublas12-forward): it carries the symbol
 * version node libcublas.so.12 that JCublas2's native library was linked against, and sends each
 * call to libcublas.so.13. Used only where no real libcublas.so.12 is found.
 */
final class CublasForwarder {
    static final String RESOURCE = "/dev/engram/backend/cuda/linux-x86_64/libcublas.so.12";

    private CublasForwarder() {
    }

    /** Copies the forwarder out of the jar into a fresh private folder and returns its path. */
    static Path extract() throws IOException {
        try (InputStream in = CublasForwarder.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("resource " + RESOURCE + " is missing from this build of engram");
            }
            Path dir = Files.createTempDirectory("engram-native-");
            Path so = dir.resolve("libcublas.so.12");
            Files.copy(in, so, StandardCopyOption.REPLACE_EXISTING);
            so.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return so;
        }
    }
}
