package dev.engram.cli;

import dev.engram.backend.Backend;
import dev.engram.backend.Backends;
import dev.engram.backend.cpu.CpuBackend;
import dev.engram.backend.cuda.CudaBackend;
import dev.engram.backend.cuda.CudaDevice;
import dev.engram.backend.cuda.CudaLibraries;
import dev.engram.bench.BenchReport;
import dev.engram.bench.Machine;
import dev.engram.bench.ModelBench;
import dev.engram.bench.OpBench;
import dev.engram.model.Presets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Time the reference models: ms per training step (median), training and inference images/s,",
                "peak memory. Prints a table and writes JSON (bench/results/DATE-MACHINE-DEVICE.json, -2, -3... if the",
                "day has one, unless --out)",
                "in the schema of bench/pytorch/bench.py; bench/compare.py sets the two side by side."})
final class BenchCommand implements Callable<Integer> {
    /** The reference models of the design notes and their batches (conv-ae's on a GPU is larger). */
    static final List<String> REFERENCE_MODELS = List.of("dense-ae", "conv-ae", "conv-vae", "conv-vae-64");
    private static final int OTHER_PRESET_BATCH = 64;

    @Option(names = "--models", split = ",", paramLabel = "PRESET",
            description = "Comma-separated presets (default: dense-ae,conv-ae,conv-vae,conv-vae-64).")
    List<String> models = REFERENCE_MODELS;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Mixin
    Tf32Option tf32;

