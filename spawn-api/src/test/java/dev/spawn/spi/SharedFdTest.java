package dev.spawn.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SharedFdTest {

    @Test
    void closeWaitsForTheLastUser() {
        List<Integer> closed = new ArrayList<>();
        SharedFd fd = new SharedFd(7, closed::add);
        assertEquals(7, fd.acquire());
        fd.close();
        assertTrue(fd.isClosed());
        assertTrue(closed.isEmpty(), "closed while in use");
        assertThrows(IllegalStateException.class, fd::acquire);
        assertEquals(-1, fd.tryAcquire(), "closed is a value for tryAcquire, not an exception");
        fd.release();
        assertEquals(List.of(7), closed);
        fd.close();
        assertEquals(List.of(7), closed, "closed twice");
    }

    @Test
    void closesExactlyOnceUnderContention() throws InterruptedException {
        for (int round = 0; round < 200; round++) {
            AtomicInteger closes = new AtomicInteger();
            SharedFd fd = new SharedFd(3, n -> closes.incrementAndGet());
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread thread = new Thread(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < 100; i++) {
                            fd.acquire();
                            fd.release();
                        }
                    } catch (IllegalStateException | InterruptedException expectedAfterClose) {
                        // a use that starts after close is refused, as it must be
                    }
                });
                thread.start();
                threads.add(thread);
            }
            start.countDown();
            fd.close();
            for (Thread thread : threads) {
                thread.join();
            }
            assertEquals(1, closes.get());
        }
    }

    @Test
    void negativeFdIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new SharedFd(-1, n -> { }));
    }
}
