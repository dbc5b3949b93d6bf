package dev.engram.train;

import dev.engram.backend.Backend;
import dev.engram.model.LossTerms;
import dev.engram.nn.BufferSlot;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a batch's loss terms to the host with one transfer: the total and every term are first
 * gathered on the backend into one small tensor, so a step costs a single sync however many terms
 * the model reports.
 */
final class LossReadout implements AutoCloseable {
    private final BufferSlot gathered = new BufferSlot();
    private float[] host = new float[0];

    /** "loss" (the total) and then each named term, in the model's order. */
    Map<String, Float> read(LossTerms terms) {
        Backend backend = terms.total().backend();
        int n = terms.terms().size() + 1;
        Tensor all = gathered.get(backend, Shape.of(n));
        backend.copy(terms.total(), all.slice(0, 1));
        int i = 1;
        for (Tensor t : terms.terms().values()) {
            backend.copy(t, all.slice(i, i + 1));
            i++;
        }
        if (host.length != n) {
            host = new float[n];
        }
        backend.copyToHost(all, host, 0);
        Map<String, Float> out = new LinkedHashMap<>();
        out.put("loss", host[0]);
        i = 1;
        for (String name : terms.terms().keySet()) {
            out.put(name, host[i++]);
        }
        return out;
    }

    @Override
    public void close() {
        gathered.close();
    }
}
