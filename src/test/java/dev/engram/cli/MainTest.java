package dev.engram.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.NoSuchFileException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {

    @Test
    void doctorReportsJavaTheCpuKernelAndWhyCudaIsNotUsed() {
        CliRunner r = CliRunner.run("doctor");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("java:") && r.out().contains("GEMM kernel vector"), r.out());
        assertTrue(r.out().contains("cuda:    ") && r.out().contains("cublas:  ") && r.out().contains("cudnn:   "), r.out());
        assertTrue(r.out().contains("auto:    "), r.out());
    }

    @Test
    void aWrongCommandIsOneLineAndExitCodeTwo() {
        CliRunner r = CliRunner.run("trian");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().startsWith("engram: ") && r.err().contains("'trian'"), r.err());
        assertTrue(r.err().lines().count() <= 2, r.err());
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"train", "eval", "reconstruct", "encode", "decode", "denoise", "sample",
                "interpolate", "embed", "bench", "doctor", "probe-cuda"}) {
            CliRunner r = CliRunner.run(command, "--help");
            assertEquals(0, r.exitCode(), command);
            assertTrue(r.out().contains("Usage: engram " + command), r.out());
        }
    }

    @Test
    void everyCommandThatOpensABackendOffersTf32OnAndOff() {
        for (String command : new String[] {"train", "eval", "reconstruct", "encode", "decode", "denoise", "sample",
                "interpolate", "embed", "bench"}) {
            CliRunner r = CliRunner.run(command, "--help");
            assertTrue(r.out().contains("--[no-]tf32"), command + ":\n" + r.out());
        }
    }

    @Test
    void describesErrorsInOneLineWithoutStackTraces() {
        assertEquals("no such file or folder: /x/y.npy", Main.describe(new NoSuchFileException("/x/y.npy")));
        assertEquals("bad shape [3]", Main.describe(new IllegalArgumentException("bad shape [3]")));
        assertTrue(Main.describe(new NullPointerException()).contains("--verbose"));
    }
}
