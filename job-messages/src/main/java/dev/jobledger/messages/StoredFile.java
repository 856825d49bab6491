package dev.jobledger.messages;

/**
 * The input file of a job, as stored in the job file bucket.
 *
 * @param key the object key, made by the server; never derived from the client's file name alone
 * @param name the client's file name, kept as data only
 * @param url the object's location ({@code s3://bucket/key})
 * @param size the object's size in bytes
 * @param contentType the media type the client declared
 */
public record StoredFile(String key, String name, String url, long size, String contentType) {}
