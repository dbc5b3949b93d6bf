package dev.engram.peers;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ElboTrainerTest {
    @Test
    void aRunReportsTheNegativeElboAsTheSumOfItsTerms() {
        Random r = new Random(3);
        Map<String, Object> line = ElboTrainer.run("noise", noise(130, r), noise(9, r), 1, 1);  // batches of 128 and 2
        assertEquals("conv-vae", line.get("model"));
        assertEquals(2, line.get("steps"));
        assertEquals(128, line.get("batch"));
        double rec = (Double) line.get("test_reconstruction"), kl = (Double) line.get("test_kl");
        // BCE of pixels in [0, 1] is at least 0 (summed over 784 pixels, near 784 ln 2 untrained); KL >= 0
        assertTrue(rec > 100 && rec < 1000 && kl >= 0, "reconstruction " + rec + ", KL " + kl);
        assertEquals(rec + kl, (Double) line.get("test_neg_elbo"), 1e-9 * (rec + kl));
    }

    private static IdxImages noise(int count, Random r) {
        float[] pixels = new float[count * 28 * 28];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = r.nextFloat();
        }
        return new IdxImages(count, 28, 28, pixels);
    }
}
