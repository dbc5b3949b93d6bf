package dev.engram.cli;

import dev.engram.data.EmbeddedData;
import dev.engram.data.NpyArray;
import dev.engram.data.NpyReader;
import dev.engram.data.Split;
import dev.engram.io.Json;
import dev.engram.model.HostArray;
import dev.engram.model.Inference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The commands a user runs after one another, on the embedded images: train a small dense model
 * and a small VAE once, then use their checkpoints with every other command.
 */
class CommandWorkflowTest {
    @TempDir
    static Path dir;
    static Path ae;
    static Path vae;

    @BeforeAll
    static void trainOnce() {
        CliRunner r = ok("train", "--model", "mnist-dense", "--epochs", "2", "--batch", "64", "--device", "cpu",
                "-o", dir.resolve("ae").toString());
        for (String f : new String[] {"metrics.jsonl", "loss.png", "last.safetensors", "best.safetensors", "eval.json",
                "reconstructions.png"}) {
            assertTrue(r.out().contains("wrote " + dir.resolve("ae").resolve(f)), f + " in " + r.out());
            assertTrue(Files.exists(dir.resolve("ae").resolve(f)), f);
        }
        ae = dir.resolve("ae").resolve("best.safetensors");
        ok("train", "--model", "conv-vae", "--epochs", "1", "--batch", "128", "--device", "cpu", "-o",
                dir.resolve("vae").toString());
        vae = dir.resolve("vae").resolve("last.safetensors");
    }

    private static CliRunner ok(String... args) {
        CliRunner r = CliRunner.run(args);
        assertEquals(0, r.exitCode(), String.join(" ", args) + "\nout: " + r.out() + "\nerr: " + r.err());
        return r;
    }

    private static BufferedImage png(Path file) throws Exception {
        BufferedImage image = ImageIO.read(file.toFile());
        assertTrue(image != null && image.getWidth() > 0, file + " is not a PNG");
        return image;
    }

    @Test
    void trainingLowersTheLossAndScoresTheTestSplit() throws Exception {
        Map<?, ?> eval = (Map<?, ?>) Json.parse(Files.readString(dir.resolve("ae").resolve("eval.json")), "eval.json");
        assertEquals(400, ((Number) eval.get("images")).intValue());
        double mse = ((Number) eval.get("mse")).doubleValue();
        assertTrue(mse > 0 && mse < 0.08, "test MSE after 2 epochs: " + mse);
        String[] epochs = Files.readString(dir.resolve("ae").resolve("metrics.jsonl")).strip().split("\n");
        assertEquals(2, epochs.length);
        Path last = dir.resolve("ae").resolve("last.safetensors");
        CliRunner r = ok("eval", "-c", last.toString(), "--batch", "64", "--json", dir.resolve("e.json").toString());
        assertTrue(r.out().contains("psnr"), r.out());
        assertEquals(Files.readString(dir.resolve("ae").resolve("eval.json")), Files.readString(dir.resolve("e.json")),
                "eval of the final checkpoint repeats the score train printed");
    }

    @Test
    void reconstructWritesOriginalsAboveReconstructions() throws Exception {
        Path out = dir.resolve("rec.png");
        ok("reconstruct", "-c", ae.toString(), "--count", "10", "--columns", "5", "--scale", "1", "-o", out.toString());
        BufferedImage image = png(out);
        // 2 blocks of 5 columns, each an originals row and a reconstructions row: 4 rows of 28 px with margins.
        assertEquals(4 * 28 + 5 * 2, image.getHeight());
        assertEquals(5 * 28 + 6 * 2, image.getWidth());
    }

    @Test
    void encodeThenDecodeGivesTheReconstruction() throws Exception {
        Path codes = dir.resolve("codes.npy");
        ok("encode", "-c", ae.toString(), "--device", "cpu", "-o", codes.toString());
        NpyArray c = NpyReader.read(codes);
        assertArrayEquals(new int[] {400, 64}, c.shape());
        Path images = dir.resolve("images.npy");
        ok("decode", "-c", ae.toString(), "--codes", codes.toString(), "-o", images.toString(), "--png",
                dir.resolve("images.png").toString());
        NpyArray decoded = NpyReader.read(images);
        assertArrayEquals(new int[] {400, 1, 28, 28}, decoded.shape());
        png(dir.resolve("images.png"));
        try (TrainedModel m = TrainedModel.open(ae, "cpu", true, System.err)) {
            float[] test = DataSource.embedded().load(Split.TEST, m.spec().inputShape()).pixels();
            HostArray reconstructed = Inference.reconstruct(m.model(), test, m.spec().inputShape(), 400, 256);
            assertArrayEquals(reconstructed.values(), decoded.toFloatArray());
        }
    }

    @Test
    void decodeRefusesCodesOfAnotherShape() throws Exception {
        Path wrong = dir.resolve("wrong.npy");
        dev.engram.data.NpyWriter.writeFloat32(wrong, new int[] {3, 31}, new float[93]);
        CliRunner r = CliRunner.run("decode", "-c", ae.toString(), "--codes", wrong.toString());
        assertEquals(Main.FAILED, r.exitCode());
        assertTrue(r.err().contains("the model's codes are float32 [64] (64 values each): pass [N, 64]"), r.err());
        assertTrue(!r.err().contains("or [N"), r.err());
    }

