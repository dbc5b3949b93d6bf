package dev.engram.backend.cuda;

import dev.engram.backend.ConvGeometry;
import dev.engram.backend.cpu.CpuBackend;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasMath;
import jcuda.jcublas.cublasOperation;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnConvolutionDescriptor;
import jcuda.jcudnn.cudnnConvolutionFwdAlgo;
import jcuda.jcudnn.cudnnConvolutionFwdAlgoPerf;
import jcuda.jcudnn.cudnnConvolutionMode;
import jcuda.jcudnn.cudnnDataType;
import jcuda.jcudnn.cudnnFilterDescriptor;
import jcuda.jcudnn.cudnnHandle;
import jcuda.jcudnn.cudnnMathType;
import jcuda.jcudnn.cudnnTensorDescriptor;
import jcuda.jcudnn.cudnnTensorFormat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The bring-up probe (issue 4, item 0): runs the real stack once, check by check, and records
 * what it found. Each check is isolated: a failure (even a missing native symbol) is caught and
 * becomes FAIL with a one-line reason, and the next check runs.
 */
public final class CudaProbe {
    /** One check: its name, PASS or FAIL, a line for people and facts for the JSON record. */
    public record Check(String name, boolean passed, String detail, Map<String, Object> facts) {
    }

    /** A check body: returns its detail line and fills facts; throws to fail. */
    private interface Body {
        String run(Map<String, Object> facts) throws Exception;
    }

    static final double FP32_TOLERANCE = 1e-5;
    static final String PROBE_PTX = "/dev/engram/backend/cuda/probe_fill.ptx";

    private final LibrarySearch search;

    public CudaProbe(LibrarySearch search) {
        this.search = search;
    }

    /** Runs every check in order; the listener sees each as it finishes. */
    public List<Check> run(java.util.function.Consumer<Check> listener) {
        List<Check> checks = new ArrayList<>();
        Body[] bodies = {this::libraries, this::jcudaNatives, this::driver, this::cublas, this::cudnn, this::probeKernel,
            this::engineKernel};
        String[] names = {"libraries", "jcuda-natives", "driver", "cublas", "cudnn", "ptx-probe", "ptx-kernels"};
        for (int i = 0; i < bodies.length; i++) {
            Check c = check(names[i], bodies[i]);
            checks.add(c);
            listener.accept(c);
        }
        return checks;
    }

    private static Check check(String name, Body body) {
        Map<String, Object> facts = new LinkedHashMap<>();
        try {
            return new Check(name, true, body.run(facts), facts);
        } catch (LinkageError e) {
            return new Check(name, false, LinkErrors.explain(e), facts);
        } catch (Exception | AssertionError e) {
            return new Check(name, false, e.getMessage() == null ? e.toString() : e.getMessage(), facts);
        }
    }

    private String libraries(Map<String, Object> facts) {
        List<Path> cuda = search.all("libcuda.so*");
        List<Path> cublas = new ArrayList<>(search.all("libcublas.so*"));
        cublas.addAll(search.all("libcublasLt.so*"));
        List<Path> cudnn = search.all("libcudnn*.so*");
        List<Path> nvrtc = search.all("libnvrtc.so*");
        facts.put("folders_searched", strings(search.folders()));
        facts.put("libcuda", strings(cuda));
        facts.put("libcublas", strings(cublas));
        facts.put("libcudnn", strings(cudnn));
        facts.put("libnvrtc", strings(nvrtc));
        List<Path> needed = new ArrayList<>(cublas);
        needed.addAll(cudnn);
        needed.addAll(nvrtc);
        String ldPath = search.libraryPathFor(needed);
        facts.put("ld_library_path_to_use", ldPath);
        if (cublas.isEmpty() || cudnn.isEmpty()) {
            throw new IllegalStateException("missing:" + (cublas.isEmpty() ? " libcublas.so.*" : "")
                    + (cudnn.isEmpty() ? " libcudnn*.so.*" : "") + " in " + search.folders().size() + " folders searched");
        }
        return cublas.size() + " cuBLAS and " + cudnn.size() + " cuDNN files; LD_LIBRARY_PATH=" + ldPath;
    }

    private String jcudaNatives(Map<String, Object> facts) {
        Availability a = CudaLibraries.natives();
        facts.put("jcuda_version", jcuda.JCudaVersion.get());
        if (!a.available()) {
            throw new IllegalStateException(a.detail());
        }
        return a.detail();
    }

