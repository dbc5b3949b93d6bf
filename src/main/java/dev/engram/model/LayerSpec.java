package dev.engram.model;

import dev.engram.nn.Module;
import dev.engram.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One layer of a model spec: its type and every field with defaults filled in (the canonical form,
 * so that two specs that build the same model are equal and print the same).
 */
final class LayerSpec {
    private final LayerType type;
    private final Map<String, Object> fields;

    private LayerSpec(LayerType type, Map<String, Object> fields) {
        this.type = type;
        this.fields = Collections.unmodifiableMap(fields);
    }

    /** Reads {"type": ..., fields...}; {@code where} names the layer in errors ("encoder layer 3"). */
    static LayerSpec parse(Object json, String where) {
        SpecFields head = new SpecFields(json, where);
        Object typeName = head.raw("type");
        LayerType type = typeName instanceof String s ? LayerType.fromJsonName(s) : null;
        if (type == null) {
            throw head.error("unknown layer type " + SpecFields.describe(typeName) + "; the types are "
                    + String.join(", ", LayerType.jsonNames()));
        }
        SpecFields f = new SpecFields(json, where + " (" + type.jsonName() + ")");
        List<String> names = type.fields().stream().map(LayerType.Field::name).toList();
        List<String> allowed = new ArrayList<>(names);
        allowed.add("type");
        f.allowOnly(allowed, names);
        Map<String, Object> canonical = new LinkedHashMap<>();
        for (LayerType.Field field : type.fields()) {
            Object value;
            if (field.sameAs() != null && !f.has(field.name())) {
                value = canonical.get(field.sameAs());
            } else {
                value = switch (field.kind()) {
                    case POSITIVE_INT -> f.positiveInt(field.name(), (Long) field.defaultValue());
                    case NON_NEGATIVE_INT -> f.nonNegativeInt(field.name(), (Long) field.defaultValue());
                    case NUMBER -> f.number(field.name(), (Double) field.defaultValue());
                    case BOOLEAN -> f.bool(field.name(), (Boolean) field.defaultValue());
                    case CHOICE -> f.choice(field.name(), field.choices(), (String) field.defaultValue());
                    case SHAPE -> f.positiveInts(field.name());
                };
            }
            canonical.put(field.name(), value);
        }
        return new LayerSpec(type, canonical);
    }

    /**
     * The module for the running shape {@code input} [N, ...], its construction and shape errors
     * prefixed with {@code where}; the output shape is checked before the module is returned.
     */
    Module create(Shape input, String where) {
        String at = where + " (" + type.jsonName() + ")";
        if (type.needsImages() && input.rank() != 4) {
            throw new IllegalArgumentException(at + ": needs images [C, H, W], but it receives "
                    + Arrays.toString(Arrays.copyOfRange(input.dims(), 1, input.rank()))
                    + " (add a reshape layer before it)");
        }
        try {
            Module m = type.create(fields, input);
            m.outputShape(input);
            return m;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
        }
    }

    /** {"type": ..., every field}. */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type.jsonName());
        m.putAll(fields);
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayerSpec l && l.type == type && l.fields.equals(fields);
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + fields.hashCode();
    }
}
