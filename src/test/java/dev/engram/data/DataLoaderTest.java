package dev.engram.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataLoaderTest {
    private static final int PER_IMAGE = 2 * 3;

    /** n images of 1x2x3 whose pixels encode the image index, labelled index % 4. */
    static ImageSet numbered(int n) {
        float[] pixels = new float[n * PER_IMAGE];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < PER_IMAGE; k++) {
                pixels[i * PER_IMAGE + k] = (i * PER_IMAGE + k) / (float) (n * PER_IMAGE);
            }
            labels[i] = i % 4;
        }
        return new ImageSet("numbered", 1, 2, 3, pixels, labels, List.of());
    }

    /** Reads a whole epoch, checking each batch's pixels and labels against the images it claims. */
    private static List<Integer> drain(DataLoader loader, int epoch, List<Integer> counts) {
        ImageSet set = loader.imageSet();
        List<Integer> seen = new ArrayList<>();
        try (DataLoader.Epoch e = loader.epoch(epoch)) {
            int expectedIndex = 0;
            for (DataLoader.Batch b = e.next(); b != null; b = e.next()) {
                assertEquals(expectedIndex++, b.index());
                counts.add(b.count());
                for (int k = 0; k < b.count(); k++) {
                    int image = Math.round(b.pixels()[k * PER_IMAGE] * set.size() * PER_IMAGE) / PER_IMAGE;
                    assertArrayEquals(Arrays.copyOfRange(set.pixels(), image * PER_IMAGE, (image + 1) * PER_IMAGE),
                            Arrays.copyOfRange(b.pixels(), k * PER_IMAGE, (k + 1) * PER_IMAGE));
                    assertEquals(set.labels()[image], b.labels()[k]);
                    seen.add(image);
                }
            }
            assertNull(e.next(), "an ended epoch stays ended");
        }
        return seen;
    }

    @Test
    void anUnshuffledEpochVisitsEveryImageInOrderWithAPartialLastBatch() {
        DataLoader loader = new DataLoader(numbered(10), 4, false, false, 1);
        assertEquals(3, loader.batchesPerEpoch());
        assertEquals(10, loader.imagesPerEpoch());
        List<Integer> counts = new ArrayList<>();
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), drain(loader, 0, counts));
        assertEquals(List.of(4, 4, 2), counts);
    }

    @Test
    void dropLastLeavesOutThePartialBatch() {
        DataLoader loader = new DataLoader(numbered(10), 4, true, true, 1);
        assertEquals(2, loader.batchesPerEpoch());
        assertEquals(8, loader.imagesPerEpoch());
        List<Integer> counts = new ArrayList<>();
        List<Integer> seen = drain(loader, 3, counts);
        assertEquals(List.of(4, 4), counts);
        assertEquals(8, seen.stream().distinct().count());
        int[] order = loader.order(3);
        for (int i = 0; i < 8; i++) {
            assertEquals(order[i], seen.get(i));
        }
    }

    @Test
    void theShuffledOrderIsAPermutationAndAPureFunctionOfSeedAndEpoch() {
        DataLoader a = new DataLoader(numbered(37), 5, true, false, 42);
        DataLoader b = new DataLoader(numbered(37), 5, true, false, 42);
        for (int epoch = 0; epoch < 4; epoch++) {
            int[] order = a.order(epoch);
            int[] sorted = order.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < 37; i++) {
                assertEquals(i, sorted[i]);
            }
            assertArrayEquals(order, b.order(epoch), "a fresh loader repeats epoch " + epoch);
            List<Integer> batches = drain(a, epoch, new ArrayList<>());
            assertEquals(Arrays.stream(order).boxed().toList(), batches, "the thread delivers the epoch's order");
        }
        assertFalse(Arrays.equals(a.order(0), a.order(1)), "epochs differ");
        assertFalse(Arrays.equals(a.order(0), new DataLoader(numbered(37), 5, true, false, 43).order(0)), "seeds differ");
    }

    @Test
    void everyPositionIsEquallyLikelyForEveryImage() {
        // 5 images, 20,000 epochs: each image lands first about 4,000 times (sd 57); 4 sd of slack.
        DataLoader loader = new DataLoader(numbered(5), 5, true, false, 7);
        int[][] counts = new int[5][5];
        for (int epoch = 0; epoch < 20_000; epoch++) {
            int[] order = loader.order(epoch);
            for (int pos = 0; pos < 5; pos++) {
                counts[order[pos]][pos]++;
            }
        }
        for (int[] row : counts) {
            for (int c : row) {
                assertTrue(Math.abs(c - 4000) < 230, "position counts " + Arrays.deepToString(counts));
            }
        }
    }

    @Test
    void aSubsetLoaderVisitsOnlyItsIndices() {
        int[] subset = {9, 2, 5, 7};
        DataLoader loader = new DataLoader(numbered(10), 3, true, false, 5, subset);
        List<Integer> seen = drain(loader, 1, new ArrayList<>());
        assertEquals(List.of(2, 5, 7, 9), seen.stream().sorted().toList());
        subset[0] = 0;
        assertEquals(List.of(2, 5, 7, 9), drain(loader, 1, new ArrayList<>()).stream().sorted().toList(),
                "the loader copied its indices");
    }

    @Test
    void theTrainValidationSplitPartitionsTheImagesReproducibly() {
        int[][] split = DataLoader.trainValidationSplit(50, 0.2, 9);
        assertEquals(40, split[0].length);
        assertEquals(10, split[1].length);
        int[] all = new int[50];
        System.arraycopy(split[0], 0, all, 0, 40);
        System.arraycopy(split[1], 0, all, 40, 10);
        int[] sortedAll = all.clone();
        Arrays.sort(sortedAll);
        for (int i = 0; i < 50; i++) {
            assertEquals(i, sortedAll[i], "every image lands in exactly one part");
        }
        int[] sortedVal = split[1].clone();
        Arrays.sort(sortedVal);
        assertArrayEquals(sortedVal, split[1], "ascending");
        assertFalse(Arrays.equals(new int[] {40, 41, 42, 43, 44, 45, 46, 47, 48, 49}, split[1]), "drawn at random");
        assertArrayEquals(split[1], DataLoader.trainValidationSplit(50, 0.2, 9)[1]);
        assertFalse(Arrays.equals(split[1], DataLoader.trainValidationSplit(50, 0.2, 10)[1]));
        assertEquals(1, DataLoader.trainValidationSplit(3, 0.01, 9)[1].length, "a positive fraction holds out one at least");
        assertEquals(0, DataLoader.trainValidationSplit(3, 0, 9)[1].length);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DataLoader.trainValidationSplit(1, 0.5, 9))
                .getMessage().contains("1 images leave none for training"));
    }

    @Test
    void anExceptionInTheLoaderThreadSurfacesInTheConsumer() {
        DataLoader loader = new DataLoader(numbered(10), 2, false, false, 1);
        RuntimeException boom = new RuntimeException("disk went away");
        loader.setFillHook(b -> {
            if (b.index() == 2) {
                throw boom;
            }
        });
        try (DataLoader.Epoch e = loader.epoch(0)) {
            assertEquals(0, e.next().index());
            assertEquals(1, e.next().index());
            IllegalStateException thrown = assertThrows(IllegalStateException.class, e::next);
            assertSame(boom, thrown.getCause());
            assertTrue(thrown.getMessage().contains("disk went away"), thrown.getMessage());
            assertNull(e.next());
        }
    }

    @Test
    void closingMidEpochStopsTheThread() throws InterruptedException {
        DataLoader loader = new DataLoader(numbered(40), 2, true, false, 1);
        List<Thread> started = new ArrayList<>();
        loader.setFillHook(b -> {
            synchronized (started) {
                if (!started.contains(Thread.currentThread())) {
                    started.add(Thread.currentThread());
                }
            }
        });
        DataLoader.Epoch e = loader.epoch(0);
        e.next();
        Thread.sleep(50); // the thread has filled its queue and waits for a free buffer
        e.close();
        synchronized (started) {
            assertEquals(1, started.size());
            assertFalse(started.get(0).isAlive());
        }
        assertNull(e.next());
    }

    @Test
    void badArgumentsAreRefusedWithTheirValues() {
        ImageSet set = numbered(10);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DataLoader(set, 0, false, false, 1))
                .getMessage().contains("batch size is 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DataLoader(set, 2, false, false, 1, new int[] {3, 10}))
                .getMessage().contains("index 10 is outside 0..9"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DataLoader(set, 20, false, true, 1))
                .getMessage().contains("10 images of numbered"));
        assertThrows(IllegalArgumentException.class, () -> new DataLoader(null, 2, false, false, 1));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DataLoader(set, 2, false, false, 1).order(-1))
                .getMessage().contains("epoch is -1"));
    }
}
