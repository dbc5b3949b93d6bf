package dev.engram.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class AtomicFileTest {
    @TempDir
    Path dir;

    @Test
    void replacesTheFileWhenTheWriteCompletes() throws IOException {
        Path file = dir.resolve("out.bin");
        Files.writeString(file, "old contents that are longer");
        AtomicFile.write(file, out -> out.write("new".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("new", Files.readString(file));
        assertEquals(List.of(file), list());
    }

    @Test
    void theFileGetsTheUsualPermissionsNotOwnerOnly() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions only");
        Path plain = Files.writeString(dir.resolve("plain.txt"), "x");
        Path atomic = dir.resolve("atomic.txt");
        AtomicFile.write(atomic, out -> out.write('x'));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(atomic));
    }

    @Test
    void aWriteThatFailsMidwayLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path file = dir.resolve("ckpt.safetensors");
        Files.writeString(file, "previous checkpoint");
        IOException diskFull = new IOException("No space left on device");
        IOException e = assertThrows(IOException.class, () -> AtomicFile.write(file, out -> {
            out.write(new byte[200_000]); // more than the buffer: part of it has reached the temporary file
            throw diskFull;
        }));
        assertSame(diskFull, e);
        assertEquals("previous checkpoint", Files.readString(file));
        assertEquals(List.of(file), list());

        IllegalStateException bug = assertThrows(IllegalStateException.class, () -> AtomicFile.write(file, out -> {
            out.write(1);
            throw new IllegalStateException("bug in the body");
        }));
        assertEquals("bug in the body", bug.getMessage());
        assertEquals("previous checkpoint", Files.readString(file));
        assertEquals(List.of(file), list());
    }

    @Test
    void aFailedFirstWriteCreatesNoFile() {
        Path file = dir.resolve("new.bin");
        assertThrows(IOException.class, () -> AtomicFile.write(file, out -> {
            throw new IOException("fails at once");
        }));
        assertEquals(List.of(), list());
    }

    private List<Path> list() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
