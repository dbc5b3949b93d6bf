package dev.engram.model;

import dev.engram.backend.UpsampleMode;
import dev.engram.nn.AvgPool2d;
import dev.engram.nn.BatchNorm2d;
import dev.engram.nn.Conv2d;
import dev.engram.nn.ConvTranspose2d;
import dev.engram.nn.Dropout;
import dev.engram.nn.ELU;
import dev.engram.nn.Flatten;
import dev.engram.nn.GELU;
import dev.engram.nn.LayerNorm;
import dev.engram.nn.LeakyReLU;
import dev.engram.nn.Linear;
import dev.engram.nn.MaxPool2d;
import dev.engram.nn.Module;
import dev.engram.nn.ReLU;
import dev.engram.nn.Reshape;
import dev.engram.nn.Sigmoid;
import dev.engram.nn.Softplus;
import dev.engram.nn.Tanh;
import dev.engram.nn.Upsample;
import dev.engram.tensor.Shape;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The layer types of a model spec: each one's JSON name, its fields with their defaults, and how
 * it becomes a module for the shape that reaches it (which supplies the input channels or
 * features, so a spec never states them).
 */
enum LayerType {
    CONV2D(true, (f, in) -> new Conv2d(in.dim(1), i(f, "out"), i(f, "kernel"), i(f, "stride"), i(f, "padding"),
            i(f, "dilation"), (Boolean) f.get("bias")),
            Field.positive("out"), Field.positive("kernel"), Field.positive("stride", 1), Field.nonNegative("padding", 0),
            Field.positive("dilation", 1), Field.bool("bias", true)),
    CONVTRANSPOSE2D(true, (f, in) -> new ConvTranspose2d(in.dim(1), i(f, "out"), i(f, "kernel"), i(f, "stride"),
            i(f, "padding"), i(f, "output_padding"), i(f, "dilation"), (Boolean) f.get("bias")),
            Field.positive("out"), Field.positive("kernel"), Field.positive("stride", 1), Field.nonNegative("padding", 0),
            Field.nonNegative("output_padding", 0), Field.positive("dilation", 1), Field.bool("bias", true)),
    LINEAR(false, (f, in) -> new Linear(in.dim(-1), i(f, "out"), (Boolean) f.get("bias")),
            Field.positive("out"), Field.bool("bias", true)),
    BATCHNORM2D(true, (f, in) -> new BatchNorm2d(in.dim(1), d(f, "eps"), d(f, "momentum")),
            Field.number("eps", 1e-5), Field.number("momentum", 0.1)),
    LAYERNORM(false, (f, in) -> new LayerNorm(Shape.of(Arrays.copyOfRange(in.dims(), 1, in.rank())), d(f, "eps")),
            Field.number("eps", 1e-5)),
    RELU(false, (f, in) -> new ReLU()),
    LEAKYRELU(false, (f, in) -> new LeakyReLU(d(f, "slope")), Field.number("slope", 0.01)),
    SIGMOID(false, (f, in) -> new Sigmoid()),
    TANH(false, (f, in) -> new Tanh()),
    ELU(false, (f, in) -> new ELU(d(f, "alpha")), Field.number("alpha", 1.0)),
    GELU(false, (f, in) -> new GELU()),
    SOFTPLUS(false, (f, in) -> new Softplus(d(f, "beta")), Field.number("beta", 1.0)),
    MAXPOOL2D(true, (f, in) -> new MaxPool2d(i(f, "kernel"), i(f, "stride"), i(f, "padding")),
            Field.positive("kernel"), Field.positiveSameAs("stride", "kernel"), Field.nonNegative("padding", 0)),
    AVGPOOL2D(true, (f, in) -> new AvgPool2d(i(f, "kernel"), i(f, "stride"), i(f, "padding")),
            Field.positive("kernel"), Field.positiveSameAs("stride", "kernel"), Field.nonNegative("padding", 0)),
    UPSAMPLE(true, (f, in) -> new Upsample(i(f, "scale"),
            UpsampleMode.valueOf(((String) f.get("mode")).toUpperCase(Locale.ROOT))),
            Field.positive("scale"), Field.choice("mode", List.of("nearest", "bilinear"), "nearest")),
    DROPOUT(false, (f, in) -> new Dropout(d(f, "p")), Field.number("p", 0.5)),
    FLATTEN(false, (f, in) -> new Flatten()),
    RESHAPE(false, (f, in) -> new Reshape(ints(f, "shape")), Field.shape("shape"));

    /** Makes the module from the canonical fields and the input shape [N, ...] that reaches it. */
    @FunctionalInterface
    interface Factory {
        Module create(Map<String, Object> fields, Shape input);
    }

    /** Field kinds, each read into one canonical Java type: Long, Double, Boolean, String or List of Long. */
    enum Kind { POSITIVE_INT, NON_NEGATIVE_INT, NUMBER, BOOLEAN, CHOICE, SHAPE }

    /** A field, its default (null: required) or the field whose value it defaults to. */
    record Field(String name, Kind kind, Object defaultValue, String sameAs, List<String> choices) {
        static Field positive(String name) {
            return new Field(name, Kind.POSITIVE_INT, null, null, List.of());
        }

        static Field positive(String name, long def) {
            return new Field(name, Kind.POSITIVE_INT, def, null, List.of());
        }

        static Field positiveSameAs(String name, String other) {
            return new Field(name, Kind.POSITIVE_INT, null, other, List.of());
        }

        static Field nonNegative(String name, long def) {
            return new Field(name, Kind.NON_NEGATIVE_INT, def, null, List.of());
        }

        static Field number(String name, double def) {
            return new Field(name, Kind.NUMBER, def, null, List.of());
        }

        static Field bool(String name, boolean def) {
            return new Field(name, Kind.BOOLEAN, def, null, List.of());
        }

        static Field choice(String name, List<String> choices, String def) {
            return new Field(name, Kind.CHOICE, def, null, choices);
        }

        static Field shape(String name) {
            return new Field(name, Kind.SHAPE, null, null, List.of());
        }
    }

    private final boolean needsImages;
    private final Factory factory;
    private final List<Field> fields;

    LayerType(boolean needsImages, Factory factory, Field... fields) {
        this.needsImages = needsImages;
        this.factory = factory;
        this.fields = List.of(fields);
    }

    /** The name in spec files, such as "conv2d". */
    String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the layer takes images [N, C, H, W] only. */
    boolean needsImages() {
        return needsImages;
    }

    List<Field> fields() {
        return fields;
    }

    Module create(Map<String, Object> canonicalFields, Shape input) {
        return factory.create(canonicalFields, input);
    }

    static LayerType fromJsonName(String name) {
        for (LayerType t : values()) {
            if (t.jsonName().equals(name)) {
                return t;
            }
        }
        return null;
    }

    static List<String> jsonNames() {
        return Arrays.stream(values()).map(LayerType::jsonName).toList();
    }

    private static int i(Map<String, Object> f, String name) {
        return ((Long) f.get(name)).intValue();
    }

    private static float d(Map<String, Object> f, String name) {
        return ((Double) f.get(name)).floatValue();
    }

    private static int[] ints(Map<String, Object> f, String name) {
        @SuppressWarnings("unchecked")
        List<Long> v = (List<Long>) f.get(name);
        return v.stream().mapToInt(Long::intValue).toArray();
    }
}
