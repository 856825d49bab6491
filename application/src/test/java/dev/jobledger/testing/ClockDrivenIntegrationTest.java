package dev.jobledger.testing;

import dev.jobledger.standins.LocalSqs;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The whole service for tests about time (the attempt lease, the stalled-job wait): its {@link java.time.Clock} is a
 * {@link TestClock} the test moves forward, so that nothing waits for real time and a slow machine changes nothing.
 *
 * <p>A context of its own, on a database and queue of its own ({@link TestStack#registerIsolated}): with the shared
 * ledger's jobs in reach, a clock moved forward here would decide about them too. Its subclasses share this one
 * context; each test starts at real time.
 */
@Import(ClockDrivenIntegrationTest.MovableClock.class)
// The watcher would act on its own at its next check once the clock is past its wait, behind the test's back; the
// tests ask for a check through the admin endpoint, when they mean it.
@TestPropertySource(properties = "jobledger.stalled-jobs.enabled=false")
public abstract class ClockDrivenIntegrationTest extends ServiceOverHttp {

    private static final String STACK = "clock-driven";

    @Autowired
    protected TestClock clock;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestStack.registerIsolated(registry, STACK);
    }

    @BeforeEach
    void startAtRealTime() {
        clock.reset();
    }

    /** The job queue this service sends to, for {@link JobQueue#awaitMessages(LocalSqs.QueuePair, String, int)}. */
    protected static LocalSqs.QueuePair jobQueue() {
        return TestStack.queues(STACK);
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class MovableClock {

        // Primary over the service's system clock, whichever of the two is registered first.
        @Bean
        @Primary
        TestClock testClock() {
            return new TestClock();
        }
    }
}
