package dev.engram.backend.cuda;

import dev.engram.backend.cuda.KernelCatalog.Kernel;
import dev.engram.backend.cuda.KernelCatalog.Param;
import dev.engram.backend.cuda.KernelCatalog.ParamType;
import jcuda.Pointer;

import java.util.List;

/**
 * A kernel's arguments packed as cuLaunchKernel takes them, checked against the catalog first: a
 * host call passing an int where the kernel declares a long long, or arguments in the wrong
 * number, would otherwise launch with garbage and fail far from the cause.
 *
 * @param pointer {@code Pointer.to(Pointer.to(arg0), Pointer.to(arg1), ...)}
 * @param key     the arguments' values as numbers (addresses, integers, float bits), for a replayed
 *                step to see which launch's arguments changed
 */
record KernelArgs(Pointer pointer, long[] key) {
    /**
     * {@code args} given as {@link DeviceAddress} (POINTER), Integer (I32), Long (I64) and Float
     * (F32), in the catalog's order.
     */
    static KernelArgs pack(Kernel kernel, Object... args) {
        List<Param> params = kernel.params();
        if (args.length != params.size()) {
            throw new IllegalArgumentException(kernel.name() + " takes " + params.size() + " arguments " + params
                    + ", got " + args.length);
        }
        Pointer[] packed = new Pointer[args.length];
        long[] key = new long[args.length];
        for (int i = 0; i < args.length; i++) {
            Param param = params.get(i);
            ParamType type = param.type();
            Object arg = args[i];
            if (type == ParamType.POINTER && arg instanceof DeviceAddress p) {
                packed[i] = Pointer.to(p);
                key[i] = p.address();
            } else if (type == ParamType.I32 && arg instanceof Integer v) {
                packed[i] = Pointer.to(new int[] {v});
                key[i] = v;
            } else if (type == ParamType.I64 && arg instanceof Long v) {
                packed[i] = Pointer.to(new long[] {v});
                key[i] = v;
            } else if (type == ParamType.F32 && arg instanceof Float v) {
                packed[i] = Pointer.to(new float[] {v});
                key[i] = Float.floatToRawIntBits(v);
            } else {
                throw new IllegalArgumentException(kernel.name() + ": parameter " + param.name() + " is " + type
                        + ", got " + (arg == null ? "null" : arg.getClass().getSimpleName()));
            }
        }
        return new KernelArgs(Pointer.to(packed), key);
    }
}
