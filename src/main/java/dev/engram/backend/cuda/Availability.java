package dev.engram.backend.cuda;

/** Whether a part of the CUDA stack can be used here: when it can, what was found; when not, why. */
public record Availability(boolean available, String detail) {
    static Availability yes(String found) {
        return new Availability(true, found);
    }

    static Availability no(String reason) {
        return new Availability(false, reason);
    }
}
