package dev.engram.backend.cuda;

import jcuda.NativePointerObject;

import java.util.Arrays;
import java.util.List;

/**
 * One piece of work the backend puts on its stream, held as a value so that a training step can
 * be recorded and compared with the step before it (see {@link StepGraphs}).
 */
sealed interface StreamOp {
    /** Whether this op does the same work as {@code other}, arguments of kernel launches aside. */
    boolean sameWorkAs(StreamOp other);

    /** One of the engine's kernels: its arguments may differ from step to step and be patched into a graph. */
    record KernelLaunch(CudaKernel kernel, int blocks, int threads, KernelArgs args) implements StreamOp {
        @Override
        public boolean sameWorkAs(StreamOp other) {
            return other instanceof KernelLaunch k && k.kernel == kernel && k.blocks == blocks && k.threads == threads;
        }

        boolean sameArgumentsAs(KernelLaunch other) {
            return Arrays.equals(args.key(), other.args.key());
        }

        void issue(CudaStream stream) {
            kernel.launch(blocks, threads, stream, args.pointer());
        }

        @Override
        public String toString() {
            return kernel.name() + " x " + blocks;
        }
    }

    /**
     * Work of cuBLAS, cuDNN or the driver (a memset, a device copy): captured into a graph as it
     * is and replayed only while its {@code signature} (the call's arguments, device pointers as
     * addresses) stays the same.
     */
    record LibraryCall(String name, List<Object> signature, Runnable issue) implements StreamOp {
        /** The call {@code issue} makes, named, with the arguments that decide what it does. */
        static LibraryCall of(String name, Runnable issue, Object... arguments) {
            Object[] values = new Object[arguments.length];
            for (int i = 0; i < arguments.length; i++) {
                values[i] = arguments[i] instanceof DeviceAddress p ? (Object) p.address() : arguments[i];
                if (values[i] instanceof NativePointerObject) {
                    throw new IllegalArgumentException(name + ": argument " + i + " is a pointer that does not know its"
                            + " address (" + values[i].getClass().getSimpleName() + "); pass a DeviceAddress");
                }
            }
            return new LibraryCall(name, List.of(values), issue);
        }

        @Override
        public boolean sameWorkAs(StreamOp other) {
            return other instanceof LibraryCall c && c.name.equals(name) && c.signature.equals(signature);
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
