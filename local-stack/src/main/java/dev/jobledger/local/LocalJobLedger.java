package dev.jobledger.local;

import dev.jobledger.JobLedgerApplication;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.SpringApplication;

/**
 * Starts the whole service on one machine: an embedded PostgreSQL whose data lives in a directory that survives
 * restarts, then the service itself with the {@code local} profile. Nothing here is part of the production artifact.
 */
public final class LocalJobLedger {

    private LocalJobLedger() {}

    public static void main(String[] args) throws IOException {
        Path dataDir = Path.of(env("JOBLEDGER_LOCAL_DATA", ".local-data")).toAbsolutePath();
        int pgPort = Integer.parseInt(env("JOBLEDGER_LOCAL_PG_PORT", "54329"));
        Path pgData = dataDir.resolve("postgres");
        Files.createDirectories(pgData);

        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(pgData)
                .setCleanDataDirectory(false)
                .setPort(pgPort)
                .setPGStartupWait(Duration.ofMinutes(1))
                .start();

        String jdbcUrl = "jdbc:postgresql://localhost:" + pgPort + "/postgres";
        SpringApplication app = new SpringApplication(JobLedgerApplication.class);
        app.setAdditionalProfiles("local");
        // Defaults only: the same variables set in the environment still win.
        app.setDefaultProperties(Map.of(
                "JOBLEDGER_DATABASE_URL", jdbcUrl,
                "JOBLEDGER_DATABASE_USERNAME", "postgres",
                "JOBLEDGER_DATABASE_PASSWORD", ""));
        app.addListeners(event -> {
            if (event instanceof org.springframework.context.event.ContextClosedEvent) {
                closeQuietly(postgres);
            }
        });
        app.run(args);
    }

    private static void closeQuietly(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException e) {
            System.err.println("Could not stop the embedded PostgreSQL cleanly: " + e.getMessage());
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
