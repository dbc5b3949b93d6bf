package dev.engram.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bytes the driver loads for one kernel family: resource dev/engram/kernels/&lt;family&gt;.fatbin
 * when the build has one (machine code for the GPUs it was built for, plus PTX), else
 * &lt;family&gt;.ptx, which the driver compiles; PTX text is handed over with a trailing NUL, as
 * cuModuleLoadData requires.
 */
public record KernelImage(String source, byte[] bytes, boolean ptx) {
    public static final String FOLDER = "/dev/engram/kernels/";

    /** The image of a family from the class path; fails naming both resources looked for. */
    public static KernelImage ofFamily(String family) throws IOException {
        byte[] fatbin = resource(FOLDER + family + ".fatbin");
        if (fatbin != null) {
            return new KernelImage(FOLDER + family + ".fatbin", fatbin, false);
        }
        byte[] ptx = resource(FOLDER + family + ".ptx");
        if (ptx != null) {
            return ofPtx(FOLDER + family + ".ptx", ptx);
        }
        throw new IOException("kernel family '" + family + "' is not in this build: neither " + FOLDER + family
                + ".fatbin nor " + FOLDER + family + ".ptx is on the class path");
    }

    /** A PTX image from a resource on the class path (such as the probe's own kernel). */
    public static KernelImage ofPtxResource(String resource) throws IOException {
        byte[] ptx = resource(resource);
        if (ptx == null) {
            throw new IOException("resource " + resource + " is missing from this build of engram");
        }
        return ofPtx(resource, ptx);
    }

    static KernelImage ofPtx(String source, byte[] text) {
        boolean terminated = text.length > 0 && text[text.length - 1] == 0;
        return new KernelImage(source, terminated ? text : Arrays.copyOf(text, text.length + 1), true);
    }

    /** The ".version" line of a PTX image (the PTX ISA the driver must read), or "" for a fatbin. */
    public String ptxVersion() {
        if (!ptx) {
            return "";
        }
        return new String(bytes, StandardCharsets.US_ASCII).lines().map(String::trim)
                .filter(l -> l.startsWith(".version")).findFirst().map(l -> l.substring(".version".length()).trim())
                .orElse("");
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = KernelImage.class.getResourceAsStream(name)) {
            return in == null ? null : in.readAllBytes();
        }
    }
}
