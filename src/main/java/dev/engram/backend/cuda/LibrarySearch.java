package dev.engram.backend.cuda;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Where CUDA libraries may live on a host: LD_LIBRARY_PATH, the ldconfig cache, the usual system
 * and toolkit folders, and the nvidia/*&#47;lib folders of Python packages (system, /usr/local,
 * ~/.local, /opt/*, $VIRTUAL_ENV and $CONDA_PREFIX; pip's CUDA wheels, as
 * on the H100 reference host, where the libraries are not on the default library path).
 * The launcher script src/main/scripts/engram searches the same Python folders.
 */
public final class LibrarySearch {
    private final List<Path> folders;

    private LibrarySearch(List<Path> folders) {
        this.folders = List.copyOf(folders);
    }

    /** The search of this process: its environment, home folder and the ldconfig cache. */
    public static LibrarySearch ofThisHost() {
        return of(System.getenv(), Path.of(System.getProperty("user.home", "/root")), ldconfigFolders(), Path.of("/"));
    }

    /**
     * The search for the given environment; {@code root} is the file system root the fixed
     * folders are taken under (a test's temporary folder, or "/").
     */
    static LibrarySearch of(Map<String, String> env, Path home, List<Path> ldconfig, Path root) {
        Set<Path> dirs = new LinkedHashSet<>();
        String ld = env.get("LD_LIBRARY_PATH");
        if (ld != null) {
            for (String d : ld.split(":")) {
                if (!d.isEmpty()) {
                    dirs.add(Path.of(d));
                }
            }
        }
        dirs.addAll(ldconfig);
        for (String fixed : List.of("usr/lib/x86_64-linux-gnu", "usr/lib64", "usr/lib", "usr/local/nvidia/lib64",
                "usr/local/cuda/lib64", "usr/local/cuda/compat")) {
            dirs.add(root.resolve(fixed));
        }
        for (Path cuda : children(root.resolve("usr/local"), "cuda-*")) {
            dirs.add(cuda.resolve("lib64"));
        }
        List<Path> pythonRoots = new ArrayList<>();
        pythonRoots.addAll(children(root.resolve("usr/lib"), "python3*"));
        pythonRoots.addAll(children(root.resolve("usr/local/lib"), "python3*"));
        pythonRoots.addAll(children(home.resolve(".local/lib"), "python3*"));
        for (Path opt : children(root.resolve("opt"), "*")) { // /opt/conda, /opt/venv, ...
            pythonRoots.addAll(children(opt.resolve("lib"), "python3*"));
        }
        for (String prefix : List.of("VIRTUAL_ENV", "CONDA_PREFIX")) {
            String p = env.get(prefix);
            if (p != null && !p.isEmpty()) {
                pythonRoots.addAll(children(Path.of(p, "lib"), "python3*"));
            }
        }
        for (Path py : pythonRoots) {
            for (String packages : List.of("site-packages", "dist-packages")) {
                for (Path nvidia : children(py.resolve(packages).resolve("nvidia"), "*")) {
                    dirs.add(nvidia.resolve("lib"));
                }
            }
        }
        dirs.removeIf(d -> !Files.isDirectory(d));
        return new LibrarySearch(new ArrayList<>(dirs));
    }

    /** The existing folders searched, in order. */
    public List<Path> folders() {
        return folders;
    }

    /** The first file of exactly this name in the search order. */
    public Optional<Path> first(String fileName) {
        return folders.stream().map(d -> d.resolve(fileName)).filter(Files::exists).findFirst();
    }

    /** Every file whose name matches the glob (such as "libcublas.so.*"), folder by folder. */
    public List<Path> all(String glob) {
        List<Path> found = new ArrayList<>();
        for (Path d : folders) {
            found.addAll(children(d, glob));
        }
        return found;
    }

    /** The folders holding any of the given files, in search order: an LD_LIBRARY_PATH that finds them all. */
    public String libraryPathFor(List<Path> files) {
        Set<Path> parents = new LinkedHashSet<>();
        for (Path f : files) {
            parents.add(f.getParent());
        }
        return String.join(":", parents.stream().map(Path::toString).toList());
    }

    private static List<Path> children(Path dir, String glob) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, glob)) {
            ds.forEach(out::add);
        } catch (IOException e) {
            return out; // an unreadable folder holds nothing we can load
        }
        out.sort(null);
        return out;
    }

    /** Folders of the libraries in the ldconfig cache ("ldconfig -p"), empty where it cannot run. */
    static List<Path> ldconfigFolders() {
        for (String exe : List.of("/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig")) {
            try {
                Process p = new ProcessBuilder(exe, "-p").redirectErrorStream(true).start();
                List<Path> out;
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    out = parseLdconfig(r.lines().toList());
                }
                if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return out;
                }
                p.destroy();
            } catch (IOException e) {
                // not at this path; try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return List.of();
    }

    /** Parent folders of lines such as "libcuda.so.1 (libc6,x86-64) =&gt; /usr/lib/x86_64-linux-gnu/libcuda.so.1". */
    static List<Path> parseLdconfig(List<String> lines) {
        Set<Path> dirs = new LinkedHashSet<>();
        for (String line : lines) {
            int arrow = line.indexOf("=> ");
            if (arrow >= 0) {
                Path parent = Path.of(line.substring(arrow + 3).trim()).getParent();
                if (parent != null) {
                    dirs.add(parent);
                }
            }
        }
        return new ArrayList<>(dirs);
    }
}
