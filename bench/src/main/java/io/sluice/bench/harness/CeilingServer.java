package io.sluice.bench.harness;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
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

    /** The gateway's producer defaults (see KafkaProducerEventPublisher and docs/configuration.md). */
    static Map<String, Object> producerConfig(String bootstrap) {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        c.put(ProducerConfig.BATCH_SIZE_CONFIG, 262_144);
        c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_048_576);
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5_000);
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 4_895);
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 0);
        c.put(ProducerConfig.METADATA_MAX_IDLE_CONFIG, java.time.Duration.ofDays(3650).toMillis());
        c.put(ProducerConfig.CLIENT_ID_CONFIG, "sluice-bench-ceiling");
        return c;
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
