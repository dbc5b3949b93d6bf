package dev.engram.testing;

import dev.engram.backend.Backend;
import dev.engram.nn.Module;
import dev.engram.nn.Parameter;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Checks a built module against an independent float64 reference of its forward pass:
 * the forward output agrees with the reference, and backward's input and parameter gradients
 * agree with central differences of L = sum(g * reference(x, params)) for a random upstream g.
 */
public final class ModuleCheck {

    /** The module's forward in double precision, written independently of the code under test. */
    @FunctionalInterface
    public interface Reference {
        double[] forward(double[] x, Map<String, double[]> params);
    }

    private final Module module;
    private final Reference reference;
    private double forwardRtol = 1e-5;
    private double gradRtol = 1e-4;
    private double inputLo = -1;
    private double inputHi = 1;

    private ModuleCheck(Module module, Reference reference) {
        this.module = module;
        this.reference = reference;
    }

    public static ModuleCheck of(Module builtModule, Reference reference) {
        return new ModuleCheck(builtModule, reference);
    }

    public ModuleCheck forwardTolerance(double rtol) {
        this.forwardRtol = rtol;
        return this;
    }

    public ModuleCheck gradientTolerance(double rtol) {
        this.gradRtol = rtol;
        return this;
    }

    /** Range of the random input (for example positive values for a log). */
    public ModuleCheck inputRange(double lo, double hi) {
        this.inputLo = lo;
        this.inputHi = hi;
        return this;
    }

    /** Runs forward and backward once on a random input of {@code inputShape} and checks both. */
    public void check(Shape inputShape, long seed) {
        Backend b = module.backend();
        double[] x = Numerics.uniform(seed, (int) inputShape.numel(), inputLo, inputHi);
        Map<String, double[]> params = new LinkedHashMap<>();
        for (Parameter p : module.parameters()) {
            params.put(p.name(), Numerics.toDouble(p.value().toFloatArray()));
        }
        for (Parameter p : module.buffers()) {
            params.put(p.name(), Numerics.toDouble(p.value().toFloatArray()));
        }
        double[] expectedY = reference.forward(x.clone(), copy(params));
        Shape outShape = module.outputShape(inputShape);
        assertEquals(outShape.numel(), expectedY.length, module + ": reference output size");

        try (Tensor xt = b.fromHost(Numerics.toFloat(x), inputShape)) {
            module.parameterStore().zeroGrad();
            Tensor y = module.forward(xt);
            assertEquals(outShape, y.shape(), module + ": output shape");
            Numerics.assertClose(module + " forward", expectedY, y.toFloatArray(), forwardRtol, 1e-6);

            double[] g = Numerics.uniform(seed + 1, expectedY.length, -1, 1);
            try (Tensor gt = b.fromHost(Numerics.toFloat(g), outShape)) {
                Tensor dx = module.backward(gt);
                assertNotNull(dx, module + ": backward returned no input gradient");
                double[] numDx = GradCheck.numericGradient(
                        v -> Numerics.dot(g, reference.forward(v, copy(params))), x.clone());
                Numerics.assertClose(module + " d/dx", numDx, dx.toFloatArray(), gradRtol, 1e-6);
                for (Parameter p : module.parameters()) {
                    double[] numDp = GradCheck.numericGradient(v -> {
                        Map<String, double[]> ps = copy(params);
                        ps.put(p.name(), v);
                        return Numerics.dot(g, reference.forward(x.clone(), ps));
                    }, params.get(p.name()).clone());
                    Numerics.assertClose(module + " d/d" + p.name(), numDp, p.grad().toFloatArray(), gradRtol, 1e-6);
                }
            }
        }
    }

    private static Map<String, double[]> copy(Map<String, double[]> params) {
        Map<String, double[]> c = new LinkedHashMap<>();
        params.forEach((k, v) -> c.put(k, v.clone()));
        return c;
    }
}
