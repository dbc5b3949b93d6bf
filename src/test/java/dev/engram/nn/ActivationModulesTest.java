package dev.engram.nn;

import dev.engram.backend.Activation;
import dev.engram.backend.Backend;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.ModuleCheck;
import dev.engram.testing.Numerics;
import dev.engram.testing.ReferencePointwise;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ActivationModulesTest {
    private final Backend cpu = TestBackends.cpu();

    /** A module, the function it must compute and the name PyTorch would print. */
    private record Case(Supplier<PointwiseActivation> module, Activation function, String name) {
    }

    private static final List<Case> CASES = List.of(
            new Case(ReLU::new, Activation.relu(), "ReLU()"),
            new Case(LeakyReLU::new, Activation.leakyRelu(0.01f), "LeakyReLU(negative_slope=0.01)"),
            new Case(() -> new LeakyReLU(0.2f), Activation.leakyRelu(0.2f), "LeakyReLU(negative_slope=0.2)"),
            new Case(Sigmoid::new, Activation.sigmoid(), "Sigmoid()"),
            new Case(Tanh::new, Activation.tanh(), "Tanh()"),
            new Case(ELU::new, Activation.elu(1f), "ELU(alpha=1.0)"),
            new Case(() -> new ELU(0.7f), Activation.elu(0.7f), "ELU(alpha=0.7)"),
            new Case(GELU::new, Activation.gelu(), "GELU()"),
            new Case(Softplus::new, Activation.softplus(1f), "Softplus(beta=1.0, threshold=20.0)"),
            new Case(() -> new Softplus(2f), Activation.softplus(2f), "Softplus(beta=2.0, threshold=20.0)"));

    @Test
    void forwardAndGradientsMatchTheDoubleReference() {
        for (Case c : CASES) {
            try (PointwiseActivation m = c.module().get().build(cpu, 0)) {
                assertEquals(c.function(), m.activation(), c.name());
                assertEquals(c.name(), m.toString());
                ModuleCheck.of(m, (x, p) -> ReferencePointwise.activation(c.function(), x))
                        .inputRange(-3, 3)
                        .check(Shape.of(3, 5, 7), 17);
            }
        }
    }

    @Test
    void saturatedInputsStayFinite() {
        float[] x = {-1000f, -100f, -30f, 30f, 100f, 1000f};
        for (Case c : CASES) {
            try (PointwiseActivation m = c.module().get().build(cpu, 0); Tensor xt = cpu.fromHost(x, Shape.of(2, 3));
                 Tensor dy = cpu.fromHost(new float[] {1, 1, 1, 1, 1, 1}, Shape.of(2, 3))) {
                double[] expected = ReferencePointwise.activation(c.function(), Numerics.toDouble(x));
                Numerics.assertClose(c.name() + " forward", expected, m.forward(xt).toFloatArray(), 1e-7);
                for (float g : m.backward(dy).toFloatArray()) {
                    assertTrue(Float.isFinite(g), c.name() + " backward gives " + g);
                }
            }
        }
    }

    @Test
    void backwardChecksItsInputs() {
        try (ReLU m = new ReLU().build(cpu, 0); Tensor x = cpu.zeros(Shape.of(2, 3));
             Tensor dy = cpu.zeros(Shape.of(3, 2))) {
            assertThrows(IllegalStateException.class, () -> m.backward(x));
            m.forward(x);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.backward(dy));
            assertTrue(e.getMessage().contains("ReLU()") && e.getMessage().contains("[3, 2]")
                    && e.getMessage().contains("[2, 3]"), e.getMessage());
            m.requireInputGradient(false);
            assertNull(m.backward(x));
        }
    }

    @Test
    void refusesABadParameter() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Softplus(0f));
        assertTrue(e.getMessage().contains("beta") && e.getMessage().contains("0.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LeakyReLU(Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> new ELU(Float.POSITIVE_INFINITY));
    }

    @Test
    void worksInsideASequential() {
        try (Sequential net = new Sequential(new Linear(4, 6), new LeakyReLU(0.2f), new Linear(6, 3), new Sigmoid())
                .build(cpu, 5)) {
            ModuleCheck.of(net, (x, p) -> {
                double[] h = ReferencePointwise.activation(Activation.leakyRelu(0.2f),
                        LinearTest.reference(x, p.get("0.weight"), p.get("0.bias"), 4, 6));
                return ReferencePointwise.activation(Activation.sigmoid(),
                        LinearTest.reference(h, p.get("2.weight"), p.get("2.bias"), 6, 3));
            }).check(Shape.of(5, 4), 23);
        }
    }
}
