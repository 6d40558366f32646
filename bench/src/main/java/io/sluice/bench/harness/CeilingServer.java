package io.sluice.bench.harness;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.sluice.gateway.kafka.KafkaProducerEventPublisher;
import io.sluice.gateway.kafka.KafkaProperties;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The ceiling the gateway is measured against: the least code that takes an HTTP request body and
 * produces it, unparsed, as one Kafka record with the gateway's producer settings, answering once
 * Kafka acknowledged it. No authentication, no validation, no JSON. Whatever the gateway does
 * beyond this costs the difference between the two. {@code CeilingServer <bootstrap> <topic> <port>}.
 */
public final class CeilingServer {

    static final String READY = "SLUICE-BENCH-CEILING-READY";
    private static final byte[] OK = "{\"ok\":true}".getBytes(StandardCharsets.US_ASCII);

    private CeilingServer() {
    }

    /** The gateway's own producer settings with its defaults, under another client id. */
    static Map<String, Object> producerConfig(String bootstrap) {
        return KafkaProducerEventPublisher.producerConfig(new KafkaProperties(bootstrap, null, null, null, null, null,
                null, null, null, Map.of(ProducerConfig.CLIENT_ID_CONFIG, "sluice-bench-ceiling"), null, null, null));
    }

    /** As the gateway does at startup: with max.block.ms 0 a send fails until the topic is known. */
    static void awaitMetadata(KafkaProducer<byte[], byte[]> producer, String topic) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                producer.partitionsFor(topic);
                return;
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
            }
        }
    }

    public static void main(String[] args) {
        String topic = args[1];
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig(args[0]), new ByteArraySerializer(),
                new ByteArraySerializer());
        awaitMetadata(producer, topic);
        DisposableServer server = HttpServer.create()
                .host("127.0.0.1")
                .port(Integer.parseInt(args[2]))
                .handle((req, res) -> req.receive().aggregate().asByteArray()
                        .flatMap(body -> Mono.<Void>create(sink -> producer.send(new ProducerRecord<>(topic, body),
                                (meta, error) -> {
                                    if (error != null) {
                                        sink.error(error);
                                    } else {
                                        sink.success();
                                    }
                                })))
                        .then(res.status(HttpResponseStatus.OK).header("Content-Type", "application/json")
                                .sendByteArray(Mono.just(OK)).then())
                        .onErrorResume(e -> res.status(HttpResponseStatus.SERVICE_UNAVAILABLE).send()))
                .bindNow();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.disposeNow();
            producer.close();
        }, "ceiling-stop"));
        System.out.println(READY + " " + server.port());
        System.out.flush();
        server.onDispose().block();
    }
}
