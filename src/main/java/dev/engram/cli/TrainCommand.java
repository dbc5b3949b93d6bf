package dev.engram.cli;

import dev.engram.backend.Backend;
import dev.engram.backend.Backends;
import dev.engram.data.ImageSet;
import dev.engram.data.Split;
import dev.engram.io.AtomicFile;
import dev.engram.model.AutoencoderModel;
import dev.engram.model.ModelSpec;
import dev.engram.model.Presets;
import dev.engram.train.Checkpoint;
import dev.engram.train.EarlyStopping;
import dev.engram.train.EvalReport;
import dev.engram.train.Evaluator;
import dev.engram.train.LrSchedule;
import dev.engram.train.OptimizerSettings;
import dev.engram.train.Terminals;
import dev.engram.train.TrainConfig;
import dev.engram.train.TrainResult;
import dev.engram.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a model on the train split of a data set, then score it on the test split.",
                "Writes to the output folder: metrics.jsonl (one line per epoch), loss.png, last.safetensors,",
                "best.safetensors (lowest validation loss), eval.json and reconstructions.png (test images)."})
final class TrainCommand implements Callable<Integer> {
    static final int DEFAULT_EPOCHS = 10;

    @Option(names = {"-m", "--model"}, defaultValue = "mnist-conv", paramLabel = "PRESET|FILE.json",
            description = "A preset (${COMPLETION-CANDIDATES}) or a model spec file (default: ${DEFAULT-VALUE}).",
            completionCandidates = PresetNames.class)
    String model;

    @Option(names = "--data", defaultValue = "embedded", paramLabel = "SOURCE", description = DataSource.HELP)
    String data;

    @Option(names = "--epochs", description = "Passes over the training images (default: 10; with --resume, the saved run's).")
    Integer epochs;

    @Option(names = "--batch", defaultValue = "64", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--optimizer", defaultValue = "adam", description = "adam, adamw or sgd (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    float lr;

    @Option(names = "--weight-decay", defaultValue = "0", description = "Weight decay (default: ${DEFAULT-VALUE}).")
    float weightDecay;

    @Option(names = "--momentum", defaultValue = "0", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    float momentum;

    @Option(names = "--nesterov", description = "Nesterov momentum for SGD.")
    boolean nesterov;

    @Option(names = "--schedule", defaultValue = "constant", paramLabel = "SCHEDULE",
            description = "constant, step:EVERY:GAMMA, cosine[:MIN_LR] or plateau[:FACTOR:PATIENCE[:MIN_LR]] (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--early-stop", paramLabel = "PATIENCE",
            description = "Stop after this many epochs without a better validation loss.")
    Integer earlyStop;

    @Option(names = "--clip", defaultValue = "0", paramLabel = "NORM",
            description = "Clip the global gradient norm to NORM (default: no clipping).")
    float clip;

    @Option(names = "--val-fraction", defaultValue = "0.1",
            description = "Share of the train split held out for validation (default: ${DEFAULT-VALUE}).")
    double valFraction;

    @Option(names = "--checkpoint-every", defaultValue = "1", paramLabel = "EPOCHS",
            description = "Write last.safetensors every this many epochs (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--seed", defaultValue = "0", description = "Seeds the weights, the data order and the noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Mixin
    Tf32Option tf32;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Output folder (default: runs/MODEL).")
    Path out;

    @Option(names = "--resume", paramLabel = "FILE",
            description = "Continue the run of this training checkpoint (last.safetensors) with its own settings; "
                    + "give the same --data.")
    Path resume;

    @ParentCommand
    Main main;

    @Override
    public Integer call() throws Exception {
        PrintStream say = main.out();
        DataSource source = DataSource.parse(data);
        Checkpoint resumed = resume == null ? null : Checkpoint.read(resume);
        ModelSpec spec = resumed != null ? resumed.spec() : modelSpec();
        ImageSet train = source.load(Split.TRAIN, spec.inputShape());
        ImageSet test = source.load(Split.TEST, spec.inputShape());
        try (Backend backend = Backends.open(device, tf32.allowed, main.err());
             AutoencoderModel m = spec.build().build(backend, resumed != null ? resumed.seed() : seed);
             Trainer trainer = resumed != null ? (epochs == null ? Trainer.resume(resumed, m) : Trainer.resume(resumed, m, epochs)) : new Trainer(m, config(spec), spec.toJson())) {
            Path dir = trainer.config().outputDir();
            say.printf(Locale.ROOT, "%s %s (%,d parameters) on %s: %d training images, %d test images, %s%n",
                    resumed != null ? "resuming" : "training", modelName(), m.parameterStore().count(), source,
                    train.size(), test.size(), backend);
            trainer.progress(say, say == System.out && Terminals.stdoutIsTerminal());
            TrainResult result = trainer.fit(train, null);
            say.println(result.stopReason() == null ? "done" : "stopped: " + result.stopReason());
            EvalReport report = Evaluator.evaluate(m, test, trainer.config().batchSize(), trainer.state().step());
            say.printf(Locale.ROOT, "test: mse %.6f, psnr %.2f dB, ssim %.4f, %s%n", report.mse(), report.psnr(),
                    report.ssim(), report.losses());
            AtomicFile.write(dir.resolve("eval.json"), o -> o.write(report.toJson().getBytes(StandardCharsets.UTF_8)));
            ReconstructCommand.write(m, dir.resolve("reconstructions.png"), test, Math.min(32, test.size()),
                    trainer.config().batchSize(), 8, 3);
            for (String f : new String[] {"metrics.jsonl", "loss.png", "last.safetensors", "best.safetensors", "eval.json",
                    "reconstructions.png"}) {
                if (Files.exists(dir.resolve(f))) {
                    say.println("wrote " + dir.resolve(f));
                }
            }
        }
        return 0;
    }

    private ModelSpec modelSpec() throws java.io.IOException {
        if (model.endsWith(".json")) {
            Path file = Path.of(model);
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("model spec file " + file + " not found");
            }
            return ModelSpec.parse(Files.readString(file), file.toString());
        }
        return Presets.spec(model);
    }

    private String modelName() {
        return resume != null ? "the model of " + resume : model;
    }

    private TrainConfig config(ModelSpec spec) {
        String name = model.endsWith(".json") ? Path.of(model).getFileName().toString().replaceFirst("\\.json$", "") : model;
        return TrainConfig.builder()
                .epochs(epochs == null ? DEFAULT_EPOCHS : epochs)
                .batchSize(batch)
                .optimizer(new OptimizerSettings(optimizerKind(), lr, weightDecay, momentum, nesterov))
                .schedule(ScheduleOption.parse(schedule))
                .earlyStopping(earlyStop == null ? null : new EarlyStopping(earlyStop, 0))
                .clipGradNorm(clip)
                .validationFraction(valFraction)
                .checkpointEvery(checkpointEvery)
                .seed(seed)
                .outputDir(out != null ? out : Path.of("runs", name))
                .build();
    }

    private OptimizerSettings.Kind optimizerKind() {
        for (OptimizerSettings.Kind k : OptimizerSettings.Kind.values()) {
            if (k.id().equals(optimizer)) {
                return k;
            }
        }
        throw new IllegalArgumentException("--optimizer " + optimizer + ": use adam, adamw or sgd");
    }

    /** The preset names for --help. */
    static final class PresetNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Presets.names().iterator();
        }
    }
}
