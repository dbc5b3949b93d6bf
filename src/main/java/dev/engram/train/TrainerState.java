package dev.engram.train;

import dev.engram.io.Json;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Where a training run stands between epochs, beyond the weights and the optimizer: what a
 * checkpoint must carry for a resumed run to take the same decisions (learning rate, plateau and
 * early-stopping counters, best validation loss). A loss of NaN means "none yet".
 *
 * @param epoch epochs completed
 * @param step optimizer steps taken
 * @param learningRate the rate of the next epoch as the plateau schedule left it
 * @param bestValLoss the lowest validation loss so far (that of best.safetensors)
 * @param bestEpoch the epoch of {@code bestValLoss}, 0 when none
 * @param earlyStopBest the lowest validation loss that improved by more than the min delta
 * @param earlyStopBadEpochs epochs in a row without such an improvement
 * @param plateauBest the plateau schedule's best validation loss
 * @param plateauBadEpochs epochs in a row without a plateau improvement
 */
public record TrainerState(int epoch, long step, float learningRate, double bestValLoss, int bestEpoch, double earlyStopBest,
                           int earlyStopBadEpochs, double plateauBest, int plateauBadEpochs) {
    private static final Set<String> FIELDS = Set.of("epoch", "step", "lr", "best_val_loss", "best_epoch", "early_stop_best",
            "early_stop_bad_epochs", "plateau_best", "plateau_bad_epochs");

    /** The state before the first epoch. */
    public static TrainerState start(float learningRate) {
        return new TrainerState(0, 0, learningRate, Double.NaN, 0, Double.NaN, 0, Double.NaN, 0);
    }

    public String toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("epoch", epoch);
        out.put("step", step);
        out.put("lr", learningRate);
        out.put("best_val_loss", orNull(bestValLoss));
        out.put("best_epoch", bestEpoch);
        out.put("early_stop_best", orNull(earlyStopBest));
        out.put("early_stop_bad_epochs", earlyStopBadEpochs);
        out.put("plateau_best", orNull(plateauBest));
        out.put("plateau_bad_epochs", plateauBadEpochs);
        return Json.write(out);
    }

    private static Double orNull(double v) {
        return Double.isNaN(v) ? null : v;
    }

    public static TrainerState fromJson(String json, String source) {
        JsonFields f = JsonFields.parse(json, source + " (trainer state)", FIELDS);
        return new TrainerState(f.int32("epoch"), f.integer("step"), f.float32("lr"), lossOrNaN(f, "best_val_loss"),
                f.int32("best_epoch"), lossOrNaN(f, "early_stop_best"), f.int32("early_stop_bad_epochs"),
                lossOrNaN(f, "plateau_best"), f.int32("plateau_bad_epochs"));
    }

    private static double lossOrNaN(JsonFields f, String field) {
        return f.has(field) ? f.number(field) : Double.NaN;
    }
}
