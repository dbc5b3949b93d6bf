package dev.engram.backend.cuda;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line for a failure to load a native library. JCuda's UnsatisfiedLinkError carries two stack
 * traces in its message; the fact a user needs (which library or symbol is missing) is one phrase
 * of the dynamic linker inside it.
 */
final class LinkErrors {
    private static final Pattern CANNOT_OPEN = Pattern.compile("(lib[\\w.+-]*?\\.so[\\w.]*): cannot open shared object file");
    private static final Pattern VERSION = Pattern.compile("version `([^']+)' not found \\(required by ([^)]+)\\)");
    private static final Pattern UNDEFINED = Pattern.compile("undefined symbol: (\\S+)");

    private LinkErrors() {
    }

    /** "libcublas.so.12 not found", "undefined symbol cudnnFoo", ... or the first line of the message. */
    static String explain(Throwable e) {
        String m = String.valueOf(e.getMessage());
        Matcher open = CANNOT_OPEN.matcher(m);
        if (open.find()) {
            return open.group(1) + " not found";
        }
        Matcher version = VERSION.matcher(m);
        if (version.find()) {
            String by = version.group(2);
            return "symbol version " + version.group(1) + " not found (required by "
                    + by.substring(by.lastIndexOf('/') + 1) + ")";
        }
        Matcher undefined = UNDEFINED.matcher(m);
        if (undefined.find()) {
            return "undefined symbol " + undefined.group(1);
        }
        if (e instanceof NoClassDefFoundError) {
            return "JCuda classes missing or failed to initialise earlier: " + m;
        }
        String first = m.lines().findFirst().orElse(m);
        return e.getClass().getSimpleName() + ": " + first;
    }
}
