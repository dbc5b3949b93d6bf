package dev.engram.train;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether standard output is an interactive terminal, on every JDK from 17 on. */
public final class Terminals {
    private Terminals() {
    }

    /**
     * Up to JDK 21, System.console() is null unless both standard streams are a terminal. From
     * JDK 22 it is non-null for redirected output too, and Console.isTerminal() (absent before
     * 22, hence reflection) tells the two apart.
     */
    public static boolean stdoutIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException beforeJdk22) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
