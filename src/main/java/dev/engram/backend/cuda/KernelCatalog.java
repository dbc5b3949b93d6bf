package dev.engram.backend.cuda;

import dev.engram.backend.Activation;
import dev.engram.backend.LossKind;
import dev.engram.backend.UpsampleMode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every custom kernel the CUDA backend launches: its family (the PTX resource
 * {@code /dev/engram/kernels/<family>.ptx}, compiled from {@code kernels/<family>.cu}), its name
 * and its parameters in the order and the types the host must pass them. A test checks this list
 * against the {@code .entry} declarations of the committed PTX, so host and kernels cannot drift
 * apart unnoticed. No JCuda here: the catalog is plain data.
 *
 * <p>Launch rules shared by all kernels: blocks of {@link #THREADS_PER_BLOCK} threads (the block
 * reductions size their shared memory by it); element loops are grid-stride, so any grid size is
 * correct. Reductions take two launches: a {@code ..._partial} kernel writes one double per
 * block into a workspace of at least gridDim doubles, then {@code engram_reduce_finish} (or
 * {@code engram_clip_norm_finish}), launched with one block, sums them in order. The grid of the
 * first pass must depend only on the element count, so results are reproducible run to run.
 * Grids that are not free: {@code engram_bias_backward_planes_f32} takes exactly one block per
 * channel; the layer-norm forward and data-backward kernels work a row per block (any grid, rows
 * grid-stride over the blocks). Adam's host scalars are computed in double as the CPU backend
 * does, and {@code decoupled} is 1 only for AdamW with a non-zero weight decay.
 */
public final class KernelCatalog {

    /** Threads per block every kernel is compiled for ({@code __launch_bounds__}) and must be launched with. */
    public static final int THREADS_PER_BLOCK = 256;

    /** The kinds of kernel parameters, with their PTX spelling. */
    public enum ParamType {
        /** A device pointer ({@link DeviceAddress}). */
        POINTER(".u64"),
        /** A C {@code int}. */
        I32(".u32"),
        /** A C {@code long long} or {@code unsigned long long} (element counts, seeds, counters). */
        I64(".u64"),
        /** A C {@code float}. */
        F32(".f32");

        private final String ptx;

        ParamType(String ptx) {
            this.ptx = ptx;
        }

        /** The type as PTX declares the parameter, e.g. {@code .u64}. */
        public String ptx() {
            return ptx;
        }
    }

    /** One kernel parameter: its name in the CUDA source and its type. */
    public record Param(String name, ParamType type) {
    }

    /** One kernel: the family it is compiled in, its entry name and its parameters in order. */
    public record Kernel(String family, String name, List<Param> params) {
        public Kernel {
            params = List.copyOf(params);
        }

        /** The classpath resource holding this kernel's PTX. */
        public String resource() {
            return KernelCatalog.resource(family);
        }
    }

    private static final Map<String, Kernel> KERNELS = new LinkedHashMap<>();

    private static final Param[] POOL = {i32("planes"), i32("h"), i32("w"), i32("out_h"), i32("out_w"),
        i32("kernel_h"), i32("kernel_w"), i32("stride_h"), i32("stride_w"), i32("pad_h"), i32("pad_w")};
    private static final Param[] UPSAMPLE = {i32("planes"), i32("in_h"), i32("in_w"), i32("out_h"), i32("out_w")};

