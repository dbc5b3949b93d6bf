package dev.engram.model;

import dev.engram.io.Json;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Typed, checked reading of one JSON object of a model spec. Every error names where the object
 * sits ("encoder layer 3 (conv2d)"), the field and the offending value, and is an
 * IllegalArgumentException.
 */
final class SpecFields {
    private final Map<String, Object> json;
    private final String where;

    @SuppressWarnings("unchecked")
    SpecFields(Object value, String where) {
        if (!(value instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(where + ": must be a JSON object, got " + describe(value));
        }
        this.json = (Map<String, Object>) value;
        this.where = where;
    }

    String where() {
        return where;
    }

    boolean has(String name) {
        return json.containsKey(name);
    }

    /** Refuses any field not in {@code allowed}, listing the ones that are. */
    void allowOnly(Collection<String> allowed) {
        allowOnly(allowed, allowed);
    }

    /** Refuses any field not in {@code allowed}, listing {@code listed} (the ones a user would write). */
    void allowOnly(Collection<String> allowed, Collection<String> listed) {
        for (String key : json.keySet()) {
            if (!allowed.contains(key)) {
                throw error("unknown field '" + key + "'" + (listed.isEmpty() ? "; it takes no fields"
                        : "; the fields are " + String.join(", ", listed)));
            }
        }
    }

    /** A required field, or {@code def} when absent (null def: required). */
    private Object get(String name, Object def) {
        Object v = json.get(name);
        if (v == null && !json.containsKey(name)) {
            if (def == null) {
                throw error("'" + name + "' is required");
            }
            return def;
        }
        return v;
    }

    long positiveInt(String name, Long def) {
        Object v = get(name, def);
        if (!(v instanceof Long l) || l <= 0 || l > Integer.MAX_VALUE) {
            throw error("'" + name + "' must be a positive integer, got " + describe(v));
        }
        return l;
    }

    long nonNegativeInt(String name, Long def) {
        Object v = get(name, def);
        if (!(v instanceof Long l) || l < 0 || l > Integer.MAX_VALUE) {
            throw error("'" + name + "' must be an integer >= 0, got " + describe(v));
        }
        return l;
    }

    long nonNegativeLong(String name, Long def) {
        Object v = get(name, def);
        if (!(v instanceof Long l) || l < 0) {
            throw error("'" + name + "' must be an integer >= 0, got " + describe(v));
        }
        return l;
    }

    /** A finite number, always returned as a Double so that 1 and 1.0 read the same. */
    double number(String name, Double def) {
        Object v = get(name, def);
        if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            throw error("'" + name + "' must be a number, got " + describe(v));
        }
        return n.doubleValue();
    }

    boolean bool(String name, Boolean def) {
        Object v = get(name, def);
        if (!(v instanceof Boolean b)) {
            throw error("'" + name + "' must be true or false, got " + describe(v));
        }
        return b;
    }

    String choice(String name, List<String> choices, String def) {
        Object v = get(name, def);
        if (!(v instanceof String s) || !choices.contains(s)) {
            throw error("'" + name + "' must be one of " + String.join(", ", choices) + ", got " + describe(v));
        }
        return s;
    }

    /** A non-empty list of positive integers, such as a shape. */
    List<Long> positiveInts(String name) {
        Object v = get(name, null);
        String problem = "'" + name + "' must be a non-empty list of positive integers, got " + describe(v);
        if (!(v instanceof List<?> list) || list.isEmpty()) {
            throw error(problem);
        }
        List<Long> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Long l) || l <= 0 || l > Integer.MAX_VALUE) {
                throw error(problem);
            }
            out.add(l);
        }
        return List.copyOf(out);
    }

    /** A non-empty JSON array. */
    List<?> nonEmptyList(String name) {
        Object v = get(name, null);
        if (!(v instanceof List<?> list) || list.isEmpty()) {
            throw error("'" + name + "' must be a non-empty list, got " + describe(v));
        }
        return list;
    }

    Object raw(String name) {
        return get(name, null);
    }

    IllegalArgumentException error(String problem) {
        return new IllegalArgumentException(where + ": " + problem);
    }

    /** A value as JSON text, shortened when long, for messages. */
    static String describe(Object v) {
        String s;
        try {
            s = Json.write(v);
        } catch (IllegalArgumentException notJson) {
            s = String.valueOf(v);
        }
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
