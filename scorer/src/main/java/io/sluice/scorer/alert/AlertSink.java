package io.sluice.scorer.alert;

import io.sluice.common.alert.AlertChange;
import java.util.List;
import reactor.core.publisher.Mono;

/** Where published alert changes go (Kafka {@code sluice.alerts}); completes once all are acknowledged. */
public interface AlertSink {

    Mono<Void> send(List<AlertChange> changes);
}
