package dev.engram.nn;

import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Layers applied in order; children are named "0", "1", ... as in PyTorch's nn.Sequential. */
public final class Sequential extends Module {
    private final List<Module> layers = new ArrayList<>();

    public Sequential(Module... layers) {
        if (layers.length == 0) {
            throw new IllegalArgumentException("Sequential needs at least one layer");
        }
        for (Module m : layers) {
            this.layers.add(addChild(Integer.toString(this.layers.size()), m));
        }
    }

    public List<Module> layers() {
        return List.copyOf(layers);
    }

    public Module layer(int i) {
        return layers.get(i);
    }

    @Override
    public Shape outputShape(Shape input) {
        Shape s = input;
        for (int i = 0; i < layers.size(); i++) {
            try {
                s = layers.get(i).outputShape(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer " + i + " of " + this + " refuses the model input " + input + ": "
                        + e.getMessage(), e);
            }
        }
        return s;
    }

    @Override
    public Tensor forward(Tensor x) {
        outputShape(x.shape());
        Tensor h = x;
        for (Module m : layers) {
            h = m.forward(h);
        }
        return h;
    }

    @Override
    public Tensor backward(Tensor dy) {
        Tensor g = dy;
        for (int i = layers.size() - 1; i >= 0; i--) {
            g = layers.get(i).backward(g);
        }
        return g;
    }

    /** Only the first layer's input gradient is this model's input gradient; the others are always needed. */
    @Override
    public void requireInputGradient(boolean on) {
        super.requireInputGradient(on);
        layers.get(0).requireInputGradient(on);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Sequential(");
        for (Map.Entry<String, Module> c : children()) {
            sb.append(c.getKey().equals("0") ? "" : ", ").append(c.getValue());
        }
        return sb.append(')').toString();
    }
}
