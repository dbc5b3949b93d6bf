package dev.engram.backend.cuda;

import dev.engram.backend.cuda.KernelCatalog.Kernel;
import dev.engram.backend.cuda.KernelCatalog.Param;
import dev.engram.backend.cuda.KernelCatalog.ParamType;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

import java.util.List;

/**
 * A kernel's arguments packed as cuLaunchKernel takes them, checked against the catalog first: a
 * host call passing an int where the kernel declares a long long, or arguments in the wrong
 * number, would otherwise launch with garbage and fail far from the cause.
 */
final class KernelArgs {
    private KernelArgs() {
    }

    /**
     * {@code Pointer.to(Pointer.to(arg0), Pointer.to(arg1), ...)} for {@code args} given as
     * {@link CUdeviceptr} (POINTER), Integer (I32), Long (I64) and Float (F32), in the catalog's order.
     */
    static Pointer pack(Kernel kernel, Object... args) {
        List<Param> params = kernel.params();
        if (args.length != params.size()) {
            throw new IllegalArgumentException(kernel.name() + " takes " + params.size() + " arguments " + params
                    + ", got " + args.length);
        }
        Pointer[] packed = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) {
            packed[i] = pack(kernel, params.get(i), args[i]);
        }
        return Pointer.to(packed);
    }

    private static Pointer pack(Kernel kernel, Param param, Object arg) {
        ParamType type = param.type();
        if (type == ParamType.POINTER && arg instanceof CUdeviceptr p) {
            return Pointer.to(p);
        } else if (type == ParamType.I32 && arg instanceof Integer v) {
            return Pointer.to(new int[] {v});
        } else if (type == ParamType.I64 && arg instanceof Long v) {
            return Pointer.to(new long[] {v});
        } else if (type == ParamType.F32 && arg instanceof Float v) {
            return Pointer.to(new float[] {v});
        }
        throw new IllegalArgumentException(kernel.name() + ": parameter " + param.name() + " is " + type + ", got "
                + (arg == null ? "null" : arg.getClass().getSimpleName()));
    }
}