    private String driver(Map<String, Object> facts) {
        Availability a = CudaLibraries.driver();
        facts.put("driver", a.detail());
        if (!a.available()) {
            throw new IllegalStateException(a.detail());
        }
        List<Map<String, Object>> devices = new ArrayList<>();
        StringBuilder line = new StringBuilder(a.detail());
        for (CudaDevice.Properties p : CudaDevice.list()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("ordinal", p.ordinal());
            d.put("name", p.name());
            d.put("compute_capability", p.computeCapability());
            d.put("memory_bytes", p.totalBytes());
            d.put("multiprocessors", p.multiprocessors());
            devices.add(d);
            line.append(String.format(Locale.ROOT, "; cuda:%d %s, cc %s, %s, %d SMs", p.ordinal(), p.name(),
                    p.computeCapability(), CachingAllocator.bytes(p.totalBytes()), p.multiprocessors()));
        }
        facts.put("devices", devices);
        return line.toString();
    }

    /** SGEMM (row-major C = A B, m=33 n=17 k=29) against the CPU backend, in FP32 and with TF32 allowed. */
    @SuppressWarnings("try") // the device is held open for its context, not called
    private String cublas(Map<String, Object> facts) {
        Availability a = CudaLibraries.cublas();
        facts.put("cublas", a.detail());
        if (!a.available()) {
            throw new IllegalStateException(a.detail());
        }
        int m = 33;
        int n = 17;
        int k = 29;
        float[] av = random(m * k, 1);
        float[] bv = random(k * n, 2);
        float[] expected = new float[m * n];
        try (CpuBackend cpu = new CpuBackend(); Tensor ta = cpu.fromHost(av, Shape.of(m, k));
             Tensor tb = cpu.fromHost(bv, Shape.of(k, n)); Tensor tc = cpu.allocate(m, n)) {
            cpu.gemm(false, false, m, n, k, 1f, ta, tb, 0f, tc);
            cpu.copyToHost(tc, expected, 0);
        }
        try (CudaDevice dev = CudaDevice.open(0)) {
            DriverMemory mem = new DriverMemory();
            DeviceAddress da = upload(mem, av);
            DeviceAddress db = upload(mem, bv);
            DeviceAddress dc = mem.allocate((long) m * n * Sizeof.FLOAT);
            cublasHandle h = new cublasHandle();
            try {
                CudaStatus.cublas("cublasCreate", JCublas2.cublasCreate(h));
                int[] version = new int[1];
                CudaStatus.cublas("cublasGetVersion", JCublas2.cublasGetVersion(h, version));
                facts.put("cublas_version", version[0]);
                double fp32 = sgemm(h, cublasMath.CUBLAS_DEFAULT_MATH, m, n, k, da, db, dc, expected);
                double tf32 = sgemm(h, cublasMath.CUBLAS_TF32_TENSOR_OP_MATH, m, n, k, da, db, dc, expected);
                facts.put("sgemm_rel_error_fp32", fp32);
                facts.put("sgemm_rel_error_tf32", tf32);
                if (fp32 > FP32_TOLERANCE) {
                    throw new AssertionError("SGEMM differs from the CPU backend: relative error " + fp32);
                }
                return a.detail() + "; SGEMM 33x17x29 matches the CPU backend (rel. error fp32 "
                        + fmt(fp32) + ", tf32 " + fmt(tf32) + ")";
            } finally {
                JCublas2.cublasDestroy(h);
                mem.free(da);
                mem.free(db);
                mem.free(dc);
            }
        }
    }

    private static double sgemm(cublasHandle h, int math, int m, int n, int k, DeviceAddress a, DeviceAddress b,
                                DeviceAddress c, float[] expected) {
        CudaStatus.cublas("cublasSetMathMode(" + cublasMath.stringFor(math) + ")", JCublas2.cublasSetMathMode(h, math));
        // Row-major C = A B is column-major C^T = B^T A^T: swap the operands and m, n.
        CudaStatus.cublas("cublasSgemm", JCublas2.cublasSgemm(h, cublasOperation.CUBLAS_OP_N, cublasOperation.CUBLAS_OP_N,
                n, m, k, Pointer.to(new float[] {1f}), b, n, a, k, Pointer.to(new float[] {0f}), c, n));
        return relativeError(download(c, m * n), expected);
    }

