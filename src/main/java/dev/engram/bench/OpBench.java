package dev.engram.bench;

import dev.engram.backend.Activation;
import dev.engram.backend.Backend;
import dev.engram.backend.ConvGeometry;
import dev.engram.backend.LossKind;
import dev.engram.backend.PoolGeometry;
import dev.engram.backend.UpsampleMode;
import dev.engram.io.Json;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Each op of the op set timed alone on tensors of {@code n} floats (images [n / 2^18, 64, 64, 64]),
 * next to its floor. A memory-bound op's floor is the bytes it must move (each input read once,
 * each output written once) over the bandwidth that {@code copy} reaches on the same backend, so
 * its figure is the fraction of that bandwidth it achieves; GEMM and convolution are counted in
 * FLOPs, the convolutions against a square GEMM's rate. Each figure is the median of 5 samples,
 * each a stretch of calls of about 20 ms timed on the backend's clock ({@link CallTimer}: device
 * events on a GPU), after a warm-up. Tensors
 * that fit in a cache (small sizes, or a GPU's 50 MB L2) measure the cache, not memory: the
 * defaults are larger than the caches of the machines named in the design notes.
 */
public final class OpBench {
    /** Floats per image of the image-shaped tensors: [64, 64, 64]. */
    public static final int IMAGE = 1 << 18;
    /** At least 10 calls and 200 ms of warm-up, then 5 stretches of about 20 ms. */
    private static final CallTimer TIMER = new CallTimer(10, 200, 5, 20);
    private static final int CHANNELS = 64;

    private OpBench() {
    }

    /**
     * One op's figure: {@code bytes} moved or {@code flops} done per call (one of them is 0), its
     * time, its rate, and the rate as a fraction of the floor's (copy's bandwidth or the GEMM's rate).
     */
    public record Row(String op, double bytes, double flops, Timings ms, double rate, double ofReference) {
        /** "GB/s" for memory-bound ops, "GFLOP/s" for compute-bound ones. */
        public String unit() {
            return flops > 0 ? "GFLOP/s" : "GB/s";
        }
    }

    /** An op to time and the bytes or FLOPs one call of it costs. */
    private record Op(String name, double bytes, double flops, Runnable call) {
    }

    public static List<Row> run(Backend backend, int n) {
        if (n < IMAGE || n % IMAGE != 0) {
            throw new IllegalArgumentException("op bench: size " + n + " must be a positive multiple of " + IMAGE
                    + " floats (images of 64 x 64 x 64)");
        }
        int images = n / IMAGE;
        Shape image = Shape.of(images, CHANNELS, 64, 64);
        Shape quarter = Shape.of(images, CHANNELS, 32, 32);
        // The GEMM reference is a square product large enough to run near peak, at least 1024.
        int gemmSide = Math.max(1024, (int) Math.sqrt(n / 4.0));
        List<Tensor> owned = new ArrayList<>();
        try {
            Tensor x = tensor(backend, owned, image, 1);
            Tensor y = tensor(backend, owned, image, 2);
            Tensor dy = tensor(backend, owned, image, 3);
            Tensor dx = tensor(backend, owned, image, 4);
            Tensor m = tensor(backend, owned, image, 5);
            Tensor v = tensor(backend, owned, image, 6);
            backend.fill(v, 0.5f);
            Tensor small = tensor(backend, owned, quarter, 7);
            Tensor scalar = tensor(backend, owned, Shape.of(1), 8);
            Tensor bias = tensor(backend, owned, Shape.of(CHANNELS), 9);
            Tensor gamma = tensor(backend, owned, Shape.of(CHANNELS), 10);
            Tensor beta = tensor(backend, owned, Shape.of(CHANNELS), 11);
            Tensor mean = tensor(backend, owned, Shape.of(CHANNELS), 12);
            Tensor invStd = tensor(backend, owned, Shape.of(CHANNELS), 13);
            Tensor runningMean = tensor(backend, owned, Shape.of(CHANNELS), 14);
            Tensor runningVar = tensor(backend, owned, Shape.of(CHANNELS), 15);
            Tensor dgamma = tensor(backend, owned, Shape.of(CHANNELS), 16);
            Tensor dbeta = tensor(backend, owned, Shape.of(CHANNELS), 17);
            Shape square = Shape.of(gemmSide, gemmSide);
            Tensor ga = tensor(backend, owned, square, 18);
            Tensor gb = tensor(backend, owned, square, 19);
            Tensor gc = tensor(backend, owned, square, 20);
            // conv-vae-64's second layer (32 -> 64 channels, k4 s2 p1 on 32x32), in x's and y's memory.
            ConvGeometry conv = ConvGeometry.of(Shape.of(images * 8, 32, 32, 32), 64, 4, 2, 1, 1);
            Tensor cx = x.view(conv.inputShape());
            Tensor cy = y.prefix(conv.outputShape());
            Tensor cw = tensor(backend, owned, conv.weightShape(), 21);
            PoolGeometry pool = PoolGeometry.of(image, 2, 2, 0);
            Activation relu = Activation.relu();
            Activation sigmoid = Activation.sigmoid();
            Activation gelu = new Activation(Activation.Kind.GELU, 0f);
            double f = Float.BYTES * (double) n;
            List<Op> ops = List.of(
                    new Op("copy", 2 * f, 0, () -> backend.copy(x, y)),
                    new Op("fill", f, 0, () -> backend.fill(y, 1f)),
                    new Op("add", 3 * f, 0, () -> backend.add(x, dy, y)),
                    new Op("mul", 3 * f, 0, () -> backend.mul(x, dy, y)),
                    new Op("axpby", 3 * f, 0, () -> backend.axpby(0.5f, x, 0.5f, y)),
                    new Op("affine", 2 * f, 0, () -> backend.affine(x, 2f, 1f, y)),
                    new Op("clamp", 2 * f, 0, () -> backend.clamp(x, 0.2f, 0.8f, y)),
                    new Op("sum", f, 0, () -> backend.sum(x, scalar)),
                    new Op("sumOfSquares", f, 0, () -> backend.sumOfSquares(x, scalar)),
                    new Op("relu forward", 2 * f, 0, () -> backend.activationForward(relu, x, y)),
                    new Op("relu backward", 3 * f, 0, () -> backend.activationBackward(relu, x, y, dy, dx)),
                    new Op("sigmoid forward", 2 * f, 0, () -> backend.activationForward(sigmoid, x, y)),
                    new Op("sigmoid backward", 3 * f, 0, () -> backend.activationBackward(sigmoid, x, y, dy, dx)),
                    new Op("gelu forward", 2 * f, 0, () -> backend.activationForward(gelu, x, y)),
                    new Op("gelu backward", 3 * f, 0, () -> backend.activationBackward(gelu, x, y, dy, dx)),
                    new Op("biasAdd", 2 * f, 0, () -> backend.biasAdd(y, bias)),
                    new Op("biasBackward", f, 0, () -> backend.biasBackward(dy, bias)),
                    new Op("randomUniform", f, 0, () -> backend.randomUniform(y, 1, 0, 0f, 1f)),
                    new Op("randomNormal", f, 0, () -> backend.randomNormal(y, 1, 0, 0f, 1f)),
                    new Op("dropoutForward", 2 * f, 0, () -> backend.dropoutForward(x, y, 0.5f, 1, 0)),
                    new Op("dropoutBackward", 2 * f, 0, () -> backend.dropoutBackward(dy, dx, 0.5f, 1, 0)),
                    new Op("saltAndPepper", 2 * f, 0, () -> backend.saltAndPepper(x, y, 0.1f, 1, 0)),
                    new Op("lossForward mse", 2 * f, 0, () -> backend.lossForward(LossKind.MSE, x, dy, 1f, scalar)),
                    new Op("lossBackward mse", 3 * f, 0, () -> backend.lossBackward(LossKind.MSE, x, dy, 1f, dx)),
                    new Op("lossForward bce_with_logits", 2 * f, 0,
                            () -> backend.lossForward(LossKind.BCE_WITH_LOGITS, x, dy, 1f, scalar)),
                    new Op("lossBackward bce_with_logits", 3 * f, 0,
                            () -> backend.lossBackward(LossKind.BCE_WITH_LOGITS, x, dy, 1f, dx)),
                    new Op("sgdStep momentum", 5 * f, 0,
                            () -> backend.sgdStep(y, dy, m, 1e-3f, 0.9f, 0f, 0f, false, false)),
                    new Op("adamStep", 7 * f, 0,
                            () -> backend.adamStep(y, dy, m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false, 10)),
                    // Within the norm nothing needs scaling: the floor is one read of the gradient.
                    new Op("clipGradNorm within the norm", f, 0, () -> backend.clipGradNorm(dx, 1e9f, scalar)),
                    new Op("batchNormForwardTraining", 2 * f, 0, () -> backend.batchNormForwardTraining(x, gamma, beta,
                            1e-5f, 0.1f, runningMean, runningVar, y, mean, invStd)),
                    new Op("batchNormBackward", 3 * f, 0,
                            () -> backend.batchNormBackward(x, dy, gamma, mean, invStd, dx, dgamma, dbeta)),
                    new Op("maxPool2dForward 2x2", 1.25 * f, 0, () -> backend.maxPool2dForward(pool, x, small)),
                    new Op("upsample2dForward nearest", 1.25 * f, 0,
                            () -> backend.upsample2dForward(UpsampleMode.NEAREST, small, y)),
                    new Op("gemm " + gemmSide + "^3", 0, 2.0 * gemmSide * gemmSide * gemmSide,
                            () -> backend.gemm(false, false, gemmSide, gemmSide, gemmSide, 1f, ga, gb, 0f, gc)),
                    new Op("conv2dForward 32->64 k4 s2 on 32x32", 0, conv.flops(),
                            () -> backend.conv2dForward(conv, cx, cw, cy)),
                    new Op("conv2dBackwardData", 0, conv.flops(), () -> backend.conv2dBackwardData(conv, cy, cw, cx)),
                    new Op("conv2dBackwardFilter", 0, conv.flops(),
                            () -> backend.conv2dBackwardFilter(conv, cx, cy, cw)));
            List<Row> rows = new ArrayList<>();
            double bandwidth = 0;
            double gemmRate = 0;
            for (Op op : ops) {
                Timings t = TIMER.time(backend, op.call());
                double rate = (op.flops() > 0 ? op.flops() : op.bytes()) / t.medianMs() / 1e6;
                if (op.name().equals("copy")) {
                    bandwidth = rate;
                }
                if (op.name().startsWith("gemm")) {
                    gemmRate = rate;
                }
                double reference = op.flops() > 0 ? gemmRate : bandwidth;
                rows.add(new Row(op.name(), op.bytes(), op.flops(), t, rate, rate / reference));
            }
            return rows;
        } finally {
            owned.forEach(Tensor::close);
        }
    }

    /** One op a line: its time, its rate, and that rate as a fraction of its floor's. */
    public static void printTable(List<Row> rows, PrintStream out) {
        out.printf(Locale.ROOT, "%-38s %10s %10s %12s %9s  %s%n", "op", "ms", "min", "rate", "of floor", "floor");
        for (Row r : rows) {
            String floor = r.flops() > 0 ? "GEMM rate" : "copy bandwidth";
            out.printf(Locale.ROOT, "%-38s %10.4f %10.4f %12s %8.0f%%  %s%n", r.op(), r.ms().medianMs(), r.ms().minMs(),
                    String.format(Locale.ROOT, "%.1f %s", r.rate(), r.unit()), 100 * r.ofReference(), floor);
        }
    }

    /** The JSON document: the run's label, how it was timed, the size, one result a line. */
    public static String toJson(Map<String, Object> label, String timing, int n, List<Row> rows) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schema", 1);
        doc.put("engine", "engram");
        doc.put("kind", "ops");
        doc.put("label", label);
        doc.put("timing", timing);
        doc.put("floats_per_tensor", n);
        List<Map<String, Object>> results = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("op", r.op());
            m.put("bytes", r.bytes());
            m.put("flops", r.flops());
            m.put("ms", Map.of("median", r.ms().medianMs(), "min", r.ms().minMs(), "max", r.ms().maxMs()));
            m.put("rate", r.rate());
            m.put("unit", r.unit());
            m.put("of_floor", r.ofReference());
            results.add(m);
        }
        doc.put("results", results);
        return Json.write(doc).replace("{\"op\":", "\n  {\"op\":") + "\n";
    }

    private static Tensor tensor(Backend backend, List<Tensor> owned, Shape shape, long seed) {
        Tensor t = backend.allocate(shape);
        owned.add(t);
        backend.randomUniform(t, seed, 0, 0f, 1f);
        return t;
    }
}
