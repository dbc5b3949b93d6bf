package dev.engram.backend.cuda;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The CUDA toolkit's command-line tools, for tests that run only where they are installed. */
final class CudaTools {
    /** The project root: Maven runs tests there. */
    static final Path ROOT = Paths.get("").toAbsolutePath();
    static final Path KERNELS = ROOT.resolve("kernels");
    static final Path RESOURCES = ROOT.resolve("src/main/resources/dev/engram/kernels");

    /** What a command printed (stdout and stderr together) and its exit status. */
    record Result(int exitCode, String output) {
    }

    private CudaTools() {
    }

    /** The path of {@code tool} on the PATH; skips the calling test (JUnit assumption) where it is absent. */
    static Path require(String tool) {
        Optional<Path> found = find(tool);
        assumeTrue(found.isPresent(), tool + " is not on the PATH: skipped (CI has no CUDA toolkit)");
        return found.get();
    }

    private static Optional<Path> find(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Paths.get(dir, tool);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Runs a command in the project root, feeding it {@code stdin}; fails the test after 5 minutes. */
    static Result run(List<String> command, String stdin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.US_ASCII));
        }
        // Read before waiting, so a chatty process never blocks on a full pipe.
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Result(p.exitValue(), output);
    }
}
