package dev.engram.train;

import java.util.Map;

/**
 * Follows a training run from the Java API. Each callback returns whether training should go on:
 * false from {@link #onEpoch} ends the run after that epoch (its checkpoint is written); false
 * from {@link #onStep} abandons the epoch at once, leaving last.safetensors at the last
 * completed epoch so that a resume redoes the abandoned one exactly.
 */
public interface TrainingListener {
    TrainingListener NONE = new TrainingListener() {
    };

    /**
     * After each optimizer step.
     *
     * @param step optimizer steps taken so far, this one included
     * @param epoch the current epoch, counting from 1
     * @param losses "loss" (the total) and each named term of this batch
     * @param imagesPerSecond training throughput of the epoch so far
     */
    default boolean onStep(long step, int epoch, Map<String, Float> losses, double imagesPerSecond) {
        return true;
    }

    /** After each epoch's validation; the epoch's metrics line and checkpoints are written after it returns. */
    default boolean onEpoch(EpochSummary summary) {
        return true;
    }
}
