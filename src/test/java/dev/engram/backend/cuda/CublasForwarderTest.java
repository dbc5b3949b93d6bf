package dev.engram.backend.cuda;

import jcuda.JCudaVersion;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The forwarding libcublas.so.12 in the jar, tested without CUDA: a fake libcublas.so.13 built
 * here (symbol version node libcublas.so.13, as cuBLAS 13 has) must receive the calls made to
 * libcublas.so.12 symbols, both from C and through JCublas2 by engram's own loading path.
 */
class CublasForwarderTest {
    /** cublasGetVersion_v2 and cublasGetProperty of a pretend cuBLAS 13.2.1; no cublasSgemm_v2. */
    private static final String FAKE_CUBLAS13 = """
            int cublasGetVersion_v2(void *handle, int *version) { *version = 130201; return 0; }
            int cublasGetProperty(int type, int *value) { *value = type == 0 ? 13 : type == 1 ? 2 : 1; return 0; }
            """;

    private static final String CLIENT = """
            #include <stdio.h>
            int cublasGetVersion_v2(void *handle, int *version);
            int cublasSgemm_v2(void);
            int main(void) {
                int v = 0;
                int status = cublasGetVersion_v2((void *) 0, &v);
                printf("version %d status %d; sgemm status %d\\n", v, status, cublasSgemm_v2());
                return 0;
            }
            """;

    @TempDir
    static Path dir;
    static Path fakeDir;
    static Path forwarderDir;

    @BeforeAll
    static void buildFakeCublas13AndExtractTheForwarder() throws Exception {
        assumeTrue(KernelImageTest.onPath("gcc"), "gcc not found: cannot build a fake libcublas.so.13");
        fakeDir = Files.createDirectories(dir.resolve("fake"));
        Files.writeString(dir.resolve("fake.c"), FAKE_CUBLAS13);
        Files.writeString(dir.resolve("fake.map"), "libcublas.so.13 { global: cublas*; local: *; };\n");
        run(dir, "gcc", "-shared", "-fPIC", "-o", fakeDir.resolve("libcublas.so.13").toString(), "fake.c",
                "-Wl,-soname,libcublas.so.13", "-Wl,--version-script,fake.map");
        forwarderDir = Files.createDirectories(dir.resolve("forwarder"));
        try (InputStream in = CublasForwarder.class.getResourceAsStream(CublasForwarder.RESOURCE)) {
            Files.copy(in, forwarderDir.resolve("libcublas.so.12"));
        }
    }

    @Test
    void aCProgramLinkedAgainstLibcublas12ReachesLibcublas13() throws Exception {
        Files.writeString(dir.resolve("client.c"), CLIENT);
        run(dir, "gcc", "-o", "client", "client.c", "-L" + forwarderDir, "-l:libcublas.so.12");
        String imports = run(dir, "nm", "-D", "--undefined-only", "client");
        assertTrue(imports.contains("cublasGetVersion_v2@libcublas.so.12"), imports);

        ProcessBuilder pb = new ProcessBuilder(dir.resolve("client").toString()).directory(dir.toFile());
        pb.environment().put("LD_LIBRARY_PATH", forwarderDir + ":" + fakeDir);
        // A symbol cuBLAS 13 lacks answers CUBLAS_STATUS_NOT_SUPPORTED (15) instead of crashing.
        assertEquals("version 130201 status 0; sgemm status 15", output(pb).trim());
    }

    @Test
    void jcublas2LoadsThroughTheForwarderWhereOnlyLibcublas13Exists() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", classPathOfTheForwardedRun(),
                ForwardedCublasMain.class.getName(), fakeDir.toString());
        String out = output(pb).trim();
        assertEquals("true cuBLAS 13.2.1 (" + fakeDir.resolve("libcublas.so.13")
                + " through engram's forwarding libcublas.so.12)", out);
    }

    @Test
    void theForwarderInTheJarIsWhatItsSourceBuildsToday() throws Exception {
        Path fresh = dir.resolve("fresh/libcublas.so.12");
        run(Path.of("."), "sh", "native/cublas12-forward/build.sh", fresh.toString());
        byte[] committed = Files.readAllBytes(forwarderDir.resolve("libcublas.so.12"));
        String made = compiler(Files.readAllBytes(fresh));
        assumeTrue(made.equals(compiler(committed)), () -> "built by another compiler (" + made + " here, "
                + compiler(committed) + " in the jar): the bytes cannot be compared");
        assertArrayEquals(Files.readAllBytes(fresh), Files.readAllBytes(forwarderDir.resolve("libcublas.so.12")),
                "the forwarder resource is stale: run native/cublas12-forward/build.sh");
    }

    /** The compiler named in a library's .comment section, such as "GCC: (Debian 12.2.0-14+deb12u1) 12.2.0". */
    private static String compiler(byte[] library) {
        String text = new String(library, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("GCC: (");
        return at < 0 ? "unknown" : text.substring(at, text.indexOf('\0', at));
    }

    /**
     * The jars or folders holding the test's main class, engram, JCublas2 and its native library:
     * separate entries under Maven, one shaded jar and a test jar in a bundle (whose JUnit console
     * launcher leaves them off java.class.path).
     */
    private static String classPathOfTheForwardedRun() throws Exception {
        Set<String> entries = new LinkedHashSet<>();
        for (Class<?> c : List.of(ForwardedCublasMain.class, CudaLibraries.class, JCublas2.class, JCudaDriver.class)) {
            entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        URL natives = JCublas2.class.getResource("/lib/libJCublas2-" + JCudaVersion.get() + "-linux-x86_64.so");
        assertTrue(natives != null && natives.getProtocol().equals("jar"), "JCublas2's native library: " + natives);
        String jar = natives.getPath().substring(0, natives.getPath().indexOf("!/"));
        entries.add(Path.of(new URL(jar).toURI()).toString());
        return String.join(File.pathSeparator, entries);
    }

    private static String run(Path workDir, String... command) throws Exception {
        return output(new ProcessBuilder(command).directory(workDir.toFile()));
    }

    private static String output(ProcessBuilder pb) throws IOException, InterruptedException {
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + pb.command());
        List<String> cmd = new ArrayList<>(pb.command());
        assertEquals(0, p.exitValue(), cmd + " failed:\n" + out);
        return out;
    }
}
