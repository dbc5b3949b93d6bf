package dev.engram.train;

import dev.engram.io.Json;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Everything that decides a training run, validated on construction; saved into every checkpoint
 * as JSON ({@link #toJson}) so a resumed run continues under the same settings.
 *
 * @param epochs number of passes over the training images
 * @param batchSize images per optimizer step
 * @param dropLast whether an epoch's last partial batch is left out
 * @param optimizer which optimizer and its settings
 * @param schedule how the learning rate changes per epoch
 * @param earlyStopping when to stop on a stalled validation loss, or null to run every epoch
 * @param clipGradNorm the maximum global gradient norm, or 0 for no clipping
 * @param validationFraction share of the training images held out for validation (0 for none)
 *        when no separate validation set is given to the trainer
 * @param checkpointEvery write last.safetensors every this many epochs (and always at the end)
 * @param seed seeds the model's initialisation, the data order and the validation split
 * @param outputDir where metrics.jsonl, loss.png and checkpoints go, or null to write nothing
 */
public record TrainConfig(int epochs, int batchSize, boolean dropLast, OptimizerSettings optimizer, LrSchedule schedule,
                          EarlyStopping earlyStopping, float clipGradNorm, double validationFraction, int checkpointEvery,
                          long seed, Path outputDir) {
    private static final Set<String> FIELDS = Set.of("epochs", "batch_size", "drop_last", "optimizer", "schedule",
            "early_stopping", "clip_grad_norm", "validation_fraction", "checkpoint_every", "seed", "output_dir");

    public TrainConfig {
        if (epochs <= 0) {
            throw new IllegalArgumentException("TrainConfig: epochs is " + epochs + "; it must be > 0");
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("TrainConfig: batch size is " + batchSize + "; it must be > 0");
        }
        if (optimizer == null || schedule == null) {
            throw new IllegalArgumentException("TrainConfig: the optimizer and the schedule must be given");
        }
        if (!Float.isFinite(clipGradNorm) || clipGradNorm < 0) {
            throw new IllegalArgumentException("TrainConfig: gradient clipping max norm is " + clipGradNorm
                    + "; it must be > 0, or 0 for none");
        }
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("TrainConfig: validation fraction is " + validationFraction
                    + "; it must be in [0, 1)");
        }
        if (checkpointEvery <= 0) {
            throw new IllegalArgumentException("TrainConfig: checkpoint every " + checkpointEvery + " epochs; it must be > 0");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        return new Builder().epochs(epochs).batchSize(batchSize).dropLast(dropLast).optimizer(optimizer).schedule(schedule)
                .earlyStopping(earlyStopping).clipGradNorm(clipGradNorm).validationFraction(validationFraction)
                .checkpointEvery(checkpointEvery).seed(seed).outputDir(outputDir);
    }

    /** Whether training needs validation losses (early stopping or a plateau schedule). */
    public boolean needsValidation() {
        return earlyStopping != null || schedule instanceof LrSchedule.Plateau;
    }

    public String toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("epochs", epochs);
        out.put("batch_size", batchSize);
        out.put("drop_last", dropLast);
        out.put("optimizer", optimizer.toJsonObject());
        out.put("schedule", schedule.toJsonObject());
        out.put("early_stopping", earlyStopping == null ? null : earlyStopping.toJsonObject());
        out.put("clip_grad_norm", clipGradNorm);
        out.put("validation_fraction", validationFraction);
        out.put("checkpoint_every", checkpointEvery);
        out.put("seed", seed);
        out.put("output_dir", outputDir == null ? null : outputDir.toString());
        return Json.write(out);
    }

    /** Reads {@link #toJson}'s output; {@code source} names where it came from, for messages. */
    public static TrainConfig fromJson(String json, String source) {
        JsonFields f = JsonFields.parse(json, source + " (train config)", FIELDS);
        return new TrainConfig(f.int32("epochs"), f.int32("batch_size"), f.bool("drop_last"),
                OptimizerSettings.fromJson(f, "optimizer"), LrSchedule.fromJson(f, "schedule"),
                f.has("early_stopping") ? EarlyStopping.fromJson(f, "early_stopping") : null, f.float32("clip_grad_norm"),
                f.number("validation_fraction"), f.int32("checkpoint_every"), f.integer("seed"),
                f.has("output_dir") ? Path.of(f.string("output_dir")) : null);
    }

    /**
     * Defaults: 10 epochs, batch 64, Adam lr 1e-3, constant schedule, no early stopping, no
     * clipping, 10% validation, a checkpoint every epoch, seed 0, no output directory.
     */
    public static final class Builder {
        private int epochs = 10;
        private int batchSize = 64;
        private boolean dropLast;
        private OptimizerSettings optimizer = OptimizerSettings.adam(1e-3f);
        private LrSchedule schedule = new LrSchedule.Constant();
        private EarlyStopping earlyStopping;
        private float clipGradNorm;
        private double validationFraction = 0.1;
        private int checkpointEvery = 1;
        private long seed;
        private Path outputDir;

        private Builder() {
        }

        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder dropLast(boolean v) {
            dropLast = v;
            return this;
        }

        public Builder optimizer(OptimizerSettings v) {
            optimizer = v;
            return this;
        }

        public Builder schedule(LrSchedule v) {
            schedule = v;
            return this;
        }

        public Builder earlyStopping(EarlyStopping v) {
            earlyStopping = v;
            return this;
        }

        public Builder clipGradNorm(float v) {
            clipGradNorm = v;
            return this;
        }

        public Builder validationFraction(double v) {
            validationFraction = v;
            return this;
        }

        public Builder checkpointEvery(int v) {
            checkpointEvery = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder outputDir(Path v) {
            outputDir = v;
            return this;
        }

        public TrainConfig build() {
            return new TrainConfig(epochs, batchSize, dropLast, optimizer, schedule, earlyStopping, clipGradNorm,
                    validationFraction, checkpointEvery, seed, outputDir);
        }
    }
}
