package dev.jobledger.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.springframework.boot.SpringApplication;
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

    /**
     * A database of its own on the same server, created on first use: for a Spring context that must not share the
     * ledger of the others (two contexts on one database are two ledgers racing on the same jobs).
     */
    public static synchronized Connection database(String name) {
        Connection server = get();
        try (java.sql.Connection admin =
                        DriverManager.getConnection(server.jdbcUrl(), server.username(), server.password());
                PreparedStatement exists = admin.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, name);
            try (ResultSet found = exists.executeQuery()) {
                if (!found.next()) {
                    try (Statement create = admin.createStatement()) {
                        create.execute("CREATE DATABASE \"" + name + "\"");
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create the test database " + name, e);
        }
        String url = server.jdbcUrl().replaceFirst("^(jdbc:postgresql://[^/]+/)[^?]*", "$1" + name);
        return new Connection(url, server.username(), server.password());
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
            // Stopped at exit once the Spring contexts are closed, not in the library's own shutdown hook: the JVM
            // runs its hooks side by side, and contexts that closed after the server had stopped waited for their
            // connection pools to give up on it (Surefire then killed the JVM 30 s after its exit).
            EmbeddedPostgres postgres =
                    EmbeddedPostgres.builder().setRegisterShutdownHook(false).start();
            SpringApplication.getShutdownHandlers().add(() -> {
                try {
                    postgres.close();
                } catch (IOException e) {
                    System.err.println("Could not stop the embedded PostgreSQL: " + e);
                }
            });
            return new Connection(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL", e);
        }
    }
}
