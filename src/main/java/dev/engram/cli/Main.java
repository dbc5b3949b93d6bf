package dev.engram.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * The engram command line. Every failure is one line on stderr and a non-zero exit code; the
 * stack trace only with --verbose.
 */
@Command(name = "engram", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Train and use autoencoders (dense, convolutional, denoising, variational).",
        subcommands = {TrainCommand.class, EvalCommand.class, ReconstructCommand.class, EncodeCommand.class,
                DecodeCommand.class, DenoiseCommand.class, SampleCommand.class, InterpolateCommand.class, EmbedCommand.class,
                BenchCommand.class, DoctorCommand.class, ProbeCudaCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** Exit code of a failed command (usage errors exit with 2, as picocli does). */
    public static final int FAILED = 1;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private PrintStream out = System.out;
    private PrintStream err = System.err;

    /** Where commands print results and progress (standard output unless run from {@link #run}). */
    PrintStream out() {
        return out;
    }

    /** Where commands print notes such as a backend fallback. */
    PrintStream err() {
        return err;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command line and returns its exit code, never exiting the JVM (for tests and embedding). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Main main = new Main();
        main.out = out;
        main.err = err;
        CommandLine cmd = new CommandLine(main);
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        cmd.setParameterExceptionHandler((ex, argv) -> {
            err.println("engram: " + ex.getMessage());
            err.println("        see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'");
            return CommandLine.ExitCode.USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            err.println("engram: " + describe(ex));
            if (main.verbose) {
                ex.printStackTrace(err);
            }
            return FAILED;
        });
        return cmd.execute(args);
    }

    /** One line saying what went wrong, in the words of the exception where it has good ones. */
    static String describe(Throwable e) {
        if (e instanceof NoSuchFileException n) {
            return "no such file or folder: " + n.getFile();
        }
        if (e instanceof AccessDeniedException a) {
            return "permission denied: " + a.getFile();
        }
        if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof UnsupportedOperationException || e instanceof java.io.IOException) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        if (e instanceof OutOfMemoryError) {
            return "out of Java heap memory; use a smaller --batch or give the JVM more with"
                    + " ENGRAM_JAVA_OPTS=-Xmx8g";
        }
        return "internal error: " + e + " (run again with --verbose for the stack trace)";
    }

    /** The version from the jar manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"engram " + (v == null ? "development build" : v)};
        }
    }
}
