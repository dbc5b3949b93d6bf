package dev.engram.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Training progress for people. On a terminal, one line redrawn with a carriage return: epoch,
 * batch i/n, loss, images/s, ETA of the epoch. Elsewhere (a log file, CI), a plain line at every
 * tenth of an epoch and one at each epoch's end.
 */
final class ProgressPrinter {
    private static final int BAR_WIDTH = 24;

    private final PrintStream out;
    private final boolean terminal;
    private int lastLength;

    ProgressPrinter(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** After batch {@code batch} (from 1) of {@code batches}. */
    void step(int epoch, int epochs, int batch, int batches, double loss, double imagesPerSecond, double etaSeconds) {
        if (out == null) {
            return;
        }
        String counts = String.format(Locale.ROOT, "epoch %d/%d batch %d/%d loss %.5f %.0f img/s", epoch, epochs, batch,
                batches, loss, imagesPerSecond);
        if (terminal) {
            int filled = (int) ((long) BAR_WIDTH * batch / batches);
            String line = "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] " + counts + " ETA "
                    + duration(etaSeconds);
            // Pads over the tail of a longer previous line, which \r alone would leave behind.
            out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
            lastLength = line.length();
            out.flush();
        } else if ((long) batch * 10 / batches > (long) (batch - 1) * 10 / batches) {
            out.println(counts);
        }
    }

    void epochEnd(EpochSummary s, int epochs, boolean best) {
        if (out == null) {
            return;
        }
        if (terminal) {
            out.print("\r" + " ".repeat(lastLength) + "\r");
            lastLength = 0;
        }
        String val = s.validation().isEmpty() ? "" : String.format(Locale.ROOT, " val %.5f%s", s.validationLoss(),
                best ? " (best)" : "");
        out.println(String.format(Locale.ROOT, "epoch %d/%d: train %.5f%s lr %.3g, %.0f img/s, %s", s.epoch(), epochs,
                s.trainLoss(), val, s.learningRate(), s.imagesPerSecond(), duration(s.seconds())));
        out.flush();
    }

    void message(String line) {
        if (out != null) {
            out.println(line);
            out.flush();
        }
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
