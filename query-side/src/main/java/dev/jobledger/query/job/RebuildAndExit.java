package dev.jobledger.query.job;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.stereotype.Component;

/**
 * The operators' rebuild against a stopped service (docs/operations.md): started with
 * {@code jobledger.read-models.rebuild-and-exit=true}, the application rebuilds the read models, waits until they
 * have replayed every stored event, and exits with status 0.
 */
@Component
@ConditionalOnProperty("jobledger.read-models.rebuild-and-exit")
class RebuildAndExit implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(RebuildAndExit.class);

    private final ReadModelRebuild rebuild;
    private final ConfigurableApplicationContext context;

    RebuildAndExit(ReadModelRebuild rebuild, ConfigurableApplicationContext context) {
        this.rebuild = rebuild;
        this.context = context;
    }

    @Override
    public void run(ApplicationArguments args) throws InterruptedException {
        // Started with the application, the processors need a moment before a rebuild may reset them.
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!rebuild.settled()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The read models' processors did not start within 2 minutes");
            }
            Thread.sleep(100);
        }
        ReadModelRebuild.Progress progress = rebuild.start();
        long lastReport = 0;
        while (progress.state() != ReadModelRebuild.State.DONE) {
            Thread.sleep(200);
            progress = rebuild.progress();
            if (System.nanoTime() - lastReport > Duration.ofSeconds(5).toNanos()) {
                log.info(
                        "Rebuilding: {} of {} events, {} events/s",
                        progress.eventsReplayed(),
                        progress.eventsTotal(),
                        Math.round(progress.eventsPerSecond()));
                lastReport = System.nanoTime();
            }
        }
        log.info(
                "Read models rebuilt: {} events at {} events/s",
                progress.eventsTotal(),
                Math.round(progress.eventsPerSecond()));
        System.exit(SpringApplication.exit(context, () -> 0));
    }
}
