package dev.engram.cli;

import dev.engram.train.LrSchedule;

/** Parses {@code --schedule}: constant, step:EVERY:GAMMA, cosine[:MIN_LR], plateau[:FACTOR:PATIENCE[:MIN_LR]]. */
final class ScheduleOption {
    private ScheduleOption() {
    }

    static LrSchedule parse(String text) {
        String[] p = text.split(":", -1);
        try {
            switch (p[0]) {
                case "constant":
                    requireParts(text, p, 1, 1);
                    return new LrSchedule.Constant();
                case "step":
                    requireParts(text, p, 3, 3);
                    return new LrSchedule.StepDecay(Integer.parseInt(p[1]), Float.parseFloat(p[2]));
                case "cosine":
                    requireParts(text, p, 1, 2);
                    return new LrSchedule.Cosine(p.length > 1 ? Float.parseFloat(p[1]) : 0f);
                case "plateau":
                    requireParts(text, p, 1, 4);
                    return new LrSchedule.Plateau(p.length > 1 ? Float.parseFloat(p[1]) : 0.1f,
                            p.length > 2 ? Integer.parseInt(p[2]) : 10, p.length > 3 ? Float.parseFloat(p[3]) : 0f);
                default:
                    throw new IllegalArgumentException("--schedule " + text + ": unknown schedule '" + p[0] + "'; " + FORMS);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--schedule " + text + ": a value is not a number; " + FORMS);
        }
    }

    private static final String FORMS = "use constant, step:EVERY:GAMMA, cosine[:MIN_LR] or plateau[:FACTOR:PATIENCE[:MIN_LR]]";

    private static void requireParts(String text, String[] p, int min, int max) {
        if (p.length < min || p.length > max) {
            throw new IllegalArgumentException("--schedule " + text + ": wrong number of values; " + FORMS);
        }
    }
}
