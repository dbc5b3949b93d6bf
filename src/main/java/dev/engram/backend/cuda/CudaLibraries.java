package dev.engram.backend.cuda;

import jcuda.JCudaVersion;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.jcudnn.JCudnn;
import jcuda.libraryPropertyType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Loads the native parts of the CUDA stack once per process and says whether each can be used.
 * Nothing here lets an UnsatisfiedLinkError or a CUDA error escape: every failure becomes an
 * {@link Availability} with a one-line reason.
 *
 * <p>cuBLAS and cuDNN are found with {@link LibrarySearch} and loaded by absolute path before
 * JCuda's binding is: the dynamic linker then resolves the binding's dependency on
 * libcublas.so.12 / libcudnn.so.9 by soname to the library already loaded, so they work from
 * Python's site-packages without LD_LIBRARY_PATH. On a host with only libcublas.so.13, the
 * forwarding libcublas.so.12 ({@link CublasForwarder}) is loaded in between.
 */
public final class CudaLibraries {
    /**
     * cuDNN 9 opens these by name at run time; loaded first by path, in dependency order, so that
     * the names resolve to them without LD_LIBRARY_PATH. Best effort: the runtime-compiled engines
     * also need NVRTC, which the launcher's LD_LIBRARY_PATH provides.
     */
    private static final List<String> CUDNN_SUBLIBRARIES = List.of("libcudnn_graph.so.9",
            "libcudnn_engines_precompiled.so.9", "libcudnn_engines_runtime_compiled.so.9", "libcudnn_heuristic.so.9",
            "libcudnn_ops.so.9", "libcudnn_cnn.so.9", "libcudnn_adv.so.9");

    private static Availability natives;
    private static Availability driver;
    private static Availability cublas;
    private static Availability cudnn;

    private CudaLibraries() {
    }

    /** JCuda's driver binding (libJCudaDriver, which needs the NVIDIA driver's libcuda.so.1) loads. */
    public static synchronized Availability natives() {
        if (natives == null) {
            natives = probeNatives();
        }
        return natives;
    }

    /** The NVIDIA driver through JCuda: natives load, cuInit succeeds and at least one device is visible. */
    public static synchronized Availability driver() {
        if (driver == null) {
            driver = probeDriver();
        }
        return driver;
    }

    /** cuBLAS through JCublas2, with the library's version and where it was found. */
    public static synchronized Availability cublas() {
        if (cublas == null) {
            cublas = probeCublas(LibrarySearch.ofThisHost());
        }
        return cublas;
    }

    /** cuDNN through JCudnn, with cudnnGetVersion and where it was found. */
    public static synchronized Availability cudnn() {
        if (cudnn == null) {
            cudnn = probeCudnn(LibrarySearch.ofThisHost());
        }
        return cudnn;
    }

    /** The first of driver, cuBLAS and cuDNN that cannot be used, or an available summary of all three. */
    public static Availability all() {
        for (Availability a : new Availability[] {driver(), cublas(), cudnn()}) {
            if (!a.available()) {
                return a;
            }
        }
        return Availability.yes(driver().detail() + "; " + cublas().detail() + "; " + cudnn().detail());
    }

    private static Availability probeNatives() {
        try {
            JCudaDriver.setExceptionsEnabled(false); // loads the natives
            return Availability.yes("libJCudaDriver-" + JCudaVersion.get() + " loaded");
        } catch (LinkageError e) {
            String why = LinkErrors.explain(e);
            return Availability.no(why.startsWith("libcuda.so") ? "no NVIDIA driver (" + why + ")" : why);
        }
    }

    private static Availability probeDriver() {
        if (!natives().available()) {
            return natives();
        }
        try {
            int init = JCudaDriver.cuInit(0);
            if (init == CUresult.CUDA_ERROR_NO_DEVICE) {
                return Availability.no("no CUDA device visible (cuInit: CUDA_ERROR_NO_DEVICE; CUDA_VISIBLE_DEVICES="
                        + Optional.ofNullable(System.getenv("CUDA_VISIBLE_DEVICES")).orElse("unset") + ")");
            }
            if (init != CUresult.CUDA_SUCCESS) {
                return Availability.no("cuInit failed: " + CUresult.stringFor(init));
            }
            int[] version = new int[1];
            CudaStatus.driver("cuDriverGetVersion", JCudaDriver.cuDriverGetVersion(version));
            int[] count = new int[1];
            CudaStatus.driver("cuDeviceGetCount", JCudaDriver.cuDeviceGetCount(count));
            if (count[0] == 0) {
                return Availability.no("no CUDA device visible (CUDA driver " + cudaVersion(version[0]) + ")");
            }
            return Availability.yes("CUDA driver " + cudaVersion(version[0]) + ", " + count[0] + " device"
                    + (count[0] == 1 ? "" : "s"));
        } catch (LinkageError e) {
            return Availability.no(LinkErrors.explain(e));
        } catch (CudaException e) {
            return Availability.no(e.getMessage());
        }
    }

