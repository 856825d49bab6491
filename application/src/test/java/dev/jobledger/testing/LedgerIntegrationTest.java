package dev.jobledger.testing;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole service on the test run's shared stand-ins (one PostgreSQL database, one job queue), with the system
 * clock. Every subclass with no properties of its own shares one Spring context, and so one ledger.
 *
 * <p>The attempt lease keeps its production default (16 minutes): a start repeated within a test is well inside it
 * however slow the machine, so a duplicate is answered SKIP, never taken for an abandoned attempt. Tests about the
 * lease move the service's clock instead ({@link ClockDrivenIntegrationTest}).
 */
public abstract class LedgerIntegrationTest extends ServiceOverHttp {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestStack.register(registry);
    }
}
