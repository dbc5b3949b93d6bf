package dev.engram.io;

/** Drawing code runs on servers and CI without a display: AWT must start headless. */
final class Headless {
    private Headless() {
    }

    /** Call before the first Java2D use; respects an explicit -Djava.awt.headless choice. */
    static void ensure() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }
}