    static Availability probeCublas(LibrarySearch search) {
        String route;
        try {
            Optional<Path> v12 = search.first("libcublas.so.12");
            Optional<Path> v13 = search.first("libcublas.so.13");
            if (v12.isPresent()) {
                preload(v12.get().resolveSibling("libcublasLt.so.12"));
                System.load(v12.get().toString());
                route = v12.get().toString();
            } else if (v13.isPresent()) {
                preload(v13.get().resolveSibling("libcublasLt.so.13"));
                System.load(v13.get().toString());
                System.load(CublasForwarder.extract().toString());
                route = v13.get() + " through engram's forwarding libcublas.so.12";
            } else {
                route = "found by the dynamic linker";
            }
            JCublas2.setExceptionsEnabled(false); // loads the binding
            int[] major = new int[1];
            int[] minor = new int[1];
            int[] patch = new int[1];
            CudaStatus.cublas("cublasGetProperty", JCublas2.cublasGetProperty(libraryPropertyType.MAJOR_VERSION, major));
            CudaStatus.cublas("cublasGetProperty", JCublas2.cublasGetProperty(libraryPropertyType.MINOR_VERSION, minor));
            CudaStatus.cublas("cublasGetProperty", JCublas2.cublasGetProperty(libraryPropertyType.PATCH_LEVEL, patch));
            return Availability.yes("cuBLAS " + major[0] + "." + minor[0] + "." + patch[0] + " (" + route + ")");
        } catch (LinkageError e) {
            String why = LinkErrors.explain(e);
            if (why.startsWith("libcublas.so.12 not found")) {
                why += ": neither libcublas.so.12 nor libcublas.so.13 is in LD_LIBRARY_PATH, the ldconfig cache,"
                        + " /usr/local/cuda*/lib64 or Python's nvidia/*/lib (engram probe-cuda lists the folders)";
            }
            return Availability.no(why);
        } catch (IOException | CudaException e) {
            return Availability.no(e.getMessage());
        }
    }

    static Availability probeCudnn(LibrarySearch search) {
        try {
            Optional<Path> v9 = search.first("libcudnn.so.9");
            List<String> notPreloaded = new ArrayList<>();
            if (v9.isPresent()) {
                for (String sub : CUDNN_SUBLIBRARIES) {
                    try {
                        preload(v9.get().resolveSibling(sub));
                    } catch (UnsatisfiedLinkError e) {
                        notPreloaded.add(sub + ": " + LinkErrors.explain(e));
                    }
                }
                System.load(v9.get().toString());
            }
            JCudnn.setExceptionsEnabled(false); // loads the binding
            long v = JCudnn.cudnnGetVersion();
            return Availability.yes("cuDNN " + v / 10000 + "." + v % 10000 / 100 + "." + v % 100 + " ("
                    + v9.map(Path::toString).orElse("found by the dynamic linker")
                    + (notPreloaded.isEmpty() ? "" : "; not preloaded: " + String.join(", ", notPreloaded)) + ")");
        } catch (LinkageError e) {
            String why = LinkErrors.explain(e);
            if (why.startsWith("libcudnn.so.9 not found")) {
                why += " (cuDNN 9 is needed; pip's nvidia-cudnn-cu12/cu13 or the cuDNN tarball provide it)";
            }
            return Availability.no(why);
        }
    }

    /** Loads a dependency by path when it exists, so the library that needs it finds it by soname. */
    private static void preload(Path library) {
        if (Files.exists(library)) {
            System.load(library.toString());
        }
    }

    /** 12080 as "12.8", 13000 as "13.0". */
    static String cudaVersion(int v) {
        return v / 1000 + "." + v % 1000 / 10;
    }
}
