package dev.engram.backend.cpu;

import java.util.Optional;

/**
 * Loads the CPU backend's Vector API classes by name, so that a class importing
 * jdk.incubator.vector is never loaded (and never fails) in a JVM started without the module.
 */
final class VectorApi {
    /** Set to "false" to run the scalar code even when the Vector API is available. */
    static final String PROPERTY = "engram.cpu.vector";
    static final String MODULE = "jdk.incubator.vector";

    private VectorApi() {
    }

    /** A new instance of {@code className}, if the module is present and not switched off by {@value #PROPERTY}. */
    static <T> Optional<T> load(String className, Class<T> type) {
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY)) || ModuleLayer.boot().findModule(MODULE).isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(type.cast(Class.forName(className).getDeclaredConstructor().newInstance()));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cpu backend: cannot load " + className + " although " + MODULE
                    + " is present", e);
        }
    }
}
