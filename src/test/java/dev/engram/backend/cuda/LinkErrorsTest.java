package dev.engram.backend.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LinkErrorsTest {
    @Test
    void namesTheMissingLibraryFromJCudasNestedMessage() {
        String jcuda = "Error while loading native library \"JCublas2-12.6.0-linux-x86_64\"\n"
                + "Stack trace from the attempt to load the library as a resource:\n"
                + "java.lang.UnsatisfiedLinkError: /tmp/libJCublas2-12.6.0-linux-x86_64.so: libcublas.so.12:"
                + " cannot open shared object file: No such file or directory\n\tat java.base/...";
        assertEquals("libcublas.so.12 not found", LinkErrors.explain(new UnsatisfiedLinkError(jcuda)));
    }

    @Test
    void namesAMissingSymbolVersionAndAnUndefinedSymbol() {
        String version = "/tmp/libJCublas2-12.6.0-linux-x86_64.so: /usr/lib/libcublas.so.12: version `libcublas.so.12'"
                + " not found (required by /tmp/libJCublas2-12.6.0-linux-x86_64.so)";
        assertEquals("symbol version libcublas.so.12 not found (required by libJCublas2-12.6.0-linux-x86_64.so)",
                LinkErrors.explain(new UnsatisfiedLinkError(version)));
        assertEquals("undefined symbol cudnnFoo",
                LinkErrors.explain(new UnsatisfiedLinkError("/tmp/x.so: undefined symbol: cudnnFoo")));
    }

    @Test
    void otherwiseTheFirstLineWithTheErrorsType() {
        assertEquals("UnsatisfiedLinkError: something odd",
                LinkErrors.explain(new UnsatisfiedLinkError("something odd\nmore detail")));
    }
}
