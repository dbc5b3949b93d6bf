package dev.engram.backend.cuda;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LibrarySearchTest {
    private static Path touch(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.createFile(file);
    }

    @Test
    void findsLibrariesInLdLibraryPathToolkitsAndPythonNvidiaPackagesInThatOrder(@TempDir Path root) throws IOException {
        Path home = root.resolve("home/me");
        Path ld = touch(root.resolve("opt/mine/libcublas.so.12")).getParent();
        Path toolkit = touch(root.resolve("usr/local/cuda-13.0/lib64/libcublas.so.13"));
        Path pipCublas = touch(root.resolve("usr/local/lib/python3.12/dist-packages/nvidia/cu13/lib/libcublas.so.13"));
        Path pipCudnn = touch(root.resolve("usr/lib/python3/dist-packages/nvidia/cudnn/lib/libcudnn.so.9"));
        Path userCudnn = touch(root.resolve("home/me/.local/lib/python3.11/site-packages/nvidia/cudnn/lib/libcudnn.so.9"));
        Path ldconfig = touch(root.resolve("usr/lib/x86_64-linux-gnu/libcuda.so.1")).getParent();
        Path venvCudnn = touch(root.resolve("opt/venv/lib/python3.12/site-packages/nvidia/cudnn/lib/libcudnn.so.9"));

        LibrarySearch s = LibrarySearch.of(Map.of("LD_LIBRARY_PATH", ld + "::" + root.resolve("no/such")), home,
                List.of(ldconfig), root);

        assertEquals(ld, s.folders().get(0));
        assertEquals(ldconfig, s.folders().get(1));
        assertEquals(List.of(toolkit, pipCublas), s.all("libcublas.so.13"));
        assertEquals(List.of(pipCudnn, userCudnn, venvCudnn), s.all("libcudnn.so.*"));
        assertEquals(ld.resolve("libcublas.so.12"), s.first("libcublas.so.12").orElseThrow());
        assertTrue(s.first("libcublasLt.so.13").isEmpty());
        assertEquals(toolkit.getParent() + ":" + pipCudnn.getParent(), s.libraryPathFor(List.of(toolkit, pipCudnn)));
    }

    @Test
    void readsFoldersFromLdconfigOutput() {
        List<Path> dirs = LibrarySearch.parseLdconfig(List.of(
                "1234 libs found in cache `/etc/ld.so.cache'",
                "\tlibcuda.so.1 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcuda.so.1",
                "\tlibcudnn.so.9 (libc6,x86-64) => /opt/cudnn/lib/libcudnn.so.9",
                "\tlibc.so.6 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libc.so.6"));
        assertEquals(List.of(Path.of("/usr/lib/x86_64-linux-gnu"), Path.of("/opt/cudnn/lib")), dirs);
    }
}
