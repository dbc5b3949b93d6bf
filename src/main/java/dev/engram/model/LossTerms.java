package dev.engram.model;

import dev.engram.tensor.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The loss of one batch as one-element tensors on the backend: the total that training minimises
 * and its named terms (for example "reconstruction" and "kl"). Nothing is read to the host until
 * someone asks, so a step costs at most one sync.
 */
public final class LossTerms {
    private final Tensor total;
    private final Map<String, Tensor> terms;

    public LossTerms(Tensor total, Map<String, Tensor> terms) {
        this.total = total;
        this.terms = Collections.unmodifiableMap(new LinkedHashMap<>(terms));
    }

    public Tensor total() {
        return total;
    }

    /** The named terms, in a fixed order; the total is not among them. */
    public Map<String, Tensor> terms() {
        return terms;
    }

    /** Reads the total and every term to the host (one sync per value on a device backend). */
    public Map<String, Float> read() {
        Map<String, Float> out = new LinkedHashMap<>();
        out.put("loss", total.backend().readScalar(total));
        terms.forEach((name, t) -> out.put(name, t.backend().readScalar(t)));
        return out;
    }
}
