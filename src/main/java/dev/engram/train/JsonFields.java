package dev.engram.train;

import dev.engram.io.Json;
import dev.engram.io.MalformedDataException;

import java.util.Map;
import java.util.Set;

/**
 * Typed reads from a parsed JSON object, each refusing a missing, unknown or mistyped field with a
 * message naming where the object came from and the field.
 */
final class JsonFields {
    private final Map<?, ?> object;
    private final String where;

    private JsonFields(Map<?, ?> object, String where) {
        this.object = object;
        this.where = where;
    }

    /** Parses {@code text} as one JSON object, refusing any key outside {@code allowed}. */
    static JsonFields parse(String text, String where, Set<String> allowed) {
        return of(Json.parse(text, where), where, allowed);
    }

    static JsonFields of(Object value, String where, Set<String> allowed) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new MalformedDataException(where + ": expected a JSON object, found " + Json.write(value));
        }
        for (Object key : map.keySet()) {
            if (!allowed.contains(key)) {
                throw new MalformedDataException(where + ": unknown field \"" + key + "\"; known fields are " + allowed);
            }
        }
        return new JsonFields(map, where);
    }

    boolean has(String field) {
        return object.containsKey(field) && object.get(field) != null;
    }

    Object raw(String field) {
        if (!object.containsKey(field)) {
            throw new MalformedDataException(where + ": field \"" + field + "\" is missing");
        }
        return object.get(field);
    }

    JsonFields object(String field, Set<String> allowed) {
        return of(raw(field), where + "." + field, allowed);
    }

    String string(String field) {
        if (!(raw(field) instanceof String s)) {
            throw wrongType(field, "a string");
        }
        return s;
    }

    long integer(String field) {
        if (!(raw(field) instanceof Long v)) {
            throw wrongType(field, "an integer");
        }
        return v;
    }

    int int32(String field) {
        long v = integer(field);
        if (v != (int) v) {
            throw wrongType(field, "an integer within 32 bits");
        }
        return (int) v;
    }

    /** A number; a JSON number written from a float reads back as exactly that float. */
    double number(String field) {
        if (!(raw(field) instanceof Number v)) {
            throw wrongType(field, "a number");
        }
        return v.doubleValue();
    }

    float float32(String field) {
        return (float) number(field);
    }

    boolean bool(String field) {
        if (!(raw(field) instanceof Boolean b)) {
            throw wrongType(field, "true or false");
        }
        return b;
    }

    private MalformedDataException wrongType(String field, String expected) {
        return new MalformedDataException(where + ": field \"" + field + "\" must be " + expected + ", found "
                + Json.write(object.get(field)));
    }
}
