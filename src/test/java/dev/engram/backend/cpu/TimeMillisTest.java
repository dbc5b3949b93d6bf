package dev.engram.backend.cpu;

import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CPU backend's timeMillis runs the work once and counts all of it on the host clock. */
class TimeMillisTest {
    @Test
    void runsTheWorkOnceAndCountsAllOfIt() {
        int[] runs = {0};
        double ms = TestBackends.cpu().timeMillis(() -> {
            runs[0]++;
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertEquals(1, runs[0]);
        assertTrue(ms >= 25, "a 30 ms sleep timed as " + ms + " ms"); // timers may round a sleep down a little
    }
}
