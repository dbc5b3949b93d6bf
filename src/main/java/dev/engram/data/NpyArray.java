package dev.engram.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An array read from a .npy file: its NumPy dtype descriptor, its C-order shape and its raw
 * little-endian bytes, converted on request (so a uint8 image file is not held as floats twice).
 */
public final class NpyArray {
    private final String dtype;
    private final int[] shape;
    private final ByteBuffer data;

    NpyArray(String dtype, int[] shape, ByteBuffer data) {
        this.dtype = dtype;
        this.shape = shape;
        this.data = data.order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The descriptor as NumPy writes it: &lt;f4, &lt;f8, |u1, &lt;i4 or &lt;i8. */
    public String dtype() {
        return dtype;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int size() {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    public boolean isInteger() {
        return !dtype.startsWith("<f");
    }

    /** Every element as a float: exact for |u1 and &lt;f4, rounded for &lt;f8 and large integers. */
    public float[] toFloatArray() {
        float[] out = new float[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (dtype) {
                case "<f4" -> data.getFloat(4 * i);
                case "<f8" -> (float) data.getDouble(8 * i);
                case "|u1" -> data.get(i) & 0xff;
                case "<i4" -> data.getInt(4 * i);
                case "<i8" -> data.getLong(8 * i);
                default -> throw new IllegalStateException("dtype " + dtype);
            };
        }
        return out;
    }

    /** Every element as an int, for labels; only integer dtypes, and &lt;i8 values must fit an int. */
    public int[] toIntArray() {
        if (!isInteger()) {
            throw new IllegalArgumentException("NpyArray: dtype " + dtype + " is not an integer type; cannot read it as ints");
        }
        int[] out = new int[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (dtype) {
                case "|u1" -> data.get(i) & 0xff;
                case "<i4" -> data.getInt(4 * i);
                case "<i8" -> {
                    long v = data.getLong(8 * i);
                    if (v != (int) v) {
                        throw new IllegalArgumentException("NpyArray: element " + i + " = " + v + " does not fit an int");
                    }
                    yield (int) v;
                }
                default -> throw new IllegalStateException("dtype " + dtype);
            };
        }
        return out;
    }

    @Override
    public String toString() {
        return "npy " + dtype + " " + Arrays.toString(shape);
    }
}
