package dev.jobledger.query.live;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The live streams ({@code /api/jobs/stream}, {@code /api/jobs/{id}/stream}).
 *
 * @param pollInterval how often the {@code job} table is checked for changed rows
 * @param heartbeat the longest quiet time on a stream: a comment is sent then, so that proxies keep the connection
 *     and a gone client is noticed
 * @param streamTimeout a stream is closed after this long; the client reconnects with {@code Last-Event-ID}, which
 *     lets the load balancer spread long-lived connections again and bounds what one token can hold open
 * @param maxStreamsPerUser open streams of one user (a dashboard needs two: the list and a job); more are 429
 * @param maxStreams open streams of this instance in all
 */
@ConfigurationProperties("jobledger.live")
record LiveSettings(
        Duration pollInterval, Duration heartbeat, Duration streamTimeout, int maxStreamsPerUser, int maxStreams) {

    LiveSettings {
        pollInterval = pollInterval == null ? Duration.ofMillis(250) : pollInterval;
        heartbeat = heartbeat == null ? Duration.ofSeconds(15) : heartbeat;
        streamTimeout = streamTimeout == null ? Duration.ofMinutes(30) : streamTimeout;
        maxStreamsPerUser = maxStreamsPerUser <= 0 ? 6 : maxStreamsPerUser;
        maxStreams = maxStreams <= 0 ? 1000 : maxStreams;
    }
}
