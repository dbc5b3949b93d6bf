package dev.engram.backend.cuda;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Run in a JVM of its own by CublasForwarderTest (JCublas2 stays bound to the library it first
 * loaded): engram's cuBLAS loading with only the folder given as argument to search.
 */
final class ForwardedCublasMain {
    private ForwardedCublasMain() {
    }

    public static void main(String[] args) {
        Path folder = Path.of(args[0]);
        LibrarySearch search = LibrarySearch.of(Map.of("LD_LIBRARY_PATH", folder.toString()), folder, List.of(),
                folder.resolve("no-system-folders"));
        Availability a = CudaLibraries.probeCublas(search);
        System.out.println(a.available() + " " + a.detail());
    }
}