    @Test
    void embedWritesVectorsLabelsCsvAndAScatterPlot() throws Exception {
        Path prefix = dir.resolve("emb");
        ok("embed", "-c", ae.toString(), "--csv", "-o", prefix.toString());
        assertArrayEquals(new int[] {400, 64}, NpyReader.read(dir.resolve("emb.npy")).shape());
        int[] labels = NpyReader.read(dir.resolve("emb-labels.npy")).toIntArray();
        assertEquals(EmbeddedData.fashionMnistSample().labels()[1600], labels[0]);
        String[] csv = Files.readString(dir.resolve("emb.csv")).split("\n");
        assertEquals(401, csv.length);
        assertTrue(csv[0].startsWith("label,z0,z1,"), csv[0]);
        png(dir.resolve("emb.png"));
    }

    @Test
    void denoiseShowsNoisyOutputAndClean() throws Exception {
        Path out = dir.resolve("den.png");
        ok("denoise", "-c", ae.toString(), "--noise", "salt-and-pepper:0.2", "--count", "4", "--scale", "1", "-o",
                out.toString());
        assertEquals(3 * 28 + 4 * 2, png(out).getHeight());
        CliRunner noNoise = CliRunner.run("denoise", "-c", ae.toString());
        assertEquals(Main.FAILED, noNoise.exitCode());
        assertTrue(noNoise.err().contains("say which noise to add with --noise"), noNoise.err());
        CliRunner badNoise = CliRunner.run("denoise", "-c", ae.toString(), "--noise", "pink:0.1");
        assertTrue(badNoise.err().contains("unknown kind 'pink'"), badNoise.err());
    }

    @Test
    void vaeSamplesAndInterpolates() throws Exception {
        Path samples = dir.resolve("samples.png");
        ok("sample", "-c", vae.toString(), "--count", "16", "--columns", "4", "--scale", "1", "-o", samples.toString());
        assertEquals(4 * 28 + 5 * 2, png(samples).getHeight());
        Path other = dir.resolve("samples2.png");
        ok("sample", "-c", vae.toString(), "--count", "16", "--columns", "4", "--scale", "1", "--seed", "7", "-o",
                other.toString());
        assertTrue(!Files.readString(samples, java.nio.charset.StandardCharsets.ISO_8859_1)
                .equals(Files.readString(other, java.nio.charset.StandardCharsets.ISO_8859_1)), "another seed, other samples");
        Path path = dir.resolve("interp.png");
        ok("interpolate", "-c", vae.toString(), "--pairs", "2", "--steps", "5", "--scale", "1", "-o", path.toString());
        BufferedImage image = png(path);
        assertEquals(7 * 28 + 8 * 2, image.getWidth());
        assertEquals(2 * 28 + 3 * 2, image.getHeight());
        CliRunner eval = ok("eval", "-c", vae.toString());
        assertTrue(eval.out().contains("neg_elbo"), eval.out());
        CliRunner notVae = CliRunner.run("sample", "-c", ae.toString());
        assertEquals(Main.FAILED, notVae.exitCode());
        assertTrue(notVae.err().contains("sample needs a variational autoencoder"), notVae.err());
    }

    @Test
    void resumeContinuesARunForMoreEpochs() throws Exception {
        Path run = dir.resolve("resumed");
        ok("train", "--model", "mnist-dense", "--epochs", "1", "-o", run.toString());
        CliRunner r = ok("train", "--resume", run.resolve("last.safetensors").toString(), "--epochs", "2");
        assertTrue(r.out().startsWith("resuming"), r.out());
        assertEquals(2, Files.readString(run.resolve("metrics.jsonl")).strip().split("\n").length);
    }

    @Test
    void mistakesAreOneLineWithAnExitCode() throws Exception {
        CliRunner missing = CliRunner.run("eval", "-c", dir.resolve("none.safetensors").toString());
        assertEquals(Main.FAILED, missing.exitCode());
        assertEquals("engram: no such file or folder: " + dir.resolve("none.safetensors"), missing.err().strip());
        CliRunner preset = CliRunner.run("train", "--model", "resnet", "-o", dir.resolve("x").toString());
        assertEquals(Main.FAILED, preset.exitCode());
        assertTrue(preset.err().contains("resnet") && preset.err().contains("mnist-conv"), preset.err());
        CliRunner shape = CliRunner.run("train", "--model", "conv-ae", "-o", dir.resolve("y").toString());
        assertEquals(Main.FAILED, shape.exitCode());
        assertTrue(shape.err().contains("holds 1x28x28 images but the model takes 3x32x32"), shape.err());
        Path corrupt = dir.resolve("corrupt.safetensors");
        byte[] bytes = Files.readAllBytes(ae);
        Files.write(corrupt, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        CliRunner truncated = CliRunner.run("reconstruct", "-c", corrupt.toString());
        assertEquals(Main.FAILED, truncated.exitCode());
        assertEquals(1, truncated.err().strip().lines().filter(l -> l.startsWith("engram:") && !l.contains("CPU backend")).count(),
                truncated.err());
        for (CliRunner r : new CliRunner[] {missing, preset, shape, truncated}) {
            assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
        }
    }
}
