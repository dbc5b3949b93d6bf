package dev.engram.peers;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxProtocolTest {
    @TempDir
    Path dir;

    @Test
    void aSeedFixesTheShuffleAndItIsAPermutation() {
        int[] a = identity(1000), b = identity(1000);
        IdxProtocol.shuffle(a, new Random(1));
        IdxProtocol.shuffle(b, new Random(1));
        assertArrayEquals(a, b);
        assertNotEquals(Arrays.toString(identity(1000)), Arrays.toString(a));
        Arrays.sort(a);
        assertArrayEquals(identity(1000), a);
    }

    @Test
    void testBatchesComeInFileOrderWithTheLastOneSmaller() {
        float[] pixels = new float[5 * 2 * 3];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = i / 30f;
        }
        IdxImages images = new IdxImages(5, 2, 3, pixels);
        List<float[]> seen = new ArrayList<>();
        List<String> shapes = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            IdxProtocol.forEachBatch(m, images, 2, x -> {
                shapes.add(x.getShape().toString());
                seen.add(x.toFloatArray());
            });
        }
        assertEquals(List.of("(2, 1, 2, 3)", "(2, 1, 2, 3)", "(1, 1, 2, 3)"), shapes);
        float[] all = new float[pixels.length];
        int at = 0;
        for (float[] batch : seen) {
            System.arraycopy(batch, 0, all, at, batch.length);
            at += batch.length;
        }
        assertArrayEquals(pixels, all);
    }

    @Test
    void theCommandLineAppendsOneResultsLinePerRun() throws IOException {
        Random r = new Random(2);
        for (String prefix : new String[] {"train", "t10k"}) {
            byte[] bytes = new byte[7 * 28 * 28];
            r.nextBytes(bytes);
            IdxImagesTest.write(dir.resolve(prefix + "-images-idx3-ubyte"), 0x0803, new int[] {7, 28, 28}, bytes);
        }
        Path out = dir.resolve("results/ae.jsonl");
        String[] args = {"--data", dir.toString(), "--dataset", "noise", "--epochs", "1", "--seed", "4", "--out", out.toString()};
        AeTrainer.main(args);
        AeTrainer.main(args);
        List<String> lines = Files.readAllLines(out);
        assertEquals(2, lines.size());
        for (String line : lines) {
            assertTrue(line.startsWith("{\"date\": ") && line.contains("\"model\": \"dense-ae\", \"dataset\": \"noise\", \"seed\": 4, "
                    + "\"epochs\": 1, \"batch\": 256, \"steps\": 1, ") && line.contains("\"test_mse\": ")
                    && line.contains("\"load_average\": "), line);
        }
    }

    @Test
    void theCommandLineRefusesMissingOptionsWithItsUsage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AeTrainer.main(new String[] {"--data", dir.toString(), "--dataset", "x", "--epochs", "1"}));
        assertTrue(e.getMessage().contains("missing --seed") && e.getMessage().contains("usage: AeTrainer"), e.getMessage());
        IllegalArgumentException odd = assertThrows(IllegalArgumentException.class,
                () -> ElboTrainer.main(new String[] {"--data", dir.toString(), "--epochs"}));
        assertTrue(odd.getMessage().contains("'--epochs'") && odd.getMessage().contains("usage: ElboTrainer"), odd.getMessage());
    }

    private static int[] identity(int n) {
        int[] v = new int[n];
        Arrays.setAll(v, i -> i);
        return v;
    }
}
