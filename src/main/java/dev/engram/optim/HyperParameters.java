package dev.engram.optim;

/** Checks of optimizer settings, refusing a bad value with a message that names the optimizer and the value. */
final class HyperParameters {
    private HyperParameters() {
    }

    static void requireLearningRate(String owner, float lr) {
        requireNonNegative(owner, "learning rate", lr);
    }

    static void requireNonNegative(String owner, String name, float value) {
        if (!Float.isFinite(value) || value < 0) {
            throw new IllegalArgumentException(owner + ": " + name + " is " + value + "; it must be a finite number >= 0");
        }
    }

    static void requirePositive(String owner, String name, float value) {
        if (!Float.isFinite(value) || value <= 0) {
            throw new IllegalArgumentException(owner + ": " + name + " is " + value + "; it must be a finite number > 0");
        }
    }

    static void requireBeta(String owner, String name, float value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(owner + ": " + name + " is " + value + "; it must be in [0, 1)");
        }
    }
}
