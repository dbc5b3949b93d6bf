package dev.engram.backend;

import dev.engram.tensor.DType;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

/**
 * Argument checks shared by every backend, so that bad input is refused the same way everywhere,
 * before anything is allocated or launched, with a message that names the op and the shapes.
 */
final class OpChecks {
    private OpChecks() {
    }

    static void on(Backend backend, String op, String name, Tensor t) {
        if (t == null) {
            throw new IllegalArgumentException(op + ": " + name + " is null");
        }
        if (t.backend() != backend) {
            throw new IllegalArgumentException(op + ": " + name + " " + t.shape() + " lives on " + t.backend().name()
                    + " but the op runs on " + backend.name() + "; copy it over first");
        }
        t.storage();
        if (t.dtype() != DType.FLOAT32) {
            throw new UnsupportedOperationException(op + ": " + name + " has dtype " + t.dtype()
                    + "; only FLOAT32 is implemented");
        }
    }

    static void sameShape(String op, String nameA, Tensor a, String nameB, Tensor b) {
        if (!a.shape().equals(b.shape())) {
            throw new IllegalArgumentException(op + ": " + nameA + " " + a.shape() + " and " + nameB + " " + b.shape()
                    + " must have the same shape");
        }
    }

    static void shapeIs(String op, String name, Tensor t, Shape expected) {
        if (!t.shape().equals(expected)) {
            throw new IllegalArgumentException(op + ": " + name + " has shape " + t.shape() + " but " + expected + " is needed");
        }
    }

    static void scalar(String op, String name, Tensor t) {
        if (t.numel() != 1) {
            throw new IllegalArgumentException(op + ": " + name + " must hold one element (the result), got shape " + t.shape());
        }
    }

    static void numelAtLeast(String op, String name, Tensor t, long needed, String why) {
        if (t.numel() < needed) {
            throw new IllegalArgumentException(op + ": " + name + " " + t.shape() + " has " + t.numel() + " elements but "
                    + why + " needs " + needed);
        }
    }

    static void rankAtLeast(String op, String name, Tensor t, int rank, String layout) {
        if (t.shape().rank() < rank) {
            throw new IllegalArgumentException(op + ": " + name + " must be at least " + rank + "-D " + layout + ", got shape "
                    + t.shape());
        }
    }

    static void finite(String op, String name, float value) {
        if (!Float.isFinite(value)) {
            throw new IllegalArgumentException(op + ": " + name + " is " + value + "; it must be a finite number");
        }
    }

    static void positive(String op, String name, float value) {
        finite(op, name, value);
        if (value <= 0) {
            throw new IllegalArgumentException(op + ": " + name + " is " + value + "; it must be > 0");
        }
    }

    static void nonNegative(String op, String name, float value) {
        finite(op, name, value);
        if (value < 0) {
            throw new IllegalArgumentException(op + ": " + name + " is " + value + "; it must be >= 0");
        }
    }

    static void inRange(String op, String name, float value, float lo, float hi) {
        finite(op, name, value);
        if (value < lo || value >= hi) {
            throw new IllegalArgumentException(op + ": " + name + " is " + value + "; it must be in [" + lo + ", " + hi + ")");
        }
    }

    static void notAliased(String op, String nameA, Tensor a, String nameB, Tensor b) {
        if (a.storage() == b.storage() && a.offset() < b.offset() + b.numel() && b.offset() < a.offset() + a.numel()) {
            throw new IllegalArgumentException(op + ": " + nameA + " and " + nameB + " overlap in memory; pass separate buffers");
        }
    }
}
