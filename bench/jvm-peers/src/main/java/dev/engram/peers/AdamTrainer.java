package dev.engram.peers;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

import java.util.Map;

/**
 * Training steps of a model with DJL's Adam (lr 1e-3, betas 0.9/0.999, eps 1e-8, no weight decay;
 * on libtorch it runs one fused native update per parameter). Intermediate arrays of a step are
 * freed when it ends.
 */
final class AdamTrainer {
    private final PeerModel model;
    private final Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build();

    AdamTrainer(PeerModel model) {
        this.model = model;
    }

    /** One step on batch x: forward, loss, backward, Adam. Returns total, reconstruction and KL (NaN for an AE). */
    float[] step(NDArray x) {
        float[] terms;
        try (NDScope scope = new NDScope(); GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            scope.suppressNotUsedWarning();
            PeerModel.Loss loss = model.loss(x, true);
            collector.backward(loss.total());
            terms = values(loss);
        }
        for (Map.Entry<String, NDArray> p : model.params().trainable().entrySet()) {
            // libtorch accumulates into .grad: clear it after the update, as optimizer.zero_grad() would
            try (NDArray grad = p.getValue().getGradient()) {
                adam.update(p.getKey(), p.getValue(), grad);
                grad.subi(grad);
            }
        }
        return terms;
    }

    /** The loss terms of batch x without recording a graph (eval mode: BatchNorm uses running statistics). */
    float[] evaluate(NDArray x) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return values(model.loss(x, false));
        }
    }

    private static float[] values(PeerModel.Loss loss) {
        return new float[] {loss.total().getFloat(),
                loss.reconstruction() == null ? Float.NaN : loss.reconstruction().getFloat(),
                loss.kl() == null ? Float.NaN : loss.kl().getFloat()};
    }
}