    static {
        String f = "elementwise";
        add(f, "engram_fill_f32", ptr("p"), f32("value"), i64("n"));
        add(f, "engram_add_f32", ptr("a"), ptr("b"), ptr("out"), i64("n"));
        add(f, "engram_mul_f32", ptr("a"), ptr("b"), ptr("out"), i64("n"));
        add(f, "engram_axpby_f32", f32("alpha"), ptr("x"), f32("beta"), ptr("y"), i64("n"));
        add(f, "engram_affine_f32", ptr("x"), f32("scale"), f32("shift"), ptr("out"), i64("n"));
        add(f, "engram_clamp_f32", ptr("x"), f32("lo"), f32("hi"), ptr("out"), i64("n"));
        add(f, "engram_sum_partial_f32", ptr("x"), i64("n"), ptr("partial"));
        add(f, "engram_sum_squares_partial_f32", ptr("x"), i64("n"), ptr("partial"));
        add(f, "engram_reduce_finish", ptr("partial"), i32("count"), f32("scale"), ptr("out"));
        add(f, "engram_bias_add_f32", ptr("y"), ptr("bias"), i64("n"), i32("channels"), i64("inner"));
        add(f, "engram_bias_backward_planes_f32", ptr("dy"), ptr("dbias"), i32("batch"), i32("channels"),
                i64("inner"));
        add(f, "engram_bias_backward_rows_f32", ptr("dy"), ptr("dbias"), i32("rows"), i32("features"));

        f = "activations";
        for (Activation.Kind kind : Activation.Kind.values()) {
            String k = lower(kind);
            add(f, "engram_" + k + "_forward_f32", ptr("x"), ptr("y"), i64("n"), f32("alpha"));
            add(f, "engram_" + k + "_backward_f32", ptr("x"), ptr("y"), ptr("dy"), ptr("dx"), i64("n"),
                    f32("alpha"));
            add(f, "engram_bias_" + k + "_forward_f32", ptr("x"), ptr("bias"), ptr("y"), i64("n"),
                    i32("channels"), i64("inner"), f32("alpha"));
        }

        f = "losses";
        for (LossKind kind : LossKind.values()) {
            String k = lower(kind);
            add(f, "engram_loss_" + k + "_partial_f32", ptr("pred"), ptr("target"), i64("n"), ptr("partial"));
            add(f, "engram_loss_" + k + "_backward_f32", ptr("pred"), ptr("target"), f32("scale"), ptr("dpred"),
                    i64("n"));
        }
        add(f, "engram_gaussian_kl_partial_f32", ptr("stats"), i64("terms"), i32("latent"), ptr("partial"));
        add(f, "engram_gaussian_kl_backward_f32", ptr("stats"), f32("scale"), ptr("dstats"), i64("terms"),
                i32("latent"));
        add(f, "engram_reparameterize_forward_f32", ptr("stats"), ptr("eps"), ptr("z"), i64("terms"),
                i32("latent"));
        add(f, "engram_reparameterize_backward_f32", ptr("stats"), ptr("eps"), ptr("dz"), ptr("dstats"),
                i64("terms"), i32("latent"));
        add(f, "engram_kl_sparsity_partial_f32", ptr("code"), i64("rows"), i64("units"), f32("rho"), ptr("partial"));
        add(f, "engram_kl_sparsity_backward_f32", ptr("code"), ptr("dcode"), i64("rows"), i64("units"), f32("rho"),
                f32("scale"));

        f = "random";
        add(f, "engram_random_uniform_f32", ptr("t"), i64("n"), i64("seed"), i64("offset"), f32("lo"), f32("hi"));
        add(f, "engram_random_normal_f32", ptr("t"), i64("n"), i64("seed"), i64("offset"), f32("mean"),
                f32("std"));
        add(f, "engram_dropout_f32", ptr("src"), ptr("dst"), i64("n"), f32("p"), i64("seed"), i64("offset"));
        add(f, "engram_salt_and_pepper_f32", ptr("src"), ptr("dst"), i64("n"), f32("fraction"), i64("seed"),
                i64("offset"));

        f = "optimizers";
        add(f, "engram_sgd_step_f32", ptr("p"), ptr("g"), ptr("buf"), i64("n"), f32("lr"), f32("momentum"),
                f32("dampening"), f32("weight_decay"), i32("nesterov"), i32("first_step"));
        add(f, "engram_adam_step_f32", ptr("p"), ptr("g"), ptr("m"), ptr("v"), i64("n"), f32("beta1"),
                f32("beta2"), f32("eps"), f32("step_size"), f32("bias_correction2_sqrt"), f32("decay"), f32("l2"),
                i32("decoupled"));
        add(f, "engram_clip_norm_finish", ptr("partial"), i32("count"), f32("max_norm"), ptr("norm_out"),
                ptr("factor"));
        add(f, "engram_scale_by_device_factor_f32", ptr("g"), i64("n"), ptr("factor"));

        f = "normalization";
        add(f, "engram_layer_norm_forward_f32", ptr("x"), ptr("gamma"), ptr("beta"), ptr("y"), ptr("save_mean"),
                ptr("save_inv_std"), i64("rows"), i32("d"), f32("eps"));
        // Launch params before data: dx may share memory with dy or x.
        add(f, "engram_layer_norm_backward_params_f32", ptr("x"), ptr("dy"), ptr("save_mean"), ptr("save_inv_std"),
                ptr("dgamma"), ptr("dbeta"), i64("rows"), i32("d"));
        add(f, "engram_layer_norm_backward_data_f32", ptr("x"), ptr("dy"), ptr("gamma"), ptr("save_mean"),
                ptr("save_inv_std"), ptr("dx"), i64("rows"), i32("d"));

        f = "pooling";
        add(f, "engram_max_pool2d_forward_f32", concat(POOL, ptr("x"), ptr("y")));
        add(f, "engram_max_pool2d_backward_f32", concat(POOL, ptr("x"), ptr("dy"), ptr("dx")));
        add(f, "engram_avg_pool2d_forward_f32", concat(POOL, ptr("x"), ptr("y")));
        add(f, "engram_avg_pool2d_backward_f32", concat(POOL, ptr("dy"), ptr("dx")));
        for (UpsampleMode mode : UpsampleMode.values()) {
            String m = lower(mode);
            add(f, "engram_upsample_" + m + "_forward_f32", concat(UPSAMPLE, ptr("x"), ptr("y")));
            add(f, "engram_upsample_" + m + "_backward_f32", concat(UPSAMPLE, ptr("dy"), ptr("dx")));
        }
    }