    @Option(names = "--steps", defaultValue = "20",
            description = "Timed training steps, and timed reconstructions (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", defaultValue = "5", description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--batch", description = "Images per step for every model (default: the design notes' batch:"
            + " dense-ae 256, conv-ae 64 on the CPU and 256 on a GPU, conv-vae 128, conv-vae-64 256; other presets 64).")
    Integer batch;

    @Option(names = "--threads", description = "CPU backend threads (default: one per core).")
    Integer threads;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE.json", description = "Where the JSON goes.")
    Path out;

    @Option(names = "--ops", description = {"Instead of the models: time each op of the op set alone, next to its floor",
            "(the bytes it must move over copy's bandwidth; GEMM and convolution in FLOPs)."})
    boolean ops;

    @Option(names = "--size", paramLabel = "FLOATS", description = "Floats per tensor for --ops, a multiple of 262144"
            + " (default: 2^26 on a GPU, 2^24 on the CPU).")
    Integer size;

    @ParentCommand
    Main main;

    @Override
    public Integer call() throws IOException {
        checkArguments();
        if (ops) {
            return runOps();
        }
        PrintStream say = main.out();
        BenchReport report = null;
        Map<String, Object> label = null;
        Map<String, Object> graphs = new LinkedHashMap<>();
        for (String model : models) {
            int b = batchOf(model);
            try (Backend backend = openBackend()) {
                if (report == null) {
                    label = label(backend);
                    report = new BenchReport(label, timing(backend), backend instanceof CudaBackend && tf32.allowed ? "tf32" : "fp32",
                            steps, warmup);
                    say.printf(Locale.ROOT, "engram bench on %s; %s, %d cores, load average %s; %d steps after %d warm-up%n",
                            label.get("device"), label.get("machine"), Machine.cores(), label.get("load_average_start"),
                            steps, warmup);
                }
                say.printf(Locale.ROOT, "%s batch %d ...%n", model, b);
                try {
                    report.add(model, b, ModelBench.run(backend, model, b, steps, warmup));
                    if (backend instanceof CudaBackend cuda) {
                        graphs.put(model, cuda.graphsOff().map(why -> "off: " + why)
                                .orElse(cuda.graphReplays() + " steps replayed as CUDA graphs"));
                    }
                } catch (RuntimeException | OutOfMemoryError e) {
                    report.addFailure(model, b, Main.describe(e));
                }
            }
        }
        report.putLabel("load_average_end", loadAverage());
        if (!graphs.isEmpty()) {
            report.putLabel("cuda_graphs", graphs);
            graphs.forEach((model, state) -> say.printf(Locale.ROOT, "%s: %s%n", model, state));
        }
        report.printTable(say);
        Path file = resultFile(label, "");
        Files.writeString(file, report.toJson(), StandardCharsets.UTF_8);
        say.println("wrote " + file);
        if (report.failures() > 0) {
            main.err().printf("engram: bench: %d of %d models failed (see the table)%n", report.failures(), models.size());
            return Main.FAILED;
        }
        return 0;
    }

    /** Each op alone (OpBench): a table and JSON (bench/results/DATE-MACHINE-DEVICE-ops.json, as {@link #resultFile}). */
    private int runOps() throws IOException {
        PrintStream say = main.out();
        try (Backend backend = openBackend()) {
            Map<String, Object> label = label(backend);
            int n = size != null ? size : backend instanceof CudaBackend ? 1 << 26 : 1 << 24;
            say.printf(Locale.ROOT, "engram bench --ops on %s; %s, %d cores; %d floats per tensor%n", label.get("device"),
                    label.get("machine"), Machine.cores(), n);
            List<OpBench.Row> rows = OpBench.run(backend, n);
            OpBench.printTable(rows, say);
            label.put("load_average_end", loadAverage());
            String timing = backend instanceof CudaBackend ? "device events around each stretch of calls on the CUDA stream"
                    : "host clock around each stretch of calls (the CPU backend is synchronous)";
            Path file = resultFile(label, "-ops");
            Files.writeString(file, OpBench.toJson(label, timing, n, rows), StandardCharsets.UTF_8);
            say.println("wrote " + file);
        }
        return 0;
    }

    /** Refuses bad settings before any model is built. */
    private void checkArguments() {
        if (size != null && (!ops || size < OpBench.IMAGE || size % OpBench.IMAGE != 0)) {
            throw new IllegalArgumentException("bench: --size " + size + " needs --ops and a positive multiple of "
                    + OpBench.IMAGE + " floats");
        }
        if (steps < 1 || warmup < 0) {
            throw new IllegalArgumentException("bench: --steps must be >= 1 and --warmup >= 0, got " + steps + " and "
                    + warmup);
        }
        if (batch != null && batch < 1) {
            throw new IllegalArgumentException("bench: --batch must be >= 1, got " + batch);
        }
        if (threads != null && (threads < 1 || !deviceKind().equals("cpu"))) {
            throw new IllegalArgumentException("bench: --threads " + threads + " needs --device cpu and a count >= 1");
        }
        if (models.isEmpty()) {
            throw new IllegalArgumentException("bench: --models names no model");
        }
        models.forEach(Presets::spec); // refuses an unknown name with the list of presets
    }

    private int batchOf(String model) {
        if (batch != null) {
            return batch;
        }
        return switch (model) {
            case "dense-ae", "conv-vae-64" -> 256;
            case "conv-ae" -> deviceKind().equals("cpu") ? 64 : 256;
            case "conv-vae" -> 128;
            default -> OTHER_PRESET_BATCH;
        };
    }

    /** A fresh backend per model: the CUDA allocator's peak then belongs to that model alone. */
    private Backend openBackend() {
        if (deviceKind().equals("cpu")) {
            return threads != null ? new CpuBackend(threads) : new CpuBackend();
        }
        return Backends.open(device, tf32.allowed, main.err());
    }

    private String deviceKind() {
        return device.trim().toLowerCase(Locale.ROOT).startsWith("cuda") ? "cuda" : device.trim().toLowerCase(Locale.ROOT);
    }

    private static String timing(Backend backend) {
        if (backend instanceof CudaBackend) {
            return "device events around each step on the CUDA stream: ms/step is the device's time from the step's"
                    + " first op to its last; train and inference images/s are over a stretch of steps with one"
                    + " synchronize at its end";
        }
        return "host clock; the CPU backend is synchronous: ms/step is from a step's start to its end, images/s over"
                + " a stretch of steps";
    }

    private Map<String, Object> label(Backend backend) {
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("date", LocalDate.now().toString());
        l.put("machine", Machine.cpuModel());
        l.put("cores", Machine.cores());
        l.put("load_average_start", loadAverage());
        l.put("runtime", "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
        l.put("engram_version", new Main.Version().getVersion()[0]);
        l.put("commit", gitCommit());
        if (backend instanceof CudaBackend cuda) {
            CudaDevice.Properties p = cuda.device().properties();
            l.put("device", cuda.name() + " " + p.name() + ", compute capability " + p.computeCapability());
            l.put("device_name", p.name());
            l.put("driver", DoctorCommand.nvidiaDriver());
            l.put("cublas", CudaLibraries.cublas().detail());
            l.put("cudnn", CudaLibraries.cudnn().detail());
        } else {
            CpuBackend cpu = (CpuBackend) backend;
            l.put("device", "cpu, " + cpu.threadCount() + " threads, GEMM kernel " + cpu.gemmKernel());
            l.put("device_name", "cpu");
        }
        return l;
    }

    /** --out, else bench/results/DATE-MACHINE-DEVICE{suffix}.json; its folder is created. */
    private Path resultFile(Map<String, Object> label, String suffix) throws IOException {
        Path file = out != null ? out : unusedName(Path.of("bench", "results"),
                LocalDate.now() + "-" + machineSlug(label) + "-" + deviceKind() + suffix);
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        return file;
    }

    /** dir/stem.json, or stem-2.json, stem-3.json... where earlier runs wrote: a run keeps the day's other figures. */
    static Path unusedName(Path dir, String stem) {
        Path file = dir.resolve(stem + ".json");
        for (int i = 2; Files.exists(file); i++) {
            file = dir.resolve(stem + "-" + i + ".json");
        }
        return file;
    }

    private static String machineSlug(Map<String, Object> label) {
        return label.get("device_name").equals("cpu") ? Machine.slug((String) label.get("machine")) + "-"
                + Machine.cores() + "core" : Machine.slug((String) label.get("device_name"));
    }

    private static Double loadAverage() {
        double load = Machine.loadAverage();
        return Double.isNaN(load) ? null : load;
    }

    /** ENGRAM_COMMIT where the caller knows it, else git's HEAD of the working directory, else "unknown". */
    private static String gitCommit() {
        String env = System.getenv("ENGRAM_COMMIT");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "--short=12", "HEAD").redirectErrorStream(true).start();
            String head = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            boolean done = git.waitFor(5, TimeUnit.SECONDS);
            return done && git.exitValue() == 0 && head.matches("[0-9a-f]{7,40}") ? head : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