    /** Convolution forward N2 C3 8x8, K4 3x3, pad 1, through cudnnFind...AlgorithmEx, against the CPU backend. */
    @SuppressWarnings("try") // the device is held open for its context, not called
    private String cudnn(Map<String, Object> facts) {
        Availability a = CudaLibraries.cudnn();
        facts.put("cudnn", a.detail());
        if (!a.available()) {
            throw new IllegalStateException(a.detail());
        }
        facts.put("cudnn_version", JCudnn.cudnnGetVersion());
        ConvGeometry g = ConvGeometry.of(Shape.of(2, 3, 8, 8), 4, 3, 1, 1, 1);
        float[] xv = random((int) g.inputShape().numel(), 3);
        float[] wv = random((int) g.weightShape().numel(), 4);
        float[] expected = new float[(int) g.outputShape().numel()];
        try (CpuBackend cpu = new CpuBackend(); Tensor x = cpu.fromHost(xv, g.inputShape());
             Tensor w = cpu.fromHost(wv, g.weightShape()); Tensor y = cpu.allocate(g.outputShape())) {
            cpu.conv2dForward(g, x, w, y);
            cpu.copyToHost(y, expected, 0);
        }
        try (CudaDevice dev = CudaDevice.open(0)) {
            DriverMemory mem = new DriverMemory();
            long workspaceBytes = 64L << 20;
            DeviceAddress dx = upload(mem, xv);
            DeviceAddress dw = upload(mem, wv);
            DeviceAddress dy = mem.allocate((long) expected.length * Sizeof.FLOAT);
            DeviceAddress ws = mem.allocate(workspaceBytes);
            cudnnHandle h = new cudnnHandle();
            cudnnTensorDescriptor xd = new cudnnTensorDescriptor();
            cudnnTensorDescriptor yd = new cudnnTensorDescriptor();
            cudnnFilterDescriptor wd = new cudnnFilterDescriptor();
            cudnnConvolutionDescriptor cd = new cudnnConvolutionDescriptor();
            try {
                CudaStatus.cudnn("cudnnCreate", JCudnn.cudnnCreate(h));
                CudaStatus.cudnn("cudnnCreateTensorDescriptor", JCudnn.cudnnCreateTensorDescriptor(xd));
                CudaStatus.cudnn("cudnnCreateTensorDescriptor", JCudnn.cudnnCreateTensorDescriptor(yd));
                CudaStatus.cudnn("cudnnCreateFilterDescriptor", JCudnn.cudnnCreateFilterDescriptor(wd));
                CudaStatus.cudnn("cudnnCreateConvolutionDescriptor", JCudnn.cudnnCreateConvolutionDescriptor(cd));
                CudaStatus.cudnn("cudnnSetTensor4dDescriptor", JCudnn.cudnnSetTensor4dDescriptor(xd,
                        cudnnTensorFormat.CUDNN_TENSOR_NCHW, cudnnDataType.CUDNN_DATA_FLOAT, g.n(), g.c(), g.h(), g.w()));
                CudaStatus.cudnn("cudnnSetFilter4dDescriptor", JCudnn.cudnnSetFilter4dDescriptor(wd,
                        cudnnDataType.CUDNN_DATA_FLOAT, cudnnTensorFormat.CUDNN_TENSOR_NCHW, g.k(), g.c(), g.r(), g.s()));
                CudaStatus.cudnn("cudnnSetConvolution2dDescriptor", JCudnn.cudnnSetConvolution2dDescriptor(cd,
                        1, 1, 1, 1, 1, 1, cudnnConvolutionMode.CUDNN_CROSS_CORRELATION, cudnnDataType.CUDNN_DATA_FLOAT));
                // FMA math: no TF32, so the result is comparable with the CPU at fp32 tolerance.
                CudaStatus.cudnn("cudnnSetConvolutionMathType",
                        JCudnn.cudnnSetConvolutionMathType(cd, cudnnMathType.CUDNN_FMA_MATH));
                int[] on = new int[1];
                int[] oc = new int[1];
                int[] oh = new int[1];
                int[] ow = new int[1];
                CudaStatus.cudnn("cudnnGetConvolution2dForwardOutputDim",
                        JCudnn.cudnnGetConvolution2dForwardOutputDim(cd, xd, wd, on, oc, oh, ow));
                Shape out = Shape.of(on[0], oc[0], oh[0], ow[0]);
                if (!out.equals(g.outputShape())) {
                    throw new AssertionError("cuDNN output shape " + out + ", CPU " + g.outputShape());
                }
                CudaStatus.cudnn("cudnnSetTensor4dDescriptor", JCudnn.cudnnSetTensor4dDescriptor(yd,
                        cudnnTensorFormat.CUDNN_TENSOR_NCHW, cudnnDataType.CUDNN_DATA_FLOAT, on[0], oc[0], oh[0], ow[0]));
                cudnnConvolutionFwdAlgoPerf[] perf = new cudnnConvolutionFwdAlgoPerf[8];
                for (int i = 0; i < perf.length; i++) {
                    perf[i] = new cudnnConvolutionFwdAlgoPerf();
                }
                int[] found = new int[1];
                CudaStatus.cudnn("cudnnFindConvolutionForwardAlgorithmEx", JCudnn.cudnnFindConvolutionForwardAlgorithmEx(h,
                        xd, dx, wd, dw, cd, yd, dy, perf.length, found, perf, ws, workspaceBytes));
                if (found[0] == 0 || perf[0].status != 0) {
                    throw new IllegalStateException("cudnnFindConvolutionForwardAlgorithmEx found no algorithm");
                }
                List<String> algos = new ArrayList<>();
                for (int i = 0; i < found[0]; i++) {
                    algos.add(cudnnConvolutionFwdAlgo.stringFor(perf[i].algo) + " status " + perf[i].status + " "
                            + perf[i].time + " ms " + perf[i].memory + " B");
                }
                facts.put("forward_algorithms", algos);
                CudaStatus.cudnn("cudnnConvolutionForward", JCudnn.cudnnConvolutionForward(h, Pointer.to(new float[] {1f}),
                        xd, dx, wd, dw, cd, perf[0].algo, ws, workspaceBytes, Pointer.to(new float[] {0f}), yd, dy));
                double err = relativeError(download(dy, expected.length), expected);
                facts.put("conv_rel_error", err);
                if (err > FP32_TOLERANCE) {
                    throw new AssertionError("convolution differs from the CPU backend: relative error " + err);
                }
                return a.detail() + "; conv2d forward N2 C3 8x8 K4 3x3 pad 1 ("
                        + cudnnConvolutionFwdAlgo.stringFor(perf[0].algo) + ") matches the CPU backend (rel. error "
                        + fmt(err) + ")";
            } finally {
                JCudnn.cudnnDestroyConvolutionDescriptor(cd);
                JCudnn.cudnnDestroyFilterDescriptor(wd);
                JCudnn.cudnnDestroyTensorDescriptor(yd);
                JCudnn.cudnnDestroyTensorDescriptor(xd);
                JCudnn.cudnnDestroy(h);
                mem.free(dx);
                mem.free(dw);
                mem.free(dy);
                mem.free(ws);
            }
        }
    }

