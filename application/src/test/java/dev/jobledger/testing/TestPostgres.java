package dev.jobledger.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * The one PostgreSQL of a test run: a Testcontainers container where a Docker engine answers, an embedded
 * PostgreSQL (real server binaries from Maven Central) otherwise. Started once per JVM, stopped at exit.
 */
public final class TestPostgres {

    /** How to reach the server. */
    public record Connection(String jdbcUrl, String username, String password) {}

    private static Connection connection;

    private TestPostgres() {}

    public static synchronized Connection get() {
        if (connection == null) {
            connection = dockerAvailable() ? startContainer() : startEmbedded();
        }
        return connection;
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException noDocker) {
            return false;
        }
    }

    @SuppressWarnings("resource") // stopped by Testcontainers' reaper at exit
    private static Connection startContainer() {
        PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:17-alpine");
        container.start();
        return new Connection(container.getJdbcUrl(), container.getUsername(), container.getPassword());
    }

    private static Connection startEmbedded() {
        try {
            // The library stops the server in a shutdown hook of its own.
            EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
            return new Connection(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL", e);
        }
    }
}
