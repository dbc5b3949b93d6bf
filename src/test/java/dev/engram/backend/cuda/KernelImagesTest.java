package dev.engram.backend.cuda;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The committed kernel images are what kernels/*.cu compile to, and the GPU assembler accepts
 * them for the architectures the backend targets. Both need the CUDA toolkit and skip without it.
 */
class KernelImagesTest {
    private static final List<String> ARCHITECTURES = List.of("sm_80", "sm_90");
    private static final Pattern SPILLS = Pattern.compile("([1-9]\\d*) bytes spill (stores|loads)");

    @TempDir
    Path temp;

    @Test
    void committedImagesAreCurrentWithTheSources() throws Exception {
        CudaTools.require("nvcc");
        CudaTools.Result r = CudaTools.run(List.of("bash", "native/build-kernels.sh", temp.toString()), "");
        assertEquals(0, r.exitCode(), "native/build-kernels.sh failed:\n" + r.output());
        Set<String> generated = imageNames(temp);
        assertEquals(imageNames(CudaTools.RESOURCES), generated,
                "kernel images differ from kernels/*.cu: run native/build-kernels.sh and commit the result");
        for (String name : generated) {
            assertArrayEquals(Files.readAllBytes(temp.resolve(name)), Files.readAllBytes(CudaTools.RESOURCES.resolve(name)),
                    name + " is stale: run native/build-kernels.sh and commit the result");
        }
    }

    @Test
    void ptxasAcceptsEveryImageWithoutSpillsForSm80AndSm90() throws Exception {
        CudaTools.require("ptxas");
        List<String> problems = new ArrayList<>();
        for (String name : imageNames(CudaTools.RESOURCES)) {
            for (String arch : ARCHITECTURES) {
                Path ptx = CudaTools.RESOURCES.resolve(name);
                CudaTools.Result r = CudaTools.run(List.of("ptxas", "-arch=" + arch, "-v", ptx.toString(), "-o",
                        temp.resolve(name + "." + arch + ".cubin").toString()), "");
                if (r.exitCode() != 0) {
                    problems.add(name + " for " + arch + ": ptxas exit " + r.exitCode() + "\n" + r.output());
                }
                Matcher spill = SPILLS.matcher(r.output());
                if (spill.find()) {
                    problems.add(name + " for " + arch + " spills registers: " + spill.group());
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    private static Set<String> imageNames(Path dir) throws IOException {
        Set<String> names = new TreeSet<>();
        try (var files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".ptx")).forEach(names::add);
        }
        assertTrue(!names.isEmpty(), "no kernel images in " + dir);
        return names;
    }
}
