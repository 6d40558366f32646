package io.sluice.gateway.web;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Request ids ({@code sluice.request-id.*}).
 *
 * @param trustIncoming keep an incoming {@code X-Request-Id} (set by a trusted proxy or load
 *                      balancer) instead of minting {@code req_…}, if it is 1–128 characters of
 *                      letters, digits and {@code . _ : -}. Default false: clients cannot choose ids.
 * @param accessLog     log one line per request (method, path, status, milliseconds) carrying
 *                      {@code request_id}. Default false (a line per request is a lot at high volume).
 */
@ConfigurationProperties("sluice.request-id")
public record RequestIdProperties(Boolean trustIncoming, Boolean accessLog) {

    public RequestIdProperties {
        trustIncoming = trustIncoming != null && trustIncoming;
        accessLog = accessLog != null && accessLog;
    }
}
