/**
 * The ledger's message contract: commands (imperative), events (past tense), queries and the value types they
 * carry. Records and enums only, without framework dependencies, so that the command side, the query side and
 * the Lambda bridge can share them.
 *
 * <p>Published events are stored forever in the event store: never rename or remove one of their fields in place;
 * add an upcaster instead.
 */
package dev.jobledger.messages;
