package io.sluice.gateway.alert;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The alert stream ({@code sluice.stream.*}).
 *
 * @param keepAlive    a comment line is sent this often so proxies keep the connection. Default 15s.
 * @param retry        the {@code retry:} hint sent to clients for reconnecting. Default 3s.
 * @param clientBuffer events held for a client that reads too slowly; beyond it the client gets a
 *                     final {@code stream.evicted} event and is disconnected. Default 1000.
 * @param poll         the change log is also polled this often, in case a notification is
 *                     lost. Default 1s.
 * @param maxReplay    most events replayed on one resume; a client further behind gets a
 *                     {@code stream.reset} event and should re-read {@code GET /v1/alerts}.
 *                     Default 100000.
 */
@Validated
@ConfigurationProperties("sluice.stream")
public record StreamProperties(Duration keepAlive, Duration retry, @Min(1) Integer clientBuffer, Duration poll,
        @Min(1) Integer maxReplay) {

    public StreamProperties {
        keepAlive = keepAlive == null ? Duration.ofSeconds(15) : keepAlive;
        retry = retry == null ? Duration.ofSeconds(3) : retry;
        clientBuffer = clientBuffer == null ? 1000 : clientBuffer;
        poll = poll == null ? Duration.ofSeconds(1) : poll;
        maxReplay = maxReplay == null ? 100_000 : maxReplay;
    }
}
