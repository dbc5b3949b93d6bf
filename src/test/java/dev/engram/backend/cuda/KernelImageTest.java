package dev.engram.backend.cuda;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class KernelImageTest {
    @Test
    void ptxIsHandedToTheDriverWithExactlyOneTrailingNul() {
        KernelImage a = KernelImage.ofPtx("a.ptx", ".version 9.0\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(0, a.bytes()[a.bytes().length - 1]);
        assertEquals(".version 9.0\n".length() + 1, a.bytes().length);
        KernelImage b = KernelImage.ofPtx("b.ptx", a.bytes());
        assertArrayEquals(a.bytes(), b.bytes());
        assertEquals("9.0", b.ptxVersion());
        assertTrue(b.ptx());
    }

    @Test
    void theProbesOwnPtxIsInTheJarAndDefinesItsKernel() throws IOException {
        KernelImage probe = KernelImage.ofPtxResource(CudaProbe.PROBE_PTX);
        String text = new String(probe.bytes(), StandardCharsets.US_ASCII);
        assertTrue(text.contains(".visible .entry engram_probe_fill_f32("), text);
        assertFalse(probe.ptxVersion().isEmpty());
    }

    @Test
    void aMissingFamilyNamesBothResourcesLookedFor() {
        IOException e = assertThrows(IOException.class, () -> KernelImage.ofFamily("no_such_family"));
        assertTrue(e.getMessage().contains("no_such_family.fatbin") && e.getMessage().contains("no_such_family.ptx"),
                e.getMessage());
    }

    /** Where nvcc is installed, the PTX in the jar must be what native/probe/build.sh makes from its source today. */
    @Test
    void theProbePtxIsCurrentWithItsSource(@TempDir Path dir) throws Exception {
        assumeTrue(onPath("nvcc"), "nvcc not found: cannot regenerate the probe PTX");
        Path fresh = dir.resolve("probe_fill.ptx");
        Process p = new ProcessBuilder("sh", "native/probe/build.sh", fresh.toString()).inheritIO().start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "native/probe/build.sh failed");
        String committed = Files.readString(Path.of("src/main/resources" + CudaProbe.PROBE_PTX));
        String made = Files.readString(fresh);
        assumeTrue(compiler(made).equals(compiler(committed)), () -> "made by another nvcc (" + compiler(made)
                + " here, " + compiler(committed) + " in the jar): the PTX cannot be compared");
        assertEquals(committed, made, "probe_fill.ptx is stale: run native/probe/build.sh");
    }

    /** The "// Cuda compilation tools, release ..." line nvcc writes at the top of a PTX file. */
    private static String compiler(String ptx) {
        return ptx.lines().filter(l -> l.startsWith("// Cuda compilation tools")).findFirst().orElse("unknown");
    }

    static boolean onPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(":")) {
            if (Files.isExecutable(Path.of(d, exe))) {
                return true;
            }
        }
        return false;
    }
}
