package dev.engram.io;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {
    @Test
    void parsesEveryKindOfValue() {
        Object v = Json.parse(" {\"a\": [1, -2, 0, 3.5e-2, 1E3, -0.25, 12345678901234567890],\n"
                + "\"s\": \"q\\\"b\\\\s\\/n\\nt\\tr\\rb\\bf\\f\\u00e9\\ud83d\\ude00\", \"t\": true, \"f\": false, \"n\": null,"
                + " \"o\": {}, \"e\": []} ", "test");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of("a", "s", "t", "f", "n", "o", "e"), List.copyOf(m.keySet()), "keys keep their order");
        assertEquals(List.of(1L, -2L, 0L, 0.035, 1000.0, -0.25, 1.2345678901234567e19), m.get("a"));
        assertEquals("q\"b\\s/n\nt\tr\rb\bf\f\u00e9\uD83D\uDE00", m.get("s"));
        assertEquals(Boolean.TRUE, m.get("t"));
        assertEquals(Boolean.FALSE, m.get("f"));
        assertTrue(m.containsKey("n"));
        assertNull(m.get("n"));
        assertEquals(Map.of(), m.get("o"));
        assertEquals(List.of(), m.get("e"));
    }

    @Test
    void writesCompactJsonThatParsesBack() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("text", "quote\" backslash\\ newline\n tab\t nul\u0000 unit\u001f é 😀");
        m.put("ints", List.of(0, -7, Long.MAX_VALUE));
        m.put("doubles", List.of(1.5, -1e-7, 0.1f));
        m.put("flags", Arrays.asList(true, false, null));
        m.put("nested", Map.of("k", List.of(Map.of())));
        String text = Json.write(m);
        assertEquals("{\"text\":\"quote\\\" backslash\\\\ newline\\n tab\\t nul\\u0000 unit\\u001f é 😀\","
                + "\"ints\":[0,-7,9223372036854775807],\"doubles\":[1.5,-1.0E-7,0.1],\"flags\":[true,false,null],"
                + "\"nested\":{\"k\":[{}]}}", text);
        Map<?, ?> back = (Map<?, ?>) Json.parse(text, "round trip");
        assertEquals(m.get("text"), back.get("text"));
        assertEquals(List.of(0L, -7L, Long.MAX_VALUE), back.get("ints"));
        assertEquals(List.of(1.5, -1e-7, 0.1), back.get("doubles"));
        assertEquals(m.get("flags"), back.get("flags"));
    }

    @Test
    void refusesMalformedTextSayingWhereAndWhat() {
        assertRefused("[1,]", "line 1, column 4", "expected a value");
        assertRefused("{\"a\": 1, \"a\": 2}", "column 10", "duplicate key \"a\"");
        assertRefused("01", "column 2", "after the JSON value");
        assertRefused("\"a\\x\"", "column 3", "invalid escape \\x");
        assertRefused("\"abc", "", "unterminated string");
        assertRefused("\"a\nb\"", "", "control character U+000A");
        assertRefused("1.", "", "digit after '.'");
        assertRefused("-", "", "digit after '-'");
        assertRefused("1e+", "", "digit in its exponent");
        assertRefused("tru", "", "unexpected 't'");
        assertRefused("[1 2]", "", "expected ',' or ']'");
        assertRefused("{\"a\" 1}", "", "expected ':'");
        assertRefused("{1: 2}", "", "expected a string key");
        assertRefused("NaN", "", "unexpected 'N'");
        assertRefused("\"\\u12G4\"", "", "4 hex digits");
        assertRefused("", "", "unexpected end of text");
        assertRefused("{\n  \"a\": x}", "line 2, column 8", "unexpected 'x'");
        assertRefused("[".repeat(100_000), "", "nesting deeper than 512");
    }

    @Test
    void refusesValuesJsonCannotHold() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Json.write(List.of(Double.NaN))).getMessage().contains("NaN"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of(1, 2))).getMessage().contains("keys must be strings"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Json.write(new Object())).getMessage().contains("java.lang.Object"));
    }

    private static void assertRefused(String text, String where, String what) {
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> Json.parse(text, "spec.json"));
        String m = e.getMessage();
        assertTrue(m.startsWith("spec.json: invalid JSON at "), m);
        assertTrue(m.contains(where), m);
        assertTrue(m.contains(what), m);
    }
}