    /** The probe's own PTX (nvcc 13, ISA 9.0) loads and its kernel fills a buffer. */
    private String probeKernel(Map<String, Object> facts) throws IOException {
        return fill(KernelImage.ofPtxResource(PROBE_PTX), "probe_fill_f32", facts);
    }

    /** The engine's elementwise family (kernels/) loads and engram_fill_f32 runs. */
    private String engineKernel(Map<String, Object> facts) throws IOException {
        return fill(KernelImage.ofFamily("elementwise"), "fill_f32", facts);
    }

    @SuppressWarnings("try") // the device is held open for its context, not called
    private static String fill(KernelImage image, String kernel, Map<String, Object> facts) {
        facts.put("image", image.source());
        facts.put("ptx_isa", image.ptxVersion());
        Availability a = CudaLibraries.driver();
        if (!a.available()) {
            throw new IllegalStateException(a.detail());
        }
        int n = 1000;
        float value = 3.25f;
        try (CudaDevice dev = CudaDevice.open(0); CudaModule module = CudaModule.load(image);
             CudaStream stream = new CudaStream()) {
            CudaKernel k = module.kernel(kernel);
            DriverMemory mem = new DriverMemory();
            DeviceAddress p = mem.allocate((long) n * Sizeof.FLOAT);
            try {
                k.launch((n + 255) / 256, 256, stream, Pointer.to(Pointer.to(p), Pointer.to(new float[] {value}),
                        Pointer.to(new long[] {n})));
                stream.synchronize();
                float[] out = download(p, n);
                for (int i = 0; i < n; i++) {
                    if (out[i] != value) {
                        throw new AssertionError("engram_" + kernel + " wrote " + out[i] + " at " + i + ", expected " + value);
                    }
                }
            } finally {
                mem.free(p);
            }
        }
        return image.source() + (image.ptx() ? " (PTX ISA " + image.ptxVersion() + ")" : "") + " loaded; engram_"
                + kernel + " filled " + n + " floats";
    }

    private static DeviceAddress upload(DriverMemory mem, float[] v) {
        DeviceAddress p = mem.allocate((long) v.length * Sizeof.FLOAT);
        CudaStatus.driver("cuMemcpyHtoD", JCudaDriver.cuMemcpyHtoD(p, Pointer.to(v), (long) v.length * Sizeof.FLOAT));
        return p;
    }

    private static float[] download(DeviceAddress p, int n) {
        float[] v = new float[n];
        CudaStatus.driver("cuMemcpyDtoH", JCudaDriver.cuMemcpyDtoH(Pointer.to(v), p, (long) n * Sizeof.FLOAT));
        return v;
    }

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    /** ||actual - expected|| / ||expected||. */
    static double relativeError(float[] actual, float[] expected) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = (double) actual[i] - expected[i];
            diff += d * d;
            norm += (double) expected[i] * expected[i];
        }
        return Math.sqrt(diff / Math.max(norm, Double.MIN_NORMAL));
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2e", v);
    }

    private static List<String> strings(List<Path> paths) {
        return paths.stream().map(Path::toString).toList();
    }
}
