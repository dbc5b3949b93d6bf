package dev.engram.nn;

import dev.engram.backend.Backend;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A layer with a forward and a backward pass, its own parameters and child modules, in the shape
 * of PyTorch's nn.Module.
 *
 * <p>A module tree is declared first and then built once, on its root, for a backend and a seed
 * ({@link #build}): that allocates every parameter of the tree in one {@link ParameterStore} and
 * initialises them from the seed. {@link #forward} returns a tensor the module owns and reuses,
 * valid until its next forward; {@link #backward} must follow the forward it differentiates,
 * accumulates (+=) into the parameter gradients and returns the input gradient (assigned), or
 * null when the input gradient was switched off ({@link #requireInputGradient}).
 */
public abstract class Module implements AutoCloseable {
    private final List<Parameter> parameters = new ArrayList<>();
    private final List<Parameter> buffers = new ArrayList<>();
    private final List<Map.Entry<String, Module>> children = new ArrayList<>();
    private final List<BufferSlot> slots = new ArrayList<>();
    private Backend backend;
    private RandomStream random;
    private ParameterStore store;
    private boolean child;
    private boolean training = true;
    private boolean inputGradient = true;

    // ---------------------------------------------------------------- the layer's contract

    /** The output shape for an input shape; refuses, naming both, an input this module cannot take. */
    public abstract Shape outputShape(Shape input);

    /** Computes the output (owned by this module, valid until the next forward). */
    public abstract Tensor forward(Tensor x);

    /** Accumulates parameter gradients and returns dx for the last forward, or null if not required. */
    public abstract Tensor backward(Tensor dy);

    /** A short description such as "Linear(784 -> 512)", used in messages. */
    @Override
    public abstract String toString();

    // ---------------------------------------------------------------- declaring parameters and children

    protected final Parameter addParameter(String name, Shape shape, Initializer initializer) {
        Parameter p = new Parameter(name, shape, initializer, true);
        parameters.add(p);
        return p;
    }

    /** Declares saved, untrained state such as running statistics. */
    protected final Parameter addBuffer(String name, Shape shape, float initialValue) {
        Parameter p = new Parameter(name, shape, Initializer.constant(initialValue), false);
        buffers.add(p);
        return p;
    }

    protected final <M extends Module> M addChild(String name, M module) {
        Module m = module;
        if (m.child || m.backend != null) {
            throw new IllegalArgumentException(m + " already belongs to a model; make a new instance for " + this);
        }
        m.child = true;
        children.add(Map.entry(name, m));
        return module;
    }

    /** A reusable buffer for an output or a gradient, freed with the module. */
    protected final BufferSlot newSlot() {
        BufferSlot s = new BufferSlot();
        slots.add(s);
        return s;
    }

    // ---------------------------------------------------------------- building

    /**
     * Allocates and initialises every parameter of this tree on {@code backend}, drawing random
     * numbers from {@code seed}. Call once, on the root. Returns this module.
     */
    @SuppressWarnings("unchecked")
    public final <M extends Module> M build(Backend backend, long seed) {
        if (child) {
            throw new IllegalStateException(this + " is part of a larger model: build the root module instead");
        }
        if (this.backend != null) {
            throw new IllegalStateException(this + " is already built on " + this.backend.name());
        }
        List<Parameter> ps = new ArrayList<>();
        List<Parameter> bs = new ArrayList<>();
        collect("", ps, bs);
        ParameterStore s = new ParameterStore(backend, ps, bs);
        RandomStream r = new RandomStream(seed);
        for (Parameter p : ps) {
            p.initializer().initialize(backend, p.value(), r);
        }
        for (Parameter b : bs) {
            b.initializer().initialize(backend, b.value(), r);
        }
        store = s;
        attach(backend, r);
        return (M) this;
    }

    private void collect(String prefix, List<Parameter> ps, List<Parameter> bs) {
        for (Parameter p : parameters) {
            p.bind(prefix + p.localName(), null, null);
            ps.add(p);
        }
        for (Parameter b : buffers) {
            b.bind(prefix + b.localName(), null, null);
            bs.add(b);
        }
        for (Map.Entry<String, Module> c : children) {
            c.getValue().collect(prefix + c.getKey() + ".", ps, bs);
        }
    }

    private void attach(Backend b, RandomStream r) {
        backend = b;
        random = r;
        for (Map.Entry<String, Module> c : children) {
            c.getValue().attach(b, r);
        }
    }

    /** The backend the model was built on. */
    public final Backend backend() {
        if (backend == null) {
            throw new IllegalStateException(this + " is not built: call build(backend, seed) on the root module first");
        }
        return backend;
    }

    /**
     * The model's random stream (initialisation, dropout masks, noise, VAE samples), shared by the
     * whole tree; a checkpoint saves its counter so a resumed run draws the same numbers.
     */
    public final RandomStream random() {
        backend();
        return random;
    }

    /** The root's store of all parameters, gradients and buffers. */
    public final ParameterStore parameterStore() {
        if (store == null) {
            throw new IllegalStateException(this + (child ? " is not the root module" : " is not built yet"));
        }
        return store;
    }

    // ---------------------------------------------------------------- modes and traversal

    /** Training mode (batch statistics, dropout on) or evaluation mode; passed to every child. */
    public void train(boolean on) {
        training = on;
        for (Map.Entry<String, Module> c : children) {
            c.getValue().train(on);
        }
    }

    public final boolean isTraining() {
        return training;
    }

    /** Whether backward computes dx; switching it off on a first layer saves its most costly pass. */
    public void requireInputGradient(boolean on) {
        inputGradient = on;
    }

    public final boolean inputGradientRequired() {
        return inputGradient;
    }

    /** Trainable parameters of this module and its children, in PyTorch's order, with dotted names once built. */
    public final List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>();
        walk(out, true);
        return out;
    }

    /** Buffers (untrained state) of this module and its children. */
    public final List<Parameter> buffers() {
        List<Parameter> out = new ArrayList<>();
        walk(out, false);
        return out;
    }

    private void walk(List<Parameter> out, boolean trainable) {
        out.addAll(trainable ? parameters : buffers);
        for (Map.Entry<String, Module> c : children) {
            c.getValue().walk(out, trainable);
        }
    }

    /** Direct children with their names. */
    public final List<Map.Entry<String, Module>> children() {
        return Collections.unmodifiableList(children);
    }

    /** Frees this module's buffers, its children's and, on the root, all parameters. */
    @Override
    public void close() {
        for (BufferSlot s : slots) {
            s.close();
        }
        for (Map.Entry<String, Module> c : children) {
            c.getValue().close();
        }
        if (store != null) {
            store.close();
        }
    }

    // ---------------------------------------------------------------- helpers for subclasses

    /** Throws unless {@code input} equals {@code expected}, naming this module. */
    protected final void requireShape(Shape input, Shape expected) {
        if (!input.equals(expected)) {
            throw new IllegalArgumentException(this + ": input shape " + input + " does not match the expected " + expected);
        }
    }

    /** Throws unless {@code input} has {@code rank} dimensions, naming this module and the layout. */
    protected final void requireRank(Shape input, int rank, String layout) {
        if (input.rank() != rank) {
            throw new IllegalArgumentException(this + ": input must be " + rank + "-D " + layout + ", got shape " + input);
        }
    }

    /** Throws unless {@code input} is a batch of images [N, channels, H, W]. */
    protected final void requireImages(Shape input, int channels) {
        requireRank(input, 4, "[N, C, H, W]");
        if (input.dim(1) != channels) {
            throw new IllegalArgumentException(this + ": input " + input + " has " + input.dim(1) + " channels but "
                    + channels + " are expected ([N, " + channels + ", H, W])");
        }
    }

    /** Throws if backward is called with no forward before it. */
    protected final Tensor requireForward(Tensor savedInput) {
        if (savedInput == null) {
            throw new IllegalStateException(this + ": backward was called before forward");
        }
        return savedInput;
    }

    /** Throws unless dy has the shape of the last output, naming the module. */
    protected final void requireGradShape(Tensor dy, Shape outputShape) {
        if (!dy.shape().equals(outputShape)) {
            throw new IllegalArgumentException(this + ": gradient dy " + dy.shape() + " does not match the output shape "
                    + outputShape + " of the last forward");
        }
    }
}