    private KernelCatalog() {
    }

    /** Every kernel, grouped by family in catalog order. */
    public static List<Kernel> all() {
        return List.copyOf(KERNELS.values());
    }

    /** The families, in catalog order. */
    public static List<String> families() {
        List<String> families = new ArrayList<>();
        for (Kernel k : KERNELS.values()) {
            if (!families.contains(k.family())) {
                families.add(k.family());
            }
        }
        return Collections.unmodifiableList(families);
    }

    /** The classpath resource holding a family's PTX. */
    public static String resource(String family) {
        return "/dev/engram/kernels/" + family + ".ptx";
    }

    /** The kernel named {@code name}; IllegalArgumentException if there is none. */
    public static Kernel get(String name) {
        Kernel k = KERNELS.get(name);
        if (k == null) {
            throw new IllegalArgumentException("KernelCatalog: no kernel named " + name);
        }
        return k;
    }

    public static Kernel activationForward(Activation.Kind kind) {
        return get("engram_" + lower(kind) + "_forward_f32");
    }

    public static Kernel activationBackward(Activation.Kind kind) {
        return get("engram_" + lower(kind) + "_backward_f32");
    }

    /** x += bias[c], then y = f(x): the bias add of a Linear or convolution fused with its activation. */
    public static Kernel biasActivationForward(Activation.Kind kind) {
        return get("engram_bias_" + lower(kind) + "_forward_f32");
    }

    /** Pass 1 of lossForward; pass 2 is engram_reduce_finish with the loss's scale. */
    public static Kernel lossPartial(LossKind kind) {
        return get("engram_loss_" + lower(kind) + "_partial_f32");
    }

    public static Kernel lossBackward(LossKind kind) {
        return get("engram_loss_" + lower(kind) + "_backward_f32");
    }

    public static Kernel upsampleForward(UpsampleMode mode) {
        return get("engram_upsample_" + lower(mode) + "_forward_f32");
    }

    public static Kernel upsampleBackward(UpsampleMode mode) {
        return get("engram_upsample_" + lower(mode) + "_backward_f32");
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static void add(String family, String name, Param... params) {
        KERNELS.put(name, new Kernel(family, name, List.of(params)));
    }

    /** The tensors first, then the shared geometry parameters. */
    private static Param[] concat(Param[] geometry, Param... tensors) {
        Param[] all = new Param[tensors.length + geometry.length];
        System.arraycopy(tensors, 0, all, 0, tensors.length);
        System.arraycopy(geometry, 0, all, tensors.length, geometry.length);
        return all;
    }

    private static Param ptr(String name) {
        return new Param(name, ParamType.POINTER);
    }

    private static Param i32(String name) {
        return new Param(name, ParamType.I32);
    }

    private static Param i64(String name) {
        return new Param(name, ParamType.I64);
    }

    private static Param f32(String name) {
        return new Param(name, ParamType.F32);
    }
}
