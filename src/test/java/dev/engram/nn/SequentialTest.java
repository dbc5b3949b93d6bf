package dev.engram.nn;

import dev.engram.backend.Backend;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.ModuleCheck;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SequentialTest {
    private final Backend cpu = TestBackends.cpu();

    @Test
    void namesParametersLikeAPyTorchStateDict() {
        try (Sequential net = new Sequential(new Linear(6, 4), new Flatten(), new Linear(4, 2, false)).build(cpu, 1)) {
            List<String> names = net.parameters().stream().map(Parameter::name).collect(Collectors.toList());
            assertEquals(List.of("0.weight", "0.bias", "2.weight"), names);
            assertEquals(6 * 4 + 4 + 4 * 2, net.parameterStore().count());
        }
    }

    @Test
    void chainsGradientsThroughViewsAndLayers() {
        try (Sequential net = new Sequential(new Flatten(), new Linear(6, 4), new Reshape(2, 2), new Flatten(),
                new Linear(4, 3)).build(cpu, 2)) {
            ModuleCheck.of(net, (x, p) -> {
                double[] h = LinearTest.reference(x, p.get("1.weight"), p.get("1.bias"), 6, 4);
                return LinearTest.reference(h, p.get("4.weight"), p.get("4.bias"), 4, 3);
            }).check(Shape.of(5, 2, 3), 21);
        }
    }

    @Test
    void namesTheLayerThatRefusesTheInput() {
        try (Sequential net = new Sequential(new Linear(6, 4), new Reshape(3, 3)).build(cpu, 1);
             Tensor x = cpu.allocate(2, 6)) {
            long before = cpu.liveBytes();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.forward(x));
            assertTrue(e.getMessage().contains("layer 1") && e.getMessage().contains("[2, 4]"), e.getMessage());
            assertEquals(before, cpu.liveBytes());
        }
    }

    @Test
    void buildsOnlyFromTheRootAndOnlyOnce() {
        Linear inner = new Linear(2, 2);
        try (Sequential net = new Sequential(inner)) {
            assertThrows(IllegalStateException.class, () -> inner.build(cpu, 0));
            net.build(cpu, 0);
            assertThrows(IllegalStateException.class, () -> net.build(cpu, 0));
            assertThrows(IllegalArgumentException.class, () -> new Sequential(inner));
        }
    }

    @Test
    void freesEverythingOnClose() {
        long before = cpu.liveBytes();
        Sequential net = new Sequential(new Linear(10, 20), new Linear(20, 5)).build(cpu, 0);
        try (Tensor x = cpu.allocate(4, 10)) {
            cpu.fill(x, 1f);
            net.backward(net.forward(x).prefix(Shape.of(4, 5)));
        }
        net.close();
        assertEquals(before, cpu.liveBytes());
    }
}
