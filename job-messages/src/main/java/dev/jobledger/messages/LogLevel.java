package dev.jobledger.messages;

/** Severity of a job log entry. */
public enum LogLevel {
    DEBUG,
    INFO,
    WARNING,
    ERROR
}
