package dev.engram.bench;

import dev.engram.backend.Backend;
import dev.engram.backend.ConvGeometry;
import dev.engram.backend.cpu.CpuBackend;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Milliseconds and GFLOP/s of the three convolution ops of the CPU backend (conv2dForward,
 * conv2dBackwardData, conv2dBackwardFilter) on the layer geometries of the reference models:
 * conv-ae at batch 64, conv-vae (1x28x28) at batch 128, conv-vae-64 (3x64x64) at batch 256. A
 * transposed convolution runs the same ops on the geometry read backwards (its forward is
 * backward-data), so each row names the module pass it serves. Each figure is the median of
 * several timed samples after a warm-up; min and max show the spread (a shared machine widens it).
 *
 * <p>Run: mvn -q -o package -DskipTests &amp;&amp; java --add-modules jdk.incubator.vector -cp target/classes
 * dev.engram.bench.ConvBench [set...] where a set is conv-ae, conv-vae or conv-vae-64 (all by default).
 */
public final class ConvBench {
    private static final int SAMPLES = 7;
    /**
     * 30 untimed calls and a second first (a whole-batch op makes few calls into its loops, and on
     * a busy machine the JIT needs about this many before they run compiled), then SAMPLES
     * stretches of 0.2 s.
     */
    private static final CallTimer TIMER = new CallTimer(30, 1000, SAMPLES, 200);

    /** A convolution layer of a reference model: its geometry and whether it is a transposed one. */
    private record Layer(String name, ConvGeometry geometry, boolean transposed) {
        static Layer conv(int batch, int c, int size, int k, int kernel, int stride, int pad) {
            return new Layer("Conv2d(" + c + "->" + k + ",k" + kernel + ",s" + stride + ",p" + pad + ") " + size + "x" + size,
                    ConvGeometry.of(Shape.of(batch, c, size, size), k, kernel, stride, pad, 1), false);
        }

        static Layer convTranspose(int batch, int c, int size, int k, int kernel, int stride, int pad) {
            return new Layer("ConvT2d(" + c + "->" + k + ",k" + kernel + ",s" + stride + ",p" + pad + ") " + size + "x" + size,
                    ConvGeometry.transposed(Shape.of(batch, c, size, size), k, kernel, stride, pad, 0, 1), true);
        }
    }

    /** One of the three ops on a geometry. */
    private enum Op {
        FORWARD("conv2dForward"), BACKWARD_DATA("conv2dBackwardData"), BACKWARD_FILTER("conv2dBackwardFilter");

        final String opName;

        Op(String opName) {
            this.opName = opName;
        }

        /** Which pass of the module this op is: a transposed convolution swaps forward and backward-data. */
        String role(boolean transposed) {
            return switch (this) {
                case FORWARD -> transposed ? "module bwd (dx)" : "module fwd";
                case BACKWARD_DATA -> transposed ? "module fwd" : "module bwd (dx)";
                case BACKWARD_FILTER -> "module bwd (dw)";
            };
        }
    }

    private ConvBench() {
    }

    private static Map<String, List<Layer>> sets() {
        Map<String, List<Layer>> sets = new LinkedHashMap<>();
        sets.put("conv-ae", List.of(
                Layer.conv(64, 3, 32, 32, 3, 2, 1),
                Layer.conv(64, 32, 16, 64, 3, 2, 1),
                Layer.conv(64, 64, 8, 128, 3, 2, 1),
                Layer.conv(64, 128, 4, 16, 1, 1, 0),
                Layer.conv(64, 16, 4, 128, 1, 1, 0),
                Layer.convTranspose(64, 128, 4, 64, 4, 2, 1),
                Layer.convTranspose(64, 64, 8, 32, 4, 2, 1),
                Layer.convTranspose(64, 32, 16, 3, 4, 2, 1)));
        sets.put("conv-vae", List.of(
                Layer.conv(128, 1, 28, 32, 4, 2, 1),
                Layer.conv(128, 32, 14, 64, 4, 2, 1),
                Layer.convTranspose(128, 64, 7, 32, 4, 2, 1),
                Layer.convTranspose(128, 32, 14, 1, 4, 2, 1)));
        // The decoder's transposed convolutions mirror these geometries, so the encoder's cover them.
        sets.put("conv-vae-64", List.of(
                Layer.conv(256, 3, 64, 32, 4, 2, 1),
                Layer.conv(256, 32, 32, 64, 4, 2, 1),
                Layer.conv(256, 64, 16, 128, 4, 2, 1),
                Layer.conv(256, 128, 8, 256, 4, 2, 1)));
        return sets;
    }

    public static void main(String[] args) {
        Map<String, List<Layer>> sets = sets();
        List<String> chosen = args.length > 0 ? Arrays.asList(args) : List.copyOf(sets.keySet());
        for (String name : chosen) {
            if (!sets.containsKey(name)) {
                throw new IllegalArgumentException("unknown set '" + name + "'; use one of " + sets.keySet());
            }
        }
        int threads = Runtime.getRuntime().availableProcessors();
        try (CpuBackend cpu = new CpuBackend(threads)) {
            System.out.printf(Locale.ROOT, "%s, %d threads; median (min, max) of %d samples%n", cpu.name(), threads, SAMPLES);
            double totalMs = 0;
            for (String name : chosen) {
                System.out.printf(Locale.ROOT, "%n%s, batch %d%n", name, sets.get(name).get(0).geometry().n());
                System.out.printf(Locale.ROOT, "%-34s %-21s %-16s %8s %8s %8s %8s%n",
                        "layer", "op", "role", "ms", "min", "max", "GFLOP/s");
                double setMs = 0;
                for (Layer layer : sets.get(name)) {
                    for (Op op : Op.values()) {
                        Timings ms = measure(cpu, layer.geometry(), op);
                        setMs += ms.medianMs();
                        System.out.printf(Locale.ROOT, "%-34s %-21s %-16s %8.2f %8.2f %8.2f %8.1f%n", layer.name(),
                                op.opName, op.role(layer.transposed()), ms.medianMs(), ms.minMs(), ms.maxMs(),
                                layer.geometry().flops() / ms.medianMs() / 1e6);
                    }
                }
                System.out.printf(Locale.ROOT, "%s: sum of medians %.1f ms%n", name, setMs);
                totalMs += setMs;
            }
            System.out.printf(Locale.ROOT, "%ntotal: sum of medians %.1f ms%n", totalMs);
        }
    }

    /** Milliseconds per call of the op on g's tensors. */
    private static Timings measure(Backend backend, ConvGeometry g, Op op) {
        try (Tensor x = backend.allocate(g.inputShape()); Tensor w = backend.allocate(g.weightShape());
             Tensor y = backend.allocate(g.outputShape())) {
            backend.randomUniform(x, 1, 0, -1f, 1f);
            backend.randomUniform(w, 2, 0, -1f, 1f);
            backend.randomUniform(y, 3, 0, -1f, 1f);
            return TIMER.time(backend, switch (op) {
                case FORWARD -> () -> backend.conv2dForward(g, x, w, y);
                case BACKWARD_DATA -> () -> backend.conv2dBackwardData(g, y, w, x);
                case BACKWARD_FILTER -> () -> backend.conv2dBackwardFilter(g, x, y, w);
            });
        }
    }
}
