package dev.engram.train;

import dev.engram.backend.Backend;
import dev.engram.data.DataLoader;
import dev.engram.data.ImageSet;
import dev.engram.io.AtomicFile;
import dev.engram.io.LossCurvePng;
import dev.engram.model.AutoencoderModel;
import dev.engram.model.LossTerms;
import dev.engram.optim.GradientClipping;
import dev.engram.optim.Optimizer;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Trains an {@link AutoencoderModel} to reconstruct its input, epoch by epoch: each batch is
 * uploaded into one preallocated tensor, then forward, backward, optional clipping and an
 * optimizer step, with a single host read per step (the losses, read once the next batch's upload
 * is issued, so that on a GPU the copy overlaps the step). At each epoch's end it validates in
 * evaluation mode, updates the schedule and early stopping, and writes to the output directory:
 *
 * <pre>
 *   metrics.jsonl       one {@link EpochSummary} per line
 *   loss.png            train and validation loss per epoch, redrawn each epoch
 *   last.safetensors    every config.checkpointEvery() epochs and at the end
 *   best.safetensors    whenever the validation loss reaches a new low
 * </pre>
 *
 * A run is a pure function of the model's seed and the config: the data order of epoch e depends
 * only on (seed, e), so {@link #resume} continues bit for bit where a checkpoint left off.
 */
public final class Trainer implements AutoCloseable {
    static final String METRICS = "metrics.jsonl";
    static final String LOSS_PNG = "loss.png";
    static final String LAST = "last.safetensors";
    static final String BEST = "best.safetensors";

    private final AutoencoderModel model;
    private final TrainConfig config;
    private final String modelSpec;
    private final Optimizer optimizer;
    private final GradientClipping clipping;
    private final LossReadout readout = new LossReadout();
    private final List<EpochSummary> history = new ArrayList<>();
    private TrainerState state;
    private TrainingListener listener = TrainingListener.NONE;
    private ProgressPrinter progress = new ProgressPrinter(null, false);

    /**
     * A trainer for a built model; it creates the optimizer the config names over the model's
     * parameters. {@code modelSpec} is the caller's description of the model, stored opaquely in
     * every checkpoint. The model's input gradient is switched off: training never needs it.
     */
    public Trainer(AutoencoderModel model, TrainConfig config, String modelSpec) {
        if (model == null || config == null || modelSpec == null) {
            throw new IllegalArgumentException("Trainer: the model, config and model spec must all be given");
        }
        this.model = model;
        this.config = config;
        this.modelSpec = modelSpec;
        this.optimizer = config.optimizer().create(model.parameterStore());
        this.clipping = config.clipGradNorm() > 0 ? new GradientClipping(config.clipGradNorm()) : null;
        this.state = TrainerState.start(config.optimizer().learningRate());
        // The loss needs no gradient with respect to the images: skip the first layer's dx.
        model.requireInputGradient(false);
    }

    /**
     * A trainer that continues the run of a training checkpoint: the model (built with the run's
     * seed) gets its weights, buffers and random stream back, the optimizer its state, the
     * trainer its counters, and the metrics log is cut back to the checkpoint's epoch.
     */
    public static Trainer resume(Checkpoint checkpoint, AutoencoderModel model) {
        return resume(checkpoint, model, savedConfig(checkpoint).epochs());
    }

    /**
     * As {@link #resume(Checkpoint, AutoencoderModel)}, but running to {@code epochs} epochs in
     * all: a finished run goes on for longer (a cosine schedule stretches to the new length).
     */
    public static Trainer resume(Checkpoint checkpoint, AutoencoderModel model, int epochs) {
        TrainConfig config = savedConfig(checkpoint).toBuilder().epochs(epochs).build();
        TrainerState saved = checkpoint.trainerState().orElseThrow();
        if (epochs < saved.epoch()) {
            throw new IllegalArgumentException("Trainer: " + checkpoint.file() + " is at epoch " + saved.epoch()
                    + "; a resumed run cannot end at epoch " + epochs);
        }
        checkpoint.restoreModel(model);
        checkpoint.restoreRandom(model);
        Trainer trainer = new Trainer(model, config, checkpoint.modelSpec());
        try {
            checkpoint.restoreOptimizer(trainer.optimizer);
            trainer.state = saved;
            trainer.restoreHistory();
        } catch (RuntimeException e) {
            trainer.close();
            throw e;
        }
        return trainer;
    }

    private static TrainConfig savedConfig(Checkpoint checkpoint) {
        return checkpoint.trainConfig().orElseThrow(() -> new IllegalArgumentException(
                checkpoint.file() + ": holds weights only; resuming needs a training checkpoint such as " + LAST));
    }

    /** Reads back the summaries of the epochs the checkpoint covers and drops any later line. */
    private void restoreHistory() {
        if (config.outputDir() == null || !Files.exists(config.outputDir().resolve(METRICS))) {
            return;
        }
        Path file = config.outputDir().resolve(METRICS);
        try {
            List<String> kept = new ArrayList<>();
            int lineNumber = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                EpochSummary s = EpochSummary.fromJson(line, file + " line " + lineNumber);
                if (s.epoch() <= state.epoch()) {
                    history.add(s);
                    kept.add(line);
                }
            }
            AtomicFile.write(file, out -> out.write(joinLines(kept).getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("Trainer: reading " + file + " to resume", e);
        }
    }

    private static String joinLines(List<String> lines) {
        StringBuilder sb = new StringBuilder();
        lines.forEach(l -> sb.append(l).append('\n'));
        return sb.toString();
    }

    public Trainer listener(TrainingListener l) {
        listener = l == null ? TrainingListener.NONE : l;
        return this;
    }

    /** Progress goes to {@code out} (null for none), as a redrawn bar when {@code terminal}, else as plain lines. */
    public Trainer progress(PrintStream out, boolean terminal) {
        progress = new ProgressPrinter(out, terminal);
        return this;
    }

    /** Progress to standard output, as a bar when it is a terminal ({@link Terminals#stdoutIsTerminal}). */
    public Trainer progressToStdout() {
        return progress(System.out, Terminals.stdoutIsTerminal());
    }

    public TrainConfig config() {
        return config;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public TrainerState state() {
        return state;
    }

    /**
     * Trains until config.epochs() epochs are done, early stopping triggers or the listener asks
     * to stop. Validation uses {@code validation} when given, else the config's fraction of
     * {@code data} held out by a split seeded with config.seed(), else none.
     */
    public TrainResult fit(ImageSet data, ImageSet validation) {
        Loaders loaders = loaders(data, validation);
        Shape batchShape = Shape.of(config.batchSize(), data.channels(), data.height(), data.width());
        checkModelFits(batchShape);
        Backend backend = model.backend();
        prepareOutput();
        try (Tensor input = backend.allocate(batchShape)) {
            String stopReason = null;
            while (state.epoch() < config.epochs() && stopReason == null) {
                stopReason = runEpoch(loaders, input);
            }
            return new TrainResult(history, state, stopReason);
        } catch (IOException e) {
            throw new UncheckedIOException("Trainer: writing to " + config.outputDir(), e);
        }
    }

    private record Loaders(DataLoader train, DataLoader validation) {
    }

    private Loaders loaders(ImageSet data, ImageSet validation) {
        if (data == null) {
            throw new IllegalArgumentException("Trainer: the training images are null");
        }
        int[] trainIndices = null;
        DataLoader val = null;
        if (validation != null) {
            if (validation.channels() != data.channels() || validation.height() != data.height()
                    || validation.width() != data.width()) {
                throw new IllegalArgumentException("Trainer: validation images " + validation + " differ in size from the"
                        + " training images " + data);
            }
            val = new DataLoader(validation, config.batchSize(), false, false, config.seed());
        } else if (config.validationFraction() > 0) {
            int[][] split = DataLoader.trainValidationSplit(data.size(), config.validationFraction(), config.seed());
            trainIndices = split[0];
            val = new DataLoader(data, config.batchSize(), false, false, config.seed(), split[1]);
        }
        if (val == null && config.needsValidation()) {
            throw new IllegalArgumentException("Trainer: early stopping and the plateau schedule need validation losses;"
                    + " give a validation set or a validation fraction > 0");
        }
        DataLoader train = new DataLoader(data, config.batchSize(), true, config.dropLast(), config.seed(), trainIndices);
        return new Loaders(train, val);
    }

    private void checkModelFits(Shape batchShape) {
        Shape out = model.outputShape(batchShape);
        if (!out.equals(batchShape)) {
            throw new IllegalArgumentException("Trainer: " + model + " turns input " + batchShape + " into " + out
                    + "; an autoencoder must reconstruct its input's shape");
        }
    }

    private void prepareOutput() {
        if (config.outputDir() == null) {
            return;
        }
        try {
            Files.createDirectories(config.outputDir());
            if (history.isEmpty()) {
                Files.deleteIfExists(config.outputDir().resolve(METRICS));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Trainer: preparing the output directory " + config.outputDir(), e);
        }
    }

    /** One epoch; returns why training should stop, or null to go on. */
    private String runEpoch(Loaders loaders, Tensor input) throws IOException {
        int epochIndex = state.epoch();
        int epoch = epochIndex + 1;
        float lr = config.schedule().learningRate(config.optimizer().learningRate(), epochIndex, config.epochs(),
                state.learningRate());
        optimizer.setLearningRate(lr);
        model.train(true);
        long start = System.nanoTime();
        LossAverage train = new LossAverage();
        long step = state.step();
        int batches = loaders.train.batchesPerEpoch();
        try (DataLoader.Epoch batchesOfEpoch = loaders.train.epoch(epochIndex)) {
            DataLoader.Batch b = batchesOfEpoch.next();
            Tensor x = b == null ? null : upload(b, input);
            while (b != null) {
                int images = b.count();
                int done = b.index() + 1;
                LossTerms terms = trainStep(x, step);
                // The next batch is uploaded before this step's losses are read: on a GPU its copy
                // overlaps the step, and lands in the input only after the step has read it.
                b = batchesOfEpoch.next();
                if (b != null) {
                    x = upload(b, input);
                }
                Map<String, Float> losses = readout.read(terms);
                step++;
                if (!Float.isFinite(losses.get("loss"))) {
                    throw new IllegalStateException("Trainer: the loss became " + losses.get("loss") + " at epoch " + epoch
                            + ", step " + step + " (learning rate " + lr + "); lower the learning rate or clip gradients");
                }
                train.add(losses, images);
                double seconds = (System.nanoTime() - start) / 1e9;
                double imagesPerSecond = rate(train.images(), seconds);
                progress.step(epoch, config.epochs(), done, batches, losses.get("loss"), imagesPerSecond,
                        seconds / done * (batches - done));
                if (!listener.onStep(step, epoch, losses, imagesPerSecond)) {
                    progress.message("stopped by the listener during epoch " + epoch + "; the checkpoint stays at epoch "
                            + state.epoch());
                    return "stopped by the listener during epoch " + epoch;
                }
            }
        }
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        Map<String, Double> val = loaders.validation == null ? Map.of() : validate(loaders.validation, input, step);
        EpochSummary summary = new EpochSummary(epoch, step, lr, train.means(), val, rate(train.images(), trainSeconds),
                (System.nanoTime() - start) / 1e9);
        boolean best = !val.isEmpty() && (Double.isNaN(state.bestValLoss()) || summary.validationLoss() < state.bestValLoss());
        String stopReason = advance(summary, best);
        history.add(summary);
        progress.epochEnd(summary, config.epochs(), best);
        if (!listener.onEpoch(summary) && stopReason == null) {
            stopReason = "stopped by the listener after epoch " + epoch;
        }
        writeOutputs(summary, best, stopReason != null);
        if (stopReason != null) {
            progress.message(stopReason);
        }
        return stopReason;
    }

    /** Images per second, 0 where a coarse clock measured no time at all. */
    private static double rate(long images, double seconds) {
        return seconds > 0 ? images / seconds : 0;
    }

    private Tensor upload(DataLoader.Batch b, Tensor input) {
        Tensor x = input.prefix(input.shape().withDim0(b.count()));
        model.backend().copyFromHost(b.pixels(), 0, x);
        return x;
    }

    /** One step as the backend runs repeated steps (a CUDA graph on a GPU); its losses are left on the device. */
    private LossTerms trainStep(Tensor x, long step) {
        LossTerms[] terms = new LossTerms[1];
        model.backend().runStep(() -> {
            optimizer.zeroGrad();
            terms[0] = model.lossForward(x, x, step);
            model.lossBackward();
            if (clipping != null) {
                clipping.clip(model.parameterStore());
            }
            optimizer.step();
        });
        return terms[0];
    }

    private Map<String, Double> validate(DataLoader loader, Tensor input, long step) {
        model.train(false);
        LossAverage val = new LossAverage();
        try (DataLoader.Epoch e = loader.epoch(0)) {
            for (DataLoader.Batch b = e.next(); b != null; b = e.next()) {
                Tensor x = upload(b, input);
                val.add(readout.read(model.lossForward(x, x, step)), b.count());
            }
        } finally {
            model.train(true);
        }
        return val.means();
    }

    /** Moves the state past the epoch: best loss, early stopping, plateau; returns a stop reason or null. */
    private String advance(EpochSummary s, boolean best) {
        double loss = s.validationLoss();
        double bestLoss = best ? loss : state.bestValLoss();
        int bestEpoch = best ? s.epoch() : state.bestEpoch();
        double esBest = state.earlyStopBest();
        int esBad = state.earlyStopBadEpochs();
        double plBest = state.plateauBest();
        int plBad = state.plateauBadEpochs();
        float nextLr = s.learningRate();
        String stop = null;
        if (!s.validation().isEmpty()) {
            EarlyStopping es = config.earlyStopping();
            if (es != null) {
                if (Double.isNaN(esBest) || loss < esBest - es.minDelta()) {
                    esBest = loss;
                    esBad = 0;
                } else if (++esBad >= es.patience()) {
                    stop = "early stopping: the validation loss has not improved by more than " + es.minDelta() + " for "
                            + es.patience() + " epochs (best " + bestLoss + " at epoch " + bestEpoch + ")";
                }
            }
            if (config.schedule() instanceof LrSchedule.Plateau p) {
                if (Double.isNaN(plBest) || loss < plBest * (1 - LrSchedule.PLATEAU_THRESHOLD)) {
                    plBest = loss;
                    plBad = 0;
                } else if (++plBad > p.patience()) {
                    nextLr = Math.max(nextLr * p.factor(), p.minLearningRate());
                    plBad = 0;
                }
            }
        }
        state = new TrainerState(s.epoch(), s.step(), nextLr, bestLoss, bestEpoch, esBest, esBad, plBest, plBad);
        return stop;
    }

    private void writeOutputs(EpochSummary s, boolean best, boolean stopping) throws IOException {
        Path dir = config.outputDir();
        if (dir == null) {
            return;
        }
        Files.writeString(dir.resolve(METRICS), s.toJson() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        writeLossCurve(dir.resolve(LOSS_PNG));
        if (best) {
            Checkpoint.save(dir.resolve(BEST), model, modelSpec, optimizer, config, state);
        }
        if (s.epoch() % config.checkpointEvery() == 0 || s.epoch() == config.epochs() || stopping) {
            Checkpoint.save(dir.resolve(LAST), model, modelSpec, optimizer, config, state);
        }
    }

    private void writeLossCurve(Path file) throws IOException {
        double[] epochs = new double[history.size()];
        double[] train = new double[history.size()];
        double[] val = new double[history.size()];
        boolean anyVal = false;
        for (int i = 0; i < history.size(); i++) {
            EpochSummary s = history.get(i);
            epochs[i] = s.epoch();
            train[i] = s.trainLoss();
            val[i] = s.validationLoss();
            anyVal |= !s.validation().isEmpty();
        }
        List<LossCurvePng.Series> series = new ArrayList<>();
        series.add(new LossCurvePng.Series("train", epochs, train));
        if (anyVal) {
            series.add(new LossCurvePng.Series("validation", epochs, val));
        }
        LossCurvePng.write(file, "Training loss", "epoch", "loss", series);
    }

    /** Frees the optimizer state and the trainer's buffers; the model belongs to the caller. */
    @Override
    public void close() {
        optimizer.close();
        if (clipping != null) {
            clipping.close();
        }
        readout.close();
    }
}
