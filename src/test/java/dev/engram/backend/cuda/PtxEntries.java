package dev.engram.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code .entry} declarations of a PTX text: each kernel's name, PTX parameter types and max threads. */
final class PtxEntries {
    /** One entry: its parameter types (e.g. ".u64") in order, and its .maxntid x (0 when absent). */
    record Entry(String name, List<String> paramTypes, int maxThreads) {
    }

    private static final Pattern ENTRY = Pattern.compile(
            "\\.visible\\s+\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)\\s*(?:\\.maxntid\\s+(\\d+))?");
    private static final Pattern PARAM = Pattern.compile("\\.param\\s+(\\.\\w+)\\s+(\\w+)");

    private PtxEntries() {
    }

    static Map<String, Entry> parse(String ptx) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) {
            List<String> types = new ArrayList<>();
            Matcher p = PARAM.matcher(m.group(2));
            while (p.find()) {
                types.add(p.group(1));
            }
            int maxThreads = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
            entries.put(m.group(1), new Entry(m.group(1), types, maxThreads));
        }
        return entries;
    }

    /** The committed PTX of a family, from the classpath. */
    static String resourceText(String family) {
        try (InputStream in = KernelCatalog.class.getResourceAsStream(KernelCatalog.resource(family))) {
            if (in == null) {
                throw new AssertionError("no PTX resource " + KernelCatalog.resource(family));
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
