package dev.engram.nn;

import dev.engram.backend.Backend;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

import java.util.List;

/**
 * All parameters of a model in one allocation, their gradients in a second and the buffers in a
 * third, each parameter a view at its offset. An optimizer step, zeroing the gradients or a global
 * norm is then one op over one tensor, whatever the number of layers.
 */
public final class ParameterStore implements AutoCloseable {
    private final Backend backend;
    private final List<Parameter> parameters;
    private final List<Parameter> buffers;
    private final Tensor values;
    private final Tensor grads;
    private final Tensor state;

    ParameterStore(Backend backend, List<Parameter> parameters, List<Parameter> buffers) {
        this.backend = backend;
        this.parameters = List.copyOf(parameters);
        this.buffers = List.copyOf(buffers);
        Tensor v = null;
        Tensor g = null;
        Tensor s = null;
        try {
            v = backend.allocate(Shape.of(Math.toIntExact(total(parameters))));
            g = backend.zeros(v.shape());
            s = backend.allocate(Shape.of(Math.toIntExact(total(buffers))));
        } catch (RuntimeException | Error e) {
            closeAll(v, g, s);
            throw e;
        }
        values = v;
        grads = g;
        state = s;
        long offset = 0;
        for (Parameter p : parameters) {
            long n = p.shape().numel();
            p.bind(p.name(), view(values, offset, p.shape()), view(grads, offset, p.shape()));
            offset += n;
        }
        offset = 0;
        for (Parameter b : buffers) {
            b.bind(b.name(), view(state, offset, b.shape()), null);
            offset += b.shape().numel();
        }
    }

    private static long total(List<Parameter> ps) {
        long n = 0;
        for (Parameter p : ps) {
            n += p.shape().numel();
        }
        return n;
    }

    private static Tensor view(Tensor flat, long offset, Shape shape) {
        return flat.slice((int) offset, (int) (offset + shape.numel())).view(shape);
    }

    private static void closeAll(Tensor... ts) {
        for (Tensor t : ts) {
            if (t != null) {
                t.close();
            }
        }
    }

    public Backend backend() {
        return backend;
    }

    /** Trainable parameters in model order. */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** Non-trainable state (running statistics) in model order. */
    public List<Parameter> buffers() {
        return buffers;
    }

    /** All parameter values as one flat tensor. */
    public Tensor values() {
        return values;
    }

    /** All gradients, laid out as {@link #values()}. */
    public Tensor grads() {
        return grads;
    }

    /** All buffers as one flat tensor. */
    public Tensor state() {
        return state;
    }

    /** Number of trainable scalars. */
    public long count() {
        return values.numel();
    }

    public void zeroGrad() {
        backend.fill(grads, 0f);
    }

    @Override
    public void close() {
        closeAll(values, grads, state);
    }
}
