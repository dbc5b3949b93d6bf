package dev.engram.backend.cpu;

import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * All Vector API kernels of the CPU backend use one vector shape. A second float shape in the
 * process (once a 128-bit species for sigmoid's double halves) makes the JDK's shared FloatVector
 * code see two vector classes; C2 then boxed the GEMM and convolution tiles' vectors and conv-ae's
 * step ran 1.6x slower after dense-ae had run (bench/NOTES.md). No timing test can catch that
 * reliably; this checks its cause.
 */
class VectorShapeTest {
    private static final List<Class<?>> KERNELS = List.of(VectorGemmKernel.class, VectorDirectConvKernel.class,
            VectorPointwiseKernel.class);

    @Test
    void everySpeciesHasThePreferredShape() throws IllegalAccessException {
        int checked = 0;
        for (Class<?> kernel : KERNELS) {
            for (Field field : kernel.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) && VectorSpecies.class.isAssignableFrom(field.getType())) {
                    field.setAccessible(true);
                    VectorSpecies<?> species = (VectorSpecies<?>) field.get(null);
                    checked++;
                    assertEquals(VectorShape.preferredShape(), species.vectorShape(),
                            kernel.getSimpleName() + "." + field.getName() + " is " + species);
                }
            }
        }
        assertNotEquals(0, checked, "no species fields found: the check would pass vacuously");
    }
}
