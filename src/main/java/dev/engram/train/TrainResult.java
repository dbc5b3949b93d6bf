package dev.engram.train;

import java.util.List;

/**
 * How a run ended: every epoch's summary (those of the run it resumed included), the final state,
 * and why it stopped early (null when it ran all its epochs).
 */
public record TrainResult(List<EpochSummary> history, TrainerState state, String stopReason) {
    public TrainResult {
        history = List.copyOf(history);
    }
}
