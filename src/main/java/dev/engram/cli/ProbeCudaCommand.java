package dev.engram.cli;

import dev.engram.backend.cuda.CudaProbe;
import dev.engram.backend.cuda.LibrarySearch;
import dev.engram.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The CUDA bring-up probe: runs the driver, JCuda's natives, cuBLAS, cuDNN and a PTX kernel once
 * each, prints PASS/FAIL with the reason per check, and records the facts as JSON. Exit code 0
 * only when every check passed.
 */
@Command(name = "probe-cuda", mixinStandardHelpOptions = true,
        description = "Check the CUDA stack step by step (driver, JCuda, cuBLAS, cuDNN, PTX) and record what was found.")
final class ProbeCudaCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the findings to FILE as JSON.")
    Path json;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        LibrarySearch search = LibrarySearch.ofThisHost();
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("date", Instant.now().toString());
        record.put("host", hostName());
        record.put("engram", new Main.Version().getVersion()[0]);
        record.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.home") + ")");
        Map<String, Object> env = new LinkedHashMap<>();
        for (String name : List.of("LD_LIBRARY_PATH", "CUDA_VISIBLE_DEVICES", "NVIDIA_TF32_OVERRIDE")) {
            env.put(name, System.getenv(name));
        }
        record.put("env", env);
        out.printf(Locale.ROOT, "engram probe-cuda on %s, java %s%n", record.get("host"), record.get("java"));
        out.printf("LD_LIBRARY_PATH=%s%n", System.getenv().getOrDefault("LD_LIBRARY_PATH", ""));
        List<Map<String, Object>> checks = new ArrayList<>();
        int[] failed = {0};
        new CudaProbe(search).run(c -> {
            out.printf(Locale.ROOT, "%s %-14s %s%n", c.passed() ? "PASS" : "FAIL", c.name(), c.detail());
            out.flush();
            if (!c.passed()) {
                failed[0]++;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("status", c.passed() ? "PASS" : "FAIL");
            m.put("detail", c.detail());
            m.put("facts", c.facts());
            checks.add(m);
        });
        record.put("checks", checks);
        out.printf(Locale.ROOT, "%d passed, %d failed%n", checks.size() - failed[0], failed[0]);
        if (json != null) {
            Files.writeString(json, Json.write(record) + "\n", StandardCharsets.UTF_8);
            out.printf("findings written to %s%n", json);
        }
        return failed[0] == 0 ? 0 : Main.FAILED;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown host";
        }
    }
}
